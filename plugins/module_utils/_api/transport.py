# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Blocking TCP to one miner: one request per connection, deadlines and size caps.

A miner answers one request and closes, so a reply ends at EOF. One deadline, the read
timeout, covers a whole exchange (``open_request``): connecting, which may use at most
the connect timeout of it, sending and receiving, so a peer trickling one byte a second,
or draining our request slowly, cannot keep us past it. Parsing after it is linear and
capped (``jsonrepair``), so the exchange and its parse end within the deadline plus a
fraction of a second. Every failure is a typed error naming ``host:port``.
"""

from __future__ import annotations

import errno
import json
import socket
import struct
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectError,
    ConnectionRefused,
    ConnectionReset,
    ConnectTimeout,
    HostUnreachable,
    LogArchiveTruncated,
    MalformedReply,
    NoReply,
    ReadTimeout,
    ReplyTooLarge,
    TransportError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.jsonrepair import JsonEndScanner, JsonRepairError

MAX_REPLY_BYTES = 4 * 1024 * 1024
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024
CHUNK = 65536
_UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, getattr(errno, 'EHOSTDOWN', errno.EHOSTUNREACH)}


def encode_plain(request):
    """The plaintext wire form of a request dict."""
    return json.dumps(request, separators=(',', ':')).encode('utf-8')


def literal_family(host):
    """``AF_INET``/``AF_INET6`` when ``host`` is an IP address literal, else None (a name to resolve)."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except (OSError, ValueError, TypeError):
            continue
        return family
    return None


def connect(host, port, connect_timeout):
    """Open a TCP connection or raise the typed connect error.

    An address literal (every miner an inventory found) is connected to directly:
    ``create_connection`` would ask the resolver about it on every request.
    """
    family = literal_family(host)
    try:
        if family is None:
            return socket.create_connection((host, port), timeout=connect_timeout)
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(connect_timeout)
            sock.connect((host, port))
        except BaseException:
            sock.close()
            raise
        return sock
    except OSError as exc:
        raise connect_error(exc, host, port, connect_timeout) from None


def connect_error(exc, host, port, connect_timeout):
    """The typed error for a failed connect; the blocking and the non-blocking transport share it.

    ``socket.timeout`` is ``TimeoutError`` on the Python versions this collection supports.
    """
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionRefused('connection refused: nothing listens on this port (is the miner API enabled?)', host, port)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return ConnectTimeout('no connection within %.1f s: the miner is off, busy or filtered' % connect_timeout, host, port)
    if isinstance(exc, socket.gaierror):
        return HostUnreachable('cannot resolve the host name (%s)' % exc.strerror, host, port)
    if exc.errno in _UNREACHABLE:
        return HostUnreachable('the host is unreachable (%s)' % (exc.strerror or exc), host, port)
    return ConnectError('cannot connect (%s)' % (exc.strerror or exc), host, port)


#: the slowest a binary flow may go before it is given up: 128 KiB/s (a 32 MiB image in about
#: 4 minutes, a 256 MiB log archive in about 34): a miner (or a peer posing as one) that
#: reads or writes slower than this can no longer stretch a transfer without limit
MIN_TRANSFER_BYTES_PER_SECOND = 128 * 1024


def transfer_seconds(size, minimum):
    """Overall deadline for moving ``size`` bytes: at least ``minimum``, else at the slowest allowed rate."""
    return max(float(minimum), size / float(MIN_TRANSFER_BYTES_PER_SECOND))


class Deadline:
    """An overall time limit for one phase of an exchange."""

    __slots__ = ('seconds', 'end')

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        return self.end - time.monotonic()


def timed_out(seconds, received, host, port, what='complete reply'):
    """The ReadTimeout of an exchange that ran out of its ``seconds``; the non-blocking path shares it."""
    err = ReadTimeout('no %s within %.1f s (got %d bytes)' % (what, seconds, received), host, port)
    err.received = received
    return err


def reset(received, host, port):
    """The ConnectionReset of an exchange, saying how much of the reply came first."""
    if received:
        err = ConnectionReset('the miner reset the connection after %d bytes of its reply' % received, host, port)
    else:
        err = ConnectionReset('the miner reset the connection before replying', host, port)
    err.received = received
    return err


