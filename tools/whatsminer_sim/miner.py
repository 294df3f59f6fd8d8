# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One simulated miner: turns a request into an :class:`~whatsminer_sim.outcome.Outcome`.

The order of checks follows a real miner: plaintext writes are refused (45);
encrypted requests are decrypted with the CURRENT password (else 23, or silence),
their token must be live for the sending IP (else 135), writes need write access
("can't access write cmd"); then the handler runs. Those refusals come back in
plaintext; a handler's own reply to an encrypted request comes back encrypted.
"""

from __future__ import annotations

import base64
import binascii
import json

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto

from whatsminer_sim import envelopes as env
from whatsminer_sim import faults as fault_text
from whatsminer_sim import flashing
from whatsminer_sim import outcome as out
from whatsminer_sim.auth import Keys, TokenBook
from whatsminer_sim.binary_flows import log_archive
from whatsminer_sim.models import DEFAULT_API_VERSION, DEFAULT_FIRMWARE, DEFAULT_MODEL
from whatsminer_sim.reads import JOINABLE, READS, format_stamp, joined
from whatsminer_sim.state import DEFAULT_PREHEAT_SECONDS, DEFAULT_RESTART_SECONDS, MinerState
from whatsminer_sim.v3.auth import ACCOUNTS, salt_for
from whatsminer_sim.writes import WRITES, ParamError, loggable_params

DEFAULT_V3_PORT = 4433
DEFAULT_V3_API = '3.0.2'
DEFAULT_V3_FIRMWARE = '20250915.16.Rel2'
#: what the reduced v2 of v3 firmware answers to a write (on 4028 writes need API v3)
V2_WRITES_OFF = "can't access write cmd: use API v3"

_FLOAT_COMMANDS = ('summary', 'edevs', 'devs')


class Miner:
    """State, tokens, faults and the write log of one miner; ``handle`` is its API.

    Firmware uploads leave two records: ``uploads``, the size of every image received
    whole (accepted or refused), and ``upload_log``, one
    :class:`~whatsminer_sim.flashing.UploadRecord` per upload that started to flow (also
    the ones cut short), with its SHA-256 and outcome. Both empty: nothing was uploaded.
    A firmware reboot keeps the port closed for ``flash_seconds + reboot_seconds``.
    """

    def __init__(self, address, port, clock, password='admin', firmware=DEFAULT_FIRMWARE, model=DEFAULT_MODEL,
                 write_access=True, faults=(), api_version=DEFAULT_API_VERSION, reboot_seconds=5.0,
                 idle_timeout=10.0, restart_seconds=DEFAULT_RESTART_SECONDS, preheat_seconds=DEFAULT_PREHEAT_SECONDS,
                 slow_reply_seconds=fault_text.DEFAULT_SLOW_REPLY_SECONDS, quote_firmware=False, platform=None,
                 flash_seconds=0.0, api='v2', v3_port=DEFAULT_V3_PORT, v3_password=None, v3_api=DEFAULT_V3_API,
                 v3_ts_window=None):
        if api not in ('v2', 'v3'):
            raise ValueError('api must be v2 or v3, got %r' % (api,))
        if api == 'v3' and firmware == DEFAULT_FIRMWARE:
            firmware = DEFAULT_V3_FIRMWARE
        self.address = address
        self.port = port
        self.clock = clock
        # API v3 (current firmware): its own port beside the reduced v2 on ``port``
        self.api = api
        self.v3_port = v3_port
        self.v3_api = v3_api
        self.v3_salt = salt_for(address)
        self.v3_passwords = dict((account, account) for account in ACCOUNTS)
        if v3_password is not None:
            self.v3_passwords['super'] = v3_password
        self.v3_ts_window = v3_ts_window
        self.state = MinerState(address, model=model, firmware=firmware, password=password,
                                write_access=write_access, api_version=api_version, now=clock.now(),
                                restart_seconds=restart_seconds, preheat_seconds=preheat_seconds, platform=platform)
        self.tokens = TokenBook()
        self.write_log = []
        self.reboot_seconds = reboot_seconds
        self.flash_seconds = flash_seconds
        self.idle_timeout = idle_timeout
        self.quote_firmware = quote_firmware
        self.default_slow_reply_seconds = slow_reply_seconds
        self.slow_reply_seconds = slow_reply_seconds
        self.listener = None
        self.pending_firmware = None    # (version, error code or None) to boot into after a firmware reboot
        self.pending_settings_reset = False   # fault upgrade_resets_settings: defaults after that reboot
        self.uploads = []
        self.upload_log = []
        self.bad_firmware_code = fault_text.DEFAULT_BAD_FIRMWARE_CODE
        self._keys = None
        self.faults = frozenset()
        self.fault_options = {}
        self.set_faults(*faults)

    def __repr__(self):
        return 'Miner(%s:%d)' % (self.address, self.port)

    # -- faults ---------------------------------------------------------------------

    def set_faults(self, *names):
        """Replace the active faults (names from ``whatsminer_sim.faults.FAULTS``)."""
        active, options = fault_text.parse_faults(names)
        self.slow_reply_seconds = options.get('slow_reply_seconds', self.default_slow_reply_seconds)
        self.bad_firmware_code = options.get('bad_firmware_code', fault_text.DEFAULT_BAD_FIRMWARE_CODE)
        self.fault_options = options
        if 'json_cut_error_list' in active:
            self.state.errors.update(fault_text.long_error_list(format_stamp(self.clock.now())))
        self.faults = active

    def clear_faults(self):
        self.faults = frozenset()
        self.fault_options = {}

    def has_fault(self, name):
        return name in self.faults

    def writes_allowed(self):
        """API write access (WhatsMinerTool's switch), as both APIs see it."""
        return self.state.write_access and 'write_access_off' not in self.faults

    # -- password, reset, reboot ----------------------------------------------------

    @property
    def keys(self):
        keys = self._keys
        if keys is None or keys.password != self.state.password:
            keys = self._keys = Keys(self.state.password)
        return keys

    def change_password(self, new):
        self.state.password = new
        self.tokens.clear()

    def factory_reset(self, now):
        self.state.apply_factory_settings(now, pools=())
        self.state.errors = {}
        if self.state.firmware_fault is not None:     # a reset does not repair a bad firmware
            self.state.errors[str(self.state.firmware_fault)] = format_stamp(now)
        self.state.write_access = False
        self.change_password('admin')
        self.v3_passwords = dict((account, account) for account in ACCOUNTS)

    def reboot(self, down_seconds=None):
        """The control board restarts: tokens are gone, the port refuses until it is back."""
        down_seconds = self.reboot_seconds if down_seconds is None else down_seconds
        self.tokens.clear()
        self.state.reboot(self.clock.now(), down_seconds)
        if self.listener is not None:
            self.listener.go_down(down_seconds)
        else:
            self.finish_reboot()

    def finish_reboot(self):
        """The board is up again (the port listens): boot the firmware a flash left behind."""
        if self.pending_firmware is not None:
            version, fault_code = self.pending_firmware
            self.pending_firmware = None
            self.state.boot_firmware(version, fault_code, format_stamp(self.clock.now()))
        if self.pending_settings_reset:
            self.pending_settings_reset = False
            self.state.reset_mining_settings()

    def flash_and_reboot(self):
        self.reboot(self.flash_seconds + self.reboot_seconds)

    # -- firmware upload ------------------------------------------------------------

    def accept_image(self, image, digest):
        """A whole image arrived (``digest``: its sha256 hex) -> (refusal reason or None, action after close).

        Accepted: flash and reboot (faults decide what comes back). Refused (see
        :mod:`whatsminer_sim.flashing`): the reason, and nothing happens.
        """
        now = self.clock.now()
        state = self.state
        verdict = flashing.judge(image, state.platform)
        self.uploads.append(len(image))
        package = verdict.package.platform if verdict.package else None
        if not verdict.accepted:
            self._log_upload(now, len(image), digest, flashing.REFUSED, verdict.version, state.firmware, package,
                             verdict.reason)
            return verdict.reason, None
        if 'stays_on_old_version' in self.faults:
            outcome, boot = flashing.STAYED_ON_OLD_VERSION, (state.firmware, state.firmware_fault)
        elif 'bad_firmware' in self.faults:
            outcome, boot = flashing.BAD_FIRMWARE, (verdict.version, self.bad_firmware_code)
        else:
            outcome, boot = flashing.FLASHED, (verdict.version, None)
        resets = 'upgrade_resets_settings' in self.faults and outcome != flashing.STAYED_ON_OLD_VERSION
        self._log_upload(now, len(image), digest, outcome, verdict.version, boot[0], package,
                         'settings reset to defaults' if resets else '')
        self.pending_firmware = boot
        self.pending_settings_reset = resets
        return None, self.flash_and_reboot

    def receive_image(self, image, digest, keys, v3=False):
        """API v2: (reply bytes after the image, action after close); a refusal is an encrypted error reply."""
        refusal, after = self.accept_image(image, digest)
        if refusal is not None:
            document = env.native_error(self.clock.now(), flashing.REFUSED_CODE, refusal)
            return self._render('update_firmware', document, keys).body, None
        return b'', after

    def upload_ended(self, received, digest, outcome):
        """An upload stopped before the whole image came (``flashing.CUT_SHORT`` or ``INCOMPLETE``)."""
        self._log_upload(self.clock.now(), received, digest, outcome, None, self.state.firmware, None,
                         'upload ended after %d bytes' % received)

    def _log_upload(self, now, size, digest, outcome, image_version, version_after, package, message):
        self.upload_log.append(flashing.UploadRecord(now, size, digest, outcome, self.state.firmware, image_version,
                                                     version_after, package, message))

    # -- requests -------------------------------------------------------------------

    def handle(self, request, client_ip):
        """``request`` is the decoded JSON (or None when it was not JSON); returns an Outcome."""
        faults = self.faults
        if faults:
            if 'not_whatsminer' in faults:
                return out.Outcome(out.REPLY, fault_text.http_400_page())
            if 'no_reply' in faults:
                return out.Outcome(out.SILENT)
        now = self.clock.now()
        if not isinstance(request, dict):
            return self._finish(self._render('', env.native_error(now, env.JSON_ERROR, 'invalid JSON message')))
        if 'enc' in request:
            return self._finish(self._encrypted(request, client_ip, now))
        command = request.get('cmd', request.get('command'))
        if not isinstance(command, str):
            return self._finish(self._render('', env.native_error(now, env.INVALID_CMD, 'invalid cmd')))
        if command in WRITES:
            return self._finish(self._render(command, env.native_error(now, env.PERMISSION_DENIED, 'permission denied')))
        return self._finish(self._read(command, request, client_ip, now, None))

    def _encrypted(self, request, client_ip, now):
        keys = self.keys
        data = request.get('data') or ''
        if not _is_base64(data):
            # the spec's own code for it (V2.0.5 table: 137 base64 decode error), before any key is tried
            return self._render('', env.native_error(now, env.BASE64_ERROR, 'base64 decode error'))
        try:
            inner = json.loads(crypto.decrypt(keys.aeskey, data).decode('utf-8'))
            if not isinstance(inner, dict):
                raise ValueError('not an object')
        except (ValueError, TypeError, UnicodeDecodeError):
            if 'silent_on_bad_password' in self.faults:
                return out.Outcome(out.SILENT)
            return self._render('', env.native_error(now, env.JSON_ERROR, 'enc json load err'))
        if not self.tokens.valid(client_ip, inner.get('token'), now):
            return self._render('', env.native_error(now, env.TOKEN_ERROR, 'check token err'))
        command = inner.get('cmd', inner.get('command'))
        if not isinstance(command, str):
            return self._render('', env.native_error(now, env.INVALID_CMD, 'invalid cmd'), keys)
        if command in WRITES:
            if 'echo' in self.faults:
                return self._echo(command, inner, now, keys)
            if self.api == 'v3':
                return self._render(command, env.native_error(now, env.PERMISSION_DENIED, V2_WRITES_OFF))
            if not self.writes_allowed() or self._default_password_blocks(command):
                return self._render(command, env.native_error(now, env.PERMISSION_DENIED, env.WRITE_ACCESS_OFF_MSG))
            return self._write(command, inner, now, keys)
        return self._read(command, inner, client_ip, now, keys)

    def _default_password_blocks(self, command):
        """Fault default_password_blocks_writes: firmware that takes writes only once ``admin`` was changed."""
        return ('default_password_blocks_writes' in self.faults and self.state.password == 'admin'
                and command != 'update_pwd')

    def _echo(self, command, inner, now, keys):
        """Fault echo: the decrypted request comes back in the error message, secrets and all."""
        secrets = [str(value) for key, value in inner.items() if 'passwd' in key or 'password' in key]
        secrets.append(str(inner.get('token')))
        message = fault_text.echo_message(env.dumps(inner), secrets)
        return self._render(command, env.native_error(now, env.CMD_ERROR, message), keys)

    def _read(self, command, request, client_ip, now, keys):
        if command == 'get_token':
            issued = self.tokens.issue(client_ip, self.keys, now)
            if issued is None:
                return self._render(command, env.native_error(now, env.TOKEN_LIMIT, 'over max connect'))
            time_text, newsalt = issued
            document = env.native(now, {'time': time_text, 'salt': self.keys.salt, 'newsalt': newsalt},
                                  code=env.TOKEN_OK)
            return self._render(command, document, keys)
        handler = READS.get(command)
        if handler is not None:
            return self._render(command, handler(self, now, request), keys)
        if '+' in command:
            names = command.split('+')
            if all(name in JOINABLE for name in names):
                return self._render(command, joined(self, now, names), keys)
        return self._render(command, env.native_error(now, env.INVALID_CMD, 'invalid cmd'), keys)

    def _write(self, command, request, now, keys):
        try:
            document, action = WRITES[command](self, now, request)
        except ParamError as exc:
            return self._render(command, env.native_error(now, env.CMD_ERROR, str(exc)), keys)
        if action != 'silent_unapplied':
            self.write_log.append((command, loggable_params(request)))
        if action is None:
            result = self._render(command, document, keys)
            if 'slow_writes' in self.faults:
                result.delay = self.fault_options.get('slow_write_seconds', fault_text.DEFAULT_SLOW_REPLY_SECONDS)
            if 'write_reply_reset' in self.faults:
                result.delivery = out.RESET
            elif 'write_reply_garbled' in self.faults:
                result.body = fault_text.GARBLED
            return result
        if action in ('silent', 'silent_unapplied'):
            return out.Outcome(out.SILENT)
        if action == 'reboot_now':
            return out.Outcome(out.CLOSE, after=self.reboot)
        if action == 'reboot_after':
            result = self._render(command, document, keys)
            result.after = self.reboot
            return result
        if action == 'upload':
            result = self._render(command, document, keys)
            result.kind = out.UPLOAD
            result.sink = lambda image, digest: self.receive_image(image, digest, keys)
            result.cut_upload = 'upload_cut_short' in self.faults
            return result
        # action == 'logs'
        archive = log_archive(self.state)
        announced = '9' * 5000 if 'huge_length' in self.faults else str(len(archive))
        header_keys = None if 'log_header_plain' in self.faults else keys
        result = self._render(command, env.native(now, {'logfilelen': announced}), header_keys)
        result.kind = out.LOGS
        result.archive = archive
        for style in ('log_header_split', 'log_glued', 'log_truncated'):
            if style in self.faults:
                result.log_style = style
        return result

    def _render(self, command, document, keys=None):
        """Reply document -> wire bytes, with this miner's JSON faults and encryption."""
        faults = self.faults
        if not faults:
            text = env.dumps(document)
        else:
            if 'json_inf_nan' in faults and command.split('+')[0] in _FLOAT_COMMANDS:
                parts = [document] if '+' not in command else [part[0] for part in document.values()]
                for part in parts:
                    fault_text.poison_floats(part)
                text = fault_text.c_floats(env.dumps(document))
            else:
                text = env.dumps(document)
            text = fault_text.mangle_text(text, faults, command)
            if 'escape_bomb' in faults or 'deep_nesting' in faults:
                text = fault_text.hostile_text(text, faults, self.fault_options)
            if 'json_cut_error_list' in faults and command == 'get_error_code':
                start = text.find('"error_code":[')
                if start >= 0:
                    text = text[:start + (len(text) - start) * 3 // 5]
        body = text.encode('utf-8')
        if keys is not None:
            body = env.dumps({'enc': crypto.encrypt(keys.aeskey, body)}).encode('ascii')
        if 'json_trailing_nul' in faults:
            body += b'\x00'
        return out.Outcome(out.REPLY, body)

    def _finish(self, result):
        """Delivery faults that apply to every answer."""
        faults = self.faults
        if faults and result.kind != out.SILENT:
            if 'slow_reply' in faults:
                result.delay = self.slow_reply_seconds
            if result.kind == out.REPLY:
                if 'truncated_reply' in faults:
                    result.delivery = out.TRUNCATED
                elif 'reset_mid_reply' in faults:
                    result.delivery = out.RESET
                elif 'trickle' in faults:
                    result.delivery = out.TRICKLE
        return result


def _is_base64(data):
    """Whether ``data`` decodes as base64 at all (a wrong key still decodes, to garbage: that is Code 23)."""
    if not isinstance(data, str):
        return False
    try:
        base64.b64decode(data.encode('ascii'), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return True
