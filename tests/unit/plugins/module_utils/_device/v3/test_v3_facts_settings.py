# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 replies (shapes of the real captures in the v3 notes, 4.1a/4.2) -> the one facts schema and the settings table."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import facts as v2facts
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3 import facts, gather, settings
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.schema import GATHERED

DEVICE_INFO = {
    'network': {'ip': '192.0.2.31', 'proto': 'dhcp', 'netmask': '255.255.255.0', 'dns': '192.0.2.1 192.0.2.2',
                'mac': 'c6:08:00:00:12:34', 'gateway': '192.0.2.1', 'hostname': 'WhatsMiner'},
    'miner': {'working': 'true', 'type': 'M50_VH84', 'hash-board': 'HB', 'board-num': '3', 'miner-sn': 'ZMS1',
              'cointype': 'BTC', 'heatmode': 'normal', 'hash-percent': '100', 'fast-boot': 'disable',
              'pcbsn0': 'PCB0', 'chipdata0': 'K11  A2', 'web-pool': 1, 'permission': 'super=255 user1=0'},
    'system': {'api': '3.0.2', 'platform': 'H616', 'fwversion': '20250915.16.Rel2', 'control-board-version': 'CB6V10',
               'apiswitch': '1', 'ledstatus': 'auto'},
    'power': {'type': 'P221B', 'mode': '1', 'hwversion': 'V01', 'swversion': 'V02', 'model': 'P221B', 'sn': 'PSU1',
              'vendor': '3', 'iin': 14.25, 'vin': 221.5, 'vout': 1209, 'pin': 3250, 'fanspeed': 6800, 'temp0': 41.5},
    'salt': 'uhCiDyVj',
    'error-code': [{'531': '2025-03-12 14:52:35', 'reason': 'Slot1 not found.'}, {'270': '2025-03-12 14:50:00'}],
}
STATUS = {
    'summary': {'elapsed': 3600, 'bootup-time': 4000, 'freq-avg': 520, 'target-freq': 530, 'factory-hash': 126.0,
                'hash-average': 121.5, 'hash-1min': 122.0, 'hash-15min': 121.8, 'hash-realtime': 123.4,
                'power-rate': 26.3, 'power-5min': 3240, 'power-realtime': 3250, 'environment-temperature': 24.5,
                'board-temperature': [61.0, 63.5, 62.0], 'chip-temp-min': 55.0, 'chip-temp-avg': 66.0,
                'chip-temp-max': 78.5, 'power-limit': 3500, 'up-freq-finish': 1, 'fan-speed-in': 4200,
                'fan-speed-out': 4300},
    'pools': [{'id': 1, 'url': 'stratum+tcp://pool.example.org:3333', 'status': 'alive', 'account': 'farm.w1',
               'stratum-active': True, 'stratum-diff': 65536, 'reject-rate': 0.2, 'last-share-time': 1760000000},
              {'id': 2, 'url': 'stratum+tcp://backup.example.org:3333', 'status': 'alive', 'account': 'farm.w1',
               'stratum-active': False}],
    'edevs': [{'id': 0, 'slot': 0, 'freq': 520, 'hash-average': 40.5, 'factory-hash': 42.0, 'effective-chips': 108,
               'chip-temp-min': 55, 'chip-temp-avg': 66, 'chip-temp-max': 78}],
}
SETTING = {'power-limit': 3500, 'upfreq-speed': 2, 'power-mode': 'normal', 'fast-boot': 'disable', 'target-freq': 0}


def _keys(schema_type):
    return set(schema_type[1]) if isinstance(schema_type, tuple) else None


def test_v3_facts_fill_exactly_the_schema_v2_fills():
    built = facts.build(DEVICE_INFO, STATUS, SETTING, host='192.0.2.31', port=4433,
                        collected=['get.device.info', 'get.miner.status:summary'])
    empty_v2 = v2facts.build({}, host='192.0.2.31', port=4028)
    assert set(built) == set(GATHERED) == set(empty_v2)
    for section in ('identity', 'mining', 'power', 'thermal'):
        assert set(built[section]) == set(empty_v2[section]), section
    assert set(built['power']['psu']) == set(empty_v2['power']['psu'])
    assert set(built['boards'][0]) == _keys(GATHERED['boards'])
    assert set(built['pools'][0]) == _keys(GATHERED['pools'])


