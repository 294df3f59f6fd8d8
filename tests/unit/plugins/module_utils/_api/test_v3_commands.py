# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The API v3 command table: names, encrypted and silent commands, every write's parameter checks."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3commands
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter, UnsupportedCommand

POOL = dict(pool='stratum+tcp://pool.example.org:3333', worker='farm.w1', passwd='x')
NET = dict(ip='192.168.1.20', netmask='255.255.255.0', gateway='192.168.1.1', dns='1.1.1.1 8.8.8.8')
LED = [dict(color='red', period=200, duration=100, start=0), dict(color='green', period=200, duration=100, start=100)]

#: (command, a good param, the wire form it becomes)
GOOD = [
    ('set.device.custom_data', dict(key='msg3', value='rack 4 slot 2'), None),
    ('set.device.custom_data', dict(key='CustomerSn', value=''), None),
    ('set.fan.poweroff_cool', 1, None), ('set.fan.zero_speed', 0, None),
    ('set.fan.temp_offset', -30, None), ('set.fan.temp_offset', 0, None),
    ('set.log.upload', dict(ip='10.0.0.5', port=514, proto='udp'), dict(ip='10.0.0.5', port='514', proto='udp')),
    ('set.log.upload', dict(ip='10.0.0.5', port='601', proto='tcp'), None),
    ('set.miner.cointype', dict(cointype='BTC'), None),
    ('set.miner.fast_hash', 1, None), ('set.miner.fastboot', 'disable', None),
    ('set.miner.heat_mode', 'anti-freezing', None),
    ('set.miner.pools', [POOL], None), ('set.miner.pools', [POOL, dict(POOL, passwd=''), POOL], None),
    ('set.miner.power', 3200, None), ('set.miner.power', 3200.5, None),
    ('set.miner.power_limit', 0, None), ('set.miner.power_limit', 99999, None),
    ('set.miner.power_mode', 'high', None),
    ('set.miner.power_percent', dict(percent=80, mode='fast'), dict(percent='80', mode='fast')),
    ('set.miner.power_percent', dict(percent='200', mode='normal'), None),
    ('set.miner.report', dict(gap=285), None), ('set.miner.restore_setting', None, None),
    ('set.miner.service', 'enable', None), ('set.miner.target_freq', -100, None), ('set.miner.target_freq', 100, None),
    ('set.miner.upfreq_speed', 10, None),
    ('set.system.factory_reset', None, None), ('set.system.hostname', dict(hostname='m50-rack4'), None),
    ('set.system.led', 'auto', None), ('set.system.led', LED, None),
    ('set.system.net_config', 'dhcp', None), ('set.system.net_config', NET, None),
    ('set.system.ntp_server', 'pool.ntp.org,time.google.com,10.0.0.1', None), ('set.system.reboot', None, None),
    ('set.system.time_randomized', dict(start=0, stop=120), None),
    ('set.system.timezone', dict(timezone='CST-8', zonename='Asia/Shanghai'), None),
    ('set.system.update_firmware', None, None), ('set.system.webpools', 'enable', None),
    ('set.user.change_passwd', dict(account='super', old='super', new='Newpass1'), None),
    ('set.user.permission', dict(user='user1', permission='set.system.led,set.miner.pools'), None),
]

