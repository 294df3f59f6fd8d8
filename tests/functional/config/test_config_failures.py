# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every config module, one play, set up once with module_defaults: the happy path and each documented failure."""

from __future__ import annotations

import pytest

from config_plays import first_address, WAITS, play, start_fleet, task

FIRST = first_address(53)
WRONG_PASSWORD = 'bad_pw1'
POOL = dict(url='stratum+tcp://one.pool.example:3333', user='farm9.rig', password='poolpw42')


def all_modules():
    """One task per module, each one that must write; errors are kept so every module reports."""
    return [
        dict(task('whatsminer_pools', name='Pools', pools=[POOL], **WAITS), ignore_errors=True),
        dict(task('whatsminer_power', name='Power', mode='low', **WAITS), ignore_errors=True),
        dict(task('whatsminer_tuning', name='Tuning', target_freq=-5, **WAITS), ignore_errors=True),
    ]


@pytest.fixture(scope='module')
def fleet():
    with start_fleet(FIRST, 6) as running:
        yield running


def test_one_group_entry_configures_all_three(fleet, runner):
    miner = fleet.miners[0]
    run = runner.playbook(play(all_modules()), dict(m1=miner.address))
    for name in ('Pools', 'Power', 'Tuning'):
        record = run.result('m1', name)
        assert record.status == 'ok' and record.changed, run.describe()
    assert miner.state.pools[0].url == POOL['url'] and miner.state.power_mode == 'Low'
    assert miner.state.target_freq_percent == -5


def test_wrong_password(fleet, runner):
    miner = fleet.miners[1]
    run = runner.playbook(play(all_modules()), dict(m2=dict(ansible_host=miner.address, whatsminer_password=WRONG_PASSWORD)))
    pools, power, tuning = (run.result('m2', name) for name in ('Pools', 'Power', 'Tuning'))
    for record in (pools, power, tuning):
        assert record.failed and record.result['error'] == 'DecryptionFailed', run.describe()
        assert 'password is probably wrong' in record.msg and '%s:4028' % miner.address in record.msg
        assert WRONG_PASSWORD not in repr(record.result) and POOL['password'] not in repr(record.result)
    assert miner.write_log == [] and miner.state.power_mode == 'Normal'
    assert WRONG_PASSWORD not in run.output and POOL['password'] not in run.output


def test_write_access_disabled(fleet, runner):
    miner = fleet.miners[2]
    miner.set_faults('write_access_off')
    try:
        run = runner.playbook(play(all_modules()), dict(m3=miner.address))
    finally:
        miner.clear_faults()
    for name in ('Pools', 'Power', 'Tuning'):
        record = run.result('m3', name)
        assert record.failed and record.result['error'] == 'WriteAccessDisabled', run.describe()
        assert 'write access is not enabled' in record.msg and '%s:4028' % miner.address in record.msg
    assert miner.write_log == []


def test_silent_firmware_with_wrong_password(fleet, runner):
    miner = fleet.miners[3]
    miner.set_faults('silent_on_bad_password')
    try:
        run = runner.playbook(play([all_modules()[1]]), dict(m4=dict(ansible_host=miner.address, whatsminer_password=WRONG_PASSWORD)))
    finally:
        miner.clear_faults()
    record = run.result('m4', 'Power')
    assert record.failed and 'password is probably wrong' in record.msg, run.describe()
    assert miner.state.power_mode == 'Normal'


def test_a_write_answered_too_late_is_confirmed_by_reading_not_resent(fleet, runner):
    """slow_writes: each write is applied at once and answered after 5 s, past the task's 3 s timeout."""
    miner = fleet.miners[4]
    miner.set_faults('slow_writes=5')
    try:
        run = runner.playbook(play([all_modules()[0], all_modules()[2]]), dict(m5=miner.address))
    finally:
        miner.clear_faults()
    for name in ('Pools', 'Tuning'):
        record = run.result('m5', name)
        assert record.status == 'ok' and record.changed, run.describe()
    assert [command for command, _params in miner.write_log] == ['update_pools', 'set_target_freq']
    assert miner.state.pools[0].url == POOL['url'] and miner.state.target_freq_percent == -5


def test_a_task_failing_after_a_write_took_reports_the_change_and_its_commands(fleet, runner):
    """High power mode is set, then the percent is refused in high mode: the miner did change."""
    miner = fleet.miners[5]
    run = runner.playbook(play([dict(task('whatsminer_power', name='Power', mode='high', percent=60, **WAITS),
                                     ignore_errors=True)]), dict(m6=miner.address))
    record = run.result('m6', 'Power')
    assert record.failed and record.changed, run.describe()
    assert record.result['commands'] == ['set_high_power', 'set_power_pct_v2']
    assert [command for command, _params in miner.write_log] == ['set_high_power']
    assert miner.state.power_mode == 'High'


def test_unreachable_miner(runner):
    run = runner.playbook(play(all_modules()), dict(gone='127.0.56.77'))
    for name in ('Pools', 'Power', 'Tuning'):
        record = run.result('gone', name)
        assert record.failed and record.result['error'] == 'ConnectionRefused', run.describe()
        assert record.msg.startswith('127.0.56.77:4028: connection refused')


def test_newer_firmware_through_the_plain_module_path(runner):
    """Native-shape summary/pools on newer firmware, and the AnsiballZ path (main()) instead of the action plugin."""
    with start_fleet(first_address(54), 1, faults=('new_firmware',)) as newer:
        miner = newer.miners[0]
        hosts = dict(new=miner.address)
        env = dict(MINEROPS_WHATSMINER_FORCE_MODULE='1')
        first = runner.playbook(play(all_modules()), hosts, env=env, diff=True)
        for name in ('Pools', 'Power', 'Tuning'):
            assert first.result('new', name).changed and not first.result('new', name).failed, first.describe()
        assert first.result('new', 'Power').diff['after']['mode'] == 'low'
        second = runner.playbook(play(all_modules()), hosts, env=env)
        for name in ('Pools', 'Power', 'Tuning'):
            assert second.result('new', name).status == 'ok' and not second.result('new', name).changed, second.describe()
        assert [command for command, _params in miner.write_log] == ['update_pools', 'set_low_power', 'set_target_freq']
        assert POOL['password'] not in first.output + second.output
