# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Transport errors against real loopback sockets (127.0.1.x)."""

from __future__ import annotations

import errno
import json
import socket
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import mux
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv2 import ApiV2
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.fakeminer import (
    native, read_request, reset_connection, serve_once,
)

ADDR = '127.0.1.30'


def unused_port():
    probe = socket.socket()
    probe.bind((ADDR, 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_exchange_reads_until_eof_in_pieces():
    body = json.dumps(native({'x': 'y' * 100000})).encode()

    def behaviour(conn):
        assert json.loads(read_request(conn)) == {'cmd': 'get_version'}
        for start in range(0, len(body), 7000):
            conn.sendall(body[start:start + 7000])
            time.sleep(0.001)

    port, thread = serve_once(ADDR, behaviour)
    assert transport.exchange(ADDR, port, transport.encode_plain({'cmd': 'get_version'}), 1, 2) == body
    thread.join()


def test_connection_refused_names_host_and_port():
    port = unused_port()
    with pytest.raises(errors.ConnectionRefused) as info:
        transport.exchange(ADDR, port, b'{}', 1, 1)
    assert str(info.value).startswith('%s:%d: connection refused' % (ADDR, port))
    assert info.value.retryable


@pytest.mark.parametrize('raised, cls', [
    (OSError(errno.EHOSTUNREACH, 'No route to host'), errors.HostUnreachable),
    (OSError(errno.ENETUNREACH, 'Network is unreachable'), errors.HostUnreachable),
    (socket.timeout('timed out'), errors.ConnectTimeout),
    (socket.gaierror(-2, 'Name or service not known'), errors.HostUnreachable),
    (OSError(errno.EACCES, 'Permission denied'), errors.ConnectError),
])
@pytest.mark.parametrize('host', ['miner-7.example', '192.0.2.7'])
def test_connect_error_mapping(monkeypatch, raised, cls, host):
    """A name goes through ``create_connection`` (the resolver); an address literal straight to ``connect``."""
    closed = []

    def fail(*_args, **_kwargs):
        raise raised

    class Socket:
        def __init__(self, family, kind):
            assert (family, kind) == (socket.AF_INET, socket.SOCK_STREAM)

        def settimeout(self, seconds):
            assert seconds == 0.5

        connect = fail

        def close(self):
            closed.append(True)

    monkeypatch.setattr(socket, 'create_connection', fail)
    monkeypatch.setattr(socket, 'socket', Socket)
    with pytest.raises(cls) as info:
        transport.connect(host, 4028, 0.5)
    assert str(info.value).startswith('%s:4028: ' % host) and info.value.retryable
    assert closed == ([True] if host[0].isdigit() else [])


def test_address_literals_are_not_resolved(monkeypatch):
    def resolver(*_args, **_kwargs):
        raise AssertionError('getaddrinfo called for an address literal')
    monkeypatch.setattr(socket, 'getaddrinfo', resolver)
    assert [transport.literal_family(host) for host in ('127.0.1.30', '::1', 'miner.example', '127.1', '')] == [
        socket.AF_INET, socket.AF_INET6, None, None, None]
    port = unused_port()
    with pytest.raises(errors.ConnectionRefused):
        transport.connect(ADDR, port, 1)


def test_read_timeout_is_an_overall_deadline():
    def trickle(conn):
        read_request(conn)
        for _tick in range(40):  # one byte every 50 ms would defeat a per-recv timeout
            conn.sendall(b' ')
            time.sleep(0.05)

    port, thread = serve_once(ADDR, trickle)
    started = time.monotonic()
    with pytest.raises(errors.ReadTimeout) as info:
        transport.exchange(ADDR, port, b'{"cmd":"summary"}', 1, 0.5)
    assert time.monotonic() - started < 1.5
    assert info.value.received > 0 and 'no complete reply within 0.5 s' in str(info.value)
    assert not info.value.retryable     # the transport cannot tell a read from a write: the protocol object says
    thread.join()


def test_reset_mid_reply():
    def reset(conn):
        read_request(conn)
        conn.sendall(b'{"STATUS":"S","Msg":')
        time.sleep(0.05)
        reset_connection(conn)

    port, thread = serve_once(ADDR, reset)
    with pytest.raises(errors.ConnectionReset) as info:
        transport.exchange(ADDR, port, b'{"cmd":"summary"}', 1, 2)
    assert info.value.received == 20 and ADDR in str(info.value)
    thread.join()


def test_reply_too_large():
    def flood(conn):
        read_request(conn)
        try:
            conn.sendall(b'{"a":"' + b'x' * 300000)
        except OSError:
            pass

    port, thread = serve_once(ADDR, flood)
    with pytest.raises(errors.ReplyTooLarge, match='exceeds 100000 bytes'):
        transport.exchange(ADDR, port, b'{"cmd":"summary"}', 1, 2, max_bytes=100000)
    thread.join()


def test_no_reply():
    port, thread = serve_once(ADDR, read_request)
    with pytest.raises(errors.NoReply, match='without replying'):
        transport.exchange(ADDR, port, b'{"cmd":"summary"}', 1, 2)
    thread.join()


def test_aio_read_and_errors():
    reply_bytes = json.dumps({'STATUS': [{'STATUS': 'S', 'Msg': 'Summary'}], 'SUMMARY': [{'Power': 3000}]}).encode() + b'\x00'

    def answer(conn):
        assert json.loads(read_request(conn)) == {'cmd': 'summary'}
        conn.sendall(reply_bytes)

    port, thread = serve_once(ADDR, answer)
    reply = mux.run_one(ApiV2(ADDR, port, 1, 1, None).aread('summary'))
    assert reply.data == [{'Power': 3000}]
    thread.join()

    with pytest.raises(errors.ConnectionRefused):
        mux.run_one(ApiV2(ADDR, unused_port(), 1, 1, None).aread('summary'))

    port, thread = serve_once(ADDR, lambda conn: (read_request(conn), time.sleep(1)))
    with pytest.raises(errors.ReadTimeout):
        mux.run_one(ApiV2(ADDR, port, 1, 0.3, None).aread('summary'))
    thread.join()

    port, thread = serve_once(ADDR, read_request)
    with pytest.raises(errors.NoReply):
        mux.run_one(ApiV2(ADDR, port, 1, 1, None).aread('summary'))
    thread.join()

    port, thread = serve_once(ADDR, lambda conn: (read_request(conn), conn.sendall(b'{"a":"' + b'x' * 5000)))
    with pytest.raises(errors.ReplyTooLarge):
        mux.run_one(ApiV2(ADDR, port, 1, 1, None, max_reply_bytes=1000).aread('summary'))
    thread.join()

    port, thread = serve_once(ADDR, lambda conn: (read_request(conn), conn.sendall(b'{"a":1'), reset_connection(conn)))
    with pytest.raises((errors.ConnectionReset, errors.MalformedReply)):
        mux.run_one(ApiV2(ADDR, port, 1, 1, None).aread('summary'))
    thread.join()

    with pytest.raises(errors.UnsupportedCommand):
        mux.run_one(ApiV2(ADDR, port, 2.0, 5.0, None).aread('reboot'))


def test_aio_joined_read():
    part = {'STATUS': [{'STATUS': 'S'}], 'SUMMARY': [{'Power': 1}]}
    pools = {'STATUS': [{'STATUS': 'S'}], 'POOLS': [{'POOL': 1}]}

    def answer(conn):
        assert json.loads(read_request(conn)) == {'cmd': 'summary+pools'}
        conn.sendall(json.dumps({'summary': [part], 'pools': [pools]}).encode())

    port, thread = serve_once(ADDR, answer)
    parts = mux.run_one(ApiV2(ADDR, port, 1, 1, None).aread_joined(['summary', 'pools']))
    assert parts['pools'].data == [{'POOL': 1}]
    thread.join()


def test_aio_scans_many_miners_concurrently(fake_miner):
    miners = [fake_miner('127.0.1.%d' % (40 + index)) for index in range(4)]

    replies = []

    async def read(miner):
        replies.append(await ApiV2(miner.host, miner.port, 1, 2, None).aread('get_version'))

    started = time.monotonic()
    assert mux.run((read(miner) for miner in miners for _repeat in range(50)), 64)
    assert len(replies) == 200 and all(reply.ok for reply in replies)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize('stall, overall, expected', [
    (0.3, 30.0, 'the miner stopped accepting data for 0.3 s'),
    (30.0, 0.3, 'the transfer did not finish within 0.3 s (slower than 128 KiB/s)'),
])
def test_a_peer_that_stops_reading_is_a_timeout_of_the_limit_that_ran_out(stall, overall, expected):
    ours, theirs = socket.socketpair()        # ``theirs`` never reads
    try:
        started = time.monotonic()
        with pytest.raises(errors.ReadTimeout) as info:
            transport.send_all(ours, b'x' * (64 << 20), stall, ADDR, 4028, transport.Deadline(overall))
        assert time.monotonic() - started < 5
        assert str(info.value) == '%s:4028: %s' % (ADDR, expected)
    finally:
        ours.close()
        theirs.close()
