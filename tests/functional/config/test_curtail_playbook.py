# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/curtail.yml against four simulated miners: curtail, power off, restore, in serial batches."""

from __future__ import annotations

import os

import pytest

from config_plays import first_address, start_fleet

FIRST = first_address(55)
PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'playbooks', 'curtail.yml')
HOSTS = ('m1', 'm2', 'm3', 'm4')
STEP = 'Curtail to a power percent'


@pytest.fixture(scope='module')
def fleet():
    with start_fleet(FIRST, 4) as running:
        yield running


def run_curtail(runner, fleet, action, **variables):
    with open(PLAYBOOK, encoding='utf-8') as stream:
        text = stream.read()
    extra = dict(curtail_action=action, curtail_hosts='all', curtail_wait_timeout=5, curtail_poll_interval=0.1)
    extra.update(variables)
    hosts = dict(zip(HOSTS, fleet.addresses))
    return runner.playbook(text, hosts, extra_vars=extra)


def report(run):
    reports = [record for record in run.records if record.task == 'Final report']
    assert len(reports) == 1, run.describe()
    return '\n'.join(reports[0].result['msg'])


def batches(run, task):
    """Hosts of ``task`` grouped by batch: a batch ends where records of other tasks come between."""
    groups, current, last_index = [], [], None
    for index, record in enumerate(run.records):
        if record.task != task:
            continue
        if last_index is not None and index != last_index + 1:
            groups.append(current)
            current = []
        current.append(record.host)
        last_index = index
    if current:
        groups.append(current)
    return [sorted(group) for group in groups]


def test_curtail_off_and_restore_in_batches(fleet, runner):
    stopped = fleet.miners[2]          # m3 is off when the demand-response event starts
    stopped.state.mining = False
    curtailed = run_curtail(runner, fleet, 'curtail', curtail_percent=50)
    assert curtailed.rc == 0, curtailed.describe()
    assert batches(curtailed, STEP) == [['m1'], ['m2', 'm3'], ['m4']]
    # curtailing must never add load: m3 stays off and gets no write at all
    assert curtailed.result('m3', STEP).status == 'skipped', curtailed.describe()
    assert stopped.state.mining is False and stopped.write_log == [] and stopped.state.power_percent == 100
    running = [miner for miner in fleet.miners if miner is not stopped]
    assert [miner.state.power_percent for miner in running] == [50] * 3
    assert all(miner.write_log == [('set_power_pct', dict(percent='50'))] for miner in running)
    assert all(curtailed.result(host, STEP).changed for host in ('m1', 'm2', 'm4'))
    text = report(curtailed)
    assert text.count('mining') == 3 and 'm3: off,' in text and all(host + ':' in text for host in HOSTS)

    off = run_curtail(runner, fleet, 'off')
    assert off.rc == 0, off.describe()
    assert batches(off, 'Power off') == [['m1'], ['m2', 'm3'], ['m4']]
    assert [miner.state.mining for miner in fleet.miners] == [False] * 4
    assert report(off).count(': off,') == 4 and ' 0 W' in report(off)

    restored = run_curtail(runner, fleet, 'restore', curtail_pre_power_on=True)
    assert restored.rc == 0, restored.describe()
    assert [miner.state.mining for miner in fleet.miners] == [True] * 4
    assert [miner.state.power_percent for miner in fleet.miners] == [100] * 4
    for miner in fleet.miners:             # restore brings back every miner, the one that was off before too
        commands = [command for command, _params in miner.write_log]
        assert commands[-1] == 'set_power_pct' and 'power_on' in commands
        assert commands.index('pre_power_on') < commands.index('power_on')
    text = report(restored)
    assert text.count('mining') == 4 and ' 0 W' not in text


def test_bad_request_stops_before_any_miner_is_touched(fleet, runner):
    before = [len(miner.write_log) for miner in fleet.miners]
    run = run_curtail(runner, fleet, 'curtail', curtail_percent=150)
    assert run.rc != 0
    assert [record.task for record in run.records if record.failed] == ['Check the request before touching any miner']
    assert [len(miner.write_log) for miner in fleet.miners] == before