def test_v3_values_are_in_schema_units():
    built = facts.build(DEVICE_INFO, STATUS, SETTING, host='192.0.2.31', port=4433)
    identity = built['identity']
    assert identity['model'] == 'M50_VH84' and identity['firmware_version'] == '20250915.16.Rel2'
    assert identity['api_version'] == '3.0.2' and identity['platform'] == 'H616'
    assert identity['mac'] == 'C6:08:00:00:12:34' and identity['dns'] == ['192.0.2.1', '192.0.2.2']
    mining = built['mining']
    assert mining['is_mining'] is True and mining['power_mode'] == 'Normal'   # v2's spelling, as documented
    assert mining['hashrate_ths'] == 123.4 and mining['factory_hashrate_ths'] == 126.0   # TH/s already
    assert mining['accepted'] is None and mining['uptime_s'] == 4000 and mining['fast_boot'] is False
    assert built['power']['power_w'] == 3250.0 and built['power']['psu']['input_current_a'] == 14.25
    assert built['thermal']['board_temps_c'] == [61.0, 63.5, 62.0] and built['thermal']['temp_c'] == 63.5
    assert built['boards'][0]['pcb_serial'] == 'PCB0' and built['boards'][0]['chip_data'] == 'K11 A2'
    assert built['active_pool'] == 'stratum+tcp://pool.example.org:3333'
    assert [pool['priority'] for pool in built['pools']] == [0, 1]
    assert built['errors'][0] == dict(code=531, time='2025-03-12 14:52:35', reason='Slot1 not found.')
    assert built['errors'][1]['code'] == 270 and built['errors'][1]['reason']   # no reason: from the code table
    assert built['error_count'] == 2


@pytest.mark.parametrize('odd', [None, 'btminer process is down err', 7, [None, 'x', {'reason': 'only'}], {'1': None}])
def test_odd_error_code_shapes_never_raise(odd):
    built = facts.build(dict(DEVICE_INFO, **{'error-code': odd}), None, None)
    assert isinstance(built['errors'], list) and built['error_count'] == len(built['errors'])


def test_unknown_factory_hash_and_missing_ids():
    status = dict(STATUS, summary=dict(STATUS['summary'], **{'factory-hash': -0.003}),
                  pools=[{'pool-priority': 1, 'url': 'b'}, {'pool-priority': 0, 'url': 'a'}])
    built = facts.build(None, status, None)
    assert built['mining']['factory_hashrate_ths'] is None
    assert [(pool['number'], pool['priority']) for pool in built['pools']] == [(1, 1), (2, 0)]
    assert built['identity']['model'] is None and built['mining']['is_mining'] is True   # from the hash rate


def test_every_key_present_when_nothing_was_read():
    built = facts.build(None, None, None, host='h', port=4433)
    assert built['boards'] == [] and built['pools'] == [] and built['identity']['host'] == 'h'


def test_identify_needs_a_model_or_an_api_version():
    assert facts.is_whatsminer(DEVICE_INFO)
    assert not facts.is_whatsminer({}) and not facts.is_whatsminer({'miner': 'x', 'system': {}}) and not facts.is_whatsminer([])


def test_board_temperature_is_the_boards_own_never_the_chip_maximum():
    """Before the fix boards[].temp_c was chip-temp-max (78.0); the module documents the board temperature."""
    edevs = [dict(STATUS['edevs'][0], id=slot, slot=slot) for slot in range(3)]
    built = facts.build(None, dict(STATUS, edevs=edevs), None)
    assert [board['temp_c'] for board in built['boards']] == [61.0, 63.5, 62.0] == built['thermal']['board_temps_c']
    assert [board['chip_temp_max_c'] for board in built['boards']] == [78.0, 78.0, 78.0]


@pytest.mark.parametrize('reported', [None, [], [61.0], 'hot', [None, 'x']])
def test_a_board_without_its_board_temperature_has_none(reported):
    summary = dict(STATUS['summary'], **{'board-temperature': reported})
    edevs = [dict(STATUS['edevs'][0], slot=1)]
    built = facts.build(None, dict(STATUS, summary=summary, edevs=edevs), None)
    assert built['boards'][0]['temp_c'] is None and built['boards'][0]['chip_temp_max_c'] == 78.0
    assert built['thermal']['temp_c'] in (None, 61.0)      # never a chip maximum either


