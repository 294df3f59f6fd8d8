# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The non-blocking transport, for scanning thousands of miners from one process.

Bytes only: encoding, validation and parsing are the protocol object's (``ApiV2.aread``),
so a scan and a module read go through one request pipeline and fail with the same
typed errors; only the waiting differs. The waiting is :mod:`mux`'s (a selector loop),
so these coroutines run under ``mux.run``, not asyncio.
"""

from __future__ import annotations

import errno
import os
import socket
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import mux, transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    NoReply,
    ReplyTooLarge,
    TransportError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.transport import CHUNK, MAX_REPLY_BYTES, connect_error

_IN_PROGRESS = frozenset((errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN))


def close(sock) -> None:
    mux.forget(sock)
    sock.close()


async def connect(host, port, connect_timeout):
    """A connected non-blocking socket, or the typed connect error within ``connect_timeout``."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise connect_error(exc, host, port, connect_timeout) from None
    try:
        sock.setblocking(False)
        code = sock.connect_ex((host, port))
        if code in _IN_PROGRESS:
            try:
                await mux.Wait(sock, mux.WRITE, time.monotonic() + connect_timeout)
            except mux.Expired:
                raise connect_error(TimeoutError(), host, port, connect_timeout) from None
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            raise connect_error(OSError(code, os.strerror(code)), host, port, connect_timeout) from None
    except BaseException:
        close(sock)
        raise
    return sock


async def send_all(sock, data, deadline) -> None:
    """Everything in ``data`` sent before ``deadline`` (``mux.Expired`` otherwise)."""
    view = memoryview(data)
    while view:
        try:
            view = view[sock.send(view):]
        except BlockingIOError:
            await mux.Wait(sock, mux.WRITE, deadline)


async def recv(sock, deadline, size=CHUNK, wait_first=True) -> bytes:
    """Some bytes (b'' at EOF) before ``deadline``; ``wait_first`` when nothing can be there yet."""
    if wait_first:
        await mux.Wait(sock, mux.READ, deadline)
    while True:
        try:
            return sock.recv(size)
        except BlockingIOError:
            await mux.Wait(sock, mux.READ, deadline)


async def exchange(host, port, payload, connect_timeout, read_timeout, max_bytes=MAX_REPLY_BYTES):
    """Send ``payload`` on a fresh connection and return the whole reply (until EOF).

    One deadline of ``read_timeout`` covers connecting, sending and receiving, as on the
    blocking path; connecting may take at most ``connect_timeout`` of it.
    """
    end = time.monotonic() + read_timeout
    sock = await connect(host, port, min(connect_timeout, read_timeout))
    chunks = []
    received = 0
    try:
        await send_all(sock, payload, end)
        chunk = await recv(sock, end)
        while chunk:
            received += len(chunk)
            if received > max_bytes:
                raise ReplyTooLarge('the reply exceeds %d bytes; not reading further' % max_bytes, host, port)
            chunks.append(chunk)
            chunk = await recv(sock, end, wait_first=False)
    except mux.Expired:
        raise transport.timed_out(read_timeout, received, host, port) from None
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        raise transport.reset(received, host, port) from None
    except OSError as exc:
        raise TransportError('reading the reply failed (%s)' % (exc.strerror or exc), host, port) from None
    finally:
        close(sock)
    if not chunks:
        raise NoReply('the miner closed the connection without replying', host, port)
    return b''.join(chunks)
