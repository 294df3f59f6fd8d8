# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v2 (TCP 4028): the command table applied, plaintext reads, the token + AES envelope, binary flows.

``WhatsminerClient`` talks to a protocol object, not to sockets, so that firmware speaking
API v3 (TCP 4433, length-prefixed JSON, SHA-256 tokens) can get its own protocol object
behind the same client. This one knows v2 only: it validates every request against the v2
command table (``commands.py``) before anything is sent, and its reads run over the
blocking transport or, for scans, without blocking (``aread``/``aread_joined``) with the same
encoding, parsing and errors. It never stores the password: the client passes it per
call, and only a SHA-256 of it reaches the token cache.
"""

from __future__ import annotations

import functools
import json
import os

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import aio
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import commands
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.commands import request
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_count
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    ConnectionReset,
    DecryptionFailed,
    ImageRefused,
    InvalidParameter,
    MalformedReply,
    NoReply,
    OutcomeUnknown,
    PrivilegedNoReply,
    ReadTimeout,
    ReplyTooLarge,
    TokenRejected,
    TransportError,
    UnsupportedCommand,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import cut_text, parse_joined, parse_reply
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import derive_token

DEFAULT_PORT = 4028
MAX_FIRMWARE_BYTES = 0xFFFFFFFF


@functools.lru_cache(maxsize=64)
def _bare_payload(command):
    return transport.encode_plain(request(command))


def plain_payload(command, wire_params=None) -> bytes:
    """The bytes of a plaintext request; one without parameters is encoded once per process
    (a scan sends the same read to every address)."""
    if wire_params:
        return transport.encode_plain(request(command, wire_params))
    return _bare_payload(command)


def encode_encrypted(token, command, wire_params):
    """``{"cmd":..., params..., "token": sign}`` -> NUL-padded AES-256-ECB -> ``{"enc":1,"data":...}``."""
    body = request(command, wire_params)
    body['token'] = token.sign
    data = crypto.encrypt(token.aeskey, json.dumps(body, separators=(',', ':')))
    return transport.encode_plain({'enc': 1, 'data': data})


def request_secrets(token, password, wire_params):
    """What an encrypted request carried that must never come back in a result or message."""
    secrets = [token.sign, password]
    secrets.extend(value for key, value in (wire_params or {}).items() if key in commands.SECRET_PARAMS)
    return secrets


def _silent(exc):
    """True when the miner sent nothing at all (no reply, or a timeout/reset before any byte)."""
    return isinstance(exc, (NoReply, ReadTimeout)) and not exc.received


class ApiV2:
    """One miner's API v2 endpoint. Stateless apart from the shared token cache."""

    version = 2

    def __init__(self, host, port, connect_timeout, read_timeout, token_cache, max_reply_bytes=transport.MAX_REPLY_BYTES):
        self.host = host
        self.port = port
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.token_cache = token_cache
        self.max_reply_bytes = max_reply_bytes

    def __repr__(self):
        return 'ApiV2(%s:%s)' % (self.host, self.port)

    # --- validated requests (the command table applied) ----------------------------

    def _wire(self, command, params):
        """Validated wire parameters; a rejected parameter names this miner too."""
        try:
            return commands.build_params(command, **params)
        except InvalidParameter as err:
            if err.host is not None:
                raise
            raise InvalidParameter(err.reason, self.host, self.port) from None

    def _spec(self, command):
        try:
            return commands.spec_for(command)
        except UnsupportedCommand as err:
            raise UnsupportedCommand(err.reason, self.host, self.port) from None

    def _read_spec(self, command):
        spec = self._spec(command)
        if spec.privileged:
            raise UnsupportedCommand('%r is a write command: use write()' % command, self.host, self.port)
        return spec

    def read(self, command, params, password=None):
        """One validated read; encrypted when a ``password`` is given (``get_token`` never is)."""
        self._read_spec(command)
        wire = self._wire(command, params)
        if password is not None and command != 'get_token':
            return self.privileged(command, wire, password)
        return self.plain(command, wire)

    def read_joined(self, names, partial=False):
        """One joined plaintext read (``summary+pools+edevs``) -> ``{name: Reply}`` (or ``(replies, failures)``)."""
        return self.plain('+'.join(self._joined(names)), partial=partial)

    def _joined(self, names):
        try:
            return commands.joined_names(names)
        except InvalidParameter as err:
            raise InvalidParameter(err.reason, self.host, self.port) from None

    def _write_spec(self, command):
        spec = self._spec(command)
        if not spec.privileged:
            raise UnsupportedCommand('%r is a read command: use read()' % command, self.host, self.port)
        if spec.reply == 'binary':
            raise UnsupportedCommand('%r streams binary data: use %s()' % (command, command), self.host, self.port)
        return spec

    def prepare(self, command, params):
        """Validate a write without sending it (plans, check mode): raises what ``write`` would."""
        self._write_spec(command)
        self._wire(command, params)

    def write(self, command, params, password):
        """A validated, encrypted write; None when the command may not answer and did not."""
        spec = self._write_spec(command)
        wire = self._wire(command, params)
        return self.privileged(command, wire, password, may_not_answer=spec.may_not_answer, write=True)

    def call(self, command, params, encrypted, password):
        """The raw escape hatch: ``params`` as given, no validation (see ``WhatsminerClient.call``)."""
        if not isinstance(command, str) or not command:
            raise InvalidParameter('command must be a non-empty string', self.host, self.port)
        params = dict(params or {})
        if 'cmd' in params or 'token' in params:
            raise InvalidParameter('params must not contain "cmd" or "token"', self.host, self.port)
        if commands.is_joined(command):
            return self.plain(command, params)
        spec = commands.COMMANDS.get(command)
        if spec is not None and spec.reply == 'binary':
            raise UnsupportedCommand('%r streams binary data: use %s()' % (command, command), self.host, self.port)
        if spec is not None and spec.privileged:
            return self.privileged(command, params, password, may_not_answer=spec.may_not_answer, write=True)
        if encrypted and command != 'get_token':
            # a command this library does not describe may be a write: a broken reply is an unknown outcome
            return self.privileged(command, params, password, write=spec is None)
        return self.plain(command, params)

    # --- non-blocking reads (discovery, under mux.run) -------------------------------

    async def aread(self, command, **params):
        """One validated plaintext read without blocking -> ``Reply``."""
        self._read_spec(command)
        return await self.aplain(command, self._wire(command, params))

    async def aread_joined(self, names, partial=False):
        """One joined plaintext read without blocking -> ``{name: Reply}`` (or ``(replies, failures)``)."""
        return await self.aplain('+'.join(self._joined(names)), partial=partial)

    async def aplain(self, command, wire_params=None, partial=False):
        try:
            raw = await aio.exchange(self.host, self.port, plain_payload(command, wire_params),
                                     self.connect_timeout, self.read_timeout, self.max_reply_bytes)
        except ReadTimeout as err:
            raise err.after_read()
        return self._parse_plain(command, raw, partial)

    # --- plaintext ---------------------------------------------------------------

    def _exchange(self, payload):
        return transport.exchange(self.host, self.port, payload, self.connect_timeout, self.read_timeout,
                                  self.max_reply_bytes)

    def plain(self, command, wire_params=None, partial=False):
        """A plaintext request; returns a Reply (or, for a joined read, ``{name: Reply}``;
        with ``partial``, ``(replies, failures)`` as :func:`replies.split_joined_partial`).

        Plaintext requests are reads (writes are encrypted): a timeout here changed nothing.
        """
        try:
            raw = self._exchange(plain_payload(command, wire_params))
        except ReadTimeout as err:
            raise err.after_read()
        return self._parse_plain(command, raw, partial)

    def _parse_plain(self, command, raw, partial):
        if commands.is_joined(command):
            return parse_joined(command, raw, self.host, self.port, partial=partial)
        return parse_reply(command, raw, self.host, self.port)

    # --- tokens ------------------------------------------------------------------

    def _token(self, password):
        def fetch(now):
            return derive_token(self.plain('get_token'), password, self.host, self.port, now)
        return self.token_cache.get_or_fetch(self.host, self.port, password, fetch)

    def forget_tokens(self, password=None):
        """Drop cached tokens: for one password, or (None) every token for this miner."""
        if password is None:
            self.token_cache.drop_miner(self.host, self.port)
        else:
            self.token_cache.drop(self.host, self.port, password)

    @staticmethod
    def _broken(command, exc, write):
        """What a reply that broke after the request went out means: see :meth:`privileged`."""
        if isinstance(exc, ReadTimeout):
            return exc.after_write() if write else exc.after_read()
        if write:
            return OutcomeUnknown.of_write(command, exc)
        return exc

    def _no_reply(self, command):
        return PrivilegedNoReply(
            'no reply to the encrypted %r request: the likely cause is a wrong password, or API write access not '
            'enabled on the miner (enable it in WhatsMinerTool)' % command, self.host, self.port)

    # --- encrypted ---------------------------------------------------------------

    def privileged(self, command, wire_params, password, may_not_answer=False, write=False):
        """An encrypted request with a cached token; on Code 135 one fresh token and one retry.

        Returns None only when ``may_not_answer`` and the miner sent nothing at all. Total
        silence is ``PrivilegedNoReply`` (how some firmware answers a wrong password). Any
        other broken reply to a ``write`` (timeout, reset, cut off, unreadable) is an unknown
        outcome: btminer may have applied it and restarted; to a read it is retryable.
        """
        for attempt in (1, 2):
            token = self._token(password)
            try:
                raw = self._exchange(encode_encrypted(token, command, wire_params))
            except (NoReply, ReadTimeout, ConnectionReset, ReplyTooLarge) as exc:
                if not exc.received and not isinstance(exc, ReplyTooLarge):
                    if may_not_answer:
                        return None
                    if not isinstance(exc, ConnectionReset):
                        raise self._no_reply(command) from None
                raise self._broken(command, exc, write) from None
            try:
                return parse_reply(command, raw, self.host, self.port, aeskey=token.aeskey,
                                   secrets=request_secrets(token, password, wire_params))
            except MalformedReply as exc:
                if write:
                    raise OutcomeUnknown.of_write(command, exc) from None
                raise
            except TokenRejected:
                self.token_cache.drop(self.host, self.port, password)
                if attempt == 2:
                    raise
            except DecryptionFailed:
                self.token_cache.drop(self.host, self.port, password)
                raise
        raise AssertionError('unreachable')  # pragma: no cover

    def _open_flow(self, command, password):
        """Send an encrypted command and read its JSON reply, leaving the socket open for binary data.

        Returns (socket, token, reply, bytes that arrived after the JSON).
        """
        for attempt in (1, 2):
            token = self._token(password)
            sock, deadline = transport.open_request(self.host, self.port, self.connect_timeout, self.read_timeout)
            try:
                transport.send_all(sock, encode_encrypted(token, command, {}), self.read_timeout, self.host, self.port,
                                   deadline)
                header, rest = transport.read_json_object(sock, deadline, self.max_reply_bytes, self.host, self.port)
                reply = parse_reply(command, header, self.host, self.port, aeskey=token.aeskey,
                                    secrets=request_secrets(token, password, {}))
            except TokenRejected:
                sock.close()
                self.token_cache.drop(self.host, self.port, password)
                if attempt == 2:
                    raise
                continue
            except DecryptionFailed:
                sock.close()
                self.token_cache.drop(self.host, self.port, password)
                raise
            except (NoReply, ReadTimeout) as exc:
                sock.close()
                if not _silent(exc):
                    raise
                raise self._no_reply(command) from None
            except BaseException:
                sock.close()
                raise
            return sock, token, reply, rest
        raise AssertionError('unreachable')  # pragma: no cover

    # --- binary flows ------------------------------------------------------------

    def update_firmware(self, password, stream, size):
        """update_firmware -> "ready" -> 4-byte LE size + image on the same socket.

        Any failure once the image started to flow is an ``OutcomeUnknown``: the miner may
        be flashing. The caller must read the firmware version to know.
        """
        if not 0 < size <= MAX_FIRMWARE_BYTES:
            raise InvalidParameter('the firmware image must be 1 byte to 4 GiB, got %d bytes' % size, self.host, self.port)
        sock, token, reply, _rest = self._open_flow('update_firmware', password)
        try:
            if reply.msg != 'ready':
                raise MalformedReply('the miner answered update_firmware with %s instead of "ready"'
                                     % cut_text(repr(reply.msg)), self.host, self.port)
            try:
                sent = self._send_image(sock, stream, size)
            except TransportError as exc:
                if isinstance(exc, OutcomeUnknown):
                    raise
                raise self._unknown('while the image was being sent: %s' % exc.reason) from None
            except OSError as exc:
                raise self._unknown('because the image could not be read (%s)' % (exc.strerror or exc)) from None
            return self._after_image(sock, token, password, reply, sent)
        finally:
            sock.close()

    def _after_image(self, sock, token, password, ready, sent):
        """The miner's word after the image: usually none (it closes and flashes).

        A well-formed error reply is a definite refusal (wrong platform, bad image): the
        miner says it will not flash, so that is its ``ApiError``, not an unknown outcome.
        """
        try:
            raw = transport.read_to_eof(sock, transport.Deadline(self.read_timeout), self.max_reply_bytes,
                                        self.host, self.port)
            return parse_reply('update_firmware', raw, self.host, self.port, aeskey=token.aeskey,
                               secrets=request_secrets(token, password, {}))
        except NoReply:
            return ready
        except ApiError as exc:
            raise ImageRefused('the miner refused the firmware image after it was sent (%d bytes): %s'
                               % (sent, exc.reason), self.host, self.port, exc.code, exc.api_msg) from None
        except WhatsminerError as exc:
            raise self._unknown('after the image was sent (%d bytes): %s' % (sent, exc.reason)) from None

    def _unknown(self, what):
        return OutcomeUnknown('the firmware upgrade failed %s; the outcome is unknown: verify the firmware version '
                              '(get_version fw_ver) before retrying' % what, self.host, self.port)

    def _send_image(self, sock, stream, size):
        """The size, then the image, under one deadline derived from the size (``transfer_seconds``)."""
        transport.limit_send_buffer(sock)
        deadline = transport.Deadline(transport.transfer_seconds(size, self.read_timeout))
        transport.send_all(sock, transport.size_prefix(size), self.read_timeout, self.host, self.port, deadline)
        sent = 0
        while sent < size:
            chunk = stream.read(min(transport.CHUNK, size - sent))
            if not chunk:
                raise self._unknown('because the image ended after %d of %d bytes' % (sent, size))
            transport.send_all(sock, chunk, self.read_timeout, self.host, self.port, deadline)
            sent += len(chunk)
        return sent

    def download_logs(self, password, dest, max_bytes, timeout):
        """download_logs -> JSON header (Msg.logfilelen) -> exactly that many archive bytes into ``dest``."""
        sock, _token, reply, rest = self._open_flow('download_logs', password)
        try:
            announced = reply.msg.get('logfilelen') if isinstance(reply.msg, dict) else None
            length = to_count(announced, MAX_FIRMWARE_BYTES)
            if length is None:
                raise MalformedReply('the download_logs header has no usable logfilelen', self.host, self.port)
            if length > max_bytes:
                raise ReplyTooLarge('the log archive is %d bytes, more than the %d byte limit' % (length, max_bytes),
                                    self.host, self.port)
            deadline = transport.Deadline(transport.transfer_seconds(length, timeout))
            return transport.read_exactly_into(sock, dest, length, deadline, self.host, self.port,
                                               initial=rest)
        finally:
            sock.close()


def image_source(stream_or_path, size=None):
    """(file object, size, whether we opened it) for a path or an open binary file."""
    if isinstance(stream_or_path, (str, bytes, os.PathLike)):
        handle = open(stream_or_path, 'rb')  # pylint: disable=consider-using-with
        return handle, os.fstat(handle.fileno()).st_size if size is None else size, True
    if size is None:
        try:
            size = os.fstat(stream_or_path.fileno()).st_size - stream_or_path.tell()
        except (AttributeError, OSError, ValueError):
            position = stream_or_path.tell()
            stream_or_path.seek(0, os.SEEK_END)
            size = stream_or_path.tell() - position
            stream_or_path.seek(position)
    return stream_or_path, size, False
