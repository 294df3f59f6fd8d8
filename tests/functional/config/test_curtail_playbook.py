# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/curtail.yml against simulated miners: curtail, power off and restore in serial batches,
with the controller's record of what the event changed (127.0.55.x, 20 addresses per worker)."""

from __future__ import annotations

import json
import os
import stat

from config_plays import FAST, first_address

PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'playbooks', 'curtail.yml')
HOSTS = ('m1', 'm2', 'm3', 'm4')
STEP = 'Curtail to a power percent'
RESTORE = 'Restore the miner to how it ran before the event'


def fleet_at(sim_fleet, offset, count):
    base = first_address(55)
    head, last = base.rsplit('.', 1)
    return sim_fleet('%s.%d' % (head, int(last) + offset), count, **FAST)


def run_curtail(runner, fleet, action, record, **variables):
    with open(PLAYBOOK, encoding='utf-8') as stream:
        text = stream.read()
    extra = dict(curtail_action=action, curtail_hosts='all', curtail_wait_timeout=5, curtail_poll_interval=0.1,
                 curtail_record=str(record))
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


def recorded(path):
    with open(path, encoding='utf-8') as stream:
        return json.load(stream)


def commands(miner):
    return [command for command, _params in miner.write_log]


def test_the_event_restores_only_the_miners_it_stopped(sim_fleet, runner, tmp_path):
    fleet = fleet_at(sim_fleet, 0, 4)
    record = tmp_path / 'event.json'
    stopped = fleet.miners[2]          # m3 is off when the demand-response event starts
    stopped.state.mining = False
    low = fleet.miners[3]              # m4 runs in low power mode
    low.state.power_mode = 'Low'

    curtailed = run_curtail(runner, fleet, 'curtail', record, curtail_percent=50)
    assert curtailed.rc == 0, curtailed.describe()
    assert batches(curtailed, STEP) == [['m1'], ['m2', 'm3'], ['m4']]
    # curtailing must never add load: m3 stays off and gets no write at all
    assert curtailed.result('m3', STEP).status == 'skipped', curtailed.describe()
    assert stopped.state.mining is False and stopped.write_log == [] and stopped.state.power_percent == 100
    running = [miner for miner in fleet.miners if miner is not stopped]
    assert [miner.state.power_percent for miner in running] == [50] * 3
    assert all(miner.write_log == [('set_power_pct', dict(percent='50'))] for miner in running)
    addresses = dict(zip(HOSTS, fleet.addresses))
    assert recorded(record) == {'m1': dict(mining=True, mode='normal', action='curtail', address=addresses['m1']),
                                'm2': dict(mining=True, mode='normal', action='curtail', address=addresses['m2']),
                                'm4': dict(mining=True, mode='low', action='curtail', address=addresses['m4'])}
    assert stat.S_IMODE(os.stat(record).st_mode) == 0o600
    text = report(curtailed)
    assert text.count('mining') == 3 and 'm3: off,' in text and all(host + ':' in text for host in HOSTS)

    # a second step of the same event: every miner off; the record keeps each miner's first state
    off = run_curtail(runner, fleet, 'off', record)
    assert off.rc == 0, off.describe()
    assert batches(off, 'Power off') == [['m1'], ['m2', 'm3'], ['m4']]
    assert off.result('m3', 'Power off').status == 'skipped'
    assert [miner.state.mining for miner in fleet.miners] == [False] * 4
    assert sorted(recorded(record)) == ['m1', 'm2', 'm4'] and recorded(record)['m1']['action'] == 'curtail'
    assert report(off).count(': off,') == 4 and ' 0 W' in report(off)

    restored = run_curtail(runner, fleet, 'restore', record, curtail_pre_power_on=True)
    assert restored.rc == 0, restored.describe()
    assert [miner.state.mining for miner in fleet.miners] == [True, True, False, True]
    assert restored.result('m3', RESTORE).status == 'skipped'
    assert 'power_on' not in commands(stopped) and stopped.write_log == []
    for miner in running:
        assert commands(miner)[-1] == 'set_power_pct' and miner.state.power_percent == 100
        assert commands(miner).index('pre_power_on') < commands(miner).index('power_on')
    assert low.state.power_mode == 'Low' and 'set_normal_power' not in commands(low)
    assert recorded(record) == {}
    text = report(restored)
    assert text.count('mining') == 3 and 'm3: off,' in text

    again = run_curtail(runner, fleet, 'restore', record)            # the record is spent
    assert again.rc != 0
    assert [r.task for r in again.records if r.failed] == ['Refuse to restore without a record']


