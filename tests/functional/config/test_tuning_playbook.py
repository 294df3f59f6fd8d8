# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_tuning through real ansible-playbook runs against simulated miners."""

from __future__ import annotations

import pytest

from config_plays import first_address, NOWHERE, WAITS, play, start_fleet, task

FIRST = first_address(52)


@pytest.fixture(scope='module')
def fleet():
    with start_fleet(FIRST, 3) as running:
        yield running


def written(miner):
    return [command for command, _params in miner.write_log]


def test_readable_settings_change_once_blind_ones_every_time(fleet, runner):
    miner = fleet.miners[0]
    hosts = dict(m1=miner.address)
    readable = task('whatsminer_tuning', name='Readable', target_freq=-10, fast_boot=True, **WAITS)
    blind = task('whatsminer_tuning', name='Blind', upfreq_speed=0, temp_offset=-5, poweroff_cool=True, fan_zero_speed=False)
    first = runner.playbook(play([readable, blind]), hosts, diff=True)
    assert first.rc == 0, first.describe()
    record = first.result('m1', 'Readable')
    assert record.changed and record.diff == dict(before=dict(target_freq=0, fast_boot=False),
                                                  after=dict(target_freq=-10, fast_boot=True))
    assert (miner.state.target_freq_percent, miner.state.fast_boot) == (-10, True)
    assert (miner.state.temp_offset, miner.state.poweroff_cool, miner.state.fan_zero_speed) == (-5, 1, 0)
    assert first.result('m1', 'Blind').diff['before']['temp_offset'] == '(not readable)'
    sent = len(miner.write_log)
    # fast boot first: the restart of set_target_freq then puts it into effect in the same run
    assert written(miner)[:2] == ['enable_btminer_fast_boot', 'set_target_freq']

    second = runner.playbook(play([readable, blind]), hosts)
    assert not second.result('m1', 'Readable').changed, second.describe()
    assert second.result('m1', 'Blind').changed  # not readable: sent again, reported as changed
    assert written(miner)[sent:] == ['adjust_upfreq_speed', 'set_temp_offset', 'set_poweroff_cool', 'set_fan_zero_speed']


def test_check_mode_reports_and_writes_nothing(fleet, runner):
    miner = fleet.miners[1]
    run = runner.playbook(play([task('whatsminer_tuning', target_freq=-20, temp_offset=-10, **WAITS)]),
                          dict(m2=miner.address), check=True, diff=True)
    record = run.result('m2', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    assert record.result['commands'] == ['set_target_freq', 'set_temp_offset']
    assert record.diff['after'] == dict(target_freq=-20, temp_offset=-10)
    assert miner.write_log == [] and miner.state.target_freq_percent == 0 and miner.state.temp_offset == 0


def test_fast_boot_alone_shows_only_after_a_restart(fleet, runner):
    miner = fleet.miners[2]
    hosts = dict(m2=miner.address)
    enable = play([task('whatsminer_tuning', fast_boot=True, **WAITS)])
    first = runner.playbook(enable, hosts, diff=True)
    record = first.result('m2', 'Apply')
    assert record.changed and record.status == 'ok', first.describe()
    assert any('until btminer restarts' in warning for warning in record.result.get('warnings', [])), first.describe()
    assert (miner.state.fast_boot, miner.state.fast_boot_pending) == (False, True)
    again = runner.playbook(enable, hosts)
    assert again.result('m2', 'Apply').changed      # honest: the miner still reports it off, so it is sent again
    miner.state.restart_btminer(fleet.clock.now())  # the next btminer restart (mode switch, reboot, ...)
    settled = runner.playbook(enable, hosts)
    assert not settled.result('m2', 'Apply').changed, settled.describe()
    assert written(miner) == ['enable_btminer_fast_boot'] * 2


@pytest.mark.parametrize('args, option', [
    (dict(target_freq=-101), 'target_freq must be between -100 and 100'),
    (dict(upfreq_speed=12), 'upfreq_speed must be between 0 and 9'),
    (dict(temp_offset=5), 'temp_offset must be between -30 and 0'),
    (dict(upfreq_speed=2, fast_boot=True), 'upfreq_speed=2 cannot be combined with fast_boot=true'),
])
def test_bad_input_fails_before_any_traffic(runner, args, option):
    run = runner.playbook(play([task('whatsminer_tuning', **args)]), dict(nowhere=NOWHERE))
    record = run.result('nowhere', 'Apply')
    assert record.failed and option in record.msg, run.describe()
