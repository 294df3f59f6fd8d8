# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The v3 port of one miner: u32 little-endian framed JSON both ways, several requests per connection.

Zero-length frames are heartbeats: accepted, never answered. A connection idle for the
miner's idle timeout is closed (300 s on real firmware). Faults: ``v3_fragmented`` (each
reply written a few bytes at a time), ``v3_coalesced`` (heartbeat frames glued in front
of each reply), ``v3_reboot_no_reply``; as on v2, ``slow_reply``, ``no_reply``,
``truncated_reply``, ``reset_mid_reply`` and ``trickle`` for every reply, ``slow_writes``,
``write_reply_reset`` and ``write_reply_garbled`` for the writes the miner applied.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import struct

from whatsminer_sim import faults, flashing
from whatsminer_sim.binary_flows import MAX_IMAGE_BYTES
from whatsminer_sim.v3.handler import document, handle

HEADER = struct.Struct('<I')
MAX_REQUEST_BYTES = 64 * 1024
MAX_CONNECTIONS = 10
FRAGMENT_BYTES = 5


def _applied_write(result):
    """A write the miner took (the simulator has applied it when the reply is built)."""
    reply = result.reply
    return isinstance(reply, dict) and reply.get('code') == 0 and str(reply.get('desc', '')).startswith('set.')


def frame(doc):
    body = json.dumps(doc, separators=(',', ':')).encode('utf-8')
    return HEADER.pack(len(body)) + body


