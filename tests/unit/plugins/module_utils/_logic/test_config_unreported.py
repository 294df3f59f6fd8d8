# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Miners that leave fields out or send junk: settings they do not report are sent once, never waited for.

Waiting for a value the firmware never reports could only end at wait_timeout (300 s by
default) and would repeat the write on every run, so each case below uses a long
wait_timeout and counts the reads to prove the module did not wait.
"""

from __future__ import annotations

import os
import sys

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import NOT_READABLE
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_int
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend, _rank
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import pools, power, tuning

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_miner import FakeMiner, device  # noqa: E402  pylint: disable=wrong-import-position

# A wait that, if it happened, would blow the test's time and read counts.
BASE = dict(host='192.0.2.11', port=4029, password='admin', timeout=1.0, wait=True, wait_timeout=30.0, poll_interval=0.01)
ADDRESS = '192.0.2.11:4029: '


def params_for(logic, **given):
    params = dict((name, spec.get('default')) for name, spec in logic.ARGUMENT_SPEC.items())
    params.update(BASE)
    params.update(given)
    return params


def only_warning_about(result, name):
    matching = [warning for warning in result.get('warnings', []) if warning.startswith(name + ':')]
    assert len(matching) == 1, result
    assert 'does not report' in matching[0]
    return matching[0]


def test_tuning_missing_hash_percent_sends_target_freq_without_waiting():
    miner = FakeMiner(omit={'hash_percent'})
    result = tuning.run(params_for(tuning, target_freq=-10), device(miner, False), False, True)
    assert result['changed'] is True and miner.write_names == ['set_target_freq']
    assert 'set_target_freq' in only_warning_about(result, 'target_freq')
    assert miner.reads == ['status', 'status']          # the plan read and one read back: no wait
    assert result['diff'] == dict(before=dict(target_freq=NOT_READABLE), after=dict(target_freq=-10))
    assert result['settings'] == dict(target_freq=-10)


def test_tuning_empty_hash_percent_is_unreported_too():
    miner = FakeMiner(hash_percent='')
    result = tuning.run(params_for(tuning, target_freq=0), device(miner, False), False, False)
    assert miner.write_names == ['set_target_freq'] and len(miner.reads) == 2
    only_warning_about(result, 'target_freq')


def test_power_missing_btmineroff_sends_power_on_and_still_confirms_the_mode():
    miner = FakeMiner(omit={'btmineroff'}, mining=False)
    result = power.run(params_for(power, state='on', mode='low'), device(miner, False), False, True)
    assert miner.write_names == ['power_on', 'set_low_power']
    only_warning_about(result, 'state')
    assert result['state'] == 'on' and result['mode'] == 'low'
    assert result['diff']['before']['state'] == NOT_READABLE


def test_power_missing_btmineroff_state_off_is_sent_once_without_waiting():
    miner = FakeMiner(omit={'btmineroff'})
    result = power.run(params_for(power, state='off'), device(miner, False), False, False)
    assert miner.write_names == ['power_off'] and miner.reads.count('status') == 2
    only_warning_about(result, 'state')


def test_power_new_firmware_mineroff_key_is_read():
    miner = FakeMiner(omit={'btmineroff'})
    miner.read = _with_status_extra(miner, mineroff='false')
    result = power.run(params_for(power, state='on'), device(miner, False), False, False)
    assert result['changed'] is False and miner.writes == []


def _with_status_extra(miner, **extra):
    original = miner.read

    def read(command):
        reply = original(command)
        if command == 'status':
            reply.data.update(extra)
        return reply
    return read


def test_power_missing_power_limit_sends_it_without_waiting():
    miner = FakeMiner(omit={'Power Limit'})
    result = power.run(params_for(power, power_limit=3000), device(miner, False), False, True)
    assert miner.write_names == ['adjust_power_limit'] and result['changed'] is True
    assert 'adjust_power_limit' in only_warning_about(result, 'power_limit')
    assert result['power_limit'] == 3000 and miner.reads.count('summary') == 2


def test_power_limit_falls_back_to_status_power_limit_set():
    miner = FakeMiner(omit={'Power Limit'})
    miner.read = _with_status_extra(miner, power_limit_set='3600')
    result = power.run(params_for(power, power_limit=3600), device(miner, False), False, False)
    assert result['changed'] is False and miner.writes == []


@pytest.mark.parametrize('junk', ['inf', '-inf', 'nan', '1e400', float('inf'), float('nan'), 10 ** 400, '', None, [], {}, True])
def test_non_finite_or_junk_numbers_count_as_not_reported(junk):
    assert to_int(junk) is None
    miner = FakeMiner(power_limit=junk, hash_percent=junk)
    assert V2Backend(miner).read_settings(power.READS)['power_limit'] is None
    assert V2Backend(miner).read_settings(['target_freq'])['target_freq'] is None


def test_reported_int_keeps_real_numbers():
    assert [to_int(value) for value in (3600, '3600', ' -10 ', 3600.0, '3300.0')] == [3600, 3600, -10, 3600, 3300]


# --- fast boot: shows only after the next restart -------------------------------------

def test_fast_boot_is_not_waited_for_and_says_when_it_shows():
    miner = FakeMiner(ignore={'enable_btminer_fast_boot'})   # the miner keeps reporting 'disable' until a restart
    result = tuning.run(params_for(tuning, fast_boot=True), device(miner, False), False, True)
    assert result['changed'] is True and miner.write_names == ['enable_btminer_fast_boot']
    assert miner.reads == ['status', 'summary', 'status', 'summary']   # no wait
    warning, = result['warnings']
    assert 'fast_boot=False' in warning and 'restarts' in warning
    assert result['diff'] == dict(before=dict(fast_boot=False), after=dict(fast_boot=True))


def test_fast_boot_is_sent_before_target_freq_so_its_restart_applies_it():
    miner = FakeMiner()
    result = tuning.run(params_for(tuning, fast_boot=True, target_freq=-5), device(miner, False), False, False)
    assert miner.write_names == ['enable_btminer_fast_boot', 'set_target_freq']
    assert 'warnings' not in result and result['settings'] == dict(fast_boot=True, target_freq=-5)


def test_fast_boot_already_reported_is_not_sent():
    miner = FakeMiner(fast_boot='enable')
    result = tuning.run(params_for(tuning, fast_boot=True), device(miner, False), False, False)
    assert result['changed'] is False and miner.writes == []


# --- preheating goes through the device's check-mode guard ----------------------------

def test_preheat_polls_are_sent_through_the_guard_and_listed_once():
    miner = FakeMiner(mining=False)
    result = power.run(params_for(power, state='on', pre_power_on=True), device(miner, False), False, False)
    assert miner.write_names == ['pre_power_on', 'pre_power_on', 'pre_power_on', 'power_on']
    assert result['commands'] == ['pre_power_on', 'power_on']


def test_preheat_poll_sends_nothing_in_check_mode():
    miner = FakeMiner()
    guarded = device(miner, check_mode=True)
    assert guarded.preheat(first=False) is None and guarded.preheat(first=False) is None
    assert miner.writes == [] and guarded.commands == ['pre_power_on']


# --- pools input --------------------------------------------------------------------

@pytest.mark.parametrize('pool, option', [
    (dict(url='stratum+tcp://a.example:3333\x01', user='farm.a'), 'pools[0].url must not contain control characters'),
    (dict(url='stratum+tcp://a.example:3333', user='farm\x7fa'), 'pools[0].user must not contain control characters'),
    (dict(url='stratum+tcp://a.example:3333', user='farm.a', password='pw\x00secret'),
     'pools[0].password must not contain control characters'),
])
def test_pools_control_characters_fail_before_traffic_even_in_check_mode(pool, option):
    with pytest.raises(TaskFailed) as err:
        pools.run(params_for(pools, pools=[dict(dict(password=''), **pool)]), None, True, False)
    assert err.value.msg.startswith(ADDRESS + option)
    assert 'secret' not in err.value.msg


@pytest.mark.parametrize('value, rank', [('²', 0), ('٣', 0), (' 2 ', 2), (7, 7), (True, 0), (None, 0), ('1e3', 0)])
def test_pool_rank_never_crashes_on_odd_digits(value, rank):
    assert _rank(dict(Priority=value)) == rank  # pylint: disable=protected-access


def test_pools_wait_false_reads_once_and_warns_when_not_shown():
    miner = FakeMiner(ignore={'update_pools'})
    new = dict(url='stratum+tcp://b.example:443', user='farm.b', password='x')
    result = pools.run(params_for(pools, pools=[new], wait=False), device(miner, False), False, False)
    assert result['changed'] is True and miner.reads == ['pools', 'pools']
    assert 'not confirmed' in result['warnings'][0] and 'a.example' in result['warnings'][0]
    assert result['pools'] == [dict(url='stratum+tcp://a.example:3333', user='farm.a')]


def test_pools_wait_false_that_shows_has_no_warning():
    miner = FakeMiner()
    new = dict(url='stratum+tcp://b.example:443', user='farm.b', password='x')
    result = pools.run(params_for(pools, pools=[new], wait=False), device(miner, False), False, False)
    assert 'warnings' not in result and result['pools'] == [dict(url=new['url'], user='farm.b')]
