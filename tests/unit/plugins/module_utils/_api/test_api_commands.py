# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Wire encoding of every command and validation at every range boundary."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import commands
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.commands import COMMANDS, build_params, request
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter, UnsupportedCommand

EMPTY_POOLS = {key: '' for key in commands.POOL_KEYS}

# command, params, wire dict (with "cmd")
ENCODINGS = [
    ('summary', {}, {}),
    ('pools', {}, {}),
    ('edevs', {}, {}),
    ('devs', {}, {}),
    ('devdetails', {}, {}),
    ('get_psu', {}, {}),
    ('get_version', {}, {}),
    ('get_token', {}, {}),
    ('status', {}, {}),
    ('get_error_code', {}, {}),
    ('get_miner_info', {}, {'info': 'ip,proto,netmask,gateway,dns,hostname,mac,ledstat,minersn,powersn'}),
    ('get_miner_info', {'info': ['ip', 'mac']}, {'info': 'ip,mac'}),
    ('get_miner_info', {'info': 'ip, minersn'}, {'info': 'ip,minersn'}),
    ('update_pools', {'pool1': 'stratum+tcp://a:3333', 'worker1': 'w.1', 'passwd1': 'x'},
     dict(EMPTY_POOLS, pool1='stratum+tcp://a:3333', worker1='w.1', passwd1='x')),
    ('update_pools', {'pool1': 'p1', 'pool2': 'p2', 'pool3': 'p3', 'worker3': 'w3'},
     dict(EMPTY_POOLS, pool1='p1', pool2='p2', pool3='p3', worker3='w3')),
    ('restart_btminer', {}, {}),
    ('power_off', {}, {}),
    ('power_off', {'respbefore': True}, {'respbefore': 'true'}),
    ('power_on', {}, {}),
    ('set_led', {'param': 'auto'}, {'param': 'auto'}),
    ('set_led', {'color': 'red', 'period': 1000, 'duration': 500, 'start': 0},
     {'color': 'red', 'period': 1000, 'duration': 500, 'start': 0}),
    ('set_led', {'color': 'green', 'period': '60', 'duration': 60, 'start': 60},
     {'color': 'green', 'period': 60, 'duration': 60, 'start': 60}),
    ('set_low_power', {}, {}),
    ('set_normal_power', {}, {}),
    ('set_high_power', {}, {}),
    ('update_firmware', {}, {}),
    ('reboot', {}, {}),
    ('factory_reset', {}, {}),
    ('update_pwd', {'old': 'admin', 'new': 'Ab_12345'}, {'old': 'admin', 'new': 'Ab_12345'}),
    ('net_config', {'param': 'dhcp'}, {'param': 'dhcp'}),
    ('net_config', {'ip': '192.168.2.16', 'mask': '255.255.255.0', 'gate': '192.168.2.1',
                    'dns': ['114.114.114.114', '192.168.0.1'], 'host': 'miner-01'},
     {'ip': '192.168.2.16', 'mask': '255.255.255.0', 'gate': '192.168.2.1', 'dns': '114.114.114.114 192.168.0.1',
      'host': 'miner-01'}),
    ('net_config', {'ip': '10.0.0.5', 'mask': '255.0.0.0', 'gate': '10.0.0.1', 'dns': '8.8.8.8', 'host': 'm'},
     {'ip': '10.0.0.5', 'mask': '255.0.0.0', 'gate': '10.0.0.1', 'dns': '8.8.8.8', 'host': 'm'}),
    ('download_logs', {}, {}),
    ('set_target_freq', {'percent': -100}, {'percent': '-100'}),
    ('set_target_freq', {'percent': 100}, {'percent': '100'}),
    ('enable_btminer_fast_boot', {}, {}),
    ('disable_btminer_fast_boot', {}, {}),
    ('enable_web_pools', {}, {}),
    ('disable_web_pools', {}, {}),
    ('set_hostname', {'hostname': 'rack1-m30'}, {'hostname': 'rack1-m30'}),
    ('set_zone', {'timezone': 'CST-8', 'zonename': 'Asia/Shanghai'}, {'timezone': 'CST-8', 'zonename': 'Asia/Shanghai'}),
    ('load_log', {'ip': '192.168.1.5', 'port': 514, 'proto': 'udp'}, {'ip': '192.168.1.5', 'port': '514', 'proto': 'udp'}),
    ('set_power_pct', {'percent': 0}, {'percent': '0'}),
    ('set_power_pct_v2', {'percent': 100}, {'percent': '100'}),
    ('pre_power_on', {'complete': True, 'msg': 'adjust complete'}, {'complete': 'true', 'msg': 'adjust complete'}),
    ('pre_power_on', {'complete': False, 'msg': 'wait for adjust temp'}, {'complete': 'false', 'msg': 'wait for adjust temp'}),
    ('set_temp_offset', {'temp_offset': -30}, {'temp_offset': '-30'}),
    ('set_temp_offset', {'temp_offset': 0}, {'temp_offset': '0'}),
    ('adjust_power_limit', {'power_limit': 99999}, {'power_limit': '99999'}),
    ('adjust_power_limit', {'power_limit': 0}, {'power_limit': '0'}),
    ('adjust_upfreq_speed', {'upfreq_speed': 9}, {'upfreq_speed': '9'}),
    ('set_poweroff_cool', {'poweroff_cool': True}, {'poweroff_cool': '1'}),
    ('set_poweroff_cool', {'poweroff_cool': 0}, {'poweroff_cool': '0'}),
    ('set_fan_zero_speed', {'fan_zero_speed': False}, {'fan_zero_speed': '0'}),
    ('set_fan_zero_speed', {'fan_zero_speed': 1}, {'fan_zero_speed': '1'}),
]


