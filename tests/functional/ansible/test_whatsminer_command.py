# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_command through real ansible-playbook runs against simulated miners.

Each test runs the CLI in a subprocess, so it proves what a user gets: the action
group defaults, the in-process action plugin (default) and the AnsiballZ module
(``MINEROPS_WHATSMINER_FORCE_MODULE=1``), check mode, and that no secret reaches the
output. Addresses 127.0.30.x belong to this file.
"""

from __future__ import annotations

import json

import pytest

PASSWORD = 'Adm1nPw'
POOL_SECRET = 'PoolPw77'
FORCE_MODULE = {'MINEROPS_WHATSMINER_FORCE_MODULE': '1'}


def play(tasks, password_var=True):
    defaults = {'host': '{{ ansible_host }}', 'timeout': 5}
    if password_var:
        defaults['password'] = '{{ whatsminer_password }}'
    return [{
        'name': 'Drive simulated miners',
        'hosts': 'all',
        'gather_facts': False,
        'module_defaults': {'group/minerops.whatsminer.whatsminer': defaults},
        'tasks': tasks,
    }]


def command_task(name, command, **options):
    return {'name': name, 'minerops.whatsminer.whatsminer_command': dict(command=command, **options)}


def assert_no_secret(run, *secrets):
    recorded = json.dumps([record.result for record in run.records])
    for secret in secrets:
        assert secret not in run.output, 'secret in ansible output'
        assert secret not in recorded, 'secret in task results'


SET_LED = dict(color='red', period=1000, duration=500, start=0)
POOLS = dict(pool1='stratum+tcp://pool.example:3333', worker1='farm.m1', passwd1=POOL_SECRET,
             pool2='', worker2='', passwd2='', pool3='', worker3='', passwd3='')


def test_reads_return_decoded_replies_and_change_nothing(sim_fleet, run_playbook):
    fleet = sim_fleet('127.0.30.1', count=2, password=PASSWORD)
    tasks = [
        command_task('Summary', 'summary'),
        command_task('Joined read', 'summary+pools+edevs'),
        command_task('Version', 'get_version'),
        command_task('Encrypted status', 'status', encrypted=True),
        dict(command_task('Joined write', 'summary+set_led'), ignore_errors=True),
    ]
    hosts = {'m1': '127.0.30.1', 'm2': '127.0.30.2'}
    run = run_playbook(play(tasks), hosts, extra_vars={'whatsminer_password': PASSWORD})
    assert run.rc == 0, run.describe()
    for host in hosts:
        summary = run.result(host, 'Summary')
        assert summary.status == 'ok' and not summary.changed
        assert summary.result['write'] is False and summary.result['encrypted'] is False
        assert isinstance(summary.result['data'], list) and summary.result['data'][0]
        assert 'SUMMARY' in summary.result['reply'] or summary.result['reply'].get('Msg')

        joined = run.result(host, 'Joined read')
        assert sorted(joined.result['data']) == ['edevs', 'pools', 'summary']
        assert sorted(joined.result['reply']) == ['edevs', 'pools', 'summary']

        assert run.result(host, 'Version').result['data']['fw_ver']
        status = run.result(host, 'Encrypted status')
        assert status.result['encrypted'] is True and not status.changed

        bad = run.result(host, 'Joined write')
        assert bad.failed and 'only read commands can be joined' in bad.msg
        assert hosts[host] + ':4028' in bad.msg
    assert all(miner.write_log == [] for miner in fleet.miners)
    assert_no_secret(run, PASSWORD)


@pytest.mark.parametrize('path', ['action', 'module'])
def test_writes_change_the_miner_and_hide_secrets(sim_fleet, run_playbook, path):
    address = '127.0.30.11' if path == 'action' else '127.0.30.12'
    fleet = sim_fleet(address, count=1, password=PASSWORD)
    tasks = [
        command_task('Blink', 'set_led', params=SET_LED),
        command_task('Pools', 'update_pools', params=POOLS),
    ]
    # ansible-core 2.21+ returns ``invocation`` only when asked (it always did before)
    run = run_playbook(play(tasks), {'m1': address}, extra_vars={'whatsminer_password': PASSWORD, 'ansible_inject_invocation': True},
                       env=FORCE_MODULE if path == 'module' else None, verbosity=3)
    assert run.rc == 0, run.describe()
    # -vvv shows how the task ran: only the module path ships an AnsiballZ payload
    assert ('AnsiballZ_whatsminer_command' in run.stdout) is (path == 'module')

    blink = run.result('m1', 'Blink')
    assert blink.changed and blink.result['write'] is True
    assert blink.result['status'] == 'S'
    pools = run.result('m1', 'Pools')
    assert pools.changed
    assert pools.result['invocation']['module_args']['params']['passwd1'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'

    state = fleet.miners[0].state
    assert state.led['mode'] == 'manual' and state.led['color'] == 'red'
    assert state.pools[0].url == POOLS['pool1'] and state.pools[0].user == 'farm.m1'
    assert state.pools[0].password == POOL_SECRET
    assert [command for command, _params in fleet.miners[0].write_log] == ['set_led', 'update_pools']
    assert_no_secret(run, PASSWORD, POOL_SECRET)


def test_check_mode_reads_but_sends_no_write(sim_fleet, run_playbook):
    fleet = sim_fleet('127.0.30.21', count=1, password=PASSWORD)
    before = [(pool.url, pool.user) for pool in fleet.miners[0].state.pools]
    tasks = [
        command_task('Summary', 'summary'),
        command_task('Blink', 'set_led', params=SET_LED),
        command_task('Pools', 'update_pools', params=POOLS),
    ]
    run = run_playbook(play(tasks), {'m1': '127.0.30.21'}, check=True, diff=True,
                       extra_vars={'whatsminer_password': PASSWORD}, verbosity=3)
    assert run.rc == 0, run.describe()
    assert run.result('m1', 'Summary').result['data']

    pools = run.result('m1', 'Pools')
    assert pools.changed and pools.result['skipped_write'] is True
    assert pools.msg == 'check mode: write command update_pools not sent to 127.0.30.21:4028 (parameters: %s)' % ', '.join(sorted(POOLS))
    assert pools.result['would_send']['params']['pool1'] == POOLS['pool1']
    assert pools.result['would_send']['params']['passwd1'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert 'reply' not in pools.result
    assert run.result('m1', 'Blink').changed

    miner = fleet.miners[0]
    assert miner.write_log == []
    assert miner.state.led == {'mode': 'auto'}
    assert [(pool.url, pool.user) for pool in miner.state.pools] == before
    assert_no_secret(run, PASSWORD, POOL_SECRET)


def test_wrong_password_fails_naming_the_miner(sim_fleet, run_playbook):
    fleet = sim_fleet('127.0.30.31', count=1, password=PASSWORD)
    wrong = 'Wr0ngPw'
    run = run_playbook(play([command_task('Blink', 'set_led', params={'param': 'auto'})]), {'m1': '127.0.30.31'},
                       extra_vars={'whatsminer_password': wrong}, verbosity=3)
    assert run.rc != 0
    blink = run.result('m1', 'Blink')
    assert blink.failed and blink.msg.startswith('127.0.30.31:4028: ')
    assert 'password' in blink.msg.lower()
    assert fleet.miners[0].write_log == []
    assert_no_secret(run, wrong, PASSWORD)


def test_unreachable_miner_fails_naming_host_and_port(run_playbook):
    # nothing listens on this address: the connection is refused at once
    run = run_playbook(play([command_task('Summary', 'summary', port=4999)], password_var=False), {'gone': '127.0.30.250'})
    assert run.rc != 0
    summary = run.result('gone', 'Summary')
    assert summary.failed and summary.msg.startswith('127.0.30.250:4999: ')
    assert summary.result['retryable'] is True


def test_password_comes_from_the_environment(sim_fleet, run_playbook, ansible_runner):
    sim_fleet('127.0.30.41', count=1, password=PASSWORD)
    task = dict(command_task('Check password', 'status', encrypted=True), environment={'WHATSMINER_PASSWORD': PASSWORD})
    run = run_playbook(play([task], password_var=False), {'m1': '127.0.30.41'})
    assert run.rc == 0, run.describe()
    assert run.result('m1', 'Check password').result['encrypted'] is True
    assert_no_secret(run, PASSWORD)

    # the controller's own environment, through the plain module path of an ad-hoc run
    adhoc = ansible_runner.adhoc('minerops.whatsminer.whatsminer_command', 'host=127.0.30.41 command=status encrypted=true',
                                 {'m1': '127.0.30.41'}, env=dict(FORCE_MODULE, WHATSMINER_PASSWORD=PASSWORD), verbosity=3)
    assert adhoc.rc == 0, adhoc.describe()
    assert 'AnsiballZ_whatsminer_command' in adhoc.stdout
    assert adhoc.result('m1').result['encrypted'] is True
    assert_no_secret(adhoc, PASSWORD)
