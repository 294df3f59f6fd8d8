# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every read answers in the shape the spec and real firmware use."""

from __future__ import annotations

import json

import pytest

from sim_client import exchange, plain

BLOCK = 20


@pytest.fixture
def miner(make_fleet):
    fleet = make_fleet(BLOCK)
    return fleet, fleet.addresses[0], fleet.port


def test_summary_is_cgminer_shaped_with_realistic_fields(miner):
    fleet, address, port = miner
    reply = plain(address, port, 'summary')
    head = reply['STATUS'][0]
    assert head['STATUS'] == 'S' and head['Msg'] == 'Summary' and isinstance(head['When'], int)
    assert reply['id'] == 1
    record = reply['SUMMARY'][0]
    for field in ('Elapsed', 'MHS av', 'MHS 5s', 'MHS 1m', 'HS RT', 'Temperature', 'Fan Speed In', 'Fan Speed Out',
                  'Power', 'Power Mode', 'Power Limit', 'Factory GHS', 'Target Freq', 'Target MHS', 'Chip Temp Avg',
                  'Btminer Fast Boot', 'Firmware Version', 'MAC', 'Hash Stable', 'Uptime', 'Env Temp'):
        assert field in record, field
    assert record['Power Mode'] == 'Normal'
    assert record['Firmware Version'] == '20220125.13.Rel'
    assert record['MAC'] == fleet.miner(address).state.mac
    assert record['Hash Stable'] is True
    assert 70e6 < record['MHS av'] < 100e6
    assert record['Btminer Fast Boot'] == 'disable'


def test_command_key_is_accepted_like_cmd(miner):
    _fleet, address, port = miner
    reply = json.loads(exchange(address, port, {'command': 'pools'}))
    assert reply['STATUS'][0]['Msg'] == '3 Pool(s)'
    assert reply['POOLS'][0]['URL'] == 'stratum+tcp://btc.ss.poolin.com:443'
    assert reply['POOLS'][0]['User'] == 'microbtinitial'
    assert all('passwd' not in key.lower() and 'password' not in key.lower() for key in reply['POOLS'][0])


def test_edevs_devs_and_devdetails(miner):
    _fleet, address, port = miner
    for command in ('edevs', 'devs'):
        reply = plain(address, port, command)
        assert reply['STATUS'][0]['Msg'] == '3 ASC(s)'
        board = reply['DEVS'][0]
        assert board['ASC'] == 0 and board['Effective Chips'] == 156 and board['PCB SN']
    details = plain(address, port, 'devdetails')
    assert details['STATUS'][0]['Description'] == 'btminer'
    assert [record['Model'] for record in details['DEVDETAILS']] == ['M30S+VE40'] * 3
    assert details['DEVDETAILS'][0]['Driver'] == 'bitmicro'


def test_native_reads(miner):
    fleet, address, port = miner
    psu = plain(address, port, 'get_psu')
    assert psu['STATUS'] == 'S' and psu['Code'] == 131
    assert all(isinstance(value, str) for value in psu['Msg'].values())
    assert 'vender' in psu['Msg'] and 'vendor' not in psu['Msg']
    version = plain(address, port, 'get_version')['Msg']
    assert version == {'api_ver': '2.0.5', 'fw_ver': '20220125.13.Rel', 'platform': 'H6OS',
                       'chip': 'K88Z347-2039 BINV01-195001D'}
    status = plain(address, port, 'status')['Msg']
    assert status == {'btmineroff': 'false', 'Firmware Version': '20220125.13.Rel', 'power_mode': 'Normal',
                      'hash_percent': '0'}
    fleet.miner(address).state.errors = {'329': '2022-01-17 11:28:11', '2010': '2022-01-17 11:30:00'}
    errors = plain(address, port, 'get_error_code')
    assert errors['Msg'] == {'error_code': [{'329': '2022-01-17 11:28:11'}, {'2010': '2022-01-17 11:30:00'}]}


def test_newer_firmware_uses_vendor_key(make_fleet):
    fleet = make_fleet(BLOCK, firmware='20230911.12.Rel')
    psu = plain(fleet.addresses[0], fleet.port, 'get_psu')['Msg']
    assert psu['vendor'] == '7' and 'vender' not in psu


def test_get_miner_info_honours_the_info_list(miner):
    fleet, address, port = miner
    everything = plain(address, port, 'get_miner_info')['Msg']
    assert set(everything) == {'ip', 'proto', 'netmask', 'gateway', 'dns', 'hostname', 'mac', 'ledstat',
                               'minersn', 'powersn'}
    assert everything['ip'] == address and everything['ledstat'] == 'auto'
    some = plain(address, port, 'get_miner_info', info='ip,mac,hostname')['Msg']
    assert some == {'ip': address, 'mac': fleet.miner(address).state.mac, 'hostname': 'WhatsMiner'}


def test_get_token_shape(miner):
    fleet, address, port = miner
    first = plain(address, port, 'get_token')
    second = plain(address, port, 'get_token')
    assert first['Code'] == 134 and first['STATUS'] == 'S'
    assert len(first['Msg']['time']) == 4 and first['Msg']['time'].isdigit()
    assert first['Msg']['salt'] == second['Msg']['salt']
    assert first['Msg']['newsalt'] != second['Msg']['newsalt'] and len(first['Msg']['newsalt']) == 8


def test_joined_reads(miner):
    _fleet, address, port = miner
    reply = plain(address, port, 'summary+pools+edevs+devdetails')
    assert set(reply) == {'summary', 'pools', 'edevs', 'devdetails'}
    assert reply['summary'][0]['SUMMARY'][0]['Power Mode'] == 'Normal'
    assert reply['pools'][0]['POOLS'][0]['POOL'] == 1
    assert reply['edevs'][0]['DEVS'][2]['ASC'] == 2
    for joined in ('summary+get_psu', 'status+pools', 'summary+bogus'):
        bad = plain(address, port, joined)
        assert bad['STATUS'] == 'E' and bad['Code'] == 14


def test_unknown_command_and_garbage(miner):
    _fleet, address, port = miner
    assert plain(address, port, 'no_such_command')['Code'] == 14
    garbage = json.loads(exchange(address, port, b'GET / HTTP/1.0\r\n\r\n'))
    assert garbage['STATUS'] == 'E' and garbage['Code'] == 23
    broken = json.loads(exchange(address, port, b'{"cmd":"summary"}}'))
    assert broken['STATUS'] == 'E'


def test_request_split_across_segments(miner):
    _fleet, address, port = miner
    import socket
    import time
    with socket.create_connection((address, port), timeout=5) as sock:
        sock.sendall(b'{"cmd":')
        time.sleep(0.05)
        sock.sendall(b'"status"}')
        data = b''
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    assert json.loads(data)['Msg']['btmineroff'] == 'false'


def test_idle_connection_is_closed(make_fleet):
    import socket
    import time
    fleet = make_fleet(BLOCK, idle_timeout=0.3)
    with socket.create_connection((fleet.addresses[0], fleet.port), timeout=5) as sock:
        started = time.monotonic()
        assert sock.recv(10) == b''
        waited = time.monotonic() - started
    assert 0.2 < waited < 2.0


def test_mining_off_reads(miner):
    fleet, address, port = miner
    fleet.miner(address).state.mining = False
    summary = plain(address, port, 'summary')['SUMMARY'][0]
    assert summary['MHS av'] == 0 and summary['Power'] == 0
    assert plain(address, port, 'status')['Msg']['btmineroff'] == 'true'
    assert plain(address, port, 'edevs')['DEVS'] == []
    assert plain(address, port, 'devdetails')['STATUS'][0]['STATUS'] == 'E'
