# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 framing over real sockets, blocking and non-blocking (mux): fragments, heartbeats, hostile peers, deadlines."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import mux
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3frames
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectionRefused,
    ConnectionReset,
    MalformedReply,
    NoReply,
    ReadTimeout,
    ReplyTooLarge,
)
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.test_v3_peer import (
    free_port,
    peer_factory,
)


@pytest.fixture(name='peer')
def peer_fixture():
    """Factory: peer(behave) -> a started framed peer, closed after the test."""
    yield from peer_factory()


REQUEST = v3frames.encode_frame({'cmd': 'get.device.info', 'param': 'system'})
BODY = b'{"code":0,"when":1,"msg":{"system":{"api":"3.0.2"}},"desc":"get.device.info"}'
HEARTBEAT = b'\x00\x00\x00\x00'


def blocking(port, timeout=1.0, max_bytes=1 << 20):
    return v3frames.exchange_frame('127.0.0.1', port, REQUEST, timeout, timeout, max_bytes)


def asynchronous(port, timeout=1.0, max_bytes=1 << 20):
    return mux.run_one(v3frames.aexchange_frame('127.0.0.1', port, REQUEST, timeout, timeout, max_bytes))


PATHS = pytest.mark.parametrize('exchange', [blocking, asynchronous], ids=['blocking', 'mux'])


def framed(body):
    return struct.pack('<I', len(body)) + body


def send_slowly(data, pause=0.0):
    def behave(conn, _request):
        for index in range(len(data)):
            conn.sendall(data[index:index + 1])
            if pause:
                time.sleep(pause)
    return behave


@PATHS
def test_a_reply_arriving_byte_by_byte_after_heartbeats(peer, exchange):
    server = peer(send_slowly(HEARTBEAT * 3 + framed(BODY)))
    assert exchange(server.port) == BODY
    assert server.requests == [{'cmd': 'get.device.info', 'param': 'system'}]


@PATHS
def test_a_reply_coalesced_with_heartbeats_and_extra_bytes(peer, exchange):
    server = peer(lambda conn, request: conn.sendall(HEARTBEAT + HEARTBEAT + framed(BODY) + framed(b'{"more":1}') + b'junk'))
    assert exchange(server.port) == BODY


@PATHS
def test_an_oversize_length_is_refused_without_reading_it(peer, exchange):
    def behave(conn, _request):
        conn.sendall(struct.pack('<I', 2000) + b'\x01' * 10)
        time.sleep(3)                             # never sends the rest: the client must not wait for it
    server = peer(behave)
    started = time.monotonic()
    with pytest.raises(ReplyTooLarge, match='2000 bytes, more than the 1000 allowed') as caught:
        exchange(server.port, timeout=2.0, max_bytes=1000)
    assert time.monotonic() - started < 1.0
    assert '127.0.0.1:%d' % server.port in str(caught.value)


@PATHS
def test_a_huge_binary_length_is_too_large(peer, exchange):
    server = peer(lambda conn, request: conn.sendall(b'\xff\xff\xff\xff\x00'))
    with pytest.raises(ReplyTooLarge):
        exchange(server.port)


@PATHS
@pytest.mark.parametrize('data, received', [(framed(BODY)[:30], 30), (b'\x10\x00', 2), (HEARTBEAT + b'\x05\x00\x00\x00ab', 10)])
def test_eof_in_the_middle_of_a_frame(peer, exchange, data, received):
    server = peer(lambda conn, request: conn.sendall(data))
    with pytest.raises(ConnectionReset, match='middle of a frame') as caught:
        exchange(server.port)
    assert caught.value.received == received and '127.0.0.1:%d' % server.port in str(caught.value)


@PATHS
def test_eof_without_a_byte_is_no_reply(peer, exchange):
    server = peer(lambda conn, request: None)
    with pytest.raises(NoReply, match='without replying'):
        exchange(server.port)


@PATHS
@pytest.mark.parametrize('text', [b'Socket connect failed: Connection refused\n', b'HTTP/1.1 400 Bad Request\r\n\r\n',
                                  b'{"STATUS":"S","When":1,"Code":131,"Msg":{}}', b'no\n'])
def test_a_plain_text_reply_says_it_is_not_api_v3(peer, exchange, text):
    server = peer(lambda conn, request: conn.sendall(text))
    with pytest.raises(MalformedReply, match='does not speak API v3') as caught:
        exchange(server.port)
    assert '127.0.0.1:%d' % server.port in str(caught.value)


@PATHS
def test_silence_is_a_read_timeout_within_the_deadline(peer, exchange):
    server = peer(lambda conn, request: time.sleep(4))
    started = time.monotonic()
    with pytest.raises(ReadTimeout, match='within 0.5 s') as caught:
        exchange(server.port, timeout=0.5)
    assert time.monotonic() - started < 1.0 + 1.0
    assert caught.value.received == 0


@PATHS
@pytest.mark.parametrize('endless', ['heartbeats', 'body'])
def test_a_trickle_that_never_ends_is_bounded_by_the_overall_deadline(peer, exchange, endless):
    def behave(conn, _request):
        if endless == 'body':
            conn.sendall(struct.pack('<I', 100000))
        for _index in range(200):
            conn.sendall(HEARTBEAT[:1] if endless == 'body' else HEARTBEAT)
            time.sleep(0.05)
    server = peer(behave)
    started = time.monotonic()
    with pytest.raises((ReadTimeout, MalformedReply)) as caught:
        exchange(server.port, timeout=0.5)
    assert time.monotonic() - started < 1.0 + 1.0
    if isinstance(caught.value, ReadTimeout):
        assert caught.value.received > 0


def test_too_many_heartbeats_is_malformed(peer):
    server = peer(lambda conn, request: conn.sendall(HEARTBEAT * (v3frames.MAX_HEARTBEATS + 2)))
    with pytest.raises(MalformedReply, match='only heartbeat'):
        blocking(server.port)


@PATHS
def test_nothing_listening_is_connection_refused(exchange):
    with pytest.raises(ConnectionRefused) as caught:
        exchange(free_port())
    assert caught.value.retryable


def test_a_frame_and_the_bytes_after_it_on_an_open_socket(peer):
    """The binary-flow helpers: one frame, and what came glued after it stays in the buffer."""
    server = peer(lambda conn, request: conn.sendall(HEARTBEAT + framed(BODY) + b'ARCHIVE'))
    sock = socket.create_connection(('127.0.0.1', server.port), timeout=1.0)
    try:
        deadline = v3frames.transport.Deadline(2.0)
        v3frames.send_frame(sock, {'cmd': 'get.log.download'}, 1.0, deadline, '127.0.0.1', server.port)
        buffer = v3frames.FrameBuffer()
        assert v3frames.read_frame(sock, deadline, 1 << 20, '127.0.0.1', server.port, buffer) == BODY
        time.sleep(0.1)
        assert bytes(buffer.data) in (b'', b'ARCHIVE')
    finally:
        sock.close()
    assert server.requests == [{'cmd': 'get.log.download'}]
