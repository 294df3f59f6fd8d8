# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_pools through real ansible-playbook runs against simulated miners."""

from __future__ import annotations

import pytest

from config_plays import first_address, NOWHERE, play, start_fleet, task

FIRST = first_address(50)
POOLS = [
    dict(url='stratum+tcp://main.pool.example:3333', user='farm1.rig', password='poolsecret1'),
    dict(url='stratum+tcp://backup.pool.example:443', user='farm1.backup', password='poolsecret2'),
]


@pytest.fixture(scope='module')
def fleet():
    with start_fleet(FIRST, 3) as running:
        yield running


def pools_of(miner):
    return [(pool.url, pool.user, pool.password) for pool in miner.state.pools]


def test_change_then_idempotent_rerun(fleet, runner):
    miner = fleet.miners[0]
    hosts = dict(m1=miner.address)
    first = runner.playbook(play([task('whatsminer_pools', pools=POOLS)]), hosts, diff=True)
    record = first.result('m1', 'Apply')
    assert record.status == 'ok' and record.changed, first.describe()
    assert pools_of(miner) == [(POOLS[0]['url'], 'farm1.rig', 'poolsecret1'), (POOLS[1]['url'], 'farm1.backup', 'poolsecret2'),
                               ('', '', '')]
    assert [command for command, _params in miner.write_log] == ['update_pools']
    # all nine keys went out, unused slot empty
    assert set(miner.write_log[0][1]) >= {'pool3', 'worker3'} and miner.write_log[0][1]['pool3'] == ''
    assert record.diff['before']['pools'][0]['url'] == 'stratum+tcp://btc.ss.poolin.com:443'
    assert record.diff['after']['pools'] == [dict(url=pool['url'], user=pool['user']) for pool in POOLS]
    assert 'poolsecret' not in first.output and 'poolsecret' not in repr(record.result)

    second = runner.playbook(play([task('whatsminer_pools', pools=POOLS)]), hosts)
    again = second.result('m1', 'Apply')
    assert again.status == 'ok' and not again.changed, second.describe()
    assert len(miner.write_log) == 1  # no second write


def test_check_mode_reports_and_writes_nothing(fleet, runner):
    miner = fleet.miners[1]
    before = pools_of(miner)
    run = runner.playbook(play([task('whatsminer_pools', pools=POOLS[:1])]), dict(m2=miner.address), check=True, diff=True)
    record = run.result('m2', 'Apply')
    assert record.status == 'ok' and record.changed, run.describe()
    assert record.result['commands'] == ['update_pools']
    assert record.diff['after']['pools'] == [dict(url=POOLS[0]['url'], user='farm1.rig')]
    assert miner.write_log == [] and pools_of(miner) == before


def test_password_only_change_needs_update_password_always(fleet, runner):
    miner = fleet.miners[2]
    hosts = dict(m3=miner.address)
    runner.playbook(play([task('whatsminer_pools', pools=POOLS[:1])]), hosts)
    new_password = [dict(POOLS[0], password='rotated99')]
    unchanged = runner.playbook(play([task('whatsminer_pools', pools=new_password)]), hosts).result('m3', 'Apply')
    assert not unchanged.changed and miner.state.pools[0].password == 'poolsecret1'
    run = runner.playbook(play([task('whatsminer_pools', pools=new_password, update_password='always', web_pools=False)]), hosts,
                          diff=True)
    record = run.result('m3', 'Apply')
    assert record.changed and miner.state.pools[0].password == 'rotated99', run.describe()
    assert miner.state.web_pools is False
    assert record.diff['before']['web_pools'] == '(not readable)'
    assert 'rotated99' not in run.output and 'rotated99' not in repr(record.result)


@pytest.mark.parametrize('pools, option', [
    ([POOLS[0]] * 4, 'pools must list 1 to 3'),
    ([dict(POOLS[0], url='main.pool.example:3333')], 'pools[0].url'),
    ([dict(url='stratum+tcp://a.example:1')], 'user'),
    ([dict(POOLS[0], url=POOLS[0]['url'] + '\x01')], 'pools[0].url must not contain control characters'),
])
@pytest.mark.parametrize('check', [False, True])
def test_bad_input_fails_before_any_traffic(runner, pools, option, check):
    run = runner.playbook(play([task('whatsminer_pools', pools=pools)]), dict(nowhere=NOWHERE), check=check)
    record = run.result('nowhere', 'Apply')
    assert record.failed and option in record.msg, run.describe()
    if option != 'user':                       # a missing required suboption is Ansible's own argument check
        assert record.msg.startswith('%s:4028: ' % NOWHERE), record.msg
    assert 'refused' not in record.msg.lower()
