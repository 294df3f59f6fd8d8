# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan, confirm and input checks of whatsminer_system / whatsminer_led against an in-memory miner.

The logic runs over the real device layer and v2 backend (``fake_miner.device``); only
the client below it is in memory, extended here by the host name, LED, time zone and
syslog state those modules read and write.
"""

from __future__ import annotations

import os
import sys

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import led, system
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import NOT_READABLE

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_miner import FakeMiner, FakeReply, device  # noqa: E402  pylint: disable=wrong-import-position

BASE = dict(host='192.0.2.10', port=4028, password='admin', timeout=1.0, wait=True, wait_timeout=0.05, poll_interval=0.01)
TIMEZONE = dict(timezone='CST-8', zonename='Asia/Shanghai')


def params_for(logic, **given):
    params = dict((name, spec.get('default')) for name, spec in logic.ARGUMENT_SPEC.items())
    params.update(BASE)
    params.update(given)
    return params


def syslog(host='10.0.0.5', port=514, protocol='udp'):
    return dict(host=host, port=port, protocol=protocol)


class AdminMiner(FakeMiner):
    """FakeMiner plus what ``get_miner_info`` shows and the system/LED writes change."""

    def __init__(self, **settings):
        self.hostname = 'WhatsMiner'
        self.ledstat = 'auto'
        self.led = None
        self.zone = None
        self.log_server = None
        super().__init__(**settings)

    def read(self, command):
        if command != 'get_miner_info':
            return super().read(command)
        self.reads.append(command)
        return FakeReply(self._without(dict(hostname=self.hostname, ledstat=self.ledstat, proto='dhcp')))

    def write(self, command, **params):
        if command not in ('set_hostname', 'set_led', 'set_zone', 'load_log'):
            return super().write(command, **params)
        self.writes.append((command, params))
        if command in self.ignore:
            return FakeReply(None, msg='ok')
        if command == 'set_hostname':
            self.hostname = params['hostname']
        elif command == 'set_led':
            self.ledstat = 'auto' if params.get('param') == 'auto' else 'manual'
            self.led = params
        elif command == 'set_zone':
            self.zone = params
        else:
            self.log_server = params
        return FakeReply(None, msg='ok')


class NoNetwork:
    """A client that fails the test if touched: input errors must fail before traffic."""

    def __getattr__(self, name):
        raise AssertionError('the client was used (%s) although the input was invalid' % name)


# --- whatsminer_system ------------------------------------------------------------------

def test_system_same_hostname_sends_nothing():
    miner = AdminMiner(hostname='rack3-m07')
    result = system.run(params_for(system, hostname='rack3-m07'), device(miner), False, True)
    assert result['changed'] is False and miner.writes == [] and result['commands'] == []
    assert result['pending_restart'] == []
    assert result['diff'] == dict(before=dict(hostname='rack3-m07'), after=dict(hostname='rack3-m07'))


def test_system_new_hostname_is_sent_confirmed_and_waits_for_a_restart():
    miner = AdminMiner()
    result = system.run(params_for(system, hostname='rack3-m07'), device(miner), False, False)
    assert miner.writes == [('set_hostname', dict(hostname='rack3-m07'))]
    assert result['changed'] is True and result['settings'] == dict(hostname='rack3-m07')
    assert result['before'] == dict(hostname='WhatsMiner') and result['pending_restart'] == ['hostname']
    assert miner.reads.count('get_miner_info') >= 2   # read, confirmed by reading, read back


def test_system_hostname_that_shows_only_after_a_network_restart_is_sent_once_with_a_warning():
    """Spec 3.18: the host name takes effect when the network restarts, so it is not waited for."""
    miner = AdminMiner(ignore={'set_hostname'})
    result = system.run(params_for(system, hostname='rack3-m07'), device(miner), False, False)
    assert result['changed'] is True and miner.write_names == ['set_hostname']
    assert result['pending_restart'] == ['hostname'] and result['settings'] == dict(hostname='rack3-m07')
    warning, = result['warnings']
    assert warning.startswith('hostname: set_hostname was sent, but the miner reports hostname=WhatsMiner until the '
                              'network restarts or the miner reboots')


def test_system_unreported_hostname_is_sent_with_a_warning():
    miner = AdminMiner(omit={'hostname'})
    result = system.run(params_for(system, hostname='rack3-m07'), device(miner), False, False)
    assert result['changed'] is True and miner.write_names == ['set_hostname']
    assert result['before'] == dict(hostname=NOT_READABLE) and result['settings'] == dict(hostname='rack3-m07')
    assert any('hostname: the miner does not report its current value' in warning for warning in result['warnings'])


def test_system_unreadable_settings_are_always_sent_in_the_wire_form():
    miner = AdminMiner()
    result = system.run(params_for(system, syslog=syslog(host=' 10.0.0.5 ', protocol='tcp'), **TIMEZONE),
                        device(miner), False, True)
    assert miner.writes == [('set_zone', dict(timezone='CST-8', zonename='Asia/Shanghai')),
                            ('load_log', dict(ip='10.0.0.5', port=514, proto='tcp'))]
    assert result['changed'] is True and result['pending_restart'] == ['timezone']
    assert result['before'] == dict(timezone=NOT_READABLE, syslog=NOT_READABLE)
    assert result['after'] == dict(timezone=TIMEZONE, syslog=syslog(protocol='tcp'))
    assert 'get_miner_info' not in miner.reads   # nothing readable was given


def test_system_check_mode_sends_nothing_and_lists_the_commands():
    miner = AdminMiner()
    result = system.run(params_for(system, hostname='rack3-m07', syslog=syslog(), **TIMEZONE), device(miner, True), True, True)
    assert miner.writes == [] and miner.hostname == 'WhatsMiner'
    assert result['changed'] is True and result['commands'] == ['set_hostname', 'set_zone', 'load_log']
    assert result['pending_restart'] == ['hostname', 'timezone']
    assert result['diff']['after']['hostname'] == 'rack3-m07'


@pytest.mark.parametrize('given, option', [
    (dict(hostname=''), 'hostname'),
    (dict(hostname='-rack3'), 'hostname'),
    (dict(hostname='rack_3'), 'hostname'),
    (dict(hostname='a' * 64), 'hostname'),
    (dict(timezone='CST -8', zonename='Asia/Shanghai'), 'timezone'),
    (dict(timezone='CST-8', zonename='Asia/Shang hai'), 'zonename'),
    (dict(syslog=syslog(host='logs.example.com')), 'syslog.host'),
    (dict(syslog=syslog(host='2001:db8::1')), 'syslog.host'),
    (dict(syslog=syslog(port=0)), 'syslog.port'),
])
def test_system_bad_input_fails_before_any_traffic(given, option):
    with pytest.raises(TaskFailed) as err:
        system.run(params_for(system, **given), NoNetwork(), False, False)
    assert err.value.msg.startswith('192.0.2.10:4028: ' + option)


def test_system_hostname_with_dots_is_accepted():
    system.check_params(params_for(system, hostname='m07.rack3.farm'))


# --- whatsminer_led -----------------------------------------------------------------------

def test_led_auto_when_auto_sends_nothing():
    miner = AdminMiner()
    result = led.run(params_for(led, state='auto'), device(miner), False, True)
    assert result['changed'] is False and miner.writes == [] and result['state'] == 'auto'
    assert result['diff'] == dict(before=dict(state='auto'), after=dict(state='auto'))


def test_led_auto_when_blinking_is_sent_and_confirmed():
    miner = AdminMiner(ledstat='manual')
    result = led.run(params_for(led, state='auto'), device(miner), False, True)
    assert miner.writes == [('set_led', dict(param='auto'))]
    assert result['changed'] is True and result['state'] == 'auto'
    assert result['before'] == dict(state='blink', color=NOT_READABLE, period=NOT_READABLE, duration=NOT_READABLE,
                                    start=NOT_READABLE)


def test_led_blink_defaults_find_the_miner_and_always_report_a_change():
    miner = AdminMiner()
    for _run in range(2):
        result = led.run(params_for(led, state='blink'), device(miner), False, True)
        assert result['changed'] is True and result['state'] == 'blink'
    pattern = dict(color='red', period=200, duration=100, start=0)
    assert miner.writes == [('set_led', pattern)] * 2
    assert result['pattern'] == pattern and result['after'] == dict(state='blink', **pattern)


def test_led_blink_that_never_shows_fails():
    miner = AdminMiner(ignore={'set_led'})
    with pytest.raises(TaskFailed) as err:
        led.run(params_for(led, state='blink', color='green'), device(miner), False, False)
    assert 'sent set_led, but after 0.05s the miner still does not show led=' in err.value.msg
    assert 'it reports led=auto' in err.value.msg and miner.write_names == ['set_led']


def test_led_unreported_state_is_sent_with_a_warning():
    miner = AdminMiner(omit={'ledstat'})
    result = led.run(params_for(led, state='auto'), device(miner), False, False)
    assert result['changed'] is True and miner.writes == [('set_led', dict(param='auto'))]
    assert result['before'] == dict(state=None) and result['state'] == 'auto'
    assert any('led: the miner does not report its current value' in warning for warning in result['warnings'])


def test_led_without_wait_warns_that_it_is_not_confirmed():
    miner = AdminMiner(ignore={'set_led'})
    result = led.run(params_for(led, state='blink', wait=False), device(miner), False, False)
    assert result['changed'] is True and result['state'] == 'auto'   # what the read back shows
    assert any(warning.startswith('wait=false') for warning in result['warnings'])


def test_led_check_mode_sends_nothing():
    miner = AdminMiner(ledstat='manual')
    result = led.run(params_for(led, state='auto'), device(miner, True), True, False)
    assert miner.writes == [] and result['changed'] is True and result['commands'] == ['set_led']
    assert result['state'] == 'auto'


@pytest.mark.parametrize('given, option', [
    (dict(state='auto', period=1000), 'period'),
    (dict(state='auto', color='green', start=5), 'color, start'),
    (dict(state='blink', period=0), 'period'),
    (dict(state='blink', period=60001), 'period'),
    (dict(state='blink', duration=201), 'duration'),
    (dict(state='blink', period=1000, duration=-1), 'duration'),
    (dict(state='blink', period=1000, start=1001), 'start'),
    (dict(state='blink', wait_timeout=-1), 'wait_timeout'),
])
def test_led_bad_input_fails_before_any_traffic(given, option):
    with pytest.raises(TaskFailed) as err:
        led.run(params_for(led, **given), NoNetwork(), False, False)
    assert err.value.msg.startswith('192.0.2.10:4028: ' + option)


def test_led_duration_beyond_the_default_period_says_so():
    with pytest.raises(TaskFailed) as err:
        led.check_params(params_for(led, state='blink', duration=500))
    assert 'duration must be between 0 and the period (200 ms, the default), got 500' in err.value.msg


def test_led_shown_state():
    assert [led.shown_state(value) for value in ('auto', 'manual', None)] == ['auto', 'blink', None]
