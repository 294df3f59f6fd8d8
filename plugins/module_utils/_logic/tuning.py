# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_tuning: target frequency, upfreq speed, temperature offset and fan/boot flags.

Only the options given are applied. The target frequency (``status`` hash_percent) and
fast boot (``summary`` "Btminer Fast Boot") can be read and are written only when they
differ; the others cannot be read and are sent whenever given. A target frequency change
restarts btminer, so with ``wait`` the module reads until the miner shows it. Fast boot
takes effect (and shows) only at the next btminer restart or reboot (spec 3.14/3.15), so
it is never waited for; it is sent before a target frequency change, whose restart then
applies it in the same run. A readable setting this firmware does not report is sent
without comparing or waiting, with a warning.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic.power import mining_state
from ansible_collections.minerops.whatsminer.plugins.module_utils._state import (
    WAIT_OPTIONS,
    Writer,
    before_with_blind,
    check_range,
    check_wait_options,
    input_error,
    plan_blind,
    plan_setting,
    predicted,
    read_status_summary,
    reported_int,
    reported_text,
    result_for,
    send_confirmed,
    unreported_warnings,
)

SETTINGS = ('target_freq', 'upfreq_speed', 'temp_offset', 'fast_boot', 'poweroff_cool', 'fan_zero_speed')
READABLE = ('target_freq', 'fast_boot')

ARGUMENT_SPEC = connection_argument_spec(dict(
    target_freq=dict(type='int'),
    upfreq_speed=dict(type='int'),
    temp_offset=dict(type='int'),
    fast_boot=dict(type='bool'),
    poweroff_cool=dict(type='bool'),
    fan_zero_speed=dict(type='bool'),
    **WAIT_OPTIONS
))
REQUIRED_ONE_OF = [list(SETTINGS)]


def check_params(params):
    check_wait_options(params)
    check_range(params, 'target_freq', -100, 100)
    check_range(params, 'upfreq_speed', 0, 9)
    check_range(params, 'temp_offset', -30, 0)
    if params.get('fast_boot') and params.get('upfreq_speed'):
        raise input_error(params, 'upfreq_speed=%s cannot be combined with fast_boot=true: the miner cannot use both at once'
                          % params['upfreq_speed'])


def fast_boot_state(summary):
    value = reported_text(summary.get('Btminer Fast Boot')).lower()
    if value in ('enable', 'enabled', 'true', '1'):
        return True
    if value in ('disable', 'disabled', 'false', '0'):
        return False
    return None


def read_tuning(client, need_summary=True):
    """target_freq (None when the firmware leaves hash_percent empty), fast_boot, and mining state."""
    status, summary = read_status_summary(client, need_summary)
    state = dict(target_freq=reported_int(status.get('hash_percent')), state=mining_state(status))
    if need_summary:
        state['fast_boot'] = fast_boot_state(summary)
    return state


def plan(params, current):
    changes = []
    if params.get('fast_boot') is not None:
        command = 'enable_btminer_fast_boot' if params['fast_boot'] else 'disable_btminer_fast_boot'
        plan_setting(changes, 'fast_boot', params['fast_boot'], current.get('fast_boot'), command)
    target = params.get('target_freq')
    plan_setting(changes, 'target_freq', target, current['target_freq'], 'set_target_freq', dict(percent=target))
    plan_blind(changes, 'upfreq_speed', params.get('upfreq_speed'), 'adjust_upfreq_speed',
               dict(upfreq_speed=params.get('upfreq_speed')))
    plan_blind(changes, 'temp_offset', params.get('temp_offset'), 'set_temp_offset', dict(temp_offset=params.get('temp_offset')))
    plan_blind(changes, 'poweroff_cool', params.get('poweroff_cool'), 'set_poweroff_cool',
               dict(poweroff_cool=params.get('poweroff_cool')))
    plan_blind(changes, 'fan_zero_speed', params.get('fan_zero_speed'), 'set_fan_zero_speed',
               dict(fan_zero_speed=params.get('fan_zero_speed')))
    return changes


def _shown(state):
    if state is None:
        return 'nothing readable'
    return ', '.join('%s=%s' % (key, value) for key, value in sorted(state.items()))


def _waited_for(change):
    """Fast boot shows only after the next restart: waiting for it could never succeed."""
    return change.readable and change.name != 'fast_boot'


def run(params, client, check_mode, diff_mode):
    check_params(params)
    writer = Writer(client, check_mode)
    need_summary = params.get('fast_boot') is not None
    reading = read_tuning(client, need_summary)
    running = reading.pop('state') == 'on'
    current = dict((name, reading[name]) for name in READABLE if name in reading)
    changes = plan(params, current)
    warnings = unreported_warnings(changes)

    for change in changes:
        if check_mode or not _waited_for(change):
            writer.send(change.command, **change.params)
            continue

        def done(state, change=change):
            return state.get(change.name) == change.after and (not running or state['state'] == 'on')

        send_confirmed(writer, change, lambda: read_tuning(client, need_summary), done, params, _shown)

    wanted = dict((name, current[name]) for name in current if params.get(name) is not None)
    before = before_with_blind(wanted, changes)
    after = predicted(wanted, changes)
    if changes and not check_mode:
        read_back = read_tuning(client, need_summary)
        sent = dict((change.name, change) for change in changes)
        for name in wanted:
            value = read_back.get(name)
            change = sent.get(name)
            if change is not None and value != change.after:
                if change.unreported and value is None:
                    continue  # still not reported: show the value sent
                if name == 'fast_boot':
                    warnings.append('fast_boot: %s was sent, but the miner reports fast_boot=%s until btminer restarts or '
                                    'the miner reboots; until then every run sends it again and reports a change'
                                    % (change.command, value))
                    continue
            after[name] = value
        if not params['wait'] and any(_waited_for(change) for change in changes):
            warnings.append('wait=false: the new settings were not confirmed by reading; they may take a while to show')
    result = result_for(changes, before, after, diff_mode, writer.commands)
    result['settings'] = after
    if warnings:
        result['warnings'] = warnings
    return result
