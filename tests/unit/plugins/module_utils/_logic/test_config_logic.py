# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare, plan and diff logic of whatsminer_pools / _power / _tuning against an in-memory miner."""

from __future__ import annotations

import os
import sys

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._task import confirm
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import NOT_READABLE
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.sync import sync_settings
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectionRefused,
    OutcomeUnknown,
    PrivilegedNoReply,
    ReadTimeout,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.execution import with_partial_writes, with_unknown_outcome
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.settings import mining_state
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import pools, power, tuning

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_miner import FakeMiner, device  # noqa: E402  pylint: disable=wrong-import-position

BASE = dict(host='192.0.2.10', port=4028, password='admin', timeout=1.0, wait=True, wait_timeout=0.05, poll_interval=0.01)
#: the connection options alone: a module without wait options (whatsminer_system's shape)
NO_WAITS = dict((name, value) for name, value in BASE.items() if name not in ('wait', 'wait_timeout', 'poll_interval'))


def params_for(logic, **given):
    params = dict((name, spec.get('default')) for name, spec in logic.ARGUMENT_SPEC.items())
    params.update(BASE)
    params.update(given)
    return params


class NoNetwork:
    """A client that fails the test if touched: input errors must fail before traffic."""

    def __getattr__(self, name):
        raise AssertionError('the client was used (%s) although the input was invalid' % name)


# --- pools -----------------------------------------------------------------------

POOL_A = dict(url='stratum+tcp://a.example:3333', user='farm.a', password='x')
POOL_B = dict(url='stratum+tcp://b.example:443', user='farm.b', password='secretpw')


def test_pools_unchanged_sends_nothing():
    miner = FakeMiner()
    result = pools.run(params_for(pools, pools=[POOL_A]), device(miner, False), False, True)
    assert result['changed'] is False
    assert miner.writes == []
    assert result['diff'] == dict(before=dict(pools=[dict(url=POOL_A['url'], user='farm.a')]),
                                  after=dict(pools=[dict(url=POOL_A['url'], user='farm.a')]))


def test_pools_change_sends_all_nine_keys_and_reads_back():
    miner = FakeMiner()
    result = pools.run(params_for(pools, pools=[POOL_B, POOL_A]), device(miner, False), False, True)
    assert result['changed'] is True
    assert miner.write_names == ['update_pools']
    sent = miner.writes[0][1]
    assert sorted(sent) == sorted('%s%d' % (kind, slot) for slot in (1, 2, 3) for kind in ('pool', 'worker', 'passwd'))
    assert (sent['pool3'], sent['worker3'], sent['passwd3']) == ('', '', '')
    assert sent['passwd1'] == 'secretpw'
    assert result['after']['pools'] == [dict(url=POOL_B['url'], user='farm.b'), dict(url=POOL_A['url'], user='farm.a')]
    assert 'secretpw' not in repr(result)


def test_pools_order_is_priority():
    miner = FakeMiner(pools=[dict(url=POOL_B['url'], user='farm.b'), dict(url=POOL_A['url'], user='farm.a')])
    result = pools.run(params_for(pools, pools=[POOL_A, POOL_B]), device(miner, False), False, False)
    assert result['changed'] is True and miner.write_names == ['update_pools']


def test_pools_check_mode_writes_nothing_but_reports():
    miner = FakeMiner()
    result = pools.run(params_for(pools, pools=[POOL_B]), device(miner, True), True, True)
    assert result['changed'] is True
    assert miner.writes == []
    assert result['commands'] == ['update_pools']
    assert result['diff']['after']['pools'] == [dict(url=POOL_B['url'], user='farm.b')]


def test_pools_password_always_is_changed_and_warns():
    miner = FakeMiner()
    result = pools.run(params_for(pools, pools=[POOL_A], update_password='always'), device(miner, False), False, False)
    assert result['changed'] is True and miner.write_names == ['update_pools']
    assert 'update_password=always' in result['warnings'][0]


def test_web_pools_is_not_readable_so_always_sent():
    miner = FakeMiner()
    result = pools.run(params_for(pools, web_pools=False), device(miner, False), False, True)
    assert result['changed'] is True
    assert miner.write_names == ['disable_web_pools']
    assert result['diff']['before']['web_pools'] == NOT_READABLE


def test_pools_readback_mismatch_fails_naming_both():
    miner = FakeMiner(ignore={'update_pools'})
    with pytest.raises(TaskFailed) as err:
        pools.run(params_for(pools, pools=[POOL_B]), device(miner, False), False, False)
    assert '192.0.2.10:4028' in err.value.msg and 'b.example' in err.value.msg and 'a.example' in err.value.msg


