# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 framing: a 4-byte little-endian length, then that many bytes of JSON, both ways.

One request per connection (as most field clients do; a persistent connection was not
measured to help a task that sends a handful of requests). Zero-length frames are
heartbeats and are skipped. A length past the cap is refused before a byte of the body
is read, and a reply that is not framed at all (a relay's plain-text "Socket connect
failed", an HTTP server, a v2 miner's JSON) is said to be not API v3. The whole exchange,
connect, send and receive, runs under one deadline, on the blocking and the non-blocking path.
The binary flows (firmware, logs) use :func:`send_frame` and :func:`read_frame` on a
socket they keep open, with a :class:`FrameBuffer` that keeps what came after a frame.
"""

from __future__ import annotations

import json
import struct
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import aio, mux, transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectionReset,
    MalformedReply,
    NoReply,
    ReplyTooLarge,
    TransportError,
)

HEADER = struct.Struct('<I')
#: heartbeats tolerated before the reply; more is a peer stalling us (the deadline bounds it anyway)
MAX_HEARTBEATS = 64
NOT_V3 = 'the reply is not an API v3 frame (it starts with %r): this port does not speak API v3'


def encode_frame(document) -> bytes:
    """``document`` as compact ASCII JSON (non-ASCII escaped), behind its byte length."""
    body = json.dumps(document, separators=(',', ':'), ensure_ascii=True).encode('ascii')
    return HEADER.pack(len(body)) + body


def _texty(data) -> bool:
    """Bytes that read as text: a plain-text or JSON reply where a binary length belongs."""
    return bool(data) and all(32 <= byte < 127 or byte in (9, 10, 13) for byte in data)


def _length(header: bytes, max_bytes: int, host, port) -> int:
    length = HEADER.unpack(header)[0]
    if length > max_bytes:
        if _texty(header):
            raise MalformedReply(NOT_V3 % header.decode('ascii'), host, port)
        raise ReplyTooLarge('the reply frame announces %d bytes, more than the %d allowed; not reading it'
                            % (length, max_bytes), host, port)
    return length


class FrameBuffer:
    """Bytes received but not yet used, and how many arrived in all (for outcome-unknown decisions)."""

    def __init__(self):
        self.data = bytearray()
        self.received = 0


def _eof(buffer, in_header, host, port):
    if not buffer.received:
        return NoReply('the miner closed the connection without replying', host, port)
    if in_header and not buffer.received - len(buffer.data) and _texty(bytes(buffer.data)):
        return MalformedReply(NOT_V3 % bytes(buffer.data).decode('ascii'), host, port)
    err = ConnectionReset('the miner closed the connection after %d bytes, in the middle of a frame'
                          % buffer.received, host, port)
    err.received = buffer.received
    return err


def _read_exactly(sock, buffer, size, deadline, host, port, in_header=False):
    while len(buffer.data) < size:
        chunk = transport.recv_some(sock, deadline, buffer.received, host, port)
        if not chunk:
            raise _eof(buffer, in_header, host, port)
        buffer.received += len(chunk)
        buffer.data += chunk
    head = bytes(buffer.data[:size])
    del buffer.data[:size]
    return head


def read_frame(sock, deadline, max_bytes, host, port, buffer=None) -> bytes:
    """The next non-empty frame's body on an open socket (heartbeats skipped), under ``deadline``.

    Bytes that arrived after the frame stay in ``buffer`` (a log archive glued to its header).
    """
    buffer = buffer if buffer is not None else FrameBuffer()
    for _beat in range(MAX_HEARTBEATS + 1):
        length = _length(_read_exactly(sock, buffer, HEADER.size, deadline, host, port, in_header=True),
                         max_bytes, host, port)
        if length:
            return _read_exactly(sock, buffer, length, deadline, host, port)
    raise MalformedReply('the miner sent only heartbeat frames, no reply', host, port)


def send_frame(sock, document, timeout, deadline, host, port):
    """Send ``document`` as one frame on an open socket."""
    transport.send_all(sock, encode_frame(document), timeout, host, port, deadline)


def exchange_frame(host, port, payload: bytes, connect_timeout: float, read_timeout: float,
                   max_bytes: int = transport.MAX_REPLY_BYTES) -> bytes:
    """Send one framed request on a fresh connection; the reply frame's body.

    One deadline of ``read_timeout`` covers connecting, sending and receiving, as on
    the v2 path; connecting may take at most ``connect_timeout`` of it.
    """
    sock, deadline = transport.open_request(host, port, connect_timeout, read_timeout)
    try:
        transport.send_all(sock, payload, read_timeout, host, port, deadline)
        return read_frame(sock, deadline, max_bytes, host, port)
    finally:
        sock.close()


# --- non-blocking (discovery, under mux.run) ----------------------------------------

class _Reader:
    """Exact-size reads over a non-blocking socket, keeping what came after a frame."""

    __slots__ = ('sock', 'deadline', 'buffer', 'count', 'host', 'port')

    def __init__(self, sock, deadline, host, port):
        self.sock = sock
        self.deadline = deadline
        self.buffer = b''
        self.count = 0
        self.host = host
        self.port = port

    async def exactly(self, size, in_header=False):
        while len(self.buffer) < size:
            chunk = await aio.recv(self.sock, self.deadline, wait_first=not self.buffer and not self.count)
            if not chunk:
                self._short(in_header)
            self.count += len(chunk)
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _short(self, in_header):
        if not self.count:
            raise NoReply('the miner closed the connection without replying', self.host, self.port)
        if in_header and self.count < HEADER.size and _texty(self.buffer):
            raise MalformedReply(NOT_V3 % self.buffer.decode('ascii'), self.host, self.port)
        err = ConnectionReset('the miner closed the connection after %d bytes, in the middle of a frame'
                              % self.count, self.host, self.port)
        err.received = self.count
        raise err


async def _aread_frame(reader, max_bytes):
    for _beat in range(MAX_HEARTBEATS + 1):
        header = await reader.exactly(HEADER.size, in_header=True)
        length = _length(header, max_bytes, reader.host, reader.port)
        if length:
            return await reader.exactly(length)
    raise MalformedReply('the miner sent only heartbeat frames, no reply', reader.host, reader.port)


async def aexchange_frame(host, port, payload: bytes, connect_timeout: float, read_timeout: float,
                          max_bytes: int = transport.MAX_REPLY_BYTES) -> bytes:
    """The non-blocking twin of :func:`exchange_frame`: the same errors under the same one deadline."""
    end = time.monotonic() + read_timeout
    sock = await aio.connect(host, port, min(connect_timeout, read_timeout))
    reader = _Reader(sock, end, host, port)
    try:
        await aio.send_all(sock, payload, end)
        return await _aread_frame(reader, max_bytes)
    except mux.Expired:
        raise transport.timed_out(read_timeout, reader.count, host, port) from None
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        raise transport.reset(reader.count, host, port) from None
    except OSError as exc:
        err = TransportError('reading the reply failed (%s)' % (exc.strerror or exc), host, port)
        err.received = reader.count
        raise err from None
    finally:
        aio.close(sock)