@pytest.mark.parametrize('command, params, wire', ENCODINGS, ids=lambda value: value if isinstance(value, str) else None)
def test_wire_encoding(command, params, wire):
    encoded = build_params(command, **params)
    assert encoded == wire
    assert request(command, encoded) == dict(wire, cmd=command)


def test_every_command_has_an_encoding_test():
    assert {entry[0] for entry in ENCODINGS} == set(COMMANDS)
    assert len(commands.READ_COMMANDS) == 11
    assert len(commands.WRITE_COMMANDS) == 30  # the 28 sections of spec chapter 3; 3.6 holds three commands


def test_update_pools_always_sends_all_nine_keys():
    wire = build_params('update_pools', pool1='p')
    assert sorted(wire) == sorted(commands.POOL_KEYS) and len(wire) == 9


@pytest.mark.parametrize('command, field, low, high', [
    ('set_target_freq', 'percent', -100, 100),
    ('set_power_pct', 'percent', 0, 100),
    ('set_power_pct_v2', 'percent', 0, 100),
    ('set_temp_offset', 'temp_offset', -30, 0),
    ('adjust_power_limit', 'power_limit', 0, 99999),
    ('adjust_upfreq_speed', 'upfreq_speed', 0, 9),
])
def test_number_boundaries(command, field, low, high):
    assert build_params(command, **{field: low}) == {field: str(low)}
    assert build_params(command, **{field: high}) == {field: str(high)}
    for bad in (low - 1, high + 1):
        with pytest.raises(InvalidParameter) as info:
            build_params(command, **{field: bad})
        assert field in str(info.value) and ('from %d to %d' % (low, high)) in str(info.value)
    for bad in (True, False, 1.5, None, 'ten', [1]):
        with pytest.raises(InvalidParameter):
            build_params(command, **{field: bad})
    with pytest.raises(InvalidParameter, match='needs the parameter'):
        build_params(command)


def test_load_log_port_boundaries():
    base = {'ip': '10.1.1.1', 'proto': 'tcp'}
    assert build_params('load_log', port=1, **base)['port'] == '1'
    assert build_params('load_log', port=65535, **base)['port'] == '65535'
    for bad in (0, 65536, True):
        with pytest.raises(InvalidParameter, match='port'):
            build_params('load_log', port=bad, **base)
    with pytest.raises(InvalidParameter, match='proto'):
        build_params('load_log', ip='10.1.1.1', port=514, proto='http')
    with pytest.raises(InvalidParameter, match='ip'):
        build_params('load_log', ip='10.1.1', port=514, proto='tcp')


@pytest.mark.parametrize('command, field', [('set_poweroff_cool', 'poweroff_cool'), ('set_fan_zero_speed', 'fan_zero_speed')])
def test_flags(command, field):
    for bad in (2, -1, 'yes', None, 0.0):
        with pytest.raises(InvalidParameter, match=field):
            build_params(command, **{field: bad})


