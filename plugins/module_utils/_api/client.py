# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``WhatsminerClient``: the one object modules, plugins and tools use to talk to a miner.

It holds what one miner needs across calls (address, password, deadlines, the token
cache: by default the store every process of the controller user shares, see
``tokenstore.py``) and hands every request to a protocol object (``ApiV2`` today), which owns the
command table, validation before sending, plaintext or encrypted envelopes, and which
writes may never answer. A second API version slots in as a second protocol object.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv2 import ApiV2, image_source
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import DecryptionFailed, InvalidParameter
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokenstore import default_token_cache

DEFAULT_PORT = 4028
DEFAULT_TIMEOUT = 10.0
MIN_ARCHIVE_TIMEOUT = 120.0


class WhatsminerClient:
    """A client for one miner. Cheap to create; holds no connection between calls.

    ``timeout`` is the one deadline of a request (connect, send, receive); connecting may
    take at most ``connect_timeout`` of it (default: all of it).
    ``token_cache`` None means the default cache: the on-disk store shared by every task,
    fork and run of this controller user (an in-process cache in front), so a play, and a
    re-run of it, never exhausts the miner's 32 tokens; ``MINEROPS_WHATSMINER_TOKEN_CACHE=off``
    keeps tokens in this process only (``tokenstore.token_cache_from_settings``).
    """

    def __init__(self, host, port=DEFAULT_PORT, password='admin', timeout=DEFAULT_TIMEOUT, connect_timeout=None,
                 token_cache=None, max_reply_bytes=transport.MAX_REPLY_BYTES, protocol=None):
        if not isinstance(password, str):
            raise InvalidParameter('password must be a string', host, port)
        self.host = host
        self.port = port
        self._password = password
        self.timeout = timeout
        self.connect_timeout = timeout if connect_timeout is None else connect_timeout
        self.token_cache = default_token_cache() if token_cache is None else token_cache
        self.protocol = protocol or ApiV2(host, port, self.connect_timeout, timeout, self.token_cache, max_reply_bytes)

    @property
    def password(self):
        return self._password

    def __repr__(self):
        return 'WhatsminerClient(%s:%s)' % (self.host, self.port)

    # --- reads ---------------------------------------------------------------------

    def read(self, command, encrypted=False, **params):
        """One read command (e.g. "summary"), validated by the protocol; plaintext unless ``encrypted``."""
        return self.protocol.read(command, params, self._password if encrypted else None)

    def read_joined(self, names=('summary', 'pools', 'edevs'), partial=False):
        """One joined plaintext read ("summary+pools+edevs"): ``{name: Reply}``.

        With ``partial``, returns ``(replies, failures)`` so that one failing part (a
        deprecated ``devdetails``, "No devices" while mining is off) does not cost the rest.
        """
        return self.protocol.read_joined(names, partial=partial)

    # --- writes --------------------------------------------------------------------

    def write(self, command, **params):
        """A validated, encrypted write with a reused token.

        Returns None when the command may legitimately not answer (reboot, power mode
        switches, power_off, restart_btminer, net_config, factory_reset, set_target_freq,
        adjust_power_limit) and the miner sent nothing: the caller must confirm the
        result by reading state afterwards.
        """
        return self.protocol.write(command, params, self._password)

    def call(self, command, params=None, encrypted=None):
        """The raw escape hatch: send ``command`` with ``params`` as given (no validation).

        Joined reads are allowed. Known write commands always go encrypted; reads go in
        plaintext unless ``encrypted`` is True; unknown commands go encrypted only when
        ``encrypted`` is True.
        """
        return self.protocol.call(command, params, encrypted, self._password)

    # --- binary flows ---------------------------------------------------------------

    def update_firmware(self, stream_or_path, size=None):
        """Upload a firmware image (path or binary file object) after the miner says "ready".

        Raises ``OutcomeUnknown`` for any failure once the image started to flow: read the
        firmware version (``get_version`` fw_ver) to learn what happened.
        """
        stream, size, opened = image_source(stream_or_path, size)
        try:
            return self.protocol.update_firmware(self._password, stream, size)
        finally:
            if opened:
                stream.close()

    def download_logs(self, dest_stream, max_bytes=transport.MAX_ARCHIVE_BYTES, timeout=None):
        """Write the miner's log archive to ``dest_stream``; return the bytes written.

        ``timeout`` is the overall deadline for the archive (default: the larger of the
        client timeout and 120 s). Raises ``LogArchiveTruncated`` when fewer bytes than the
        header announced arrive.
        """
        if timeout is None:
            timeout = max(self.timeout, MIN_ARCHIVE_TIMEOUT)
        return self.protocol.download_logs(self._password, dest_stream, max_bytes, timeout)

    # --- password ---------------------------------------------------------------------

    def update_password(self, new):
        """Change the admin password; drops cached tokens and switches this client to ``new``."""
        reply = self.write('update_pwd', old=self._password, new=new)
        self.protocol.forget_tokens()
        self._password = new
        return reply

    def check_password(self):
        """True when an encrypted ``status`` read works; False when the miner cannot decrypt (Code 23).

        Other failures raise: ``PrivilegedNoReply`` (some firmware stays silent on a wrong
        password), ``WriteAccessDisabled``, transport errors.
        """
        try:
            self.read('status', encrypted=True)
        except DecryptionFailed:
            return False
        return True

    # --- typed read helpers -------------------------------------------------------

    def summary(self):
        return self.read('summary')

    def pools(self):
        return self.read('pools')

    def edevs(self):
        return self.read('edevs')

    def devs(self):
        return self.read('devs')

    def devdetails(self):
        return self.read('devdetails')

    def get_psu(self):
        return self.read('get_psu')

    def get_version(self):
        return self.read('get_version')

    def get_token(self):
        """A plaintext get_token reply (does not touch the token cache)."""
        return self.read('get_token')

    def status(self):
        return self.read('status')

    def get_miner_info(self, info=None):
        """``info``: list (or comma string) of fields; None asks for all of them."""
        return self.read('get_miner_info', info=info)

    def get_error_code(self):
        return self.read('get_error_code')
