# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A deliberately tiny raw-socket client for the simulator tests.

It speaks the wire protocol directly (JSON over one TCP connection, the crypto module
for tokens and the AES envelope) so the simulator is tested without the collection's
client library.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.jsonrepair import find_json_end

SIM_PORT = 14128


def worker_base():
    """First host octet for this process: parallel pytest-xdist workers never share an address."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return 1 + 50 * (index % 5)


def exchange(address, port, payload, source=None, timeout=5.0, shutdown=False):
    """Send ``payload`` (dict or bytes) on a fresh connection and read until the miner closes."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode('utf-8')
    with socket.create_connection((address, port), timeout=timeout,
                                  source_address=(source, 0) if source else None) as sock:
        sock.sendall(data)
        if shutdown:
            sock.shutdown(socket.SHUT_WR)
        return read_all(sock)


def read_all(sock):
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b''.join(chunks)
        chunks.append(chunk)


def plain(address, port, command, source=None, **params):
    """A plaintext request, decoded reply."""
    return json.loads(exchange(address, port, dict(cmd=command, **params), source=source))


class Session:
    """Token + key for one (miner, password, client address), like a client keeps them."""

    def __init__(self, address, port, password='admin', source=None):
        self.address = address
        self.port = port
        self.password = password
        self.source = source
        self.sign = None
        self.aeskey = None

    def fetch_token(self):
        reply = plain(self.address, self.port, 'get_token', source=self.source)
        if reply.get('STATUS') != 'S':
            return reply
        msg = reply['Msg']
        key = crypto.derive_key(self.password, msg['salt'])
        self.aeskey = crypto.aes_key(key)
        self.sign = crypto.derive_sign(key, msg['time'], msg['newsalt'])
        return reply

    def envelope(self, command, **params):
        if self.sign is None:
            self.fetch_token()
        inner = dict(cmd=command, token=self.sign, **params)
        return json.dumps({'enc': 1, 'data': crypto.encrypt(self.aeskey, json.dumps(inner))}).encode('utf-8')

    def decode(self, raw):
        document = json.loads(raw.rstrip(b'\x00'))
        if isinstance(document.get('enc'), str):
            return json.loads(crypto.decrypt(self.aeskey, document['enc'])), True
        return document, False

    def call(self, command, **params):
        """Encrypted request -> (decoded reply, was_encrypted)."""
        raw = exchange(self.address, self.port, self.envelope(command, **params), source=self.source)
        return self.decode(raw)

    def write(self, command, **params):
        """Encrypted request that must succeed; returns the decoded Msg."""
        reply, encrypted = self.call(command, **params)
        assert encrypted, reply
        assert reply['STATUS'] == 'S', reply
        return reply['Msg']

    def open(self, command, **params):
        """Connect and send an encrypted request, returning the live socket (binary flows)."""
        sock = socket.create_connection((self.address, self.port), timeout=5,
                                        source_address=(self.source, 0) if self.source else None)
        sock.sendall(self.envelope(command, **params))
        return sock


def read_json_object(sock, buffer=b''):
    """Read until one whole JSON object is in the buffer; return (object bytes, rest)."""
    while True:
        end = find_json_end(buffer) if buffer.strip() else None
        if end:
            return buffer[:end], buffer[end:]
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError('closed before a whole JSON object arrived: %r' % buffer[:200])
        buffer += chunk


def wait_until(predicate, timeout=5.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def refused(address, port):
    try:
        with socket.create_connection((address, port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def firmware_upload(session, image):
    """The spec's flow: encrypted update_firmware, "ready", then size (4 bytes LE) + image on the same socket."""
    sock = session.open('update_firmware')
    try:
        header, rest = read_json_object(sock)
        reply, _encrypted = session.decode(header)
        assert reply['Msg'] == 'ready', reply
        sock.sendall(struct.pack('<I', len(image)) + image)
        return read_all(sock)
    finally:
        sock.close()


def reboot_window(address, port, timeout=5.0):
    """Right after a write that reboots the miner: wait until the port refuses, then until it
    accepts again. Returns the seconds from this call until it accepted, or None when the
    port never refused (the miner did not reboot)."""
    started = time.monotonic()
    if not wait_until(lambda: refused(address, port), timeout=min(timeout, 1.0)):
        return None
    if not wait_until(lambda: not refused(address, port), timeout=timeout):
        raise AssertionError('%s:%d did not come back within %s s' % (address, port, timeout))
    return time.monotonic() - started