def test_a_restore_without_a_record_refuses_unless_told_to_restore_all(sim_fleet, runner, tmp_path):
    fleet = fleet_at(sim_fleet, 4, 2)
    fleet.miners[1].state.mining = False
    missing = tmp_path / 'never-written.json'
    refused = run_curtail(runner, fleet, 'restore', missing)
    assert refused.rc != 0
    failed = [record for record in refused.records if record.failed]
    assert [record.task for record in failed] == ['Refuse to restore without a record']
    assert str(missing) in failed[0].msg and 'curtail_restore_all' in failed[0].msg
    assert all(miner.write_log == [] for miner in fleet.miners)

    everything = run_curtail(runner, fleet, 'restore', missing, curtail_restore_all=True, curtail_restore_percent=90)
    assert everything.rc == 0, everything.describe()
    assert [miner.state.mining for miner in fleet.miners] == [True, True]
    assert [miner.state.power_percent for miner in fleet.miners] == [90, 90]
    assert not missing.exists()


def test_a_miner_the_step_did_not_change_is_not_recorded(sim_fleet, runner, tmp_path):
    fleet = fleet_at(sim_fleet, 8, 2)
    record = tmp_path / 'event.json'
    first = run_curtail(runner, fleet, 'curtail', record, curtail_percent=60, curtail_serial=2)
    assert first.rc == 0, first.describe()
    assert sorted(recorded(record)) == ['m1', 'm2']
    # the percent is not readable, so a second curtail to the same percent writes again: both stay recorded
    second = run_curtail(runner, fleet, 'curtail', record, curtail_percent=60, curtail_serial=2)
    assert second.rc == 0, second.describe()
    assert sorted(recorded(record)) == ['m1', 'm2']
    fresh = tmp_path / 'fresh.json'
    fleet.miners[0].state.mining = False
    third = run_curtail(runner, fleet, 'off', fresh, curtail_serial=2)
    assert third.rc == 0, third.describe()
    assert sorted(recorded(fresh)) == ['m2']       # m1 was not mining: untouched and not the event's


def test_check_mode_records_nothing_and_writes_nothing(sim_fleet, runner, tmp_path):
    fleet = fleet_at(sim_fleet, 12, 2)
    record = tmp_path / 'event.json'
    with open(PLAYBOOK, encoding='utf-8') as stream:
        text = stream.read()
    run = runner.playbook(text, dict(zip(HOSTS, fleet.addresses)), check=True,
                          extra_vars=dict(curtail_action='off', curtail_hosts='all', curtail_record=str(record)))
    assert run.rc == 0, run.describe()
    assert not record.exists()
    assert all(miner.write_log == [] and miner.state.mining for miner in fleet.miners)


def test_bad_request_stops_before_any_miner_is_touched(sim_fleet, runner, tmp_path):
    fleet = fleet_at(sim_fleet, 14, 2)
    for variables in (dict(curtail_percent=150), dict(curtail_restore_percent=-1)):
        run = run_curtail(runner, fleet, 'curtail', tmp_path / 'event.json', **variables)
        assert run.rc != 0
        assert [record.task for record in run.records if record.failed] == ['Check the request before touching any miner']
    assert all(miner.write_log == [] for miner in fleet.miners)
    assert not (tmp_path / 'event.json').exists()


def test_a_miner_renamed_since_the_event_is_restored_by_its_address_and_none_is_left_silently(sim_fleet, runner,
                                                                                              tmp_path):
    """Discovery may name a miner differently at restore time; the record's address still finds it."""
    fleet = fleet_at(sim_fleet, 16, 3)
    record = tmp_path / 'event.json'
    curtailed = run_curtail(runner, fleet, 'off', record, curtail_serial=[3])
    assert curtailed.rc == 0 and sorted(recorded(record)) == ['m1', 'm2', 'm3'], curtailed.describe()
    assert [miner.state.mining for miner in fleet.miners] == [False] * 3

    with open(PLAYBOOK, encoding='utf-8') as stream:
        text = stream.read()
    extra = dict(curtail_action='restore', curtail_hosts='all', curtail_wait_timeout=5, curtail_poll_interval=0.1,
                 curtail_record=str(record), curtail_serial=[3])
    # m1 is now named after its MAC, m2 keeps its name, m3 is not targeted by this run
    renamed = {'c6-07-7f-00-00-01': fleet.addresses[0], 'm2': fleet.addresses[1]}
    restored = runner.playbook(text, renamed, extra_vars=extra)
    assert restored.rc == 0, restored.describe()
    assert [miner.state.mining for miner in fleet.miners] == [True, True, False]
    assert restored.result('c6-07-7f-00-00-01', RESTORE).changed
    assert recorded(record) == {'m3': dict(mining=True, mode='normal', action='off', address=fleet.addresses[2])}
    left = [item for item in restored.records if item.task == 'Name the miners of the event that are still to restore']
    assert len(left) == 1 and '1 miners of the event are still in' in left[0].result['msg'], restored.describe()
    assert 'm3 at %s' % fleet.addresses[2] in left[0].result['msg']

    again = run_curtail(runner, fleet, 'restore', record, curtail_serial=[3])     # all three targeted: m3 comes back
    assert again.rc == 0 and recorded(record) == {} and all(miner.state.mining for miner in fleet.miners)
    assert not [item for item in again.records if item.task == 'Name the miners of the event that are still to restore'
                and item.status == 'ok']
