# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small framed TCP peer for the API v3 tests (no tests here): real sockets, scripted behaviour.

Written independently of the library: its own framing, so both ends check each other.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
SALT = 'uhCiDyVj'


def recv_exactly(conn, size):
    data = b''
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError('eof')
        data += chunk
    return data


def frame(document):
    body = json.dumps(document).encode('ascii')
    return struct.pack('<I', len(body)) + body


def reply(request, msg='ok', code=0):
    return {'code': code, 'when': 1700000000, 'msg': msg, 'desc': request['cmd']}


class Peer:
    """A TCP server on 127.0.0.1 (ephemeral port) that reads one request frame per connection and
    hands it to ``behave(conn, request)``; the requests are kept in order."""

    def __init__(self, behave):
        self.behave = behave
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.host = '127.0.0.1'
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            header = recv_exactly(conn, 4)
            request = json.loads(recv_exactly(conn, struct.unpack('<I', header)[0]))
            self.requests.append(request)
            self.behave(conn, request)
        except (OSError, ValueError):
            pass
        finally:
            conn.close()

    @property
    def commands(self):
        return [request['cmd'] for request in self.requests]

    def close(self):
        self.sock.close()


def salty(answer, salt=SALT):
    """A behaviour that hands out ``salt`` to get.device.info and sends ``answer(request)`` to the rest."""
    def behave(conn, request):
        if request['cmd'] == 'get.device.info' and request.get('param') == 'salt':
            conn.sendall(frame(reply(request, {'salt': salt})))
        else:
            data = answer(request)
            if data:
                conn.sendall(data)
    return behave


def peer_factory():
    """For a fixture: yields start(behave) -> a started Peer; closes every peer afterwards."""
    peers = []

    def start(behave):
        peers.append(Peer(behave))
        return peers[-1]
    yield start
    for item in peers:
        item.close()


def free_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
