# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The hostile faults put on the wire exactly what issue 12's reproductions describe (127.0.91.x)."""

from __future__ import annotations

import json
import struct
import time

import pytest

from sim_client import Session, exchange, read_all, read_json_object
from whatsminer_sim import faults

BLOCK = 91


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK, idle_timeout=5.0)
    address = fleet.addresses[0]
    return fleet.miner(address), address, fleet.port


def test_escape_bomb_is_megabytes_of_escapes_that_strict_json_refuses(rig):
    miner, address, port = rig
    miner.set_faults('escape_bomb=1.5')
    data = exchange(address, port, {'cmd': 'summary'}).decode()
    assert len(data) > 1.5 * (1 << 20)
    assert data.count('\\n') >= 0.75 * (1 << 20)
    assert data.endswith('",}')
    with pytest.raises(ValueError):
        json.loads(data)
    assert json.loads(data[:-2] + '}')['SUMMARY'][0]['MHS av'] > 0


def test_deep_nesting_is_valid_json_of_the_given_depth(rig):
    miner, address, port = rig
    miner.set_faults('deep_nesting=300')
    document = json.loads(exchange(address, port, {'cmd': 'get_version'}))
    depth, node = 0, document['Deep']
    while node:
        node, depth = node[0], depth + 1
    assert depth == 299   # 300 brackets: the innermost list is empty
    assert document['Msg']['fw_ver']


def test_echo_refuses_every_write_with_the_decrypted_request_across_the_cut(rig):
    miner, address, port = rig
    miner.set_faults('echo')
    session = Session(address, port)
    reply, encrypted = session.call('update_pools', pool1='stratum+tcp://p:3333', worker1='w', passwd1='PoolSecret77')
    assert encrypted and reply['STATUS'] == 'E'
    message = reply['Msg']
    assert message.index('PoolSecret77') < 200 < message.index('PoolSecret77') + len('PoolSecret77')
    assert session.sign in message
    assert miner.write_log == []


def test_huge_length_announces_5000_digits(rig):
    miner, address, port = rig
    miner.set_faults('huge_length')
    session = Session(address, port)
    sock = session.open('download_logs')
    try:
        header, _rest = read_json_object(sock)
    finally:
        sock.close()
    assert session.decode(header)[0]['Msg']['logfilelen'] == '9' * 5000


def test_trickle_spreads_a_reply_over_the_given_seconds(rig):
    miner, address, port = rig
    miner.set_faults('trickle=1.0')
    started = time.monotonic()
    data = exchange(address, port, {'cmd': 'get_version'})
    elapsed = time.monotonic() - started
    assert json.loads(data)['Msg']['fw_ver']
    assert 0.8 < elapsed < 3.0


def test_slow_drain_reads_an_upload_at_the_given_rate(rig):
    miner, address, port = rig
    miner.set_faults('slow_drain=262144')
    session = Session(address, port)
    image = b'FW_VERSION=20990101.1.Rel\n' + b'\xaa' * (3 << 19)
    sock = session.open('update_firmware')
    try:
        read_json_object(sock)
        sock.settimeout(30)
        started = time.monotonic()
        sock.sendall(struct.pack('<I', len(image)) + image)
        read_all(sock)
        elapsed = time.monotonic() - started
    finally:
        sock.close()
    # 1.5 MiB at 256 KiB/s: about 6 s of draining, less what the socket buffers held
    assert elapsed > 2.5


def test_hostile_faults_are_documented_with_their_values():
    for name in ('escape_bomb', 'deep_nesting', 'echo', 'huge_length', 'slow_drain', 'trickle'):
        assert name in faults.FAULTS
    active, options = faults.parse_faults(['escape_bomb=3', 'deep_nesting=700', 'slow_drain=4096', 'trickle=9'])
    assert options == dict(escape_bomb_mib=3.0, nesting_depth=700, drain_bytes_per_second=4096, trickle_seconds=9.0)
    assert len(active) == 4
    with pytest.raises(faults.UnknownFault):
        faults.parse_faults(['echo=1'])
