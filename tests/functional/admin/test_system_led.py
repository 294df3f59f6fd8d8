# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_system and whatsminer_led through ansible-playbook against simulated miners (127.0.74.x, port 14074).

The simulator's ``write_log`` is the proof of what reached a miner and ``state`` shows
what it now holds: idempotence is no new ``write_log`` entry on the second run, check
mode an empty one. Each test has its own miner.
"""

from __future__ import annotations

import os

import pytest

PORT = 14074
PASSWORD = 'Zq8vT3kp'
FAST = dict(port=PORT, password=PASSWORD, idle_timeout=3.0)
WAITS = dict(wait_timeout=5, poll_interval=0.1)
#: where nothing listens: a task that fails there with an input error sent nothing
NOWHERE = '127.0.74.250'

TIMEZONE = dict(timezone='CET-1CEST,M3.5.0,M10.5.0/3', zonename='Europe/Berlin')
SYSLOG = dict(host='10.0.0.5', port=5514, protocol='tcp')


def first_address(offset=0):
    """127.0.74.x, a range of 40 addresses per pytest-xdist worker."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.74.%d' % (1 + 40 * (index % 6) + offset)


def play(module, args, name='Apply'):
    return [dict(
        name='Administer', hosts='all', gather_facts=False,
        module_defaults={'group/minerops.whatsminer.whatsminer': dict(
            host='{{ ansible_host }}', port=PORT, timeout=3, password='{{ whatsminer_password }}')},
        tasks=[{'name': name, 'minerops.whatsminer.%s' % module: args}],
    )]


def hosts(address):
    return {'m1': dict(ansible_host=address, whatsminer_password=PASSWORD)}


def commands(miner):
    return [command for command, _params in miner.write_log]


def secret_free(run):
    assert PASSWORD not in run.output, run.output
    for record in run.records:
        assert PASSWORD not in repr(record.result), record


# --- whatsminer_system -------------------------------------------------------------

def test_system_sets_everything_then_the_host_name_is_idempotent(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(0), **FAST).miners[0]
    args = dict(hostname='rack3-m07', syslog=SYSLOG, **TIMEZONE)
    run = run_playbook(play('whatsminer_system', args), hosts(miner.address), diff=True)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    state = miner.state
    assert (state.hostname, state.timezone, state.zonename) == ('rack3-m07', TIMEZONE['timezone'], TIMEZONE['zonename'])
    assert state.log_server == dict(ip='10.0.0.5', port=5514, proto='tcp')
    assert commands(miner) == ['set_hostname', 'set_zone', 'load_log']
    result = record.result
    assert result['commands'] == ['set_hostname', 'set_zone', 'load_log']
    assert result['pending_restart'] == ['hostname', 'timezone']
    assert result['before'] == dict(hostname='WhatsMiner', timezone='(not readable)', syslog='(not readable)')
    assert result['after'] == result['settings'] == dict(hostname='rack3-m07', timezone=TIMEZONE, syslog=SYSLOG)
    assert record.diff == dict(before=result['before'], after=result['after'])

    again = run_playbook(play('whatsminer_system', dict(hostname='rack3-m07')), hosts(miner.address))
    record = again.result('m1', 'Apply')
    assert record.status == 'ok' and not record.changed, again.describe()
    assert record.result['commands'] == [] and record.result['pending_restart'] == []
    assert len(miner.write_log) == 3

    # the time zone cannot be read back: sent again, reported as changed, and still waits for a restart
    zone = run_playbook(play('whatsminer_system', dict(hostname='rack3-m07', **TIMEZONE)), hosts(miner.address))
    record = zone.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, zone.describe()
    assert record.result['commands'] == ['set_zone'] and record.result['pending_restart'] == ['timezone']
    assert commands(miner) == ['set_hostname', 'set_zone', 'load_log', 'set_zone']


def test_system_check_mode_writes_nothing_and_says_what_it_would_send(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(1), **FAST).miners[0]
    args = dict(hostname='rack3-m08', syslog=dict(host='10.0.0.6'), **TIMEZONE)
    run = run_playbook(play('whatsminer_system', args), hosts(miner.address), check=True, diff=True)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    assert miner.write_log == [] and miner.state.hostname == 'WhatsMiner' and miner.state.log_server is None
    assert record.result['commands'] == ['set_hostname', 'set_zone', 'load_log']
    assert record.result['pending_restart'] == ['hostname', 'timezone']
    assert record.diff['before']['hostname'] == 'WhatsMiner'
    assert record.diff['after']['syslog'] == dict(host='10.0.0.6', port=514, protocol='udp')


# --- whatsminer_led ------------------------------------------------------------------

