# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each injected fault reproduces its field behaviour, and only on the miner it is set on."""

from __future__ import annotations

import json
import os
import re
import socket
import time

import pytest

from sim_client import Session, exchange, plain, read_all, worker_base
from whatsminer_sim import FAULTS, Fleet, FleetError
from whatsminer_sim.faults import UnknownFault

BLOCK = 23


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK, count=2, idle_timeout=0.5)
    address = fleet.addresses[0]
    return fleet, fleet.miner(address), address, fleet.port


def raw(address, port, command):
    return exchange(address, port, {'cmd': command})


def _documented_faults():
    """The names in the fault table of docs/architecture.md (rows ``| name | behaviour |``)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'docs', 'architecture.md')
    with open(path, encoding='utf-8') as handle:
        return set(re.findall(r'^\| ([a-z0-9_]+) \| ', handle.read(), re.MULTILINE)) - {'name'}


def test_every_documented_fault_is_accepted(rig):
    _fleet, miner, _address, _port = rig
    assert set(FAULTS) <= _documented_faults(), set(FAULTS) - _documented_faults()
    for name in FAULTS:
        miner.set_faults(name)
        assert miner.has_fault(name)
    miner.clear_faults()
    assert not miner.faults
    with pytest.raises(UnknownFault):
        miner.set_faults('no_such_fault')


def test_faults_for_one_address_only(make_fleet):
    fleet = make_fleet(BLOCK, count=2, faults=['json_trailing_nul@127.0.23.%d' % (worker_base() + 1)])
    first, second = fleet.addresses
    assert not raw(first, fleet.port, 'status').endswith(b'\x00')
    assert raw(second, fleet.port, 'status').endswith(b'\x00')
    with pytest.raises(FleetError):
        Fleet('127.0.23.1', 1, faults=['no_reply@127.0.23.99'])


def test_json_trailing_nul(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('json_trailing_nul')
    data = raw(address, port, 'summary')
    assert data.endswith(b'}\x00')
    json.loads(data[:-1])


def test_json_trailing_comma(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('json_trailing_comma')
    data = raw(address, port, 'summary').decode()
    assert ',}' in data and data.endswith(',}')
    with pytest.raises(ValueError):
        json.loads(data)
    json.loads(data.replace(',}', '}'))


def test_json_raw_newline(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('json_raw_newline')
    data = raw(address, port, 'get_version').decode()
    assert '"btminer\n"' in data
    with pytest.raises(ValueError):
        json.loads(data)


def test_json_psu_missing_comma(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('json_psu_missing_comma')
    data = raw(address, port, 'get_psu').decode()
    assert '"7""temp0"' in data
    assert json.loads(data.replace('""temp0', '","temp0'))['Msg']['temp0']


def test_json_inf_nan(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('json_inf_nan')
    for command in ('summary', 'edevs', 'summary+edevs'):
        data = raw(address, port, command).decode()
        assert re.search(r':inf[,}]', data) and re.search(r':nan[,}]', data), command
        with pytest.raises(ValueError):
            json.loads(data)


def test_json_cut_error_list(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('json_cut_error_list')
    assert len(miner.state.errors) > 100
    data = raw(address, port, 'get_error_code').decode()
    assert '"error_code":[{' in data and not data.endswith('}')
    assert data.count('{"') > 20


def test_json_error_code_204(rig):
    _fleet, miner, address, port = rig
    miner.state.errors = {'329': '2022-01-17 11:28:11', '2010': '2022-01-17 11:29:00'}
    miner.set_faults('json_error_code_204')
    data = raw(address, port, 'get_error_code').decode()
    assert '"error_code":["329":"2022-01-17 11:28:11","2010":"2022-01-17 11:29:00"]' in data


def test_truncated_reply(rig):
    _fleet, miner, address, port = rig
    full = raw(address, port, 'summary')
    miner.set_faults('truncated_reply')
    cut = raw(address, port, 'summary')
    assert 0 < len(cut) < len(full) and full.startswith(cut[:20])
    with pytest.raises(ValueError):
        json.loads(cut)


def test_no_reply_reads_then_closes_at_idle_timeout(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('no_reply')
    started = time.monotonic()
    assert raw(address, port, 'summary') == b''
    assert 0.4 < time.monotonic() - started < 3


def test_slow_reply(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('slow_reply=0.4')
    started = time.monotonic()
    assert json.loads(raw(address, port, 'status'))['STATUS'] == 'S'
    assert 0.35 < time.monotonic() - started < 3


def test_reset_mid_reply(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('reset_mid_reply')
    received = b''
    with socket.create_connection((address, port), timeout=5) as sock:
        sock.sendall(b'{"cmd":"summary"}')
        with pytest.raises(ConnectionResetError):
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
    assert b'SUMMARY' not in received or not received.endswith(b'}')


def test_new_firmware_shapes(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('new_firmware')
    summary = plain(address, port, 'summary')
    assert summary['STATUS'] == 'S' and summary['Code'] == 131
    record = summary['Msg']
    assert 'MHS 5s' not in record and 'Target MHS' not in record
    assert isinstance(record['Elapsed'], float) and record['Hash Stable'] in ('true', 'false')
    assert plain(address, port, 'pools')['Msg']['pools'][0]['POOL'] == 1
    assert plain(address, port, 'edevs')['Msg']['DEVS'][0]['ASC'] == 0
    details = plain(address, port, 'devdetails')
    assert (details['STATUS'], details['Code'], details['Msg']) == ('E', 132, 'This command is deprecated.')
    assert 'vendor' in plain(address, port, 'get_psu')['Msg']


def test_write_access_off_fault(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('write_access_off')
    reply, encrypted = Session(address, port).call('power_off')
    assert not encrypted and reply['Msg'] == "can't access write cmd"
    assert miner.state.mining


def test_silent_on_bad_password(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('silent_on_bad_password')
    started = time.monotonic()
    assert exchange(address, port, Session(address, port, password='bad').envelope('power_off')) == b''
    assert time.monotonic() - started > 0.4
    assert Session(address, port).write('status')      # the right password still works


def test_mode_switch_no_reply_applies(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('mode_switch_no_reply')
    session = Session(address, port)
    assert exchange(address, port, session.envelope('set_low_power')) == b''
    assert miner.state.power_mode == 'Low'
    assert miner.write_log[-1][0] == 'set_low_power'


def test_mode_switch_ignored_does_not_apply(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('mode_switch_ignored')
    session = Session(address, port)
    assert exchange(address, port, session.envelope('set_high_power')) == b''
    assert miner.state.power_mode == 'Normal'
    assert miner.write_log == []


def test_not_whatsminer(rig):
    _fleet, miner, address, port = rig
    miner.set_faults('not_whatsminer')
    data = raw(address, port, 'summary')
    assert data.startswith(b'HTTP/1.1 400 Bad Request\r\n')
    with socket.create_connection((address, port), timeout=5) as sock:
        sock.sendall(b'{"cmd":"get_token"}')
        assert read_all(sock).startswith(b'HTTP/1.1 400')


def test_faults_apply_to_encrypted_replies_too(rig):
    _fleet, miner, address, port = rig
    session = Session(address, port)
    session.fetch_token()
    miner.set_faults('json_trailing_nul')
    data = exchange(address, port, session.envelope('status'))
    assert data.endswith(b'\x00') and session.decode(data)[1]