BAD = [
    ('set.device.custom_data', dict(key='msg10', value='x')), ('set.device.custom_data', dict(key='msg1', value='x' * 128)),
    ('set.device.custom_data', dict(key='msg1', value='tab\there')), ('set.device.custom_data', dict(key='msg1')),
    ('set.fan.poweroff_cool', 2), ('set.fan.poweroff_cool', True), ('set.fan.zero_speed', -1), ('set.fan.temp_offset', 1), ('set.fan.temp_offset', -31),
    ('set.log.upload', dict(ip='10.0.0.5', port=0, proto='udp')), ('set.log.upload', dict(ip='10.0.0.5', port='514', proto='ssl')),
    ('set.log.upload', dict(ip='example.org', port='514', proto='udp')),
    ('set.miner.cointype', dict(cointype='ETH')), ('set.miner.cointype', 'BTC'),
    ('set.miner.fast_hash', '1'), ('set.miner.fastboot', 'on'), ('set.miner.heat_mode', 'anti-icing'),
    ('set.miner.pools', []), ('set.miner.pools', [POOL] * 4), ('set.miner.pools', [dict(pool='a', worker='b')]),
    ('set.miner.pools', [dict(POOL, pool='')]), ('set.miner.pools', [dict(POOL, extra=1)]), ('set.miner.pools', POOL),
    ('set.miner.power', -1), ('set.miner.power', float('nan')), ('set.miner.power', '3000'),
    ('set.miner.power_limit', 100000), ('set.miner.power_limit', -1), ('set.miner.power_limit', 3000.0),
    ('set.miner.power_mode', 'turbo'),
    ('set.miner.power_percent', dict(percent=201, mode='fast')), ('set.miner.power_percent', dict(percent='-1', mode='fast')),
    ('set.miner.power_percent', dict(percent=50, mode='auto')), ('set.miner.power_percent', 50),
    ('set.miner.report', dict(gap=286)), ('set.miner.restore_setting', 'now'),
    ('set.miner.service', 'sleep'), ('set.miner.target_freq', -101), ('set.miner.target_freq', 101),
    ('set.miner.upfreq_speed', 11), ('set.miner.upfreq_speed', -1),
    ('set.system.factory_reset', {}), ('set.system.hostname', dict(hostname='bad name')),
    ('set.system.hostname', dict(hostname='-lead')), ('set.system.hostname', 'm50'),
    ('set.system.led', 'blink'), ('set.system.led', []), ('set.system.led', [dict(LED[0], color='blue')]),
    ('set.system.led', [dict(LED[0], period=-1)]),
    ('set.system.net_config', 'static'), ('set.system.net_config', dict(ip='1.2.3.4')),
    ('set.system.net_config', dict(NET, ip='300.1.1.1')), ('set.system.net_config', dict(NET, dns='')),
    ('set.system.net_config', dict(NET, mask='255.0.0.0')),
    ('set.system.ntp_server', ''), ('set.system.ntp_server', 'a,,b'), ('set.system.ntp_server', ['pool.ntp.org']),
    ('set.system.reboot', 'now'), ('set.system.time_randomized', dict(start=0, stop=121)),
    ('set.system.time_randomized', dict(start=-1, stop=0)), ('set.system.timezone', dict(timezone='CST-8')),
    ('set.system.timezone', dict(timezone='CST 8', zonename='Asia/Shanghai')),
    ('set.system.update_firmware', 'image.bin'), ('set.system.webpools', 1),
    ('set.user.change_passwd', dict(account='admin', old='a', new='b')),
    ('set.user.change_passwd', dict(account='super', old='super', new='')),
    ('set.user.change_passwd', dict(account='super', old='super', new='x' * 65)),
    ('set.user.change_passwd', dict(old='super', new='Newpass1')),
    ('set.user.permission', dict(user='super', permission='set.system.led')),
    ('set.user.permission', dict(user='user1', permission='set.no.such')),
]


@pytest.mark.parametrize('command, param, wire', GOOD)
def test_good_params_pass_and_become_their_wire_form(command, param, wire):
    assert v3commands.check_write(command, param, 'h', 4433) == (param if wire is None else wire)


@pytest.mark.parametrize('command, param', BAD)
def test_bad_params_are_refused_naming_the_miner_and_the_command(command, param):
    with pytest.raises(InvalidParameter) as caught:
        v3commands.check_write(command, param, '10.0.0.9', 4433)
    assert str(caught.value).startswith('10.0.0.9:4433: %s: ' % command)


