# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_tuning: target frequency, upfreq speed, temperature offset and fan/boot flags.

Only the options given are applied, as rows of the miner's settings table (the generic
loop in ``_task/sync.py``). On API v2 the target frequency and fast boot can be read and
are written only when they differ; the others cannot be read and are sent whenever
given. A target frequency change restarts btminer, so with ``wait`` the module reads
until the miner shows it. Fast boot
takes effect (and shows) only at the next btminer restart or reboot (spec 3.14/3.15), so
it is never waited for; it is sent before a target frequency change, whose restart then
applies it in the same run. A readable setting this firmware does not report is sent
without comparing or waiting, with a warning. On API v3 every one of these settings can
be read back; heat mode and fast hash exist only there and fail naming the API on v2.
The upfreq speed goes up to 9 on v2 and 10 on v3, so its range comes from the backend of
the miner in hand (``Operation.bounds``, known before any write).
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import (
    WAIT_OPTIONS,
    check_range,
    check_wait_options,
    input_error,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.sync import sync_settings

# in the order they are applied: fast boot before a target frequency change, whose
# btminer restart then applies it in the same run
SETTINGS = ('fast_boot', 'target_freq', 'upfreq_speed', 'temp_offset', 'poweroff_cool', 'fan_zero_speed', 'heat_mode',
            'fast_hash')

ARGUMENT_SPEC = connection_argument_spec(dict(
    target_freq=dict(type='int'),
    upfreq_speed=dict(type='int'),
    temp_offset=dict(type='int'),
    fast_boot=dict(type='bool'),
    poweroff_cool=dict(type='bool'),
    fan_zero_speed=dict(type='bool'),
    heat_mode=dict(type='str', choices=['heating', 'normal', 'anti-freezing']),
    fast_hash=dict(type='bool'),
    **WAIT_OPTIONS
))
REQUIRED_ONE_OF = [['target_freq', 'upfreq_speed', 'temp_offset', 'fast_boot', 'poweroff_cool', 'fan_zero_speed', 'heat_mode',
                    'fast_hash']]


def check_upfreq_speed(params, miner):
    """upfreq_speed within the range of the API in use: the APIs differ at the top (``Operation.bounds``)."""
    value = params.get('upfreq_speed')
    if value is None:
        return
    low, high = miner.operation('upfreq_speed').bounds
    if not low <= value <= high:
        raise input_error(params, 'upfreq_speed must be between %s and %s on API %s, got %s'
                          % (low, high, miner.api_version, value))


def check_params(params, miner):
    check_wait_options(params)
    check_range(params, 'target_freq', -100, 100)
    check_range(params, 'temp_offset', -30, 0)
    if params.get('fast_boot') and params.get('upfreq_speed'):
        raise input_error(params, 'upfreq_speed=%s cannot be combined with fast_boot=true: the miner cannot use both at once'
                          % params['upfreq_speed'])
    check_upfreq_speed(params, miner)


def run(params, miner, check_mode, diff_mode):
    check_params(params, miner)
    return sync_settings(miner, params, SETTINGS, check_mode, diff_mode)


TASK = Task(ArgumentSpec(ARGUMENT_SPEC, required_one_of=REQUIRED_ONE_OF), run)
