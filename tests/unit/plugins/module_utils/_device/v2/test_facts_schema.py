# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The facts schema from spec-shaped, newer-firmware and broken replies."""

from __future__ import annotations

import json
import os
import sys

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import parse_reply
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import facts as schema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replies as samples  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def facts():
    return schema.build(samples.spec_replies(), host='192.0.2.10', port=4028)


def test_every_section_is_json_safe_and_stable(facts):
    empty = schema.build({}, host='192.0.2.10', port=4028)
    assert set(empty) == set(facts)
    for section in ('identity', 'mining', 'power', 'thermal'):
        assert set(empty[section]) == set(facts[section])
    assert set(empty['power']['psu']) == set(facts['power']['psu'])
    json.dumps(facts, allow_nan=False)


def test_identity(facts):
    identity = facts['identity']
    assert identity['model'] == 'M30S+VE40'
    assert identity['firmware_version'] == '20220125.13.Rel'
    assert identity['api_version'] == '2.0.3'
    assert identity['platform'] == 'H6OS'
    assert identity['mac'] == 'C6:07:20:00:1E:C2'
    assert identity['hostname'] == 'rack1-m01'
    assert identity['serial'] == 'HTM3X10C4000933K60003'
    assert identity['ip'] == '192.168.2.16'
    assert identity['dns'] == ['114.114.114.114', '8.8.8.8']
    assert identity['host'] == '192.0.2.10' and identity['port'] == 4028


def test_mining_units(facts):
    mining = facts['mining']
    assert mining['is_mining'] is True
    assert mining['hashrate_5s_ths'] == pytest.approx(102.424, abs=1e-3)
    assert mining['hashrate_1m_ths'] == pytest.approx(86.361, abs=1e-3)
    assert mining['hashrate_avg_ths'] == pytest.approx(84.984, abs=1e-3)
    assert mining['hashrate_ths'] == pytest.approx(84.941, abs=1e-3)
    assert mining['factory_hashrate_ths'] == pytest.approx(84.773)
    assert mining['target_hashrate_ths'] == pytest.approx(76.157, abs=1e-3)
    assert mining['hash_percent'] == 100.0
    assert mining['uptime_s'] == 20507 and mining['elapsed_s'] == 2648
    assert mining['hash_stable'] is True
    assert mining['fast_boot'] is False
    assert mining['power_mode'] == 'Normal'
    assert (mining['accepted'], mining['rejected']) == (804, 0)


def test_power_and_psu_strings_become_numbers(facts):
    power = facts['power']
    assert power['power_w'] == 3593 and power['power_limit_w'] == 3600
    assert power['efficiency_j_per_th'] == pytest.approx(42.31)
    psu = power['psu']
    assert psu['input_current_a'] == pytest.approx(8.718)
    assert psu['input_voltage_v'] == pytest.approx(224.0)
    assert psu['input_current_raw'] == 8718 and psu['input_voltage_raw'] == 22400
    assert psu['fan_rpm'] == 6976 and isinstance(psu['fan_rpm'], int)
    assert psu['temp_c'] == pytest.approx(33.5)
    assert psu['vendor'] == '7'


def test_old_psu_vendor_key():
    psu = dict(samples.SPEC_PSU)
    psu['vender'] = psu.pop('vendor')
    assert schema.build({'get_psu': psu})['power']['psu']['vendor'] == '7'


def test_thermal(facts):
    thermal = facts['thermal']
    assert thermal['temp_env_c'] == 32.0
    assert (thermal['chip_temp_min_c'], thermal['chip_temp_max_c'], thermal['chip_temp_avg_c']) == (75.17, 101.25, 89.6)
    assert thermal['board_temps_c'] == [80.0, 79.0]
    assert (thermal['fan_in_rpm'], thermal['fan_out_rpm'], thermal['psu_fan_rpm']) == (4530, 4530, 6976)


def test_boards(facts):
    first, second = facts['boards']
    assert first['slot'] == 0 and first['status'] == 'Alive' and first['enabled'] is True
    assert first['effective_chips'] == 156 and first['frequency_mhz'] == 587
    assert first['hashrate_ths'] == pytest.approx(10.351, abs=1e-3)
    assert first['factory_hashrate_ths'] == pytest.approx(28.836)
    assert first['pcb_serial'] == 'HEM1EP9C400929K60003'
    assert first['chip_data'] == 'K88Z347-2039 BINV01-195001D'
    assert first['model'] == 'M30S+VE40'
    assert first['upfreq_complete'] is False
    assert second['slot'] == 1 and second['hashrate_5s_ths'] is None


def test_pools(facts):
    first, second = facts['pools']
    assert first['priority'] == 0 and first['url'].endswith(':443') and first['active'] is True
    assert (first['accepted'], first['rejected'], first['stale']) == (10, 1, 2)
    assert first['rejected_percent'] == 0.5 and first['stale_percent'] == 0.25
    assert second['active'] is False and second['accepted'] is None
    assert facts['active_pool'] == 'stratum+tcp://btc.ss.poolin.com:443'