@pytest.mark.parametrize('sent, shown', [
    ('alive', 'Alive'), ('dead', 'Dead'), ('DEAD', 'Dead'), (' rejecting ', 'Rejecting'), ('disabled', 'Disabled'),
    ('Alive', 'Alive'), ('connecting', 'connecting'), (None, None), ('', None),
])
def test_pool_status_is_spelt_as_v2_and_the_docs_spell_it(sent, shown):
    built = facts.build(None, dict(STATUS, pools=[dict(STATUS['pools'][0], status=sent)]), None)
    assert built['pools'][0]['status'] == shown


def test_v2_and_v3_spell_the_pool_status_alike():
    v2 = v2facts.build({'pools': [{'POOL': 1, 'URL': 'stratum+tcp://a:1', 'Status': 'Alive'}]})['pools'][0]['status']
    assert facts.build(None, STATUS, None)['pools'][0]['status'] == v2 == 'Alive'


def test_psu_raw_fields_are_v2_only_and_the_v3_amps_and_volts_are_kept_exactly():
    """Before the fix input_current_raw was to_int(15.18) == 15: neither what was sent nor v2's mA."""
    power = dict(DEVICE_INFO['power'], iin=15.18, vin=221.57)
    psu = facts.build(dict(DEVICE_INFO, power=power), None, None)['power']['psu']
    assert psu['input_current_raw'] is None and psu['input_voltage_raw'] is None
    assert psu['input_current_a'] == 15.18 and psu['input_voltage_v'] == 221.57


def test_collected_names_the_reads_that_answered():
    """Before the fix: ['device', 'setting', 'status'], internal labels instead of API commands."""
    _asked, result = _walk(['summary', 'pools', 'devs', 'psu'], lambda request: {
        gather.DEVICE_INFO: DEVICE_INFO, gather.MINER_STATUS: STATUS, gather.MINER_SETTING: SETTING}[request[0]])
    built = facts.build(result.device, result.status, result.setting, collected=result.collected)
    assert built['collected'] == ['get.device.info', 'get.miner.setting', 'get.miner.status:edevs',
                                  'get.miner.status:pools', 'get.miner.status:summary']
    assert set(result.raw) == {'get.device.info', 'get.miner.setting', 'get.miner.status:summary+pools+edevs'}


def test_collected_leaves_out_what_a_reply_did_not_carry():
    idle = dict(summary=dict(STATUS['summary'], **{'hash-realtime': 0, 'hash-1min': 0, 'hash-average': 0}))
    _asked, result = _walk(['pools'], lambda request: idle)
    assert result.collected == ['get.miner.status:summary']


@pytest.mark.parametrize('text', ['btminer process is down err', ['btminer process is down err']])
def test_an_error_code_sent_as_text_is_one_error(text):
    """Before the fix a bare string gave errors [] and error_count 0: a broken miner reported no errors."""
    built = facts.build(dict(DEVICE_INFO, **{'error-code': text}), None, None)
    assert built['errors'] == [dict(code=None, time=None, reason='btminer process is down err')]
    assert built['error_count'] == 1


def test_an_error_text_is_cut_to_length_and_blank_text_is_no_error():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import CUT_MARK, MAX_MESSAGE
    built = facts.build(dict(DEVICE_INFO, **{'error-code': 'x' * 100000}), None, None)
    reason = built['errors'][0]['reason']
    assert len(reason) == MAX_MESSAGE and reason.endswith(CUT_MARK)
    assert facts.build(dict(DEVICE_INFO, **{'error-code': '  '}), None, None)['errors'] == []
    assert facts.build(dict(DEVICE_INFO, **{'error-code': ['531']}), None, None)['errors'][0]['code'] == 531


def test_a_reason_without_a_code_is_an_error_too():
    built = facts.build(dict(DEVICE_INFO, **{'error-code': [{'reason': 'fan lost'}]}), None, None)
    assert built['errors'] == [dict(code=None, time=None, reason='fan lost')]


# --- settings --------------------------------------------------------------------------------------------

RECORDS = dict(
    miner=dict(SETTING, **{'power-percent': '80', 'heat-mode': 'heating', 'fast-hash': 1}),
    system={'web-pool': 0, 'timezone': 'CST-8', 'zonename': 'Asia/Shanghai', 'hostname': 'rack1',
            'log-upload': {'ip': '192.0.2.9', 'port': '514', 'proto': 'udp'}, 'ntp-server': ['ntp1.example', 'ntp2.example']},
    fan={'fan-poweroff-cool': 1, 'fan-zero-speed': 0, 'fan-temp-offset': '-5'},
    device=DEVICE_INFO,
)