def test_set_led_validation():
    ok = {'color': 'red', 'period': 1000, 'duration': 1000, 'start': 1000}
    assert build_params('set_led', **ok)['duration'] == 1000
    for change in ({'color': 'blue'}, {'duration': 1001}, {'start': -1}, {'period': True}, {'period': -1}):
        with pytest.raises(InvalidParameter):
            build_params('set_led', **dict(ok, **change))
    with pytest.raises(InvalidParameter, match='needs the parameter .period.'):
        build_params('set_led', color='red')
    with pytest.raises(InvalidParameter):
        build_params('set_led', param='manual')
    with pytest.raises(InvalidParameter, match='does not take'):
        build_params('set_led', param='auto', color='red')


def test_update_pwd_new_password_rules():
    assert build_params('update_pwd', old='x', new='a' * 8)['new'] == 'a' * 8
    for bad in ('a' * 9, '', 'with space', 'pässwd', 'a-b', 12345678, None):
        with pytest.raises(InvalidParameter) as info:
            build_params('update_pwd', old='OldSecret', new=bad)
        assert '8 characters' in str(info.value) and 'OldSecret' not in str(info.value)


def test_net_config_validation():
    good = {'ip': '192.168.2.16', 'mask': '255.255.255.0', 'gate': '192.168.2.1', 'dns': '1.1.1.1', 'host': 'm1'}
    for change in ({'ip': '300.1.1.1'}, {'ip': 'example.com'}, {'mask': '255.0.255.0'}, {'gate': '1.2.3'},
                   {'dns': ''}, {'dns': ['1.1.1.1', 'x']}, {'host': '-bad'}, {'host': 'a b'}):
        with pytest.raises(InvalidParameter):
            build_params('net_config', **dict(good, **change))
    for missing in good:
        params = dict(good)
        del params[missing]
        with pytest.raises(InvalidParameter, match=missing):
            build_params('net_config', **params)
    with pytest.raises(InvalidParameter):
        build_params('net_config', param='static')


def test_other_validation():
    with pytest.raises(InvalidParameter, match='pool2 is empty'):
        build_params('update_pools', pool1='p', worker2='w')
    with pytest.raises(InvalidParameter, match='pool4'):
        build_params('update_pools', pool4='p')
    with pytest.raises(InvalidParameter, match='must be a string'):
        build_params('update_pools', pool1=5)
    with pytest.raises(InvalidParameter, match='info'):
        build_params('get_miner_info', info=['ip', 'password'])
    with pytest.raises(InvalidParameter, match='does not take'):
        build_params('summary', verbose=True)
    with pytest.raises(InvalidParameter, match='does not take'):
        build_params('reboot', delay=5)
    with pytest.raises(InvalidParameter, match='zonename'):
        build_params('set_zone', timezone='CST-8', zonename='Asia/Shang hai')
    with pytest.raises(InvalidParameter, match='hostname'):
        build_params('set_hostname', hostname='x' * 64)
    with pytest.raises(InvalidParameter, match='msg'):
        build_params('pre_power_on', complete=True, msg='done')
    with pytest.raises(InvalidParameter, match='complete'):
        build_params('pre_power_on', complete=1, msg='adjust complete')
    with pytest.raises(UnsupportedCommand):
        build_params('rm_rf')


def test_command_table_flags():
    may_not_answer = {name for name, spec in COMMANDS.items() if spec.may_not_answer}
    assert may_not_answer == {'reboot', 'set_low_power', 'set_normal_power', 'set_high_power', 'power_off',
                              'restart_btminer', 'net_config', 'factory_reset', 'set_target_freq', 'adjust_power_limit'}
    assert {name for name, spec in COMMANDS.items() if spec.joinable} == {'summary', 'pools', 'edevs', 'devs', 'devdetails'}
    assert commands.joined_names('summary+pools+edevs') == ['summary', 'pools', 'edevs']
    for bad in ('summary', 'summary+get_psu', 'summary+summary', ['pools', 'status']):
        with pytest.raises(InvalidParameter):
            commands.joined_names(bad)


def test_client_validation_errors_name_the_miner():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient  # pylint: disable=import-outside-toplevel
    client = WhatsminerClient('127.0.1.250', port=4999)
    with pytest.raises(InvalidParameter, match=r"^127\.0\.1\.250:4999: .*percent"):
        client.write('set_power_pct', percent=101)
