# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes nothing waits for (unreadable, deferred, raw) that the miner applies but answers too late or broken.

``slow_writes`` applies each write at once and answers after the task's timeout: the
outcome is unknown, so each task fails with ``changed`` (the miner did take it), says so,
and never sends the write again; it must not blame a password that is right. With a wrong
password on firmware that stays silent then, the miner could not have applied anything.
A reply cut off by a reset, or garbled, is the same unknown outcome; a write the API can
show (pools, power mode) is read back instead, and succeeds.
"""

from __future__ import annotations

import pytest

from config_plays import first_address, play, start_fleet, task

FIRST = first_address(57)
WRONG_PASSWORD = 'bad_pw1'

TASKS = [
    ('Host name', 'whatsminer_system', dict(hostname='slowhost'), 'set_hostname'),
    ('Temp offset', 'whatsminer_tuning', dict(temp_offset=-3), 'set_temp_offset'),
    ('Fast boot', 'whatsminer_tuning', dict(fast_boot=True), 'enable_btminer_fast_boot'),
    ('Percent', 'whatsminer_power', dict(percent=70, percent_method='fast', wait_timeout=5, poll_interval=0.1),
     'set_power_pct'),
    ('Web pools', 'whatsminer_pools', dict(web_pools=False), 'disable_web_pools'),
    ('Raw LED', 'whatsminer_command', dict(command='set_led', params=dict(param='auto')), 'set_led'),
]


def tasks():
    return [dict(task(module, name=name, **args), ignore_errors=True) for name, module, args, _command in TASKS]


@pytest.fixture(scope='module')
def fleet():
    with start_fleet(FIRST, 4) as running:
        yield running


def test_an_applied_write_answered_too_late_is_an_unknown_outcome_not_a_wrong_password(fleet, runner):
    miner = fleet.miners[0]
    miner.set_faults('slow_writes=4')
    try:
        run = runner.playbook(play(tasks()), dict(m1=miner.address))
    finally:
        miner.clear_faults()
    for name, _module, _args, command in TASKS:
        record = run.result('m1', name)
        assert record.failed and record.changed, run.describe()
        assert 'outcome is unknown' in record.msg and 'not sent again' in record.msg, record.msg
        assert '(the password is right)' in record.msg and 'wrong password' not in record.msg, record.msg
        assert record.msg.startswith('%s:4028: no reply to %s' % (miner.address, command)), record.msg
        assert command in record.result['commands']
    written = [command for command, _params in miner.write_log]
    for _name, _module, _args, command in TASKS:
        assert written.count(command) == 1, written   # applied once, never resent
    state = miner.state
    assert state.hostname == 'slowhost' and state.power_percent == 70 and state.web_pools is False
    assert state.temp_offset == -3 and state.fast_boot_pending is True


def test_silence_with_a_wrong_password_is_the_password_not_an_unknown_outcome(fleet, runner):
    miner = fleet.miners[1]
    miner.set_faults('silent_on_bad_password')
    try:
        run = runner.playbook(play(tasks()), dict(m2=dict(ansible_host=miner.address, whatsminer_password=WRONG_PASSWORD)))
    finally:
        miner.clear_faults()
    for name, _module, _args, _command in TASKS:
        record = run.result('m2', name)
        assert record.failed and not record.changed, run.describe()
        assert 'password is probably wrong' in record.msg and 'outcome is unknown' not in record.msg, record.msg
        assert WRONG_PASSWORD not in repr(record.result)
    assert miner.write_log == [] and miner.state.hostname == 'WhatsMiner'
    assert WRONG_PASSWORD not in run.output


@pytest.mark.parametrize('index, fault', [(2, 'write_reply_reset'), (3, 'write_reply_garbled')])
def test_an_applied_write_whose_reply_breaks_is_read_back_or_an_unknown_outcome(fleet, runner, index, fault):
    miner = fleet.miners[index]
    pool = dict(url='stratum+tcp://cut.example.org:3333', user='farm.cut', password='x')
    shown = [dict(task('whatsminer_pools', name='Pools', pools=[pool]), ignore_errors=True),
             dict(task('whatsminer_power', name='Mode', mode='low', wait_timeout=10, poll_interval=0.1),
                  ignore_errors=True)]
    miner.set_faults(fault)
    try:
        run = runner.playbook(play(shown + tasks()), dict(m=miner.address))
    finally:
        miner.clear_faults()
    for name in ('Pools', 'Mode'):
        record = run.result('m', name)
        assert record.changed and not record.failed, run.describe()
    for name, _module, _args, command in TASKS:
        record = run.result('m', name)
        assert record.failed and record.changed, run.describe()
        assert record.msg.startswith('%s:4028: the reply to %s' % (miner.address, command)), record.msg
        assert 'was cut off or unreadable' in record.msg and 'not sent again' in record.msg, record.msg
        assert 'password' not in record.msg, record.msg
    written = [command for command, _params in miner.write_log]
    for command in ['update_pools', 'set_low_power'] + [command for _n, _m, _a, command in TASKS]:
        assert written.count(command) == 1, (command, written)
    state = miner.state
    assert state.hostname == 'slowhost' and state.power_percent == 70 and state.power_mode == 'Low'
    assert state.pools[0].url == 'stratum+tcp://cut.example.org:3333'
