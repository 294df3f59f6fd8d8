# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every write changes what the reads report (and the state and write log say so)."""

from __future__ import annotations

import pytest

from sim_client import Session, plain, refused, wait_until

BLOCK = 21


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK, preheat_seconds=0.3)
    address = fleet.addresses[0]
    return fleet, fleet.miner(address), Session(address, fleet.port), address, fleet.port


def summary(address, port):
    return plain(address, port, 'summary')['SUMMARY'][0]


def test_update_pools_changes_pools_and_keeps_passwords_secret(rig):
    _fleet, miner, session, address, port = rig
    assert session.write('update_pools', pool1='stratum+tcp://a.example:3333', worker1='farm.w1', passwd1='s3cret',
                         pool2='stratum+tcp://b.example:3333', worker2='farm.w2', passwd2='x',
                         pool3='', worker3='', passwd3='') == 'API command OK'
    pools = plain(address, port, 'pools')['POOLS']
    assert [(pool['URL'], pool['User']) for pool in pools] == [
        ('stratum+tcp://a.example:3333', 'farm.w1'), ('stratum+tcp://b.example:3333', 'farm.w2')]
    assert miner.state.pools[0].password == 's3cret'
    command, params = miner.write_log[-1]
    assert command == 'update_pools' and 'passwd1' not in params and 'token' not in params
    assert params['pool1'] == 'stratum+tcp://a.example:3333'
    assert 's3cret' not in repr(miner.write_log)


def test_update_pools_needs_all_nine_keys(rig):
    _fleet, miner, session, _address, _port = rig
    reply, _enc = session.call('update_pools', pool1='stratum+tcp://a.example:3333', worker1='w', passwd1='x')
    assert reply['STATUS'] == 'E' and reply['Code'] == 132 and 'pools param' in reply['Msg']
    assert miner.state.pools[0].url == 'stratum+tcp://btc.ss.poolin.com:443'
    assert miner.write_log == []


def test_power_off_and_on(rig):
    _fleet, miner, session, address, port = rig
    session.write('power_off', respbefore='true')
    assert plain(address, port, 'status')['Msg']['btmineroff'] == 'true'
    assert summary(address, port)['MHS av'] == 0
    session.write('power_on')
    assert plain(address, port, 'status')['Msg']['btmineroff'] == 'false'
    assert summary(address, port)['MHS av'] > 0
    assert [entry[0] for entry in miner.write_log] == ['power_off', 'power_on']


@pytest.mark.parametrize('command, mode', [('set_low_power', 'Low'), ('set_high_power', 'High'),
                                           ('set_normal_power', 'Normal')])
def test_power_modes_switch_and_restart_btminer(rig, command, mode):
    _fleet, miner, session, address, port = rig
    normal_rate = summary(address, port)['MHS av']
    session.write(command)
    assert miner.state.power_mode == mode
    assert summary(address, port)['MHS av'] == 0   # btminer restarting
    assert wait_until(lambda: summary(address, port)['MHS av'] > 0, timeout=3)
    record = summary(address, port)
    assert record['Power Mode'] == mode and plain(address, port, 'status')['Msg']['power_mode'] == mode
    if mode == 'Low':
        assert record['MHS av'] < normal_rate
    elif mode == 'High':
        assert record['MHS av'] > normal_rate


def test_power_limit_target_freq_and_power_percent(rig):
    _fleet, miner, session, address, port = rig
    session.write('adjust_power_limit', power_limit='2500')
    assert wait_until(lambda: summary(address, port)['Power'] > 0, timeout=3)
    record = summary(address, port)
    assert record['Power Limit'] == 2500 and record['Power'] <= 2500
    session.write('set_target_freq', percent='-10')
    assert plain(address, port, 'status')['Msg']['hash_percent'] == '-10'
    assert wait_until(lambda: summary(address, port)['Target Freq'] == 528, timeout=3)
    reply, _enc = session.call('set_target_freq', percent='20')   # fan-cooled: underclock only
    assert reply['STATUS'] == 'E' and reply['Code'] == 132
    session.write('set_power_pct', percent='80')
    assert miner.state.power_percent == 80
    session.write('set_power_pct_v2', percent='90')
    assert miner.state.power_percent == 90
    reply, _enc = session.call('set_power_pct', percent='101')
    assert reply['Code'] == 132 and 'percent' in reply['Msg']


def test_flags_and_small_settings(rig):
    _fleet, miner, session, address, port = rig
    session.write('enable_btminer_fast_boot')          # reported after the next restart: test_fast_boot.py
    assert miner.state.fast_boot_pending is True and summary(address, port)['Btminer Fast Boot'] == 'disable'
    session.write('disable_btminer_fast_boot')
    assert miner.state.fast_boot_pending is False
    session.write('disable_web_pools')
    assert miner.state.web_pools is False
    session.write('enable_web_pools')
    assert miner.state.web_pools is True
    session.write('set_temp_offset', temp_offset='-5')
    session.write('adjust_upfreq_speed', upfreq_speed='7')
    session.write('set_poweroff_cool', poweroff_cool='1')
    session.write('set_fan_zero_speed', fan_zero_speed='1')
    state = miner.state
    assert (state.temp_offset, state.upfreq_speed, state.poweroff_cool, state.fan_zero_speed) == (-5, 7, 1, 1)
    for command, key, value in (('set_temp_offset', 'temp_offset', '5'), ('adjust_upfreq_speed', 'upfreq_speed', '10'),
                                ('set_fan_zero_speed', 'fan_zero_speed', 'yes')):
        reply, _enc = session.call(command, **{key: value})
        assert reply['Code'] == 132 and key in reply['Msg']