def test_every_write_has_good_and_bad_cases_here():
    assert set(command for command, _param, _wire in GOOD) == set(v3commands.WRITES)
    assert set(command for command, _param in BAD) == set(v3commands.WRITES)


def test_the_table_is_the_documented_one():
    assert len(v3commands.READS) == 8 and len(v3commands.WRITES) == 31
    assert all(name.startswith('get.') for name in v3commands.READS)
    assert all(name.startswith('set.') for name in v3commands.WRITES)
    assert 'get.miner.report' not in v3commands.READS
    assert set(v3commands.ENCRYPTED) == {'set.miner.pools', 'set.user.change_passwd'}
    assert set(v3commands.BINARY) == {'get.log.download', 'set.system.update_firmware'}
    assert set(v3commands.SECRET_PARAMS) >= {'passwd', 'old', 'new'}


@pytest.mark.parametrize('command, param, silent', [
    ('set.system.reboot', None, True), ('set.system.factory_reset', None, True), ('set.system.net_config', 'dhcp', True),
    ('set.miner.power_limit', 3000, True), ('set.miner.target_freq', -10, True), ('set.miner.power_mode', 'low', True),
    ('set.system.update_firmware', None, True),
    ('set.miner.service', 'restart', True), ('set.miner.service', 'stop', True), ('set.miner.service', 'start', True),
    ('set.miner.service', 'enable', False), ('set.miner.service', 'disable', False),
    ('set.miner.pools', [POOL], False), ('set.system.led', 'auto', False), ('set.user.change_passwd', {}, False),
])
def test_which_writes_may_not_answer(command, param, silent):
    assert v3commands.may_not_answer(command, param) is silent


@pytest.mark.parametrize('command, param', [
    ('get.device.info', None), ('get.device.info', 'salt'), ('get.device.info', 'error-code'),
    ('get.miner.status', 'summary'), ('get.miner.status', 'summary+pools+edevs'), ('get.miner.setting', None),
    ('get.system.setting', None), ('get.fan.setting', None), ('get.device.custom_data', None),
])
def test_good_reads(command, param):
    assert v3commands.check_read(command, param) == param


def test_history_range_goes_as_text():
    assert v3commands.check_read('get.miner.history', dict(begin=1700000000, end='1700003600')) == \
        dict(begin='1700000000', end='1700003600')
    for bad in (dict(begin=1700000000, end=1700000000 + 86401), dict(begin=10, end=5), dict(start=1, stop=2)):
        with pytest.raises(InvalidParameter):
            v3commands.check_read('get.miner.history', bad, 'h', 1)


@pytest.mark.parametrize('command, param', [
    ('get.miner.status', None), ('get.miner.status', 'summary+bogus'), ('get.miner.status', 'pools+pools'),
    ('get.device.info', 'hardware'), ('get.miner.setting', 'all'),
])
def test_bad_read_params(command, param):
    with pytest.raises(InvalidParameter, match='^h:1: %s' % command):
        v3commands.check_read(command, param, 'h', 1)


@pytest.mark.parametrize('command', ['get.version', 'set.miner.pools', 'get.miner.report', '', None])
def test_unknown_reads_are_unsupported(command):
    with pytest.raises(UnsupportedCommand, match='^h:1: '):
        v3commands.check_read(command, None, 'h', 1)


@pytest.mark.parametrize('command', ['set.miner.mode', 'set.miner.fan_speed', 'get.device.info', 'set.led', None])
def test_unknown_writes_are_unsupported(command):
    with pytest.raises(UnsupportedCommand, match='^h:1: '):
        v3commands.check_write(command, None, 'h', 1)


def test_a_refused_password_is_not_quoted():
    with pytest.raises(InvalidParameter) as caught:
        v3commands.check_write('set.user.change_passwd', dict(account='super', old='Hunter22pw', new='x' * 65), 'h', 1)
    assert 'Hunter22pw' not in str(caught.value) and 'x' * 65 not in str(caught.value)
