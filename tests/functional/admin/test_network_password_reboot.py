# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_network, _password, _reboot and _factory_reset through ansible-playbook against simulated miners.

Miners on 127.0.75.x, new addresses on 127.0.76.x, port 14075; each pytest-xdist worker
has its own 40 addresses in both. The simulator's ``write_log`` is the proof of what
reached a miner (empty: nothing was sent), ``state`` what it now holds, and
``miner.address`` where it listens. Each test has its own miners.
"""

from __future__ import annotations

import os
import socket
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient

PORT = 14075
PASSWORD = 'Qx7_adm'
NEW_PASSWORD = 'Rt9_new'
FAST = dict(port=PORT, password=PASSWORD, reboot_seconds=0.5, restart_seconds=0.5, idle_timeout=3.0)
WAITS = dict(wait_timeout=10, poll_interval=0.1)


def _worker():
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    return int(worker[2:]) if worker[2:].isdigit() else 0


def first_address(offset=0):
    """127.0.75.x, a range of 40 addresses per pytest-xdist worker."""
    return '127.0.75.%d' % (1 + 40 * (_worker() % 6) + offset)


def new_address(offset=0):
    """127.0.76.x: where a re-addressed miner goes, 40 per worker."""
    return '127.0.76.%d' % (1 + 40 * (_worker() % 6) + offset)


#: where nothing listens: a task that fails there with an input error tried no traffic
NOWHERE = first_address(39)


def play(module, args, name='Apply', extra_tasks=()):
    return [dict(
        name='Administer', hosts='all', gather_facts=False,
        module_defaults={'group/minerops.whatsminer.whatsminer': dict(
            host='{{ ansible_host }}', port=PORT, timeout=3, password='{{ whatsminer_password }}')},
        tasks=[{'name': name, 'minerops.whatsminer.%s' % module: args, 'register': 'outcome'}] + list(extra_tasks),
    )]


def hosts(*addresses, password=PASSWORD):
    return dict(('m%d' % (index + 1), dict(ansible_host=address, whatsminer_password=password))
                for index, address in enumerate(addresses))


def commands(miner):
    return [command for command, _params in miner.write_log]


def secret_free(run, *secrets):
    for secret in secrets or (PASSWORD, NEW_PASSWORD):
        assert secret not in run.output, run.output
        for record in run.records:
            assert secret not in repr(record.result), record


def refuses(address):
    try:
        socket.create_connection((address, PORT), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def static(address, **extra):
    gateway = address.rsplit('.', 1)[0] + '.254'
    return dict(mode='static', address=address, netmask='255.255.255.0', gateway=gateway, dns=['10.0.0.53', '1.1.1.1'],
                **extra)


# --- whatsminer_network ------------------------------------------------------------

READ_THERE = [
    {'name': 'Follow the miner', 'ansible.builtin.set_fact': {'ansible_host': '{{ outcome.host }}'}},
    {'name': 'Read it there', 'minerops.whatsminer.whatsminer_facts': {'gather_subset': ['miner_info', 'summary']}},
]


def test_network_moves_the_miner_and_the_play_reads_it_at_the_new_address(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(0), **FAST).miners[0]
    home, new = miner.address, new_address(0)
    miner.state.hostname = 'rack7-m03'
    args = dict(static(new), allow_address_change=True, **WAITS)
    run = run_playbook(play('whatsminer_network', args, extra_tasks=READ_THERE), hosts(home), diff=True, verbosity=4)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    result = record.result
    wanted = dict(mode='static', address=new, netmask='255.255.255.0', gateway=new.rsplit('.', 1)[0] + '.254',
                  dns=['10.0.0.53', '1.1.1.1'], hostname='rack7-m03')
    assert result['after'] == result['network'] == wanted and result['before']['mode'] == 'dhcp'
    assert (result['host'], result['address_changed'], result['commands']) == (new, True, ['net_config'])
    assert result['downtime'] >= 0.4 and record.diff == dict(before=result['before'], after=wanted)
    assert any('ansible_host in the inventory is stale' in warning for warning in result['warnings'])
    # the current host name went along (API v2 sets it with a static address)
    assert miner.write_log == [('net_config', dict(ip=new, mask='255.255.255.0', gate=wanted['gateway'],
                                                   dns='10.0.0.53 1.1.1.1', host='rack7-m03'))]
    # the miner moved: it answers at the new address only, and the play went on there
    assert miner.address == new and refuses(home) and not refuses(new)
    facts = run.result('m1', 'Read it there')
    assert facts.status == 'ok', run.describe()
    identity = facts.result['ansible_facts']['whatsminer']['identity']
    assert (identity['host'], identity['ip'], identity['network_mode']) == (new, new, 'static')
    secret_free(run, PASSWORD)

    again = run_playbook(play('whatsminer_network', dict(static(new), **WAITS)), hosts(new))
    record = again.result('m1', 'Apply')
    assert record.status == 'ok' and not record.changed, again.describe()
    assert record.result['commands'] == [] and len(miner.write_log) == 1 and record.result['host'] == new

    # back to DHCP: the farm's DHCP server gives it its old address, named as where to wait
    back = run_playbook(play('whatsminer_network', dict(mode='dhcp', address=home, allow_address_change=True, **WAITS)),
                        hosts(new))
    record = back.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, back.describe()
    assert (record.result['host'], record.result['after']['mode'], record.result['after']['address']) == (home, 'dhcp', home)
    assert commands(miner) == ['net_config', 'net_config'] and miner.write_log[1][1] == {'param': 'dhcp'}
    assert miner.address == home and refuses(new)


def test_network_refuses_an_address_change_unless_allowed(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(1), **FAST).miners[0]
    run = run_playbook(play('whatsminer_network', dict(static(new_address(1)), **WAITS)), hosts(miner.address))
    record = run.result('m1', 'Apply')
    assert record.failed, run.describe()
    assert record.msg.startswith('%s:%d: ' % (miner.address, PORT)) and 'allow_address_change: true' in record.msg
    assert 'nothing was sent' in record.msg
    assert miner.write_log == [] and miner.state.net['proto'] == 'dhcp' and miner.address == first_address(1)


def test_network_pinning_the_current_address_needs_no_permission_and_keeps_the_host(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(2), **FAST).miners[0]
    home = miner.address
    run = run_playbook(play('whatsminer_network', dict(static(home, hostname='pinned-2'), **WAITS)), hosts(home))
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    assert (record.result['host'], record.result['address_changed']) == (home, False)
    assert (miner.state.net['proto'], miner.state.net['ip'], miner.state.hostname) == ('static', home, 'pinned-2')
    assert miner.address == home and 'warnings' not in record.result


def test_network_check_mode_writes_nothing(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(3), **FAST).miners[0]
    new = new_address(3)
    run = run_playbook(play('whatsminer_network', dict(static(new), allow_address_change=True, **WAITS)),
                       hosts(miner.address), check=True, diff=True)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    assert record.result['commands'] == ['net_config'] and record.result['after']['address'] == new
    assert record.diff['before']['mode'] == 'dhcp' and record.diff['after']['mode'] == 'static'
    assert miner.write_log == [] and miner.state.net['proto'] == 'dhcp' and miner.address == first_address(3)


@pytest.mark.parametrize('args, words', [
    (dict(static('127.0.76.200'), gateway='10.9.9.1'), 'gateway 10.9.9.1 is not in the network of address 127.0.76.200'),
    (dict(static('127.0.76.200'), address='127.0.76.300'), 'address must be an IPv4 address'),
    (dict(static('127.0.76.200'), netmask='255.0.255.0'), 'netmask must be an IPv4 netmask'),
    (dict(static('127.0.76.200'), hostname='bad name!'), 'hostname must be a host name'),
    (dict(mode='dhcp', dns=['1.1.1.1']), 'dns only goes with mode=static'),
    (dict(static('127.0.76.200'), wait_timeout=0), 'wait_timeout must be a positive number'),
], ids=['gateway', 'address', 'netmask', 'hostname', 'dhcp_dns', 'wait_timeout'])
def test_network_bad_input_fails_before_any_traffic(run_playbook, args, words):
    run = run_playbook(play('whatsminer_network', dict(args, allow_address_change=True)), hosts(NOWHERE))
    record = run.result('m1', 'Apply')
    assert record.failed and words in record.msg and record.msg.startswith('%s:%d: ' % (NOWHERE, PORT)), run.describe()


# --- whatsminer_password -----------------------------------------------------------

ROTATE = dict(new_password='{{ whatsminer_new_password }}')
GO_ON = [
    {'name': 'Go on with the new password', 'ansible.builtin.set_fact': {'whatsminer_password': '{{ whatsminer_new_password }}'},
     'no_log': True},
    {'name': 'Use it', 'minerops.whatsminer.whatsminer_command': {'command': 'status', 'encrypted': True}},
]


def fleet_hosts(fleet):
    found = hosts(*fleet.addresses)
    for host in found.values():
        host['whatsminer_new_password'] = NEW_PASSWORD
    return found


def test_password_rotation_over_a_fleet_where_some_miners_are_rotated_already(sim_fleet, run_playbook):
    addresses = [first_address(4 + index) for index in range(4)]
    fleet = sim_fleet(addresses[0], count=4, overrides={addresses[1]: dict(password=NEW_PASSWORD),
                                                        addresses[3]: dict(password=NEW_PASSWORD)}, **FAST)
    run = run_playbook(play('whatsminer_password', ROTATE, name='Rotate', extra_tasks=GO_ON), fleet_hosts(fleet),
                       verbosity=4)
    outcomes = {}
    for index, miner in enumerate(fleet.miners):
        record = run.result('m%d' % (index + 1), 'Rotate')
        assert record.status == 'ok', run.describe()
        outcomes[index] = (record.changed, record.result['outcome'], record.result['commands'])
        assert run.result('m%d' % (index + 1), 'Use it').status == 'ok', run.describe()
        assert miner.state.password == NEW_PASSWORD
    assert outcomes == {0: (True, 'rotated', ['update_pwd']), 1: (False, 'already_rotated', []),
                        2: (True, 'rotated', ['update_pwd']), 3: (False, 'already_rotated', [])}
    assert [commands(miner) for miner in fleet.miners] == [['update_pwd'], [], ['update_pwd'], []]
    secret_free(run)

    again = run_playbook(play('whatsminer_password', ROTATE, name='Rotate'), fleet_hosts(fleet))
    for index in range(4):
        record = again.result('m%d' % (index + 1), 'Rotate')
        assert record.status == 'ok' and not record.changed and record.result['outcome'] == 'already_rotated'
    assert [commands(miner) for miner in fleet.miners] == [['update_pwd'], [], ['update_pwd'], []]


def test_password_check_mode_tests_both_passwords_and_writes_nothing(sim_fleet, run_playbook):
    addresses = [first_address(8), first_address(9)]
    fleet = sim_fleet(addresses[0], count=2, overrides={addresses[1]: dict(password=NEW_PASSWORD)}, **FAST)
    run = run_playbook(play('whatsminer_password', ROTATE, name='Rotate'), fleet_hosts(fleet), check=True)
    first, second = run.result('m1', 'Rotate'), run.result('m2', 'Rotate')
    assert (first.status, first.changed, first.result['outcome']) == ('ok', True, 'would_rotate'), run.describe()
    assert (second.status, second.changed, second.result['outcome']) == ('ok', False, 'already_rotated')
    assert first.result['commands'] == ['update_pwd'] and second.result['commands'] == []
    assert [miner.write_log for miner in fleet.miners] == [[], []]
    assert [miner.state.password for miner in fleet.miners] == [PASSWORD, NEW_PASSWORD]
    secret_free(run)


def test_password_neither_works_fails_and_sends_nothing(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(10), **dict(FAST, password='Oth3r_pw')).miners[0]
    found = hosts(miner.address)
    found['m1']['whatsminer_new_password'] = NEW_PASSWORD
    run = run_playbook(play('whatsminer_password', ROTATE, name='Rotate'), found)
    record = run.result('m1', 'Rotate')
    assert record.failed and 'accepts neither password nor new_password' in record.msg, run.describe()
    assert record.result['outcome'] == 'failed' and miner.write_log == [] and miner.state.password == 'Oth3r_pw'
    secret_free(run, PASSWORD, NEW_PASSWORD, 'Oth3r_pw')


@pytest.mark.parametrize('bad', ['toolong_pw', 'bad-pw', ''], ids=['nine', 'dash', 'empty'])
def test_password_bad_new_password_fails_before_any_traffic(run_playbook, bad):
    run = run_playbook(play('whatsminer_password', dict(new_password=bad), name='Rotate'), hosts(NOWHERE), verbosity=4)
    record = run.result('m1', 'Rotate')
    assert record.failed and record.msg.startswith('%s:%d: new_password: ' % (NOWHERE, PORT)), run.describe()
    assert '1 to 8 characters' in record.msg and 'nothing was sent' in record.msg
    if len(bad) >= 3:
        secret_free(run, bad)


def test_password_on_the_module_path_hides_both_passwords(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(11), **FAST).miners[0]
    found = hosts(miner.address)
    found['m1']['whatsminer_new_password'] = NEW_PASSWORD
    run = run_playbook(play('whatsminer_password', ROTATE, name='Rotate'), found, verbosity=4,
                       env={'MINEROPS_WHATSMINER_FORCE_MODULE': '1'})
    record = run.result('m1', 'Rotate')
    assert record.status == 'ok' and record.result['outcome'] == 'rotated', run.describe()
    assert 'AnsiballZ_whatsminer_password' in run.stdout and miner.state.password == NEW_PASSWORD
    secret_free(run)


# --- whatsminer_reboot -------------------------------------------------------------

def test_reboot_confirms_the_uptime_started_again(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(12), **FAST).miners[0]
    run = run_playbook(play('whatsminer_reboot', dict(WAITS)), hosts(miner.address), verbosity=4)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    result = record.result
    assert result['scope'] == 'system' and result['commands'] == ['reboot'] and miner.write_log == [('reboot', {})]
    assert result['uptime_before'] >= 3600 and result['uptime_after'] < 5 and result['downtime'] >= 0.45
    secret_free(run, PASSWORD)


def test_a_port_that_answers_before_the_uptime_resets_is_not_a_reboot(sim_fleet, run_playbook):
    """reboot_uptime_late: the port refuses for 2 s, then answers with the old uptime for another 2 s."""
    fleet = sim_fleet(first_address(13), count=2, faults=('reboot_uptime_late',), **dict(FAST, reboot_seconds=2.0))
    patient, hasty = fleet.miners
    run = run_playbook(play('whatsminer_reboot', dict(wait_timeout=10, poll_interval=0.1)), hosts(patient.address))
    record = run.result('m1', 'Apply')
    assert record.status == 'ok', run.describe()
    assert record.result['downtime'] >= 3.9 and record.result['uptime_after'] < record.result['uptime_before']

    # give up after the port is back but before the uptime resets: that is not a rebooted miner
    started = time.monotonic()
    run = run_playbook(play('whatsminer_reboot', dict(wait_timeout=3.0, poll_interval=0.1)), hosts(hasty.address))
    record = run.result('m1', 'Apply')
    assert record.failed, run.describe()
    assert 'the port went down and answers again, but the uptime has not started again' in record.msg
    assert 'the reboot was not sent again' in record.msg and commands(hasty) == ['reboot']
    assert time.monotonic() - started < 15


def test_the_fault_reboot_uptime_late_answers_with_the_old_uptime_for_a_while(sim_fleet):
    """The simulator's side of the proof above, read directly: down, up with the old uptime, then reset."""
    fleet = sim_fleet(first_address(20), faults=('reboot_uptime_late',), **dict(FAST, reboot_seconds=1.0))
    client = WhatsminerClient(fleet.addresses[0], port=PORT, password=PASSWORD, timeout=2.0)
    before = uptime(client)
    assert client.write('reboot') is None
    seen, deadline = [], time.monotonic() + 6
    while time.monotonic() < deadline and not (seen and seen[-1] is not None and seen[-1] < before):
        try:
            seen.append(uptime(client))
        except errors.ConnectError:
            seen.append(None)
        time.sleep(0.05)
    assert None in seen                                                     # down first
    answered = [value for value in seen[seen.index(None):] if value is not None]
    assert answered[0] >= before and answered[-1] < before                  # back with the old uptime, then reset
    assert sum(1 for value in answered if value >= before) >= 10            # for a while (~1 s at 50 ms)