def test_power_percent_silent_write_is_an_unknown_outcome_and_a_change():
    """The percent cannot be read back: no reply (password right) ends the task, changed, nothing resent."""
    miner = FakeMiner()
    silent_after(miner, applies=True)
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, percent=70), device(miner, False), False, False)
    assert err.value.extra['changed'] is True and miner.write_names == ['set_power_pct_v2']
    assert 'the outcome is unknown (percent cannot be read back)' in err.value.msg
    assert '(the password is right)' in err.value.msg and 'status (encrypted)' in miner.reads


def test_power_percent_silent_write_with_a_wrong_password_is_no_change():
    miner = FakeMiner(password_right=False)
    silent_after(miner, applies=False)
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, percent=70), device(miner, False), False, False)
    assert 'changed' not in err.value.extra and 'the password is wrong' in err.value.msg
    assert 'outcome is unknown' not in err.value.msg


def test_sync_without_wait_options_goes_on_when_one_read_shows_an_unanswered_write():
    """A module without wait options (the system module's shape) reads once after silence."""
    miner = FakeMiner()
    silent_after(miner, applies=True)
    params = dict(NO_WAITS, target_freq=-5)
    result = sync_settings(device(miner, False), params, ['target_freq'], False, False)
    assert result['changed'] is True and miner.write_names == ['set_target_freq']
    assert 'status (encrypted)' not in miner.reads       # the read showed it: no password check


def test_sync_without_wait_options_names_the_settings_not_sent_after_an_unknown_outcome():
    miner = FakeMiner()
    silent_after(miner, applies=False)
    params = dict(NO_WAITS, target_freq=-5, fast_boot=True)
    with pytest.raises(TaskFailed) as err:
        sync_settings(device(miner, False), params, ['target_freq', 'fast_boot'], False, False)
    assert 'the miner does not show target_freq=-5 yet' in err.value.msg and 'not sent: fast_boot' in err.value.msg
    assert err.value.extra['changed'] is True and miner.write_names == ['set_target_freq']


@pytest.mark.parametrize('given, option', [
    (dict(pools=[]), 'pools'),
    (dict(pools=[POOL_A] * 4), 'pools'),
    (dict(pools=[dict(POOL_A, url=' ')]), 'pools[0].url'),
    (dict(pools=[POOL_A, dict(POOL_A, user='a b')]), 'pools[1].user'),
    (dict(pools=[dict(POOL_A, url='a.example:3333')]), 'pools[0].url'),
    (dict(pools=[POOL_A], wait_timeout=0), 'wait_timeout'),
])
def test_pools_bad_input_fails_before_traffic(given, option):
    with pytest.raises(TaskFailed) as err:
        pools.run(params_for(pools, **given), NoNetwork(), False, False)
    assert err.value.msg.startswith('192.0.2.10:4028: ' + option)


def test_tuning_upfreq_speed_beyond_the_v2_range_fails_before_any_write():
    miner = FakeMiner()
    with pytest.raises(TaskFailed) as err:
        tuning.run(params_for(tuning, upfreq_speed=10), device(miner, False), False, False)
    assert err.value.msg.startswith('192.0.2.10:4028: upfreq_speed must be between 0 and 9 on API v2')
    assert miner.writes == []


# --- power -----------------------------------------------------------------------

def test_power_same_state_sends_nothing():
    miner = FakeMiner()
    result = power.run(params_for(power, state='on', mode='normal', power_limit=3600), device(miner, False), False, True)
    assert result['changed'] is False and miner.writes == []
    assert result['diff']['before'] == result['diff']['after'] == dict(state='on', mode='normal', power_limit=3600)


def test_power_mode_switch_without_reply_is_confirmed_by_reading():
    miner = FakeMiner()
    result = power.run(params_for(power, mode='high'), device(miner, False), False, True)
    assert result['changed'] is True and miner.write_names == ['set_high_power']
    assert result['after']['mode'] == 'high' and result['diff']['before']['mode'] == 'normal'


def test_power_mode_switch_that_never_shows_fails_with_expected_and_seen():
    miner = FakeMiner(ignore={'set_low_power'})
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, mode='low'), device(miner, False), False, False)
    assert 'mode=low' in err.value.msg and 'mode=normal' in err.value.msg and '192.0.2.10:4028' in err.value.msg
    assert 'password is right' in err.value.msg
    assert miner.write_names == ['set_low_power']  # not repeated


def test_a_silent_switch_the_miner_does_not_show_is_no_change():
    """A may-not-answer write that got nothing back and is not seen to take did not change the miner."""
    miner = FakeMiner(ignore={'set_low_power'})
    handle = device(miner, False)
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, mode='low'), handle, False, False)
    assert 'still does not show mode=low' in err.value.msg
    assert 'changed' not in with_partial_writes(dict(err.value.extra), handle)