def recv_some(sock, deadline, received, host, port, size=CHUNK):
    """One recv under the deadline; b'' means EOF."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise timed_out(deadline.seconds, received, host, port)
    sock.settimeout(remaining)
    try:
        return sock.recv(size)
    except socket.timeout:
        raise timed_out(deadline.seconds, received, host, port) from None
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        raise reset(received, host, port) from None
    except OSError as exc:
        err = TransportError('reading the reply failed (%s)' % (exc.strerror or exc), host, port)
        err.received = received
        raise err from None


def _transfer_too_slow(deadline, host, port):
    return ReadTimeout('the transfer did not finish within %.1f s (slower than %d KiB/s)'
                       % (deadline.seconds, MIN_TRANSFER_BYTES_PER_SECOND // 1024), host, port)


def send_all(sock, data, timeout, host, port, deadline=None):
    """Send everything; a stall longer than ``timeout`` seconds (or past ``deadline``) is a ReadTimeout."""
    overall = False       # the deadline, not the stall timeout, is what can run out first
    if deadline is not None:
        left = deadline.remaining()
        if left <= 0:
            raise _transfer_too_slow(deadline, host, port)
        overall = left < timeout
        timeout = min(timeout, left)
    sock.settimeout(timeout)
    try:
        sock.sendall(data)
    except socket.timeout:
        if overall:
            raise _transfer_too_slow(deadline, host, port) from None
        raise ReadTimeout('the miner stopped accepting data for %.1f s' % timeout, host, port) from None
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        raise ConnectionReset('the miner closed the connection while we were sending', host, port) from None
    except OSError as exc:
        raise TransportError('sending failed (%s)' % (exc.strerror or exc), host, port) from None


def read_to_eof(sock, deadline, max_bytes, host, port, initial=b''):
    """Read until the miner closes; NoReply when it sent nothing, ReplyTooLarge past the cap."""
    chunks = [initial] if initial else []
    received = len(initial)
    while True:
        chunk = recv_some(sock, deadline, received, host, port)
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise ReplyTooLarge('the reply exceeds %d bytes; not reading further' % max_bytes, host, port)
        chunks.append(chunk)
    if not received:
        raise NoReply('the miner closed the connection without replying', host, port)
    return b''.join(chunks)


def read_json_object(sock, deadline, max_bytes, host, port):
    """Read until the first complete JSON object; return (object bytes, bytes that came after it).

    For flows where binary data follows a JSON header on the same socket, so the reply
    does not end at EOF. The header may arrive split over reads or glued to the data.
    """
    buffer = bytearray()
    scanner = JsonEndScanner()   # scans each byte once however the header is split
    while True:
        try:
            end = scanner.scan(buffer)
        except JsonRepairError:
            raise MalformedReply('the miner sent something that is not a JSON header', host, port) from None
        if end is not None:
            return bytes(buffer[:end]), bytes(buffer[end:])
        chunk = recv_some(sock, deadline, len(buffer), host, port)
        if not chunk:
            if not buffer:
                raise NoReply('the miner closed the connection without replying', host, port)
            return bytes(buffer), b''
        buffer += chunk
        if len(buffer) > max_bytes:
            raise ReplyTooLarge('the JSON header exceeds %d bytes' % max_bytes, host, port)


def read_exactly_into(sock, dest, expected, deadline, host, port, initial=b''):
    """Copy exactly ``expected`` bytes (``initial`` first) to ``dest``; LogArchiveTruncated on early EOF."""
    written = 0
    if initial:
        head = initial[:expected]
        dest.write(head)
        written = len(head)
    while written < expected:
        chunk = recv_some(sock, deadline, written, host, port, size=min(CHUNK, expected - written))
        if not chunk:
            err = LogArchiveTruncated('log archive truncated: got %d of %d bytes' % (written, expected), host, port)
            err.received = written
            raise err
        dest.write(chunk)
        written += len(chunk)
    return written


def open_request(host, port, connect_timeout, read_timeout):
    """A fresh connection and the one deadline of the request on it: ``read_timeout`` from now,
    of which connecting may take at most ``connect_timeout`` (the non-blocking path keeps the same rule)."""
    deadline = Deadline(read_timeout)
    return connect(host, port, min(connect_timeout, read_timeout)), deadline


def exchange(host, port, payload, connect_timeout, read_timeout, max_bytes=MAX_REPLY_BYTES):
    """Send ``payload`` on a fresh connection and return every byte of the reply, under one deadline."""
    sock, deadline = open_request(host, port, connect_timeout, read_timeout)
    try:
        send_all(sock, payload, read_timeout, host, port, deadline)
        return read_to_eof(sock, deadline, max_bytes, host, port)
    finally:
        sock.close()


#: the send buffer of an upload: enough for a LAN's bandwidth-delay product, small enough that the
#: upload deadline counts bytes the miner took rather than bytes our kernel queued (loopback and
#: autotuning give 4 MiB, a whole small image, which would leave a slow reader to the final wait)
UPLOAD_SEND_BUFFER = 256 * 1024


def limit_send_buffer(sock):
    """Cap the socket's send buffer for an upload; a kernel that refuses keeps its own."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, UPLOAD_SEND_BUFFER)
    except OSError:
        pass


def size_prefix(size):
    """The 4-byte little-endian length that precedes a firmware image."""
    return struct.pack('<I', size)