def test_every_readable_row_reads_its_value():
    values = dict((name, row.read(RECORDS)) for name, row in settings.ROWS.items() if row.read)
    assert values == dict(
        state='on', mode='normal', power_limit=3500, target_freq=0, fast_boot=False, upfreq_speed=2,
        heat_mode='heating', fast_hash=True, temp_offset=-5, poweroff_cool=True, fan_zero_speed=False, web_pools=False,
        hostname='rack1', timezone=dict(timezone='CST-8', zonename='Asia/Shanghai'),
        ntp_servers=['ntp1.example', 'ntp2.example'], syslog=dict(host='192.0.2.9', port=514, protocol='udp'),
        led='auto', network=dict(mode='dhcp', address='192.0.2.31', netmask='255.255.255.0', gateway='192.0.2.1',
                                 dns=['192.0.2.1', '192.0.2.2']))


def test_rows_read_none_from_empty_records():
    empty = dict((name, {}) for name in settings.SOURCES)
    assert all(row.read(empty) is None for row in settings.ROWS.values() if row.read)


@pytest.mark.parametrize('name, value, options, expected', [
    ('state', 'off', {}, ('set.miner.service', 'stop')),
    ('state', 'on', {}, ('set.miner.service', 'start')),
    ('mode', 'high', {}, ('set.miner.power_mode', 'high')),
    ('percent', 75, dict(method='fast'), ('set.miner.power_percent', dict(percent='75', mode='fast'))),
    ('fast_boot', True, {}, ('set.miner.fastboot', 'enable')),
    ('web_pools', False, {}, ('set.system.webpools', 'disable')),
    ('poweroff_cool', True, {}, ('set.fan.poweroff_cool', 1)),
    ('led', 'auto', {}, ('set.system.led', 'auto')),
    ('led', dict(color='red', period=200, duration=100, start=0), {},
     ('set.system.led', [dict(color='red', period=200, duration=100, start=0)])),
    ('network', dict(mode='dhcp'), {}, ('set.system.net_config', 'dhcp')),
    ('network', dict(mode='static', address='192.0.2.5', netmask='255.255.255.0', gateway='192.0.2.1', dns='192.0.2.1',
                     hostname='ignored'), {},
     ('set.system.net_config', dict(ip='192.0.2.5', netmask='255.255.255.0', gateway='192.0.2.1', dns='192.0.2.1'))),
    ('syslog', dict(host='192.0.2.9', port=514, protocol='tcp'), {}, ('set.log.upload', dict(ip='192.0.2.9', port='514', proto='tcp'))),
    ('ntp_servers', ['a.example', ' b.example '], {}, ('set.system.ntp_server', 'a.example,b.example')),
    ('heat_mode', 'anti-freezing', {}, ('set.miner.heat_mode', 'anti-freezing')),
])
def test_writes(name, value, options, expected):
    assert settings.wire_write(name, value, **options) == expected


@pytest.mark.parametrize('name, value', [
    ('state', 'sleep'), ('mode', 'turbo'), ('fast_boot', 'yes'), ('heat_mode', 'anti-icing'), ('ntp_servers', []),
    ('network', dict(mode='static', address='192.0.2.5')), ('syslog', dict(host='x')), ('pre_power_on', True),
])
def test_bad_values_fail_before_anything_is_sent(name, value):
    with pytest.raises(InvalidParameter):
        settings.wire_write(name, value)


def test_percent_method_is_checked():
    with pytest.raises(InvalidParameter, match='percent method'):
        settings.wire_write('percent', 50, method='auto')


# --- the read plan ---------------------------------------------------------------------------------------

class _Reply:
    def __init__(self, data):
        self.data = data
        self.raw = dict(code=0, msg=data)


def _walk(subsets, answers, identify=None):
    walk = gather.steps(subsets, identify)
    asked = []
    try:
        request = next(walk)
        while True:
            asked.append(request)
            answer = answers(request)
            request = walk.throw(answer) if isinstance(answer, Exception) else walk.send(_Reply(answer))
    except StopIteration as stop:
        return asked, stop.value


def test_basic_facts_take_three_round_trips():
    asked, result = _walk(['summary', 'pools', 'devdetails'], lambda request: {
        gather.DEVICE_INFO: DEVICE_INFO, gather.MINER_STATUS: STATUS, gather.MINER_SETTING: SETTING}[request[0]])
    assert asked == [(gather.DEVICE_INFO, None), (gather.MINER_STATUS, 'summary+pools'), (gather.MINER_SETTING, None)]
    assert result.failures == {} and result.answered


