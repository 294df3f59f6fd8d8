# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_power pre_power_on and whatsminer_tuning upfreq_speed on both APIs, through the real backends.

A v3 miner that already mines needs no preheat, as on v2: success, nothing sent. The upfreq
speed goes to 10 on v3 and to 9 on v2. The same against the simulator, through
ansible-playbook, is in tests/functional/v3/test_v3_small_fixes.py.
"""

from __future__ import annotations

import os
import sys

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3commands
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import UnsupportedCommand
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import power, tuning
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_miner import FakeMiner, FakeReply, device as v2_device  # noqa: E402  pylint: disable=wrong-import-position

HOST = '192.0.2.31'


class SettingsApiV3:
    """The ApiV3 reads power and tuning make (device.info, miner.setting), writes checked by the real v3 table."""

    host = HOST
    port = 4433

    def __init__(self, mining=True, upfreq_speed=0):
        self.mining = mining
        self.upfreq_speed = upfreq_speed
        self.sent = []

    def read(self, command, param=None):
        if command == 'get.device.info':
            return FakeReply(dict(miner=dict(working='true' if self.mining else 'false')))
        if command == 'get.miner.setting':
            return FakeReply({'power-mode': 'normal', 'power-limit': 3600, 'upfreq-speed': self.upfreq_speed})
        raise AssertionError('unexpected read %s %r' % (command, param))

    def prepare(self, command, param=None):
        return v3commands.check_write(command, param, self.host, self.port)

    def write(self, command, param=None):
        self.sent.append((command, self.prepare(command, param)))
        if command == 'set.miner.upfreq_speed':
            self.upfreq_speed = param
        return FakeReply('ok')


def v3_device(api, check_mode=False):
    return Miner(V3Backend(api), check_mode)


def params_for(logic, **given):
    params = dict((name, spec.get('default')) for name, spec in logic.ARGUMENT_SPEC.items())
    params.update(host=HOST, port=4028, timeout=1.0, wait_timeout=2.0, poll_interval=0.01)
    params.update(given)
    return params


# --- pre_power_on ---------------------------------------------------------------------

@pytest.mark.parametrize('check_mode', [False, True], ids=['run', 'check'])
def test_pre_power_on_on_a_v3_miner_that_mines_is_success_without_change(check_mode):
    api = SettingsApiV3(mining=True)
    result = power.run(params_for(power, state='on', pre_power_on=True), v3_device(api, check_mode), check_mode, False)
    assert result['changed'] is False and result['state'] == 'on' and result['commands'] == []
    assert api.sent == []


def test_pre_power_on_on_a_v2_miner_that_mines_is_the_same_success():
    miner = FakeMiner(mining=True)
    result = power.run(params_for(power, state='on', pre_power_on=True), v2_device(miner), False, False)
    assert result['changed'] is False and miner.write_names == []


def test_pre_power_on_on_a_v3_miner_to_power_on_fails_naming_the_api_before_any_write():
    api = SettingsApiV3(mining=False)
    with pytest.raises(UnsupportedCommand) as caught:
        power.run(params_for(power, state='on', pre_power_on=True), v3_device(api), False, False)
    assert str(caught.value) == '%s:4433: pre power on is not available through API v3' % HOST
    assert api.sent == []


# --- upfreq_speed -----------------------------------------------------------------------

def test_upfreq_speed_10_is_taken_on_v3():
    api = SettingsApiV3(upfreq_speed=2)
    result = tuning.run(params_for(tuning, upfreq_speed=10), v3_device(api), False, False)
    assert result['changed'] is True and api.sent == [('set.miner.upfreq_speed', 10)]


@pytest.mark.parametrize('value, api', [(10, 'v2'), (11, 'v3'), (-1, 'v3')])
def test_upfreq_speed_outside_the_range_of_the_api_fails_before_any_traffic(value, api):
    high = 9 if api == 'v2' else 10
    fake = FakeMiner() if api == 'v2' else SettingsApiV3()
    miner = v2_device(fake) if api == 'v2' else v3_device(fake)
    with pytest.raises(TaskFailed) as caught:
        tuning.run(params_for(tuning, upfreq_speed=value), miner, False, False)
    port = 4028
    assert caught.value.msg == '%s:%d: upfreq_speed must be between 0 and %d on API %s, got %d' % (HOST, port, high, api, value)
    assert (fake.writes if api == 'v2' else fake.sent) == []
    if api == 'v2':
        assert fake.reads == []


def test_upfreq_speed_9_is_still_taken_on_v2():
    miner = FakeMiner()
    tuning.run(params_for(tuning, upfreq_speed=9), v2_device(miner), False, False)
    assert miner.write_names == ['adjust_upfreq_speed']