def test_a_silent_switch_seen_to_take_is_a_change_when_a_later_write_fails():
    miner = FakeMiner(acknowledge={'adjust_power_limit'})
    original = miner.write

    def write(command, **params):
        reply = original(command, **params)
        if command == 'set_low_power':
            return None     # applied, never answered (mode_switch_no_reply)
        return reply
    miner.write = write
    handle = device(miner, False)
    with pytest.raises(TaskFailed):
        power.run(params_for(power, mode='low', power_limit=3000), handle, False, False)
    assert with_partial_writes({}, handle)['changed'] is True and handle.applied[0] == 'set_low_power'


def test_an_acknowledged_write_that_does_not_show_blames_no_password():
    miner = FakeMiner(acknowledge={'adjust_power_limit'})
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, power_limit=3000), device(miner, False), False, False)
    assert 'it acknowledged the command, so the miner received it and did not apply it' in err.value.msg
    assert 'password' not in err.value.msg and 'status (encrypted)' not in miner.reads


def test_an_unknown_outcome_left_to_the_runner_is_a_change():
    err = OutcomeUnknown.of_write('set_low_power', ConnectionRefused('reset', '192.0.2.10', 4028))
    assert with_unknown_outcome({}, err)['changed'] is True and err.outcome_unknown
    assert 'changed' not in with_unknown_outcome({}, ConnectionRefused('refused', '192.0.2.10', 4028))
    assert ReadTimeout('late', '192.0.2.10', 4028).after_write().outcome_unknown
    assert not ReadTimeout('late', '192.0.2.10', 4028).after_read().outcome_unknown


def test_power_silent_switch_with_wrong_password_says_so():
    miner = FakeMiner(ignore={'set_high_power'}, password_right=False)
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, mode='high'), device(miner, False), False, False)
    assert 'the password is wrong' in err.value.msg and 'status (encrypted)' in miner.reads


def test_power_off_then_on_with_preheat():
    miner = FakeMiner(mining=False)
    result = power.run(params_for(power, state='on', pre_power_on=True), device(miner, False), False, False)
    assert result['changed'] is True
    assert miner.write_names == ['pre_power_on', 'pre_power_on', 'pre_power_on', 'power_on']
    assert result['state'] == 'on'


def test_power_percent_is_blind_and_method_picks_command():
    miner = FakeMiner()
    result = power.run(params_for(power, percent=50, percent_method='fast'), device(miner, False), False, True)
    assert miner.write_names == ['set_power_pct'] and miner.writes[0][1] == dict(percent=50)
    assert result['diff']['before']['percent'] == NOT_READABLE and result['diff']['after']['percent'] == 50
    miner = FakeMiner()
    power.run(params_for(power, percent=50), device(miner, False), False, False)
    assert miner.write_names == ['set_power_pct_v2']


def test_power_check_mode_plans_in_order_without_writing():
    miner = FakeMiner(mining=False)
    result = power.run(params_for(power, state='on', mode='low', power_limit=3000, percent=80), device(miner, True), True, True)
    assert miner.writes == []
    assert result['commands'] == ['power_on', 'set_low_power', 'adjust_power_limit', 'set_power_pct_v2']
    assert result['diff']['after'] == dict(state='on', mode='low', power_limit=3000, percent=80)


def test_power_read_timeout_after_write_reads_instead_of_retrying():
    miner = FakeMiner()

    def write(command, **params):
        miner.writes.append((command, params))
        raise ReadTimeout('no reply in time', '192.0.2.10', 4028)

    miner.write = write
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, power_limit=3000), device(miner, False), False, False)
    assert 'outcome is unknown' in err.value.msg and miner.write_names == ['adjust_power_limit']


def silent_after(miner, applies):
    """Encrypted writes get no reply (``PrivilegedNoReply``), as after a slow miner or a wrong password."""
    apply = miner.write

    def write(command, **params):
        if applies:
            apply(command, **params)
        else:
            miner.writes.append((command, params))
        raise PrivilegedNoReply('no reply to the encrypted %r request' % command, '192.0.2.10', 4028)

    miner.write = write


def test_pools_silent_write_that_took_is_confirmed_by_reading():
    miner = FakeMiner()
    silent_after(miner, applies=True)
    result = pools.run(params_for(pools, pools=[POOL_B]), device(miner, False), False, False)
    assert result['changed'] is True and miner.write_names == ['update_pools']
    assert miner.pools == [dict(url=POOL_B['url'], user='farm.b')]
    assert 'status (encrypted)' not in miner.reads      # the read showed it: no password check needed


def test_pools_silent_write_with_a_wrong_password_fails_at_once_without_waiting():
    miner = FakeMiner(password_right=False)
    silent_after(miner, applies=False)
    with pytest.raises(TaskFailed) as err:
        pools.run(params_for(pools, pools=[POOL_B], wait_timeout=30.0), device(miner, False), False, False)
    assert 'got no reply' in err.value.msg and 'the password is wrong' in err.value.msg
    assert '192.0.2.10:4028' in err.value.msg and 'secretpw' not in err.value.msg
    assert miner.write_names == ['update_pools'] and miner.reads.count('pools') == 2   # before, then one read


