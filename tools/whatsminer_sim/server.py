# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sockets for one miner: a listener that can go down for a reboot, and a lean per-connection protocol.

One request per connection, as btminer does: read one JSON object, answer, close. A
connection that sends nothing for the idle timeout is closed. The per-connection path
is a plain ``asyncio.Protocol`` (no streams, no task) because a thousand miners in one
process must serve a few thousand requests a second.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import struct

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.jsonrepair import find_json_end
from whatsminer_sim import faults
from whatsminer_sim import flashing
from whatsminer_sim import outcome as out
from whatsminer_sim.binary_flows import MAX_IMAGE_BYTES
from whatsminer_sim.v3.server import V3Connection

MAX_REQUEST_BYTES = 64 * 1024
LISTEN_BACKLOG = 128
_WHITESPACE = b' \t\r\n\x00'
TRICKLE_BYTES = 16   # fault trickle: bytes per write
DRAIN_BUFFER_BYTES = 65536   # fault slow_drain: the listening socket's receive buffer


def listening_socket(address, port, receive_buffer=None):
    """``receive_buffer``: a small SO_RCVBUF, set before listening so connections take it from the handshake."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.bind((address, port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def object_complete(data):
    """True when ``data`` holds one whole JSON object, or is not JSON at all.

    The scan is the protocol library's, so both ends agree on where a request ends.
    """
    if not data.lstrip(_WHITESPACE).startswith(b'{'):
        return True
    return find_json_end(data) is not None


class MinerListener:
    """The listening socket of one miner; closed during a reboot so connections are refused.

    A miner given a new static address (or sent back to DHCP) listens on the new address
    once it is back from the reboot (``move_after_reboot``), and no longer on the old one.
    """

    def __init__(self, miner, loop):
        self.miner = miner
        self.loop = loop
        self.server = None
        self.v3_server = None   # a v3 miner's framed API on miner.v3_port, up and down with the board
        self.connections = set()
        self.stopped = False
        # net_config to a loopback address: where the miner listens once it is back from the reboot
        self.next_address = None
        # fault reboot_uptime_late: the boot time the miner still reports for a while after it is back
        self.stale_boot_time = None
        self._uptime_reset = None
        miner.listener = self

    async def start(self):
        sock = listening_socket(self.miner.address, self.miner.port, self._receive_buffer())
        self.server = await self.loop.create_server(lambda: MinerConnection(self), sock=sock)
        await self._start_v3(self.miner.address)

    def _receive_buffer(self):
        """slow_drain given when the miner starts: a control board's small socket buffer, so the drain rate is
        what the client sees (a fault set later keeps the kernel's default buffer)."""
        return DRAIN_BUFFER_BYTES if 'slow_drain' in self.miner.faults else None

    async def _start_v3(self, address):
        if self.miner.api != 'v3':
            return
        sock = listening_socket(address, self.miner.v3_port)
        self.v3_server = await self.loop.create_server(lambda: V3Connection(self), sock=sock)

    def _close_v3(self):
        if self.v3_server is not None:
            self.v3_server.close()
            self.v3_server = None

    def move_after_reboot(self, address):
        """After the coming reboot, listen on ``address`` instead of the current one (which then refuses)."""
        self.next_address = address

    def late_uptime_after_reboot(self, boot_time):
        """Fault ``reboot_uptime_late``: once back, report ``boot_time`` for ``reboot_seconds`` more, then reset."""
        self.stale_boot_time = boot_time

    def go_down(self, seconds):
        if self.server is not None:
            self.server.close()
            self.server = None
        self._close_v3()
        if self._uptime_reset is not None:
            self._uptime_reset.cancel()
            self._uptime_reset = None
        for connection in list(self.connections):
            connection.drop()
        self.loop.call_later(seconds, self._come_back)

    def _come_back(self):
        if self.stopped:
            return
        address = self.next_address or self.miner.address
        try:
            sock = listening_socket(address, self.miner.port, self._receive_buffer())
        except OSError:
            # the address is taken (another miner, an address conflict): keep trying, as a miner's DHCP client would
            self.loop.call_later(0.05, self._come_back)
            return
        self.next_address = None
        self.miner.address = address
        self.loop.create_task(self._serve(sock))

    async def _serve(self, sock):
        # the fleet may stop between binding and serving: never leave a listener behind it
        if self.stopped:
            sock.close()
            return
        self.server = await self.loop.create_server(lambda: MinerConnection(self), sock=sock)
        if self.stopped:
            self.server.close()
            self.server = None
            return
        try:
            await self._start_v3(self.miner.address)
        except OSError:
            pass   # the v3 port is taken on the new address: the miner answers v2 only, as a half-up board would
        self.miner.finish_reboot()
        if self.stale_boot_time is not None:
            self.miner.state.boot_time, self.stale_boot_time = self.stale_boot_time, None
            self._uptime_reset = self.loop.call_later(self.miner.reboot_seconds, self._reset_uptime)

    def _reset_uptime(self):
        """Fault ``reboot_uptime_late``: the uptime starts again only now, a while after the port came back."""
        self._uptime_reset = None
        self.miner.state.boot_time = self.miner.clock.now()

    def stop(self):
        self.stopped = True
        if self._uptime_reset is not None:
            self._uptime_reset.cancel()
            self._uptime_reset = None
        if self.server is not None:
            self.server.close()
            self.server = None
        self._close_v3()
        for connection in list(self.connections):
            connection.drop()


class MinerConnection(asyncio.Protocol):
    """One client connection: request phase, then whatever the miner's Outcome says."""

    __slots__ = ('listener', 'miner', 'loop', 'transport', 'peer', 'buffer', 'phase', 'timer', 'after',
                 'upload', 'upload_size', 'upload_hash', 'outcome')

    def __init__(self, listener):
        self.listener = listener
        self.miner = listener.miner
        self.loop = listener.loop
        self.transport = None
        self.peer = ''
        self.buffer = b''
        self.phase = 'request'
        self.timer = None
        self.after = None
        self.upload = None
        self.upload_size = None
        self.upload_hash = None
        self.outcome = None

    # -- asyncio callbacks ----------------------------------------------------------

    def connection_made(self, transport):
        self.transport = transport
        peer = transport.get_extra_info('peername')
        self.peer = peer[0] if peer else ''
        self.listener.connections.add(self)
        self.timer = self.loop.call_later(self.miner.idle_timeout, self._idle)

    def connection_lost(self, exc):
        self.listener.connections.discard(self)
        if self.phase == 'upload' and self.upload_size is not None:
            self.phase = 'done'
            self.miner.upload_ended(len(self.upload), self.upload_hash.hexdigest(), flashing.INCOMPLETE)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        after, self.after = self.after, None
        if after is not None:
            after()

    def data_received(self, data):
        if self.phase == 'request':
            self.buffer += data
            if len(self.buffer) > MAX_REQUEST_BYTES:
                self.transport.abort()
                return
            request = self._parse()
            if request is not _INCOMPLETE:
                self._dispatch(request)
        elif self.phase == 'upload':
            self._upload_data(data)

    def eof_received(self):
        if self.phase == 'request':
            if self.buffer.strip(_WHITESPACE):
                request = self._parse(final=True)
                self._dispatch(request)
                return True
            return False
        if self.phase == 'upload':
            self.transport.close()
            return False
        return True

    # -- request --------------------------------------------------------------------

    def _parse(self, final=False):
        data = self.buffer
        try:
            return json.loads(data)
        except ValueError:
            if final or object_complete(data):
                return None
            return _INCOMPLETE

    def _dispatch(self, request):
        self.phase = 'handling'
        self._cancel_timer()
        outcome = self.miner.handle(request, self.peer)
        if outcome.delay:
            self.timer = self.loop.call_later(outcome.delay, self._execute, outcome)
        else:
            self._execute(outcome)

    def _execute(self, outcome):
        self.timer = None
        if self.transport.is_closing():
            return
        self.after = outcome.after
        kind = outcome.kind
        if kind == out.REPLY:
            self._send(outcome.body, outcome.delivery)
        elif kind == out.SILENT:
            self.timer = self.loop.call_later(self.miner.idle_timeout, self._idle)
        elif kind == out.CLOSE:
            self.transport.close()
        elif kind == out.UPLOAD:
            self.transport.write(outcome.body)
            self.outcome = outcome
            self.phase = 'upload'
            self.buffer = b''
            self.upload = bytearray()
            self.timer = self.loop.call_later(self.miner.idle_timeout, self._idle)
        elif kind == out.LOGS:
            self._send_logs(outcome)

    def _send(self, body, delivery):
        if delivery == out.NORMAL:
            self.transport.write(body)
            self.transport.close()
        elif delivery == out.TRUNCATED:
            self.transport.write(body[:max(1, len(body) // 2)])
            self.transport.close()
        elif delivery == out.TRICKLE:
            faults.trickle(self.loop, self.transport, body, TRICKLE_BYTES, self.miner.fault_options, self._keep_timer)
        else:
            self.transport.write(body[:max(1, len(body) // 2)])
            self.timer = self.loop.call_later(0.05, self._reset)

    def _keep_timer(self, timer):
        self.timer = timer

    def _send_logs(self, outcome):
        header, archive, style = outcome.body, outcome.archive, outcome.log_style
        write = self.transport.write
        if style == 'log_glued':
            write(header + archive)
            self.transport.close()
        elif style == 'log_header_split':
            half = len(header) // 2
            write(header[:half])
            self.loop.call_later(0.05, self._write_if_open, header[half:], False)
            self.loop.call_later(0.065, self._write_if_open, archive, True)
        elif style == 'log_truncated':
            write(header)
            self.loop.call_later(0.01, self._write_if_open, archive[:len(archive) // 2], True)
        else:
            write(header)
            self.loop.call_later(0.01, self._write_if_open, archive, True)

    def _write_if_open(self, data, close):
        if not self.transport.is_closing():
            self.transport.write(data)
            if close:
                self.transport.close()

    # -- firmware upload ------------------------------------------------------------

    def _upload_data(self, data):
        """Size prefix (4 bytes LE), then the image: kept in one bytearray and hashed as it comes,
        so a large image costs one copy and no stall of the event loop at the end."""
        self._cancel_timer()
        if self.upload_size is None:
            self.buffer += data
            if len(self.buffer) < 4:
                self.timer = self.loop.call_later(self.miner.idle_timeout, self._idle)
                return
            self.upload_size = struct.unpack('<I', self.buffer[:4])[0]
            data, self.buffer = self.buffer[4:], b''
            self.upload_hash = hashlib.sha256()
            if self.upload_size > MAX_IMAGE_BYTES:
                self.phase = 'done'
                self.transport.abort()
                return
        data = data[:self.upload_size - len(self.upload)]
        self.upload += data
        self.upload_hash.update(data)
        if self.outcome.cut_upload and self.upload:
            # An abort: RST even when every byte sent so far was already read (a small image), so the
            # client's send or read fails instead of seeing the clean close that follows a good upload.
            self.phase = 'done'
            self.miner.upload_ended(len(self.upload), self.upload_hash.hexdigest(), flashing.CUT_SHORT)
            self._reset()
            return
        if 'slow_drain' in self.miner.faults and data and len(self.upload) < self.upload_size:
            # fault slow_drain: stop reading for as long as these bytes take at the drain rate
            rate = self.miner.fault_options.get('drain_bytes_per_second', faults.DEFAULT_DRAIN_BYTES_PER_SECOND)
            self.transport.pause_reading()
            self.timer = self.loop.call_later(len(data) / float(rate), self._drained)
            return
        if len(self.upload) >= self.upload_size:
            self.phase = 'done'
            image, self.upload = self.upload, None
            reply, self.after = self.outcome.sink(image, self.upload_hash.hexdigest())
            if reply:
                self.transport.write(reply)
            self.transport.close()
            return
        self.timer = self.loop.call_later(self.miner.idle_timeout, self._idle)

    def _drained(self):
        self.timer = None
        if not self.transport.is_closing():
            self.transport.resume_reading()
            self.timer = self.loop.call_later(self.miner.idle_timeout, self._idle)

    # -- closing --------------------------------------------------------------------

    def _cancel_timer(self):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _idle(self):
        self.timer = None
        self.transport.close()

    def _reset(self):
        self.timer = None
        sock = self.transport.get_extra_info('socket')
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            except OSError:
                pass
        self.transport.abort()

    def drop(self):
        """The miner went away (reboot, shutdown): the connection dies without a reply."""
        self.after = None
        self._cancel_timer()
        self.transport.abort()


_INCOMPLETE = object()