def test_errors_in_words(facts):
    assert facts['error_count'] == 2
    assert facts['errors'][0] == {'code': 329, 'time': '2022-01-17 11:28:11',
                                  'reason': 'control board temperature sensor cannot be read'}
    assert 'exhaust fan' in facts['errors'][1]['reason']


@pytest.mark.parametrize('error_reply', [
    {'error_code': [{'329': '2022-01-17 11:28:11'}]},          # spec
    [{'329': '2022-01-17 11:28:11'}],                          # bare list
    {'329': '2022-01-17 11:28:11'},                            # API 2.0.4, repaired to a dict
    {'error_code': {'329': '2022-01-17 11:28:11'}},            # one dict instead of a list
])
def test_error_code_shapes(error_reply):
    facts = schema.build({'get_error_code': error_reply})
    assert [(error['code'], error['time']) for error in facts['errors']] == [(329, '2022-01-17 11:28:11')]


def test_summary_error_fields_used_without_get_error_code():
    summary = dict(samples.SPEC_SUMMARY[0], **{'Error Code Count': 2, 'Error Code 0': 111, 'Error Code 1': {'200': 't'}})
    facts = schema.build({'summary': [summary]})
    assert [error['code'] for error in facts['errors']] == [111, 200]


def test_no_errors():
    assert schema.build({'get_error_code': {'error_code': []}})['errors'] == []


def test_newer_firmware_shapes():
    facts = schema.build({'summary': samples.NEW_SUMMARY, 'edevs': samples.SPEC_EDEVS}, host='h', port=1)
    mining = facts['mining']
    assert mining['hashrate_5s_ths'] is None
    assert mining['target_hashrate_ths'] is None
    assert mining['hashrate_avg_ths'] == pytest.approx(84.984, abs=1e-3)
    assert mining['elapsed_s'] == 2648 and isinstance(mining['elapsed_s'], int)
    assert mining['uptime_s'] == 20508
    assert mining['hash_stable'] is False
    assert mining['is_mining'] is True
    assert facts['identity']['model'] is None
    assert facts['thermal']['chip_temp_max_c'] is None   # nan never reaches the facts
    json.dumps(facts, allow_nan=False)


def test_native_shape_through_reply_parser():
    """A newer-firmware summary parsed by the protocol layer lands in the same facts."""
    payload = json.dumps({'STATUS': 'S', 'When': 1, 'Code': 131, 'Msg': samples.SPEC_SUMMARY[0],
                          'Description': ''}).encode()
    reply = parse_reply('summary', payload, 'h', 1)
    assert schema.build({'summary': reply})['mining']['hashrate_5s_ths'] == pytest.approx(102.424, abs=1e-3)


def test_not_mining_from_status_and_from_hash_rate():
    assert schema.build({'status': {'btmineroff': 'true'}})['mining']['is_mining'] is False
    idle = [dict(samples.SPEC_SUMMARY[0], **{'HS RT': 0, 'MHS 5s': 0})]
    assert schema.build({'summary': idle})['mining']['is_mining'] is False
    assert schema.build({})['mining']['is_mining'] is None


def test_missing_and_garbage_fields_become_none():
    summary = [{'Power': 'n/a', 'MHS 1m': None, 'Env Temp': [], 'Uptime': True, 'Fan Speed In': '4,530'}]
    facts = schema.build({'summary': summary, 'pools': 'nonsense', 'edevs': [1, 'x'], 'get_psu': 'oops'})
    assert facts['power']['power_w'] is None
    assert facts['mining']['hashrate_1m_ths'] is None
    assert facts['thermal']['temp_env_c'] is None
    assert facts['mining']['uptime_s'] is None
    assert facts['thermal']['fan_in_rpm'] is None
    assert facts['pools'] == [] and facts['boards'] == []
    assert facts['power']['psu']['input_current_a'] is None


def test_firmware_from_summary_when_version_not_gathered():
    summary = [dict(samples.SPEC_SUMMARY[0], **{'Firmware Version': '20230911.12.Rel', 'MAC': 'c6:07:00:00:00:01'})]
    facts = schema.build({'summary': summary})
    assert facts['identity']['firmware_version'] == '20230911.12.Rel'
    assert facts['identity']['mac'] == 'C6:07:00:00:00:01'


def test_collected_lists_answered_commands():
    assert schema.build({'summary': samples.SPEC_SUMMARY, 'pools': None})['collected'] == ['summary']


def test_quoted_firmware_version_is_unquoted():
    status = dict(samples.SPEC_STATUS)
    assert schema.build({'status': status})['identity']['firmware_version'] == '20220125.13.Rel'