def test_led_blink_is_an_action_and_auto_is_idempotent(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(2), **FAST).miners[0]
    run = run_playbook(play('whatsminer_led', dict(state='blink', **WAITS)), hosts(miner.address), diff=True)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    assert miner.state.led == dict(mode='manual', color='red', period=200, duration=100, start=0)
    pattern = dict(color='red', period=200, duration=100, start=0)
    assert record.result['state'] == 'blink' and record.result['pattern'] == pattern
    assert record.diff == dict(before=dict(state='auto'), after=dict(state='blink', **pattern))

    # no read can tell which pattern runs: the same blink is sent again and reported as a change
    again = run_playbook(play('whatsminer_led', dict(state='blink', color='green', period=2000, duration=1000)),
                         hosts(miner.address), diff=True)
    record = again.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, again.describe()
    assert record.diff['before'] == dict(state='blink', color='(not readable)', period='(not readable)',
                                         duration='(not readable)', start='(not readable)')
    assert miner.state.led == dict(mode='manual', color='green', period=2000, duration=1000, start=0)

    auto = run_playbook(play('whatsminer_led', dict(state='auto', **WAITS)), hosts(miner.address))
    record = auto.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed and record.result['state'] == 'auto', auto.describe()
    assert miner.state.led == dict(mode='auto')
    assert commands(miner) == ['set_led'] * 3

    still = run_playbook(play('whatsminer_led', dict(state='auto')), hosts(miner.address))
    record = still.result('m1', 'Apply')
    assert record.status == 'ok' and not record.changed and record.result['commands'] == [], still.describe()
    assert len(miner.write_log) == 3


def test_led_check_mode_writes_nothing(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(3), **FAST).miners[0]
    run = run_playbook(play('whatsminer_led', dict(state='blink', color='green')), hosts(miner.address), check=True)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed and record.result['commands'] == ['set_led'], run.describe()
    assert miner.write_log == [] and miner.state.led == dict(mode='auto')

    auto = run_playbook(play('whatsminer_led', dict(state='auto')), hosts(miner.address), check=True)
    record = auto.result('m1', 'Apply')
    assert record.status == 'ok' and not record.changed and record.result['commands'] == [], auto.describe()


# --- input errors, secrets -------------------------------------------------------------

@pytest.mark.parametrize('module, args, option', [
    ('whatsminer_system', dict(hostname='rack_3!'), 'hostname'),
    ('whatsminer_system', dict(timezone='CST -8', zonename='Asia/Shanghai'), 'timezone'),
    ('whatsminer_system', dict(syslog=dict(host='logs.example.com')), 'syslog.host'),
    ('whatsminer_system', dict(syslog=dict(host='10.0.0.5', port=70000)), 'syslog.port'),
    ('whatsminer_led', dict(state='blink', period=70000), 'period'),
    ('whatsminer_led', dict(state='blink', duration=300), 'duration'),
    ('whatsminer_led', dict(state='blink', period=1000, start=1001), 'start'),
    ('whatsminer_led', dict(state='auto', color='green'), 'color'),
])
def test_bad_input_fails_before_any_traffic_naming_the_option(sim_fleet, run_playbook, module, args, option):
    # NOWHERE has no listener: a connection attempt would fail with a connection error instead
    run = run_playbook(play(module, args), {'m1': dict(ansible_host=NOWHERE, whatsminer_password=PASSWORD)})
    record = run.result('m1', 'Apply')
    assert record.failed and record.msg.startswith('%s:%d: %s' % (NOWHERE, PORT, option)), run.describe()
    assert 'connect' not in record.msg.lower()


def test_zonename_without_timezone_is_refused_by_the_argument_spec(run_playbook):
    run = run_playbook(play('whatsminer_system', dict(zonename='Asia/Shanghai')),
                       {'m1': dict(ansible_host=NOWHERE, whatsminer_password=PASSWORD)})
    record = run.result('m1', 'Apply')
    assert record.failed and 'timezone' in record.msg and 'zonename' in record.msg, run.describe()


@pytest.mark.parametrize('path', ['action', 'module'])
def test_no_password_in_any_output_at_vvvv(sim_fleet, run_playbook, path):
    miner = sim_fleet(first_address(4 if path == 'action' else 5), **FAST).miners[0]
    plays = play('whatsminer_system', dict(hostname='found-me', syslog=SYSLOG, **TIMEZONE), name='System')
    plays[0]['tasks'] += [{'name': 'Blink', 'minerops.whatsminer.whatsminer_led': dict(state='blink', **WAITS)},
                          {'name': 'Auto', 'minerops.whatsminer.whatsminer_led': dict(state='auto', **WAITS)}]
    env = {'MINEROPS_WHATSMINER_FORCE_MODULE': '1'} if path == 'module' else None
    run = run_playbook(plays, hosts(miner.address), diff=True, verbosity=4, env=env)
    for name in ('System', 'Blink', 'Auto'):
        record = run.result('m1', name)
        assert record.status == 'ok' and record.changed, run.describe()
    if path == 'module':
        assert 'AnsiballZ_whatsminer_system' in run.stdout and 'AnsiballZ_whatsminer_led' in run.stdout
    assert miner.state.hostname == 'found-me' and miner.state.led == dict(mode='auto')
    assert commands(miner) == ['set_hostname', 'set_zone', 'load_log', 'set_led', 'set_led']
    secret_free(run)
