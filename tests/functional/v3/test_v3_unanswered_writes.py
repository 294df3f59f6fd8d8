# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 writes the miner applied whose reply was cut off, reset, garbled or late (127.0.97.x).

Once a signed write went out, a broken reply proves nothing: btminer restarting for the
write cuts its own reply. Every such write is read back where the API can show it (and
then succeeds, ``changed``), or fails as an unknown outcome with ``changed``; it is never
sent again, and never reported ``changed: false`` while the miner took it.
"""

from __future__ import annotations

import os
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv3 import ApiV3

PORT = 14097
V3_PORT = 14497
PASSWORD = 'Vq7pL2xw'
WAITS = dict(wait_timeout=10, poll_interval=0.1)
FAST = dict(port=PORT, v3_port=V3_PORT, api='v3', v3_password=PASSWORD, idle_timeout=3.0, reboot_seconds=0.3,
            restart_seconds=0.2)

#: (task name, module, args, the v3 command, shown by a read at once)
TASKS = [
    ('Temp offset', 'whatsminer_tuning', dict(temp_offset=-5), 'set.fan.temp_offset', True),
    ('Mode', 'whatsminer_power', dict(mode='low', **WAITS), 'set.miner.power_mode', True),
    ('Pools', 'whatsminer_pools', dict(pools=[dict(url='stratum+tcp://pool.example.org:3333', user='farm.w1',
                                                   password='poolpw9')]), 'set.miner.pools', True),
    ('LED', 'whatsminer_led', dict(state='blink', **WAITS), 'set.system.led', True),
    ('Percent', 'whatsminer_power', dict(percent=70, percent_method='fast'), 'set.miner.power_percent', False),
    ('Host name', 'whatsminer_system', dict(hostname='cut-host'), 'set.system.hostname', False),
]


def first_address():
    """127.0.97.x, six addresses per pytest-xdist worker."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.97.%d' % (1 + 10 * (index % 24))


@pytest.fixture(scope='module')
def fleet():
    from whatsminer_sim import Fleet  # pylint: disable=import-outside-toplevel  # tools/ is put on sys.path by the root conftest

    with Fleet(first_address=first_address(), count=6, **FAST) as running:
        yield running


def play(tasks, timeout=3):
    defaults = dict(host='{{ ansible_host }}', port=PORT, v3_port=V3_PORT, api_version='v3', timeout=timeout,
                    password=PASSWORD)
    return [dict(name='Run', hosts='all', gather_facts=False,
                 module_defaults={'group/minerops.whatsminer.whatsminer': defaults}, tasks=tasks)]


def task(module, name, **args):
    return {'name': name, 'minerops.whatsminer.%s' % module: args, 'ignore_errors': True}


def run_with(runner, miner, fault, tasks, timeout=3):
    miner.set_faults(fault)
    try:
        return runner.playbook(play(tasks, timeout), dict(m=dict(ansible_host=miner.address)))
    finally:
        miner.clear_faults()


def sent(miner):
    return [command for command, _param in miner.write_log]


@pytest.mark.parametrize('index, fault', [(0, 'write_reply_reset'), (1, 'write_reply_garbled')])
def test_a_broken_reply_to_an_applied_write_is_read_back_or_an_unknown_outcome(fleet, ansible_runner, index, fault):
    miner = fleet.miners[index]
    run = run_with(ansible_runner, miner, fault, [task(module, name, **args) for name, module, args, _c, _s in TASKS])
    for name, _module, _args, command, shown in TASKS:
        record = run.result('m', name)
        assert record.changed, (name, run.describe())       # the miner took it, whatever came back
        if shown:
            assert not record.failed, (name, record.msg)     # a read showed it took
        else:
            assert record.failed, (name, run.describe())
            assert record.msg.startswith('%s:%s: the reply to %s (' % (
                miner.address, V3_PORT, command)) and 'was cut off or unreadable' in record.msg, record.msg
            assert 'outcome is unknown' in record.msg and 'not sent again' in record.msg, record.msg
            assert 'password' not in record.msg, record.msg
        assert sent(miner).count(command) == 1, (command, sent(miner))   # applied once, never resent
    state = miner.state
    assert state.temp_offset == -5 and state.power_percent == 70 and state.hostname == 'cut-host'
    assert PASSWORD not in run.output and 'poolpw9' not in run.output


def test_a_v3_write_answered_after_the_timeout_is_read_once_or_an_unknown_outcome(fleet, ansible_runner):
    miner = fleet.miners[2]
    run = run_with(ansible_runner, miner, 'slow_writes=4', [
        task('whatsminer_tuning', 'Temp offset', temp_offset=-4),
        task('whatsminer_power', 'Percent', percent=60, percent_method='fast')], timeout=2)
    shown = run.result('m', 'Temp offset')
    assert shown.changed and not shown.failed, run.describe()
    lost = run.result('m', 'Percent')
    assert lost.failed and lost.changed, run.describe()
    assert lost.msg.startswith('%s:%s: no reply to set.miner.power_percent (percent=60) within 2' % (miner.address, V3_PORT)), \
        lost.msg
    assert sent(miner).count('set.miner.power_percent') == 1 and miner.state.power_percent == 60


def test_a_reboot_whose_reply_is_reset_is_confirmed_by_the_uptime(fleet, ansible_runner):
    miner = fleet.miners[3]
    run = run_with(ansible_runner, miner, 'write_reply_reset',
                   [task('whatsminer_reboot', 'Reboot', wait_timeout=20, poll_interval=0.2)])
    record = run.result('m', 'Reboot')
    assert record.changed and not record.failed, run.describe()
    assert record.result['uptime_after'] < record.result['uptime_before'] or record.result['uptime_before'] < 1
    assert sent(miner).count('set.system.reboot') == 1


def test_a_refusal_the_miner_spelled_out_is_still_no_change(fleet, ansible_runner):
    miner = fleet.miners[4]
    run = run_with(ansible_runner, miner, 'v3_bad_token', [task('whatsminer_tuning', 'Temp offset', temp_offset=-2)])
    record = run.result('m', 'Temp offset')
    assert record.failed and not record.changed, run.describe()
    assert 'outcome is unknown' not in record.msg and miner.state.temp_offset != -2


@pytest.mark.parametrize('fault', ['reset_mid_reply', 'truncated_reply', 'trickle=5'])
def test_the_v2_delivery_faults_break_v3_reads_too_within_the_timeout(fleet, fault):
    miner = fleet.miners[5]
    api = ApiV3(miner.address, V3_PORT, 1.0, 1.0, password=PASSWORD)
    miner.set_faults(fault)
    try:
        started = time.monotonic()
        with pytest.raises((errors.ConnectionReset, errors.ReadTimeout)) as caught:
            api.read('get.device.info')
        assert time.monotonic() - started < 1.5
    finally:
        miner.clear_faults()
    assert caught.value.received > 0 and caught.value.retryable is (fault == 'trickle=5')
    assert api.read('get.device.info').data['salt']
