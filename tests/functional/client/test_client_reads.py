# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every read command through ``WhatsminerClient`` against a simulated miner, in the normalised ``Reply`` form.

The values are checked against the simulator's live state, so a field that the library
drops, renames or mangles on the way shows up here.
"""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.commands import MINER_INFO_FIELDS, READ_COMMANDS
from client_rig import check_error
from whatsminer_sim.models import model_spec

BLOCK = 60


@pytest.fixture
def rig(make_rig):
    return make_rig(BLOCK)


def test_every_read_command_is_covered_here():
    assert set(READ_COMMANDS) == {'summary', 'pools', 'edevs', 'devs', 'devdetails', 'get_psu', 'get_version',
                                  'get_token', 'status', 'get_miner_info', 'get_error_code'}


def test_summary_is_one_record_in_a_list(rig):
    state = rig.miner.state
    reply = rig.client.summary()
    assert (reply.command, reply.status, reply.ok, reply.code, reply.msg) == ('summary', 'S', True, 11, 'Summary')
    assert reply.encrypted is False and reply.truncated is False
    assert isinstance(reply.data, list) and len(reply.data) == 1
    record = reply.data[0]
    assert record['Power Mode'] == state.power_mode == 'Normal'
    assert record['Firmware Version'] == state.firmware
    assert record['MAC'] == state.mac
    assert record['Power Limit'] == state.power_limit
    assert record['MHS av'] > 0 and isinstance(record['Elapsed'], int)
    assert record['Hash Stable'] is True
    assert reply.raw['SUMMARY'][0] == record


def test_pools_list_the_configured_pools(rig):
    reply = rig.client.pools()
    assert reply.ok and reply.command == 'pools'
    assert [record['URL'] for record in reply.data] == [pool.url for pool in rig.miner.state.pools if pool.url]
    assert [record['User'] for record in reply.data] == [pool.user for pool in rig.miner.state.pools if pool.url]
    assert all('passwd' not in str(record).lower() for record in reply.data)


@pytest.mark.parametrize('command', ['edevs', 'devs'])
def test_boards(rig, command):
    state = rig.miner.state
    reply = getattr(rig.client, command)()
    assert reply.ok and reply.command == command
    assert len(reply.data) == model_spec(state.model).boards
    assert [record['PCB SN'] for record in reply.data] == state.board_sns
    assert [record['Slot'] for record in reply.data] == list(range(len(state.board_sns)))


def test_devdetails(rig):
    reply = rig.client.devdetails()
    assert reply.ok and reply.description == 'btminer'
    assert {record['Model'] for record in reply.data} == {rig.miner.state.model}
    assert len(reply.data) == model_spec(rig.miner.state.model).boards


def test_devdetails_and_edevs_while_mining_is_off(rig):
    rig.miner.state.mining = False
    assert rig.client.edevs().data == []
    with pytest.raises(errors.ApiError) as caught:
        rig.client.devdetails()
    assert caught.value.code == 10 and caught.value.api_msg == 'No devices'
    check_error(caught.value, rig.client)


def test_get_psu_strings_and_vendor_key(rig):
    reply = rig.client.get_psu()
    assert reply.ok and reply.code == 131
    assert reply.data['vendor'] == '7' and 'vender' not in reply.data      # old firmware spells it "vender"
    assert reply.raw['Msg']['vender'] == '7'
    assert reply.data['serial_no'] == rig.miner.state.power_sn
    assert isinstance(reply.data['iin'], str) and isinstance(reply.data['temp0'], str)


def test_get_version(rig):
    reply = rig.client.get_version()
    assert reply.data == {'api_ver': '2.0.5', 'fw_ver': rig.miner.state.firmware, 'platform': 'H6OS',
                          'chip': model_spec(rig.miner.state.model).chip_data}


def test_get_token_is_plaintext_and_leaves_the_cache_alone(rig):
    reply = rig.client.get_token()
    assert reply.ok and reply.code == 134 and not reply.encrypted
    assert set(reply.data) == {'time', 'salt', 'newsalt'} and len(reply.data['time']) == 4
    assert len(rig.cache) == 0
    assert rig.live_tokens() == 1


def test_status(rig):
    reply = rig.client.status()
    assert reply.data == {'btmineroff': 'false', 'Firmware Version': rig.miner.state.firmware,
                          'power_mode': 'Normal', 'hash_percent': '0'}


@pytest.mark.parametrize('info, expected', [
    (None, MINER_INFO_FIELDS),
    (['ip', 'hostname'], ('ip', 'hostname')),
    ('mac,minersn', ('mac', 'minersn')),
])
def test_get_miner_info_field_selection(rig, info, expected):
    state = rig.miner.state
    reply = rig.client.get_miner_info(info=info)
    assert tuple(reply.data) == tuple(expected)
    values = dict(state.net, hostname=state.hostname, mac=state.mac, minersn=state.miner_sn, powersn=state.power_sn,
                  ledstat='auto')
    assert reply.data == {field: values[field] for field in expected}


def test_get_miner_info_refuses_unknown_fields_before_sending(rig):
    with pytest.raises(errors.InvalidParameter, match='info'):
        rig.client.get_miner_info(info=['ip', 'serial'])


def test_get_error_code(rig):
    rig.miner.state.errors = {'329': '2022-01-17 11:28:11', '2010': '2022-01-17 11:30:02'}
    reply = rig.client.get_error_code()
    assert reply.ok and not reply.truncated
    assert reply.data == {'error_code': [{'329': '2022-01-17 11:28:11'}, {'2010': '2022-01-17 11:30:02'}]}
    assert rig.client.summary().data[0]['Error Code Count'] == 2


def test_joined_read_splits_into_one_reply_per_command(rig):
    joined = rig.client.read_joined(['summary', 'pools', 'edevs'])
    assert list(joined) == ['summary', 'pools', 'edevs']
    assert [reply.command for reply in joined.values()] == ['summary', 'pools', 'edevs']
    assert all(reply.ok and isinstance(reply.data, list) for reply in joined.values())
    assert joined['summary'].data[0]['MAC'] == rig.miner.state.mac
    assert [record['URL'] for record in joined['pools'].data] == [record['URL'] for record in rig.client.pools().data]
    assert len(joined['edevs'].data) == model_spec(rig.miner.state.model).boards
    as_text = rig.client.call('summary+pools+edevs')          # the escape hatch gives the same form
    assert sorted(as_text) == ['edevs', 'pools', 'summary'] and as_text['pools'].data == joined['pools'].data


def test_joined_read_of_a_native_command_is_refused_by_the_miner(rig):
    with pytest.raises(errors.InvalidParameter):
        rig.client.read_joined(['summary', 'get_version'])       # caught before sending
    with pytest.raises(errors.InvalidCommand) as caught:
        rig.client.call('summary+get_version')                   # the miner's own answer: Code 14
    assert caught.value.code == 14
    check_error(caught.value, rig.client)


def test_unknown_command_through_the_escape_hatch(rig):
    with pytest.raises(errors.InvalidCommand) as caught:
        rig.client.call('get_everything')
    assert 'invalid cmd' in str(caught.value)
    check_error(caught.value, rig.client)


@pytest.mark.parametrize('command', ['summary', 'status', 'get_psu', 'get_miner_info'])
def test_encrypted_reads_give_the_same_form(rig, command):
    plain = rig.client.read(command)
    secret = rig.client.read(command, encrypted=True)
    assert secret.encrypted and not plain.encrypted
    assert type(secret.data) is type(plain.data)
    if command == 'summary':
        assert secret.data[0]['MAC'] == plain.data[0]['MAC']
    else:
        assert set(secret.data) == set(plain.data)
    assert rig.live_tokens() == 1


def test_reads_refuse_writes(rig):
    with pytest.raises(errors.UnsupportedCommand):
        rig.client.read('reboot')
    assert rig.miner.write_log == []
