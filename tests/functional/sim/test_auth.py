# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Authentication rules of a real miner: encryption, tokens per client IP, limits, write access."""

from __future__ import annotations

import json

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from sim_client import Session, exchange, plain

BLOCK = 22


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK)
    address = fleet.addresses[0]
    return fleet, fleet.miner(address), address, fleet.port


def test_plaintext_write_is_refused(rig):
    _fleet, miner, address, port = rig
    reply = plain(address, port, 'power_off')
    assert reply == {'STATUS': 'E', 'When': reply['When'], 'Code': 45, 'Msg': 'permission denied', 'Description': ''}
    assert miner.state.mining is True and miner.write_log == []


def test_wrong_password_gets_code_23_in_plaintext(rig):
    _fleet, miner, address, port = rig
    reply, encrypted = Session(address, port, password='wrong').call('power_off')
    assert not encrypted and reply['STATUS'] == 'E' and reply['Code'] == 23 and reply['Msg'] == 'enc json load err'
    assert miner.state.mining is True
    # base64 that decrypts to garbage is the wrong key's 23; text that is no base64 at all is the spec's 137
    garbage = json.loads(exchange(address, port, {'enc': 1, 'data': crypto.encrypt(b'\x00' * 32, '{"cmd":"x"}')}))
    assert garbage['Code'] == 23
    for data in ('not base64 at all!', '!!!notbase64!!!', 12345):
        reply = json.loads(exchange(address, port, {'enc': 1, 'data': data}))
        assert (reply['STATUS'], reply['Code'], reply['Msg']) == ('E', 137, 'base64 decode error'), data


def test_bad_token_gets_135(rig):
    _fleet, miner, address, port = rig
    session = Session(address, port)
    session.fetch_token()
    session.sign = 'A' * 22
    reply, encrypted = session.call('power_off')
    assert not encrypted and reply['Code'] == 135
    assert miner.state.mining is True


def test_token_is_bound_to_the_client_ip(rig):
    _fleet, miner, address, port = rig
    session = Session(address, port, source='127.0.22.240')
    session.fetch_token()
    session.source = '127.0.22.241'
    reply, _encrypted = session.call('power_off')
    assert reply['Code'] == 135
    session.source = '127.0.22.240'
    assert session.write('power_off') == 'API command OK'


def test_token_expires_after_30_minutes(rig):
    fleet, _miner, address, port = rig
    session = Session(address, port)
    assert session.write('status')['btmineroff'] == 'false'
    fleet.advance_time(29 * 60)
    assert session.write('status')['btmineroff'] == 'false'
    fleet.advance_time(2 * 60)
    reply, encrypted = session.call('status')
    assert not encrypted and reply['Code'] == 135


def test_32_tokens_per_ip_then_136_until_they_expire(rig):
    fleet, _miner, address, port = rig
    for _attempt in range(32):
        assert plain(address, port, 'get_token', source='127.0.22.250')['Code'] == 134
    over = plain(address, port, 'get_token', source='127.0.22.250')
    assert over['STATUS'] == 'E' and over['Code'] == 136 and over['Msg'] == 'over max connect'
    assert plain(address, port, 'get_token', source='127.0.22.251')['Code'] == 134   # another IP is fine
    fleet.advance_time(31 * 60)
    assert plain(address, port, 'get_token', source='127.0.22.250')['Code'] == 134


def test_16_client_ips_at_most(rig):
    _fleet, _miner, address, port = rig
    for host in range(200, 216):
        assert plain(address, port, 'get_token', source='127.0.22.%d' % host)['Code'] == 134
    assert plain(address, port, 'get_token', source='127.0.22.216')['Code'] == 136
    assert plain(address, port, 'get_token', source='127.0.22.200')['Code'] == 134   # a known IP still gets more


def test_write_access_off(make_fleet):
    fleet = make_fleet(BLOCK, write_access=False)
    address = fleet.addresses[0]
    session = Session(address, fleet.port)
    reply, encrypted = session.call('power_off')
    assert not encrypted and reply['STATUS'] == 'E' and reply['Msg'] == "can't access write cmd"
    assert session.write('status')['btmineroff'] == 'false'    # encrypted reads still work
    fleet.miner(address).state.write_access = True
    assert session.write('power_off') == 'API command OK'


def test_encrypted_reply_is_nul_padded_json(rig):
    _fleet, _miner, address, port = rig
    session = Session(address, port)
    raw = exchange(address, port, session.envelope('get_version'))
    envelope = json.loads(raw)
    assert set(envelope) == {'enc'}
    cipher = __import__('base64').b64decode(envelope['enc'])
    assert len(cipher) % 16 == 0
    assert json.loads(crypto.decrypt(session.aeskey, envelope['enc']))['Msg']['api_ver'] == '2.0.5'


def test_update_pwd_invalidates_tokens(rig):
    _fleet, _miner, address, port = rig
    session = Session(address, port)
    session.write('update_pwd', old='admin', new='abc')
    session.password = 'abc'
    key = crypto.derive_key('abc', plain(address, port, 'get_token')['Msg']['salt'])
    session.aeskey = crypto.aes_key(key)       # right key, but the token predates the change
    reply, _encrypted = session.call('status')
    assert reply['Code'] == 135