def test_a_refused_status_read_is_split_and_only_the_refused_part_fails():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import CommandFailed

    def answers(request):
        if request[0] == gather.MINER_STATUS and 'pools' in request[1]:
            return CommandFailed('refused', 'h', 4433, code=-1)
        return STATUS if request[0] == gather.MINER_STATUS else {}
    asked, result = _walk(['summary', 'pools'], answers)
    assert (gather.MINER_STATUS, 'summary') in asked and (gather.MINER_STATUS, 'pools') in asked
    assert list(result.failures) == ['pools'] and result.status['summary']


def test_a_dead_miner_costs_one_request():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ConnectionRefused
    asked, result = _walk(['summary', 'pools', 'psu'], lambda request: ConnectionRefused('refused', 'h', 4433))
    assert len(asked) == 1 and set(result.failures) == {'summary', 'pools', 'psu'} and not result.answered


# --- pools on an idle miner (notes 4.2: pools alone is -1; summary+pools answers without them) --------------

IDLE_SUMMARY = dict(STATUS['summary'], **{'hash-realtime': 0.0, 'hash-1min': 0.0, 'hash-average': 0.0})


def _idle_firmware(request):
    """MDKW's firmware while idle: pools alone refused, pools left out of a combined read."""
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import CommandFailed
    if request[0] != gather.MINER_STATUS:
        return DEVICE_INFO if request[0] == gather.DEVICE_INFO else SETTING
    parts = request[1].split('+')
    if parts == ['pools']:
        return CommandFailed('failed', 'h', 4433, code=-1)
    return dict((part, IDLE_SUMMARY if part == 'summary' else []) for part in parts if part != 'pools')


def test_pools_alone_are_asked_with_the_summary():
    """Before the fix gather_subset [pools] asked 'pools' alone: on an idle miner -1, "no facts gathered"."""
    asked, result = _walk(['pools'], _idle_firmware)
    assert asked == [(gather.MINER_STATUS, 'summary+pools')]
    assert result.failures == {} and result.answered
    assert facts.build(result.device, result.status, result.setting)['pools'] == []


def test_an_idle_miner_gives_no_pools_and_no_failure_for_every_subset():
    asked, result = _walk(['summary', 'pools', 'devs', 'psu'], _idle_firmware)
    assert (gather.MINER_STATUS, 'pools') not in asked and result.failures == {}
    built = facts.build(result.device, result.status, result.setting)
    assert built['pools'] == [] and built['active_pool'] is None and built['mining']['hashrate_ths'] == 0.0


def test_a_refused_status_read_keeps_pools_with_the_summary():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import CommandFailed

    def answers(request):
        if request[0] == gather.MINER_STATUS and request[1] == 'summary+pools+edevs':
            return CommandFailed('refused', 'h', 4433, code=-1)
        return _idle_firmware(request)
    asked, result = _walk(['summary', 'pools', 'devs'], answers)
    assert [param for command, param in asked if command == gather.MINER_STATUS] == [
        'summary+pools+edevs', 'summary+pools', 'edevs']
    assert result.failures == {}
    assert result.collected == ['get.miner.setting', 'get.miner.status:summary', 'get.miner.status:edevs']


def test_pools_left_out_by_a_mining_miner_are_a_failed_subset_not_no_pools():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import MalformedReply
    walk = gather.steps(['summary', 'pools'], host='192.0.2.31', port=4433)
    assert next(walk) == (gather.MINER_STATUS, 'summary+pools')
    walk.send(_Reply({'summary': STATUS['summary']}))          # hashing 123.4 TH/s, and no pools
    with pytest.raises(StopIteration) as stopped:
        walk.send(_Reply(SETTING))
    result = stopped.value.value
    assert list(result.failures) == ['pools'] and isinstance(result.failures['pools'], MalformedReply)
    assert '192.0.2.31:4433' in str(result.failures['pools']) and result.status['summary']


@pytest.mark.parametrize('summary, idle', [
    ({'hash-realtime': 0}, True), ({'hash-realtime': '0.000'}, True), ({'hash-1min': 0.0}, True),
    ({'hash-realtime': 0.5}, False), ({}, False), (None, False), ({'hash-realtime': 'n/a'}, False),
])
def test_idle_means_a_summary_that_reports_no_hash_rate(summary, idle):
    assert facts.is_idle(summary) is idle
