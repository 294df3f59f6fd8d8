# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_power through real ansible-playbook runs against simulated miners."""

from __future__ import annotations

import pytest

from config_plays import first_address, NOWHERE, WAITS, play, start_fleet, task

FIRST = first_address(51)


@pytest.fixture(scope='module')
def fleet():
    with start_fleet(FIRST, 5) as running:
        yield running


def written(miner):
    return [command for command, _params in miner.write_log]


def test_mode_and_limit_change_then_idempotent_rerun(fleet, runner):
    miner = fleet.miners[0]
    hosts = dict(m1=miner.address)
    wanted = task('whatsminer_power', state='on', mode='low', power_limit=3000, **WAITS)
    first = runner.playbook(play([wanted]), hosts, diff=True)
    record = first.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, first.describe()
    assert (miner.state.power_mode, miner.state.power_limit, miner.state.mining) == ('Low', 3000, True)
    assert written(miner) == ['set_low_power', 'adjust_power_limit']
    assert record.diff == dict(before=dict(state='on', mode='normal', power_limit=3600),
                               after=dict(state='on', mode='low', power_limit=3000))
    assert record.result['mode'] == 'low'

    second = runner.playbook(play([wanted]), hosts)
    again = second.result('m1', 'Apply')
    assert again.status == 'ok' and not again.changed, second.describe()
    assert len(miner.write_log) == 2


def test_check_mode_reports_and_writes_nothing(fleet, runner):
    miner = fleet.miners[1]
    run = runner.playbook(play([task('whatsminer_power', mode='high', percent=70, **WAITS)]), dict(m2=miner.address),
                          check=True, diff=True)
    record = run.result('m2', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    assert record.result['commands'] == ['set_high_power', 'set_power_pct_v2']
    assert record.diff['before']['percent'] == '(not readable)' and record.diff['after'] == dict(
        state='on', mode='high', power_limit=3600, percent=70)
    assert miner.write_log == [] and miner.state.power_mode == 'Normal' and miner.state.power_percent == 100


def test_off_then_preheat_and_on_then_blind_percent(fleet, runner):
    miner = fleet.miners[2]
    hosts = dict(m3=miner.address)
    tasks = [
        task('whatsminer_power', name='Off', state='off', **WAITS),
        task('whatsminer_power', name='Off again', state='off', **WAITS),
        task('whatsminer_power', name='Preheat and on', state='on', pre_power_on=True, **WAITS),
        task('whatsminer_power', name='Percent', percent=40, percent_method='fast', **WAITS),
        task('whatsminer_power', name='Percent again', percent=40, percent_method='fast', **WAITS),
    ]
    run = runner.playbook(play(tasks), hosts)
    assert run.rc == 0, run.describe()
    assert run.result('m3', 'Off').changed and not run.result('m3', 'Off again').changed
    assert run.result('m3', 'Preheat and on').changed and run.result('m3', 'Preheat and on').result['state'] == 'on'
    # not readable: sent and reported changed every time
    assert run.result('m3', 'Percent').changed and run.result('m3', 'Percent again').changed
    log = written(miner)
    assert log[0] == 'power_off' and log.count('power_off') == 1
    assert log.index('pre_power_on') < log.index('power_on')
    assert log[-2:] == ['set_power_pct', 'set_power_pct'] and miner.write_log[-1][1] == dict(percent='40')
    assert miner.state.mining is True and miner.state.power_percent == 40


def apply_with_fault(runner, miner, fault, **options):
    """``whatsminer_power`` with ``options`` on ``miner`` while it has ``fault`` -> the task's record."""
    miner.set_faults(fault)
    try:
        run = runner.playbook(play([task('whatsminer_power', **options)]), dict(faulty=miner.address))
    finally:
        miner.clear_faults()
    return run.result('faulty', 'Apply')


def test_mode_switch_without_reply_is_confirmed_by_reading(fleet, runner):
    miner = fleet.miners[3]
    record = apply_with_fault(runner, miner, 'mode_switch_no_reply', mode='high', **WAITS)
    assert record.status == 'ok' and record.changed, record
    assert record.result['mode'] == 'high' and miner.state.power_mode == 'High'


def test_mode_switch_never_applied_fails_saying_expected_and_seen(fleet, runner):
    miner = fleet.miners[4]
    record = apply_with_fault(runner, miner, 'mode_switch_ignored', mode='low', wait_timeout=1, poll_interval=0.2)
    assert record.failed, record
    assert '%s:4028' % miner.address in record.msg
    assert 'mode=low' in record.msg and 'mode=normal' in record.msg and 'password' in record.msg
    assert miner.state.power_mode == 'Normal'


@pytest.mark.parametrize('args, option', [
    (dict(percent=150), 'percent must be between 0 and 100'),
    (dict(power_limit=-5), 'power_limit must be between'),
    (dict(state='off', percent=50), 'state=off'),
    (dict(mode='low', pre_power_on=True), 'pre_power_on'),
    (dict(mode='turbo'), 'mode'),
    (dict(percent_method='fast'), 'one of the following is required'),
])
def test_bad_input_fails_before_any_traffic(runner, args, option):
    run = runner.playbook(play([task('whatsminer_power', **args)]), dict(nowhere=NOWHERE))
    record = run.result('nowhere', 'Apply')
    assert record.failed and option in record.msg, run.describe()
    assert 'refused' not in record.msg.lower()


def test_power_off_without_reply_is_confirmed_by_reading(fleet, runner):
    """Some firmware never answers power_off: the miner is read, and not mining means it took."""
    miner = fleet.miners[3]
    record = apply_with_fault(runner, miner, 'power_off_no_reply', state='off', **WAITS)
    assert record.status == 'ok' and record.changed, record
    assert record.result['state'] == 'off' and miner.state.mining is False
    assert written(miner).count('power_off') == 1          # confirmed by reading, never sent again
    back = runner.playbook(play([task('whatsminer_power', state='on', **WAITS)]), dict(faulty=miner.address))
    assert back.result('faulty', 'Apply').changed and miner.state.mining is True