class V3Connection(asyncio.Protocol):
    def __init__(self, listener):
        self.listener = listener
        self.miner = listener.miner
        self.loop = listener.loop
        self.transport = None
        self.buffer = bytearray()
        self.phase = 'request'
        self.timer = None
        self.after = None
        self.upload = None
        self.upload_size = None
        self.upload_hash = None

    def connection_made(self, transport):
        self.transport = transport
        self.listener.connections.add(self)
        if sum(1 for item in self.listener.connections if isinstance(item, V3Connection)) > MAX_CONNECTIONS:
            transport.close()       # the 11th client: closed without a reply
            return
        self._arm()

    def connection_lost(self, exc):
        self.listener.connections.discard(self)
        self._cancel()
        if self.phase == 'upload' and self.upload_size is not None:
            self.miner.upload_ended(len(self.upload), self.upload_hash.hexdigest(), flashing.INCOMPLETE)
        after, self.after = self.after, None
        if after is not None:
            after()

    def data_received(self, data):
        self._arm()
        if self.phase == 'upload':
            self._upload_data(bytes(data))
            return
        if self.phase != 'request':
            return
        self.buffer += data
        while self.phase == 'request' and len(self.buffer) >= HEADER.size:
            length = HEADER.unpack(self.buffer[:HEADER.size])[0]
            if length == 0:
                del self.buffer[:HEADER.size]     # heartbeat
                continue
            if length > MAX_REQUEST_BYTES:
                self.transport.abort()
                return
            if len(self.buffer) < HEADER.size + length:
                return
            body = bytes(self.buffer[HEADER.size:HEADER.size + length])
            del self.buffer[:HEADER.size + length]
            try:
                request = json.loads(body)
            except ValueError:
                request = None
            self._dispatch(request)

    def _dispatch(self, request):
        miner = self.miner
        if miner.has_fault('no_reply'):
            return
        result = handle(miner, request, miner.clock.now())
        delay = miner.slow_reply_seconds if miner.has_fault('slow_reply') else 0
        if _applied_write(result) and miner.has_fault('slow_writes'):
            delay = miner.fault_options.get('slow_write_seconds', faults.DEFAULT_SLOW_REPLY_SECONDS)
        if delay:
            self.phase = 'waiting'
            self.loop.call_later(delay, self._act, result)
        else:
            self._act(result)

    def _act(self, result):
        if self.transport.is_closing():
            return
        miner = self.miner
        action = result.action
        if action == 'silent_reboot':
            miner.reboot()
            return
        if action == 'restart':
            miner.state.restart_btminer(miner.clock.now())
        if action not in ('upload', 'logs') and self._break_reply(frame(result.reply), _applied_write(result)):
            self.after = miner.reboot if action == 'reboot' else None
            self.phase = 'done'
            return
        self._write(frame(result.reply))
        if action == 'reboot':
            self.after = miner.reboot
            self.transport.close()
        elif action == 'upload':
            self.phase = 'upload'
            self.upload = bytearray()
        elif action == 'logs':
            self.phase = 'done'
            self.loop.call_later(0.01, self._finish_logs, result.archive)
        else:
            self.phase = 'request'

    def _break_reply(self, data, write):
        """The delivery faults: True when the reply was cut, reset, garbled or trickled (the connection then ends)."""
        miner = self.miner
        if miner.has_fault('reset_mid_reply') or (write and miner.has_fault('write_reply_reset')):
            self.transport.write(data[:max(1, len(data) // 2)])
            self.loop.call_later(0.05, self._reset)
        elif write and miner.has_fault('write_reply_garbled'):
            self.transport.write(HEADER.pack(len(faults.GARBLED)) + faults.GARBLED)
            self.transport.close()
        elif miner.has_fault('truncated_reply'):
            self.transport.write(data[:max(1, len(data) // 2)])
            self.transport.close()
        elif miner.has_fault('trickle'):
            self._cancel()   # a trickling reply is not idle
            faults.trickle(self.loop, self.transport, data, FRAGMENT_BYTES, miner.fault_options, self._keep_timer)
        else:
            return False
        return True

    def _reset(self):
        if not self.transport.is_closing():
            self.transport.abort()

    def _keep_timer(self, timer):
        self.timer = timer

    def _write(self, data):
        miner = self.miner
        if miner.has_fault('v3_coalesced'):
            data = HEADER.pack(0) * 2 + data
        if not miner.has_fault('v3_fragmented'):
            self.transport.write(data)
            return
        for index, start in enumerate(range(0, len(data), FRAGMENT_BYTES)):
            self.loop.call_later(0.001 * index, self._write_open, data[start:start + FRAGMENT_BYTES])

    def _write_open(self, data):
        if not self.transport.is_closing():
            self.transport.write(data)

    def _finish_logs(self, archive):
        if not self.transport.is_closing():
            self.transport.write(archive)
            self.transport.close()

    # -- firmware upload ------------------------------------------------------------

    def _upload_data(self, data):
        if self.upload_size is None:
            self.buffer += data
            if len(self.buffer) < HEADER.size:
                return
            self.upload_size = HEADER.unpack(self.buffer[:HEADER.size])[0]
            data = bytes(self.buffer[HEADER.size:])
            self.buffer = bytearray()
            self.upload_hash = hashlib.sha256()
            if not 0 < self.upload_size <= MAX_IMAGE_BYTES:
                self.phase = 'done'
                self.transport.abort()
                return
        data = data[:self.upload_size - len(self.upload)]
        self.upload += data
        self.upload_hash.update(data)
        if self.miner.has_fault('upload_cut_short') and self.upload:
            self.phase = 'done'
            self.miner.upload_ended(len(self.upload), self.upload_hash.hexdigest(), flashing.CUT_SHORT)
            self.transport.abort()
            return
        if len(self.upload) >= self.upload_size:
            self.phase = 'done'
            image, self.upload = self.upload, None
            refusal, after = self.miner.accept_image(image, self.upload_hash.hexdigest())
            now = self.miner.clock.now()
            command = 'set.system.update_firmware'
            self.transport.write(frame(document(now, command, -1, refusal) if refusal else document(now, command, 0, 'ok')))
            self.after = after
            self.transport.close()

    # -- timers ---------------------------------------------------------------------

    def _arm(self):
        self._cancel()
        self.timer = self.loop.call_later(self.miner.idle_timeout, self._idle)

    def _cancel(self):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _idle(self):
        self.timer = None
        self.transport.close()

    def drop(self):
        self.after = None
        self._cancel()
        self.transport.abort()
