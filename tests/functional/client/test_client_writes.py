# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every write of spec section 3 through ``client.write(...)``: the miner's state changes, and a read shows it.

The binary flows (update_firmware, download_logs) are in test_client_binary.py and
update_pwd in test_client_auth.py; everything else is here.
"""

from __future__ import annotations

import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.commands import WRITE_COMMANDS
from client_rig import PASSWORD, check_error, wait_for_reboot

BLOCK = 61

POOLS = dict(pool1='stratum+tcp://pool.example.net:3333', worker1='farm7.m12', passwd1='poolpw1',
             pool2='stratum+tcp://backup.example.net:443', worker2='farm7.m12b', passwd2='poolpw2')


@pytest.fixture
def rig(make_rig):
    return make_rig(BLOCK)


def _summary(client, field):
    return client.summary().data[0][field]


def _info(client, field):
    return client.get_miner_info(info=[field]).data[field]


def _status(client, field):
    return client.status().data[field]


# (command, params, prepare(state), check(state, now), read(client) or None, expected read value)
CASES = [
    ('update_pools', POOLS, None,
     lambda s, now: [(p.url, p.user, p.password) for p in s.pools] == [
         (POOLS['pool1'], 'farm7.m12', 'poolpw1'), (POOLS['pool2'], 'farm7.m12b', 'poolpw2'), ('', '', '')],
     lambda c: [record['URL'] for record in c.pools().data], [POOLS['pool1'], POOLS['pool2']]),
    ('restart_btminer', {}, None, lambda s, now: s.restarting(now), lambda c: _status(c, 'btmineroff'), 'true'),
    ('power_off', {}, None, lambda s, now: not s.mining, lambda c: c.edevs().data, []),
    ('power_off', {'respbefore': True}, None, lambda s, now: not s.mining, lambda c: _status(c, 'btmineroff'), 'true'),
    ('power_on', {}, lambda s: setattr(s, 'mining', False), lambda s, now: s.mining,
     lambda c: _status(c, 'btmineroff'), 'false'),
    ('set_led', {'param': 'auto'}, lambda s: setattr(s, 'led', {'mode': 'manual', 'color': 'red'}),
     lambda s, now: s.led == {'mode': 'auto'}, lambda c: _info(c, 'ledstat'), 'auto'),
    ('set_led', {'color': 'green', 'period': 1000, 'duration': 400, 'start': 100}, None,
     lambda s, now: s.led == {'mode': 'manual', 'color': 'green', 'period': 1000, 'duration': 400, 'start': 100},
     lambda c: _info(c, 'ledstat'), 'manual'),
    ('set_low_power', {}, None, lambda s, now: s.power_mode == 'Low', lambda c: _summary(c, 'Power Mode'), 'Low'),
    ('set_normal_power', {}, lambda s: setattr(s, 'power_mode', 'High'), lambda s, now: s.power_mode == 'Normal',
     lambda c: _status(c, 'power_mode'), 'Normal'),
    ('set_high_power', {}, None, lambda s, now: s.power_mode == 'High', lambda c: _summary(c, 'Power Mode'), 'High'),
    ('set_target_freq', {'percent': -10}, None, lambda s, now: s.target_freq_percent == -10,
     lambda c: _status(c, 'hash_percent'), '-10'),
    # fast boot is stored at once but used (and reported) from the next btminer restart on (spec 3.14/3.15)
    ('enable_btminer_fast_boot', {}, None, lambda s, now: s.fast_boot_pending is True,
     lambda c: _summary(c, 'Btminer Fast Boot'), 'disable'),
    ('disable_btminer_fast_boot', {}, lambda s: setattr(s, 'fast_boot', True), lambda s, now: s.fast_boot_pending is False,
     lambda c: _summary(c, 'Btminer Fast Boot'), 'enable'),
    ('enable_web_pools', {}, lambda s: setattr(s, 'web_pools', False), lambda s, now: s.web_pools is True, None, None),
    ('disable_web_pools', {}, None, lambda s, now: s.web_pools is False, None, None),
    ('set_hostname', {'hostname': 'rack7-m12'}, None, lambda s, now: s.hostname == 'rack7-m12',
     lambda c: _info(c, 'hostname'), 'rack7-m12'),
    ('set_zone', {'timezone': 'UTC0', 'zonename': 'Etc/UTC'}, None,
     lambda s, now: (s.timezone, s.zonename) == ('UTC0', 'Etc/UTC'), None, None),
    ('load_log', {'ip': '10.20.30.40', 'port': 514, 'proto': 'udp'}, None,
     lambda s, now: s.log_server == {'ip': '10.20.30.40', 'port': 514, 'proto': 'udp'}, None, None),
    ('set_power_pct', {'percent': 80}, None, lambda s, now: s.power_percent == 80, None, None),
    ('set_power_pct_v2', {'percent': 70}, None, lambda s, now: s.power_percent == 70, None, None),
    ('set_temp_offset', {'temp_offset': -12}, None, lambda s, now: s.temp_offset == -12, None, None),
    ('adjust_power_limit', {'power_limit': 3000}, None, lambda s, now: s.power_limit == 3000,
     lambda c: _summary(c, 'Power Limit'), 3000),
    ('adjust_upfreq_speed', {'upfreq_speed': 5}, None, lambda s, now: s.upfreq_speed == 5, None, None),
    ('set_poweroff_cool', {'poweroff_cool': True}, None, lambda s, now: s.poweroff_cool == 1, None, None),
    ('set_fan_zero_speed', {'fan_zero_speed': 1}, None, lambda s, now: s.fan_zero_speed == 1, None, None),
]

# Written elsewhere in this directory: the binary flows, update_pwd, and the ones that reboot or need a sequence.
ELSEWHERE = {'update_firmware', 'download_logs', 'update_pwd', 'reboot', 'factory_reset', 'net_config', 'pre_power_on'}


def test_every_write_command_is_covered():
    assert len(WRITE_COMMANDS) == 30
    assert {case[0] for case in CASES} | ELSEWHERE == set(WRITE_COMMANDS)


@pytest.mark.parametrize('command, params, prepare, check, read, expected', CASES,
                         ids=['%s-%d' % (case[0], index) for index, case in enumerate(CASES)])
def test_write_changes_the_miner(rig, command, params, prepare, check, read, expected):
    state = rig.miner.state
    if prepare:
        prepare(state)
    assert not check(state, rig.fleet.clock.now()), 'the case must start from a different state'
    reply = rig.client.write(command, **params)
    assert reply is not None and reply.ok and reply.encrypted
    assert (reply.command, reply.code, reply.msg) == (command, 131, 'API command OK')
    assert check(state, rig.fleet.clock.now())
    assert rig.miner.write_log[-1][0] == command
    if read is not None:
        assert read(rig.client) == expected
    assert rig.live_tokens() == 1                         # one token fetched for the write and the reads


def test_update_pools_wire_form_carries_all_nine_keys_without_leaking_passwords(rig):
    rig.client.write('update_pools', pool1='stratum+tcp://only.example:3333', worker1='w1')
    logged = rig.miner.write_log[-1][1]                   # the simulator drops passwd* from its log
    assert sorted(logged) == ['pool1', 'pool2', 'pool3', 'worker1', 'worker2', 'worker3']
    assert (logged['pool2'], logged['worker3']) == ('', '')
    assert [(pool.url, pool.user, pool.password) for pool in rig.miner.state.pools] == [
        ('stratum+tcp://only.example:3333', 'w1', ''), ('', '', ''), ('', '', '')]


def test_a_parameter_the_miner_refuses_is_a_command_failed(rig):
    with pytest.raises(errors.CommandFailed) as caught:
        rig.client.write('set_target_freq', percent=10)   # the spec: fan-cooled miners only underclock
    assert caught.value.code == 132 and not caught.value.deprecated
    assert 'underclocking' in str(caught.value)
    check_error(caught.value, rig.client)
    assert rig.miner.state.target_freq_percent == 0


def test_invalid_parameters_never_reach_the_miner(rig):
    with pytest.raises(errors.InvalidParameter, match='percent'):
        rig.client.write('set_power_pct', percent=101)
    with pytest.raises(errors.UnsupportedCommand):
        rig.client.write('summary')
    assert rig.miner.write_log == [] and rig.live_tokens() == 0


def test_pre_power_on_after_power_off_warms_up(rig):
    client, state = rig.client, rig.miner.state
    with pytest.raises(errors.CommandFailed, match='power_off first'):
        client.write('pre_power_on', complete=False, msg='wait for adjust temp')
    client.write('power_off')
    first = client.write('pre_power_on', complete=False, msg='wait for adjust temp')
    assert first.data == {'complete': False, 'msg': 'wait for adjust temp'}
    assert state.preheat_started is not None
    assert client.write('pre_power_on', complete=False, msg='adjust continue').data == {
        'complete': False, 'msg': 'adjust continue'}
    rig.fleet.advance_time(state.preheat_seconds)
    assert client.write('pre_power_on', complete=True, msg='adjust complete').data == {
        'complete': True, 'msg': 'adjust complete'}
    client.write('power_on')
    assert state.mining and client.status().data['btmineroff'] == 'false'


def test_reboot_gets_no_answer_then_the_port_refuses_then_it_comes_back(rig):
    before = rig.client.summary().data[0]['Uptime']
    assert before > 60
    started = time.monotonic()
    assert rig.client.write('reboot') is None
    reply, refused = wait_for_reboot(rig.client, rig.miner.reboot_seconds)
    assert refused, 'the port should refuse while the miner reboots'
    assert time.monotonic() - started >= rig.miner.reboot_seconds * 0.8
    assert reply.data['fw_ver'] == rig.miner.state.firmware
    assert rig.client.summary().data[0]['Uptime'] < 5
    assert rig.miner.write_log == [('reboot', {})]
    # The reboot dropped every token on the miner: the cached one is refused once, refetched, and the write goes through.
    assert rig.client.write('set_hostname', hostname='after-reboot').ok
    assert rig.miner.state.hostname == 'after-reboot'


def test_factory_reset_answers_then_reboots_into_defaults(rig):
    state = rig.miner.state
    rig.client.write('update_pools', **POOLS)
    rig.client.write('set_low_power')
    reply = rig.client.write('factory_reset')
    assert reply is not None and reply.ok
    _version, refused = wait_for_reboot(rig.client, rig.miner.reboot_seconds)
    assert refused
    assert state.pools == [] and state.power_mode == 'Normal' and state.password == 'admin'
    assert state.write_access is False
    assert rig.client.pools().data == [] and rig.client.status().data['power_mode'] == 'Normal'
    # The old password is gone: the client cannot decrypt any more.
    with pytest.raises(errors.DecryptionFailed) as caught:
        rig.client.write('set_led', param='auto')
    check_error(caught.value, rig.client)


@pytest.mark.parametrize('params, net', [
    ({'param': 'dhcp'}, {'proto': 'dhcp'}),
    ({'ip': '192.168.5.20', 'mask': '255.255.255.0', 'gate': '192.168.5.1', 'dns': ['1.1.1.1', '8.8.8.8'],
      'host': 'rack5-m20'},
     {'proto': 'static', 'ip': '192.168.5.20', 'netmask': '255.255.255.0', 'gateway': '192.168.5.1',
      'dns': '1.1.1.1 8.8.8.8'}),
], ids=['dhcp', 'static'])
def test_net_config_answers_then_reboots(rig, params, net):
    state = rig.miner.state
    if net['proto'] == 'dhcp':
        state.net = dict(state.net, proto='static')
    reply = rig.client.write('net_config', **params)
    assert reply is not None and reply.ok
    _version, refused = wait_for_reboot(rig.client, rig.miner.reboot_seconds)
    assert refused
    for key, value in net.items():
        assert state.net[key] == value
    info = rig.client.get_miner_info(info=['proto', 'ip', 'hostname']).data
    assert info['proto'] == net['proto']
    if net['proto'] == 'static':
        assert (info['ip'], info['hostname']) == ('192.168.5.20', 'rack5-m20')
    assert PASSWORD not in repr(rig.miner.write_log)
