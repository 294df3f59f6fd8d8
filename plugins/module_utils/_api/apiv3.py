# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``ApiV3``: one miner's API v3 endpoint (TCP 4433).

Reads are plain framed JSON. Writes carry ``ts``, ``token`` and ``account``: the token and
the AES key of the two encrypted params come from one digest over the command, the
account's password, the miner's salt and ``ts`` (``v3auth``). The salt is read once per
miner and process and kept; a "no permission" (-4) drops it, and the write is signed
again with a fresh salt once, since a refusal proves nothing was applied. No two
requests of this process sign the same (command, ts) for one miner. Binary flows
(firmware, logs) keep the v2 rules: once an image has been sent, any failure is an
unknown outcome, and each flow runs under deadlines derived from its size.

There is no authenticated read in API v3, so :meth:`ApiV3.check_password` proves the
password with a signed write that changes nothing (the password "changed" to itself):
it is a write, and never to be sent in check mode.
"""

from __future__ import annotations

import functools
import threading
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport, v3auth, v3commands, v3frames
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectError,
    ConnectionReset,
    ImageRefused,
    InvalidParameter,
    MalformedReply,
    NoReply,
    OutcomeUnknown,
    PermissionDenied,
    ReadTimeout,
    ReplyTooLarge,
    TransportError,
    UnsupportedCommand,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.v3replies import parse
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_count

FIRMWARE = 'set.system.update_firmware'
LOGS = 'get.log.download'
SALT_READ = ('get.device.info', 'salt')
MAX_FIRMWARE_BYTES = (1 << 32) - 1
MAX_SALT_LENGTH = 64
#: keys whose values a raw call's param may carry as secrets
_SECRET_KEYS = frozenset(v3commands.SECRET_PARAMS + ('password', 'token'))

_lock = threading.Lock()
_salts: dict[tuple[str, int], str] = {}
_last_ts: dict[tuple[str, int, str], int] = {}


@functools.lru_cache(maxsize=64)
def _bare_frame(command):
    return v3frames.encode_frame({'cmd': command})


def _frame(request) -> bytes:
    """A request's frame; a read without a parameter is encoded once per process (a scan
    sends ``get.device.info`` to every address)."""
    if len(request) == 1 and isinstance(request.get('cmd'), str):
        return _bare_frame(request['cmd'])
    return v3frames.encode_frame(request)


def forget_salt(host, port):
    """Drop the cached salt of one miner (the next write reads it again)."""
    with _lock:
        _salts.pop((host, port), None)


def _silent(exc):
    """Nothing at all came back (the miner restarted, rebooted or changed its address)."""
    return isinstance(exc, (NoReply, ReadTimeout, ConnectionReset)) and not getattr(exc, 'received', 0)


def _secret_values(param):
    if isinstance(param, dict):
        found = []
        for key, value in param.items():
            if key in _SECRET_KEYS and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_secret_values(value))
        return found
    if isinstance(param, list):
        return [value for item in param for value in _secret_values(item)]
    return []


class ApiV3:
    """One miner's API v3. Holds no connection between requests (one request per connection)."""

    version = 3

    def __init__(self, host, port, connect_timeout, read_timeout, account='super', password='super',
                 max_reply_bytes=transport.MAX_REPLY_BYTES, clock=time.time):
        if not isinstance(password, str):
            raise InvalidParameter('the API v3 password must be a string', host, port)
        if account not in v3commands.ACCOUNTS:
            raise InvalidParameter('the API v3 account must be one of %s' % ', '.join(v3commands.ACCOUNTS), host, port)
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.account = account
        self._password = password
        self.max_reply_bytes = max_reply_bytes
        self.clock = clock

    @property
    def password(self):
        return self._password

    def __repr__(self):
        return 'ApiV3(%s:%s, account=%s)' % (self.host, self.port, self.account)

    def with_password(self, password):
        """The same miner, deadlines and account with another password."""
        return ApiV3(self.host, self.port, self.connect_timeout, self.read_timeout, self.account, password,
                     self.max_reply_bytes, self.clock)

    def at(self, host, port=None):
        """Another address (a miner that moved), same deadlines, account and password."""
        return ApiV3(host, self.port if port is None else port, self.connect_timeout, self.read_timeout, self.account,
                     self._password, self.max_reply_bytes, self.clock)

    # --- plumbing ----------------------------------------------------------------

    @staticmethod
    def _request(command, param):
        request = dict(cmd=command)
        if param is not None:
            request['param'] = param
        return request

    def _exchange(self, request):
        return v3frames.exchange_frame(self.host, self.port, _frame(request), self.connect_timeout,
                                       self.read_timeout, self.max_reply_bytes)

    def _parse(self, command, payload, secrets=(), write=False):
        return parse(command, payload, self.host, self.port, secrets=secrets, write=write,
                     max_bytes=self.max_reply_bytes)

    def _refuse_binary(self, command):
        if command in v3commands.BINARY:
            raise UnsupportedCommand('%s streams binary data: use its own method (update_firmware or download_logs)'
                                     % command, self.host, self.port)

    # --- reads -------------------------------------------------------------------

    def _read_request(self, command, param):
        self._refuse_binary(command)
        return self._request(command, v3commands.check_read(command, param, self.host, self.port))

    def read(self, command, param=None):
        """One validated ``get.*`` read -> Reply (``data`` is the ``msg`` object)."""
        request = self._read_request(command, param)
        try:
            raw = self._exchange(request)
        except ReadTimeout as err:
            raise err.after_read()
        return self._parse(command, raw)

    async def aread(self, command, param=None):
        """The same read without blocking (discovery, under ``mux.run``), with the same errors."""
        request = self._read_request(command, param)
        try:
            raw = await v3frames.aexchange_frame(self.host, self.port, _frame(request),
                                                 self.connect_timeout, self.read_timeout, self.max_reply_bytes)
        except ReadTimeout as err:
            raise err.after_read()
        return self._parse(command, raw)

    # --- signing -----------------------------------------------------------------

    def _salt(self):
        key = (self.host, self.port)
        with _lock:
            salt = _salts.get(key)
        if salt is not None:
            return salt
        msg = self.read(*SALT_READ).data
        salt = msg.get('salt') if isinstance(msg, dict) else None
        if not isinstance(salt, str) or not 0 < len(salt) <= MAX_SALT_LENGTH or not salt.isprintable():
            raise MalformedReply('get.device.info gave no usable salt, so no write can be signed: is this an API v3 '
                                 'miner?', self.host, self.port)
        with _lock:
            _salts[key] = salt
        return salt

    def _ts(self, command):
        """Unix seconds, never the same for one (miner, command) twice in this process."""
        now = int(self.clock())
        key = (self.host, self.port, command)
        with _lock:
            last = _last_ts.get(key)
            if last is not None and now <= last:
                now = last + 1
            _last_ts[key] = now
        return now

    def _signed(self, command, param, salt):
        """The signed request and the secrets it carries (masked in any reply)."""
        ts = self._ts(command)
        key = v3auth.digest(command, self._password, salt, ts)
        token = v3auth.token_of(key)
        request = dict(cmd=command, ts=ts, token=token, account=self.account)
        secrets = [token, self._password] + _secret_values(param)
        if command in v3commands.ENCRYPTED and param is not None:
            request['param'] = v3auth.encrypt_param(param, key)
            secrets.append(request['param'])
        elif param is not None:
            request['param'] = param
        return request, secrets

    def _send_signed(self, command, param, may_not_answer):
        """Sign and send; on -4 drop the salt, read it again and sign once more (a -4 applied nothing).

        Once connected the request may have been taken: silence from a command that may not
        answer is None, and any other broken reply (timeout, reset, cut off, unreadable) is
        an unknown outcome. Only a refusal the miner spelled out proves nothing changed.
        """
        for attempt in (1, 2):
            request, secrets = self._signed(command, param, self._salt())
            try:
                raw = self._exchange(request)
            except ConnectError:
                raise
            except TransportError as exc:
                if may_not_answer and _silent(exc):
                    return None
                if isinstance(exc, ReadTimeout):
                    raise exc.after_write()
                if isinstance(exc, NoReply) and not exc.received:
                    raise
                raise OutcomeUnknown.of_write(command, exc) from None
            try:
                return self._parse(command, raw, secrets=secrets, write=True)
            except PermissionDenied:
                forget_salt(self.host, self.port)
                if attempt == 2:
                    raise
            except MalformedReply as exc:
                raise OutcomeUnknown.of_write(command, exc) from None
        raise AssertionError('unreachable')  # pragma: no cover

    # --- writes --------------------------------------------------------------------

    def _wire(self, command, param):
        self._refuse_binary(command)
        return v3commands.check_write(command, param, self.host, self.port)

    def prepare(self, command, param=None):
        """Validate a write without sending anything: raises what :meth:`write` would before sending."""
        self._wire(command, param)

    def write(self, command, param=None):
        """A validated, signed ``set.*`` write -> Reply; None only when it may not answer and nothing came back."""
        wire = self._wire(command, param)
        return self._send_signed(command, wire, v3commands.may_not_answer(command, wire))

    def call(self, command, param=None):
        """The raw escape hatch: ``get.*`` plain, anything else signed; no value checks; binary flows refused."""
        if not isinstance(command, str) or not command.strip():
            raise InvalidParameter('the command must be a non-empty string', self.host, self.port)
        command = command.strip()
        if command in v3commands.BINARY:
            raise UnsupportedCommand('%s streams binary data and cannot be sent as a raw command' % command,
                                     self.host, self.port)
        if command.startswith('get.'):
            request = self._request(command, param)
            try:
                raw = self._exchange(request)
            except ReadTimeout as err:
                raise err.after_read()
            return self._parse(command, raw, secrets=_secret_values(param))
        return self._send_signed(command, param, v3commands.may_not_answer(command, param))

    def check_password(self):
        """True when the account's password signs a write the miner accepts; False on "no permission" (-4).

        API v3 has no authenticated read, so this sends the one write that changes nothing:
        ``set.user.change_passwd`` with old == new == the current password (encrypted, like
        any password change). It IS a write: the caller must never run it in check mode
        (``Miner`` guards it). False also covers what v3 folds into -4: a wrong account,
        the default password, or API write access switched off. Other failures raise.
        """
        param = v3commands.check_write('set.user.change_passwd',
                                       dict(account=self.account, old=self._password, new=self._password),
                                       self.host, self.port)
        try:
            self._send_signed('set.user.change_passwd', param, False)
        except PermissionDenied:
            return False
        return True

    #: the same check under a name that says it writes
    prove_password = check_password

    # --- binary flows --------------------------------------------------------------

    def _open_flow(self, command, signed):
        """Send the flow's request and read its first frame; (socket, reply, bytes after the frame, secrets).

        ``secrets`` are what the request carried (the token it was signed with, and the
        password): every later frame of the same flow is parsed with them too, since a miner
        may echo the request in any frame (the firmware flow's final one included).
        """
        for attempt in (1, 2):
            secrets: list[str] = [self._password]
            if signed:
                request, secrets = self._signed(command, None, self._salt())
            else:
                request = self._request(command, None)
            sock, deadline = transport.open_request(self.host, self.port, self.connect_timeout, self.read_timeout)
            try:
                v3frames.send_frame(sock, request, self.read_timeout, deadline, self.host, self.port)
                buffer = v3frames.FrameBuffer()
                body = v3frames.read_frame(sock, deadline, self.max_reply_bytes, self.host, self.port, buffer)
                reply = self._parse(command, body, secrets=secrets, write=signed)
            except PermissionDenied:
                sock.close()
                if not signed:
                    raise
                forget_salt(self.host, self.port)
                if attempt == 2:
                    raise
                continue
            except BaseException:
                sock.close()
                raise
            return sock, reply, bytes(buffer.data), secrets
        raise AssertionError('unreachable')  # pragma: no cover

    def _unknown(self, what):
        return OutcomeUnknown('the firmware upgrade %s: the outcome is unknown, so it was not sent again; read '
                              'system.fwversion (get.device.info) once the miner is back before retrying' % what,
                              self.host, self.port)

    def update_firmware(self, stream, size):
        """set.system.update_firmware -> "ready" -> 4-byte LE size + image -> the final frame (notes 4.6).

        Before the image goes out every failure is definite (nothing was flashed). From the
        first image byte on, a timeout, reset, EOF or unreadable answer is ``OutcomeUnknown``;
        a failure code in the final frame is ``ImageRefused``. Sending runs under one deadline
        from the size (``transport.transfer_seconds``), the final frame under ``read_timeout``.
        """
        if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= MAX_FIRMWARE_BYTES:
            raise InvalidParameter('the firmware image must be 1 byte to 4 GiB, got %r bytes' % (size,),
                                   self.host, self.port)
        sock, ready, _rest, secrets = self._open_flow(FIRMWARE, signed=True)
        try:
            if ready.msg != 'ready':
                raise MalformedReply('the miner answered %s with %s instead of "ready"; nothing was sent'
                                     % (FIRMWARE, repr(ready.msg)[:80]), self.host, self.port)
            sent = self._send_image(sock, stream, size)
            return self._final(sock, sent, secrets)
        finally:
            sock.close()

    def _send_image(self, sock, stream, size):
        transport.limit_send_buffer(sock)
        deadline = transport.Deadline(transport.transfer_seconds(size, self.read_timeout))
        sent = 0
        try:
            transport.send_all(sock, transport.size_prefix(size), self.read_timeout, self.host, self.port, deadline)
            while sent < size:
                chunk = stream.read(min(transport.CHUNK, size - sent))
                if not chunk:
                    raise self._unknown('stopped because the image ended after %d of %d bytes' % (sent, size))
                transport.send_all(sock, chunk, self.read_timeout, self.host, self.port, deadline)
                sent += len(chunk)
        except OutcomeUnknown:
            raise
        except TransportError as exc:
            raise self._unknown('failed after %d of %d bytes: %s' % (sent, size, exc.reason)) from None
        except OSError as exc:
            raise self._unknown('stopped because the image could not be read (%s)' % (exc.strerror or exc)) from None
        return sent

    def _final(self, sock, sent, secrets):
        """The miner's word after the image: a failure code is a definite refusal, anything else unknown.

        ``secrets`` are those of the request that opened the flow (its token and the
        password, from :meth:`_open_flow`): a miner that echoes that request in the final
        frame must not get the token into ``ImageRefused`` or into the returned Reply.
        """
        try:
            body = v3frames.read_frame(sock, transport.Deadline(self.read_timeout), self.max_reply_bytes,
                                       self.host, self.port)
            return self._parse(FIRMWARE, body, secrets=secrets, write=True)
        except WhatsminerError as exc:
            if exc.code is not None:
                raise ImageRefused('the miner refused the firmware image after it was sent (%d bytes): %s'
                                   % (sent, exc.reason), self.host, self.port, exc.code, exc.api_msg) from None
            raise self._unknown('got no usable answer after the whole image was sent (%d bytes): %s'
                                % (sent, exc.reason)) from None

    def download_logs(self, dest, max_bytes, timeout):
        """get.log.download -> ``{"logsize": "<n>"}`` -> exactly n bytes of archive into ``dest`` (notes 4.7).

        ``logsize`` must be a whole number (text or int) no larger than ``max_bytes``; the
        archive is read under one deadline from its size (at least ``timeout`` seconds).
        """
        sock, reply, rest, _secrets = self._open_flow(LOGS, signed=False)
        try:
            announced = reply.msg.get('logsize') if isinstance(reply.msg, dict) else None
            length = to_count(announced, 1 << 62)
            if length is None:
                raise MalformedReply('the %s header has no usable logsize (got %s)' % (LOGS, repr(announced)[:40]),
                                     self.host, self.port)
            if length > max_bytes:
                raise ReplyTooLarge('the log archive is %d bytes, more than the %d byte limit; not reading it'
                                    % (length, max_bytes), self.host, self.port)
            minimum = self.read_timeout if timeout is None else timeout
            deadline = transport.Deadline(transport.transfer_seconds(length, minimum))
            return transport.read_exactly_into(sock, dest, length, deadline, self.host, self.port, initial=rest)
        finally:
            sock.close()