def uptime(client):
    return client.read('summary').data[0]['Uptime']


def test_reboot_mining_confirms_it_mines_again(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(15), **dict(FAST, restart_seconds=1.0)).miners[0]
    run = run_playbook(play('whatsminer_reboot', dict(scope='mining', **WAITS)), hosts(miner.address))
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    result = record.result
    assert result['commands'] == ['restart_btminer'] and miner.write_log == [('restart_btminer', {})]
    assert result['mining_before']['is_mining'] and result['mining_before']['elapsed_s'] >= 3000
    after = result['mining_after']
    assert after['is_mining'] and after['hashrate_ths'] > 0 and after['elapsed_s'] < 10
    assert result['downtime'] >= 0.9 and after['uptime_s'] >= result['mining_before']['uptime_s']   # not a reboot


def test_reboot_check_mode_and_bad_input_send_nothing(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(16), **FAST).miners[0]
    run = run_playbook(play('whatsminer_reboot', dict(WAITS)), hosts(miner.address), check=True)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed and record.result['commands'] == ['reboot'], run.describe()
    assert miner.write_log == [] and record.result['downtime'] is None
    run = run_playbook(play('whatsminer_reboot', dict(scope='mining', wait_timeout=-1)), hosts(NOWHERE))
    record = run.result('m1', 'Apply')
    assert record.failed and record.msg == '%s:%d: wait_timeout must be a positive number of seconds, got -1.0' % (
        NOWHERE, PORT), run.describe()


