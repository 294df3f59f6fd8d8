# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small real-socket fake miner for the protocol library's tests (127.0.1.x addresses).

It implements just enough of the miner side (token issue, sign check, AES envelope,
binary flows) to count what the client does on the wire. The fleet simulator in tools/
is the full model; these tests must not depend on it.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.jsonrepair import find_json_end

SALT = 'BQ5hoXV9'


def native(msg, code=131, status='S'):
    return {'STATUS': status, 'When': 1643182793, 'Code': code, 'Msg': msg, 'Description': ''}


class FakeMiner:
    """One listening socket on 127.0.1.x; a thread per connection; one request per connection."""

    def __init__(self, address='127.0.1.1', password='admin'):
        self.password = password
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((address, 0))
        self.listener.listen(64)
        self.host, self.port = self.listener.getsockname()
        self.lock = threading.Lock()
        self.requests = []          # (command, params, encrypted)
        self.token_requests = 0
        self.signs = set()
        self.reject_tokens = 0      # answer 135 to this many encrypted requests
        self.token_limit = False
        self.write_access = True
        self.silent_on_bad_password = False
        self.silent_commands = set()
        self.plain_replies = {}     # command -> dict or bytes
        self.handlers = {}          # command -> fn(miner, conn, request) for custom flows
        self.firmware = None
        self._counter = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    # --- plumbing -------------------------------------------------------------------

    def close(self):
        self._stop = True
        try:
            socket.create_connection((self.host, self.port), timeout=1).close()
        except OSError:
            pass
        self.listener.close()
        self._thread.join(2)

    def _serve(self):
        while not self._stop:
            try:
                conn, _peer = self.listener.accept()
            except OSError:
                return
            if self._stop:
                conn.close()
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        try:
            conn.settimeout(5)
            buffer = b''
            while find_json_end(buffer) is None:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            end = find_json_end(buffer)
            self._dispatch(conn, json.loads(buffer[:end]), buffer[end:])
        except OSError:
            pass
        finally:
            conn.close()

    @property
    def aeskey(self):
        return crypto.aes_key(crypto.derive_key(self.password, SALT))

    def send(self, conn, obj, encrypted=False):
        data = json.dumps(obj).encode()
        if encrypted:
            data = json.dumps({'enc': crypto.encrypt(self.aeskey, data)}).encode()
        conn.sendall(data)

    # --- the miner's side of the protocol ------------------------------------------------

    def _dispatch(self, conn, req, rest):
        if 'enc' in req:
            return self._encrypted(conn, req, rest)
        command = req.get('cmd')
        params = {k: v for k, v in req.items() if k != 'cmd'}
        with self.lock:
            self.requests.append((command, params, False))
        if command == 'get_token':
            return self._get_token(conn)
        reply = self.plain_replies.get(command, native({'ok': True}))
        if isinstance(reply, bytes):
            conn.sendall(reply)
        elif reply is not None:
            self.send(conn, reply)

    def _get_token(self, conn):
        with self.lock:
            self.token_requests += 1
            self._counter += 1
            counter = self._counter
        if self.token_limit:
            return self.send(conn, native('over max connect', code=136, status='E'))
        now = '%d' % (1700000000 + counter)
        newsalt = 'nS%06d' % counter
        key = crypto.derive_key(self.password, SALT)
        with self.lock:
            self.signs.add(crypto.derive_sign(key, now[-4:], newsalt))
        self.send(conn, native({'time': now[-4:], 'salt': SALT, 'newsalt': newsalt}, code=134))

    def _encrypted(self, conn, req, rest):
        try:
            inner = json.loads(crypto.decrypt(self.aeskey, req['data']))
        except (ValueError, KeyError):
            if self.silent_on_bad_password:
                return None
            return self.send(conn, native('enc json load err', code=23, status='E'))
        command = inner.pop('cmd')
        sign = inner.pop('token', None)
        with self.lock:
            self.requests.append((command, inner, True))
        if self.reject_tokens or sign not in self.signs:
            with self.lock:
                self.reject_tokens = max(0, self.reject_tokens - 1)
            return self.send(conn, native('check token err', code=135, status='E'))
        if not self.write_access:
            return self.send(conn, native("can't access write cmd", code=45, status='E'))
        if command in self.silent_commands:
            return None
        if command in self.handlers:
            return self.handlers[command](self, conn, inner, rest)
        if command == 'update_pwd':
            self.send(conn, native('', code=131), encrypted=True)
            self.password = inner['new']
            self.signs.clear()
            return None
        return self.send(conn, native({'cmd': command}, code=131), encrypted=True)


def serve_once(address, behaviour):
    """A one-connection server running ``behaviour(conn)``; returns (port, thread)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def run():
        try:
            listener.settimeout(5)
            conn, _peer = listener.accept()
            try:
                behaviour(conn)
            finally:
                conn.close()
        except OSError:
            pass
        finally:
            listener.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return port, thread


def reset_connection(conn):
    """Close with SO_LINGER 0 so the peer sees a TCP reset."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    conn.close()


def read_request(conn):
    buffer = b''
    while find_json_end(buffer) is None:
        chunk = conn.recv(65536)
        if not chunk:
            break
        buffer += chunk
    return buffer


def pause(seconds):
    time.sleep(seconds)