def test_led_hostname_zone_and_log_server(rig):
    _fleet, miner, session, address, port = rig
    session.write('set_led', color='red', period=1000, duration=500, start=0)
    assert plain(address, port, 'get_miner_info', info='ledstat')['Msg'] == {'ledstat': 'manual'}
    session.write('set_led', param='auto')
    assert plain(address, port, 'get_miner_info', info='ledstat')['Msg'] == {'ledstat': 'auto'}
    session.write('set_hostname', hostname='rack7-m12')
    assert plain(address, port, 'get_miner_info', info='hostname')['Msg'] == {'hostname': 'rack7-m12'}
    session.write('set_zone', timezone='CET-1CEST', zonename='Europe/Berlin')
    assert (miner.state.timezone, miner.state.zonename) == ('CET-1CEST', 'Europe/Berlin')
    session.write('load_log', ip='10.1.1.1', port='514', proto='udp')
    assert miner.state.log_server == {'ip': '10.1.1.1', 'port': 514, 'proto': 'udp'}
    reply, _enc = session.call('set_led', color='blue', period=1, duration=1, start=0)
    assert reply['Code'] == 132


def test_pre_power_on_needs_power_off_then_warms_up(rig):
    fleet, _miner, session, _address, _port = rig
    reply, _enc = session.call('pre_power_on', complete='false', msg='wait for adjust temp')
    assert reply['STATUS'] == 'E' and 'power_off' in reply['Msg']
    session.write('power_off')
    first = session.write('pre_power_on', complete='false', msg='wait for adjust temp')
    assert first == {'complete': False, 'msg': 'wait for adjust temp'}
    assert session.write('pre_power_on', complete='false', msg='wait for adjust temp')['msg'] == 'adjust continue'
    fleet.advance_time(1)
    assert session.write('pre_power_on', complete='false', msg='wait for adjust temp') == {
        'complete': True, 'msg': 'adjust complete'}


def test_net_config_then_reboot(rig):
    _fleet, miner, session, address, port = rig
    session.write('net_config', ip='192.0.2.10', mask='255.255.255.0', gate='192.0.2.1', dns='192.0.2.53',
                  host='m12')
    assert wait_until(lambda: refused(address, port), timeout=2)
    assert wait_until(lambda: not refused(address, port), timeout=3)
    info = plain(address, port, 'get_miner_info')['Msg']
    assert (info['proto'], info['ip'], info['gateway'], info['hostname']) == ('static', '192.0.2.10', '192.0.2.1', 'm12')
    session.fetch_token()
    session.write('net_config', param='dhcp')
    assert wait_until(lambda: not refused(address, port) and
                      plain(address, port, 'get_miner_info', info='proto')['Msg']['proto'] == 'dhcp', timeout=3)


def test_update_pwd_changes_password_and_salt(rig):
    _fleet, miner, session, address, port = rig
    old_salt = plain(address, port, 'get_token')['Msg']['salt']
    reply, _enc = session.call('update_pwd', old='wrong', new='n3w_pw')
    assert reply['Code'] == 132
    assert session.write('update_pwd', old='admin', new='n3w_pw') == 'API command OK'
    assert miner.state.password == 'n3w_pw'
    assert plain(address, port, 'get_token')['Msg']['salt'] != old_salt
    assert 'n3w_pw' not in repr(miner.write_log) and 'admin' not in repr(miner.write_log)
    stale, encrypted = session.call('status')   # old key, old token
    assert not encrypted and stale['Code'] == 23
    fresh = Session(address, port, password='n3w_pw')
    assert fresh.write('status')['btmineroff'] == 'false'
    reply, _enc = fresh.call('update_pwd', old='n3w_pw', new='far_too_long')
    assert reply['Code'] == 132


def test_factory_reset_restores_defaults(rig):
    _fleet, miner, session, address, port = rig
    session.write('update_pwd', old='admin', new='other')
    session = Session(address, port, password='other')
    session.write('set_high_power')
    session.write('set_hostname', hostname='custom')
    session.write('factory_reset')
    assert wait_until(lambda: refused(address, port), timeout=2)
    assert wait_until(lambda: not refused(address, port), timeout=3)
    state = miner.state
    assert (state.password, state.write_access, state.power_mode, state.hostname) == ('admin', False, 'Normal',
                                                                                      'WhatsMiner')
    assert plain(address, port, 'pools')['POOLS'] == []
    reply, encrypted = Session(address, port, password='admin').call('power_off')
    assert not encrypted and reply['Msg'] == "can't access write cmd"


def test_restart_btminer(rig):
    _fleet, miner, session, address, port = rig
    session.write('restart_btminer')
    assert plain(address, port, 'status')['Msg']['btmineroff'] == 'true'
    assert wait_until(lambda: plain(address, port, 'status')['Msg']['btmineroff'] == 'false', timeout=3)
    assert summary(address, port)['Elapsed'] < 5