# --- whatsminer_factory_reset ------------------------------------------------------

@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_factory_reset_without_confirm_sends_nothing(sim_fleet, run_playbook, check):
    miner = sim_fleet(first_address(17 + int(check)), **FAST).miners[0]
    miner.state.hostname = 'keep-me'
    run = run_playbook(play('whatsminer_factory_reset', dict(WAITS)), hosts(miner.address), check=check)
    record = run.result('m1', 'Apply')
    assert record.failed and 'a factory reset needs confirm: true' in record.msg, run.describe()
    assert 'switches API write access off' in record.msg and 'nothing was sent' in record.msg
    assert miner.write_log == [] and miner.state.password == PASSWORD and miner.state.write_access
    assert miner.state.hostname == 'keep-me'


def test_factory_reset_waits_and_reports_what_it_reads_with_the_default_password(sim_fleet, run_playbook):
    miner = sim_fleet(first_address(19), **FAST).miners[0]
    miner.state.hostname = 'before-reset'
    run = run_playbook(play('whatsminer_factory_reset', dict(confirm=True, **WAITS)), hosts(miner.address), verbosity=4)
    record = run.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    result = record.result
    assert result['commands'] == ['factory_reset'] and commands(miner) == ['factory_reset']
    assert result['password_is_default'] is True and result['downtime'] >= 0.45
    after = result['after']
    assert (after['hostname'], after['pools'], after['mode'], after['network']['mode']) == ('WhatsMiner', [], 'normal', 'dhcp')
    assert after['uptime'] < 5 and after['firmware_version'] == miner.state.firmware
    assert any('write access is off' in warning for warning in result['warnings'])
    assert miner.state.password == 'admin' and miner.state.write_access is False
    secret_free(run, PASSWORD)
