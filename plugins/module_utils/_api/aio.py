# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The asyncio transport, for scanning thousands of miners from one process.

Bytes only: encoding, validation and parsing are the protocol object's (``ApiV2.aread``),
so a scan and a module read go through one request pipeline and fail with the same
typed errors; only the waiting differs.
"""

from __future__ import annotations

import asyncio

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectionReset,
    NoReply,
    ReadTimeout,
    ReplyTooLarge,
    TransportError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.transport import MAX_REPLY_BYTES, connect_error


async def _connect(host, port, connect_timeout):
    try:
        return await asyncio.wait_for(asyncio.open_connection(host, port), connect_timeout)
    except (OSError, asyncio.TimeoutError) as exc:
        raise connect_error(exc, host, port, connect_timeout) from None


async def _read_all(reader, max_bytes, host, port, received):
    chunks = []
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            return b''.join(chunks)
        received[0] += len(chunk)
        if received[0] > max_bytes:
            raise ReplyTooLarge('the reply exceeds %d bytes; not reading further' % max_bytes, host, port)
        chunks.append(chunk)


async def exchange(host, port, payload, connect_timeout, read_timeout, max_bytes=MAX_REPLY_BYTES):
    """Send ``payload`` on a fresh connection and return the whole reply (until EOF).

    One deadline of ``read_timeout`` covers connecting, sending and receiving, as on the
    blocking path; connecting may take at most ``connect_timeout`` of it.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + read_timeout
    reader, writer = await _connect(host, port, min(connect_timeout, read_timeout))
    received = [0]
    try:
        writer.write(payload)
        data = await asyncio.wait_for(_read_all(reader, max_bytes, host, port, received), max(0.0, end - loop.time()))
    except asyncio.TimeoutError:
        err = ReadTimeout('no complete reply within %.1f s (got %d bytes): the outcome is unknown'
                          % (read_timeout, received[0]), host, port)
        err.received = received[0]
        raise err from None
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        err = ConnectionReset('the miner reset the connection after %d bytes of its reply' % received[0], host, port)
        err.received = received[0]
        raise err from None
    except OSError as exc:
        raise TransportError('reading the reply failed (%s)' % (exc.strerror or exc), host, port) from None
    finally:
        writer.close()
    if not data:
        raise NoReply('the miner closed the connection without replying', host, port)
    return data