def test_pools_silent_write_with_the_right_password_is_an_unknown_outcome():
    miner = FakeMiner()
    silent_after(miner, applies=False)
    with pytest.raises(TaskFailed) as err:
        pools.run(params_for(pools, pools=[POOL_B]), device(miner, False), False, False)
    assert 'the outcome is unknown, so they were not sent again' in err.value.msg
    assert 'wrong password' not in err.value.msg     # the password check passed
    assert miner.write_names == ['update_pools'] and 'status (encrypted)' in miner.reads


@pytest.mark.parametrize('password_right, words', [
    (True, 'the outcome is unknown, so the command was not repeated'),
    (False, 'got no reply, and the miner does not show it'),
])
def test_power_limit_silent_write_is_read_never_resent(password_right, words):
    miner = FakeMiner(password_right=password_right)
    silent_after(miner, applies=False)
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, power_limit=3000), device(miner, False), False, False)
    assert words in err.value.msg and miner.write_names == ['adjust_power_limit']


def test_power_limit_silent_write_that_took_is_a_change():
    miner = FakeMiner()
    silent_after(miner, applies=True)
    result = power.run(params_for(power, power_limit=3000), device(miner, False), False, False)
    assert result['changed'] is True and miner.power_limit == 3000 and miner.write_names == ['adjust_power_limit']


@pytest.mark.parametrize('given, option', [
    (dict(percent=101), 'percent'),
    (dict(percent=-1), 'percent'),
    (dict(power_limit=100000), 'power_limit'),
    (dict(state='off', percent=50), 'state=off'),
    (dict(state='off', mode='low'), 'state=off'),
    (dict(mode='low', pre_power_on=True), 'pre_power_on'),
    (dict(mode='low', poll_interval=0), 'poll_interval'),
])
def test_power_bad_input_fails_before_traffic(given, option):
    with pytest.raises(TaskFailed) as err:
        power.run(params_for(power, **given), NoNetwork(), False, False)
    assert err.value.msg.startswith('192.0.2.10:4028: ' + option)


def test_mining_state_reads_old_and_new_status_keys():
    assert mining_state(dict(status=dict(btmineroff='true'))) == 'off'
    assert mining_state(dict(status=dict(mineroff='false'))) == 'on'
    assert mining_state(dict(status=dict(power_mode=''))) is None


# --- tuning ----------------------------------------------------------------------

def test_tuning_readable_settings_are_idempotent():
    miner = FakeMiner(hash_percent='-10', fast_boot='enable')
    result = tuning.run(params_for(tuning, target_freq=-10, fast_boot=True), device(miner, False), False, True)
    assert result['changed'] is False and miner.writes == []


def test_tuning_only_given_options_are_sent_and_blind_ones_always():
    miner = FakeMiner()
    result = tuning.run(params_for(tuning, target_freq=5, temp_offset=-5), device(miner, False), False, True)
    assert miner.write_names == ['set_target_freq', 'set_temp_offset']
    assert result['diff']['before'] == dict(target_freq=0, temp_offset=NOT_READABLE)
    assert result['diff']['after'] == dict(target_freq=5, temp_offset=-5)


def test_tuning_empty_hash_percent_means_unknown_so_sent():
    miner = FakeMiner(hash_percent='')
    tuning.run(params_for(tuning, target_freq=0), device(miner, False), False, False)
    assert miner.write_names == ['set_target_freq']


@pytest.mark.parametrize('given, option', [
    (dict(target_freq=101), 'target_freq'),
    (dict(temp_offset=1), 'temp_offset'),
    (dict(temp_offset=-31), 'temp_offset'),
    (dict(upfreq_speed=3, fast_boot=True), 'upfreq_speed'),
])
def test_tuning_bad_input_fails_before_traffic(given, option):
    with pytest.raises(TaskFailed) as err:
        tuning.run(params_for(tuning, **given), NoNetwork(), False, False)
    assert err.value.msg.startswith('192.0.2.10:4028: ' + option)


# --- shared helpers --------------------------------------------------------------

def test_wait_until_treats_refused_connections_as_not_yet():
    answers = iter([ConnectionRefused('refused', '192.0.2.10', 4028), 1, 2])

    def read():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    ok, state, error = confirm.wait_until(read, lambda value: value == 2, 5, 0.001)
    assert (ok, state, error) == (True, 2, None)


def test_wait_until_gives_up_at_the_deadline():
    clock = iter(range(100))
    ok, state, _error = confirm.wait_until(lambda: 'same', lambda value: False, 3, 1, clock=lambda: next(clock), sleep=lambda _s: None)
    assert ok is False and state == 'same'
