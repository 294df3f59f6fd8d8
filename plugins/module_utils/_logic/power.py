# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_power: mining on or off, power mode, power limit and power percent.

Mining on/off (``status``), the power mode and the power limit (``summary``) can be
read, so they are only written when they differ. The power percent cannot be read: it
is sent whenever given. Mode switches and power limit changes restart btminer and may
get no reply at all, so with ``wait`` the module reads until the miner shows the new
state, and fails with what it expected and what it saw if that never happens. A setting
this miner's firmware leaves out of its replies is sent without waiting, with a warning.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import TaskFailed, connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._state import (
    NOT_READABLE,
    WAIT_OPTIONS,
    Change,
    Writer,
    address,
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
    wait_until,
)

MODES = ('low', 'normal', 'high')
PERCENT_COMMANDS = dict(fast='set_power_pct', normal='set_power_pct_v2')
PREHEAT_DONE = 'adjust complete'

ARGUMENT_SPEC = connection_argument_spec(dict(
    state=dict(type='str', choices=['on', 'off']),
    mode=dict(type='str', choices=list(MODES)),
    power_limit=dict(type='int'),
    percent=dict(type='int'),
    percent_method=dict(type='str', choices=['fast', 'normal'], default='normal'),
    pre_power_on=dict(type='bool', default=False),
    **WAIT_OPTIONS
))
REQUIRED_ONE_OF = [['state', 'mode', 'power_limit', 'percent']]


def check_params(params):
    """Ranges and contradictions, before any traffic, naming the options."""
    check_wait_options(params)
    check_range(params, 'power_limit', 0, 99999)
    check_range(params, 'percent', 0, 100)
    if params.get('state') == 'off':
        given = [name for name in ('mode', 'power_limit', 'percent') if params.get(name) is not None]
        if given:
            raise input_error(params, 'state=off stops mining, so it cannot be combined with %s; set those with state=on or '
                                      'without state' % ', '.join(given))
    if params.get('pre_power_on') and params.get('state') != 'on':
        raise input_error(params, 'pre_power_on=true preheats the miner before it powers on, so it needs state=on')


# --- reading -----------------------------------------------------------------------

def mining_state(status):
    """'on', 'off' or None from ``status`` (``btmineroff`` on older firmware, ``mineroff`` on newer)."""
    for key in ('btmineroff', 'mineroff'):
        value = reported_text(status.get(key)).lower()
        if value in ('true', 'false'):
            return 'off' if value == 'true' else 'on'
    return None


def power_mode(status, summary):
    """'low', 'normal', 'high' (or another word the firmware uses), None when neither read says."""
    return reported_text(status.get('power_mode')).lower() or reported_text(summary.get('Power Mode')).lower() or None


def read_power(client):
    """What the miner reports: state, mode and power limit (None where it does not say)."""
    status, summary = read_status_summary(client)
    limit = reported_int(summary.get('Power Limit'))
    if limit is None:
        limit = reported_int(status.get('power_limit_set'))
    return dict(state=mining_state(status), mode=power_mode(status, summary), power_limit=limit)


def _shown(state):
    if state is None:
        return 'nothing readable'
    return ', '.join('%s=%s' % (key, state[key]) for key in ('state', 'mode', 'power_limit'))


# --- planning --------------------------------------------------------------------

def plan(params, current):
    changes = []
    state = params.get('state')
    if state == 'off':
        plan_setting(changes, 'state', 'off', current['state'], 'power_off')
        return changes
    if state == 'on' and current['state'] != 'on':
        if params['pre_power_on']:
            changes.append(Change('pre_power_on', NOT_READABLE, True, 'pre_power_on', readable=False))
        plan_setting(changes, 'state', 'on', current['state'], 'power_on')
    if params.get('mode') is not None:
        plan_setting(changes, 'mode', params['mode'], current['mode'], 'set_%s_power' % params['mode'])
    if params.get('power_limit') is not None:
        plan_setting(changes, 'power_limit', params['power_limit'], current['power_limit'], 'adjust_power_limit',
                     dict(power_limit=params['power_limit']))
    if params.get('percent') is not None:
        plan_blind(changes, 'percent', params['percent'], PERCENT_COMMANDS[params['percent_method']],
                   dict(percent=params['percent']))
    return changes


# --- applying --------------------------------------------------------------------

def preheat(writer, params):
    """Start preheating, then ask until the miner says the temperature is adjusted."""
    reply = writer.send('pre_power_on', complete=False, msg='wait for adjust temp')
    if writer.check_mode:
        return

    def ask():
        answer = writer.repeat('pre_power_on', complete=False, msg='adjust continue')
        return answer.msg if answer is not None else None

    def complete(msg):
        if isinstance(msg, dict):
            return reported_text(msg.get('complete')).lower() == 'true' or reported_text(msg.get('msg')).lower() == PREHEAT_DONE
        return reported_text(msg).lower() == PREHEAT_DONE

    if reply is not None and complete(reply.msg):
        return
    if not params['wait']:
        return
    ok, last, error = wait_until(ask, complete, params['wait_timeout'], params['poll_interval'])
    if not ok:
        raise TaskFailed('%s: pre_power_on did not report "adjust complete" within %ss (last answer: %s); mining was not '
                         'switched on' % (address(params), params['wait_timeout'],
                                          last if last is not None else (error.reason if error else 'none')),
                         commands=list(writer.commands))


def apply(writer, change, params, running):
    """Send one change; for readable ones wait until the miner shows it (and mines again if it should).

    ``running`` is True only when mining should be on and the miner reports its mining state.
    """
    if change.name == 'pre_power_on':
        preheat(writer, params)
        return
    if not change.readable:
        writer.send(change.command, **change.params)
        return

    def done(state):
        if state[change.name] != change.after:
            return False
        return change.name == 'state' or not running or state['state'] == 'on'

    send_confirmed(writer, change, lambda: read_power(writer.client), done, params, _shown)


def run(params, client, check_mode, diff_mode):
    check_params(params)
    writer = Writer(client, check_mode)
    current = read_power(client)
    changes = plan(params, current)
    before = before_with_blind(current, changes)
    after = predicted(current, changes)
    after.pop('pre_power_on', None)
    before.pop('pre_power_on', None)

    warnings = unreported_warnings(changes)

    wanted_on = params.get('state') == 'on' or (params.get('state') is None and current['state'] == 'on')
    running = wanted_on and current['state'] is not None
    for change in changes:
        apply(writer, change, params, running)
    if changes and not check_mode:
        read_back = read_power(client)
        confirmed = set(change.name for change in changes if change.readable)
        unreported = set(change.name for change in changes if change.unreported)
        for name, value in read_back.items():
            if value is None and name in unreported:
                continue  # still not reported: show the value sent
            if params['wait'] and after.get(name) != value and name in confirmed:
                warnings.append('%s reads %s after the change, expected %s' % (name, value, after[name]))
            after[name] = value
        if not params['wait'] and any(change.readable for change in changes):
            warnings.append('wait=false: the new state was not confirmed by reading; it may take a while to show')

    result = result_for(changes, before, after, diff_mode, writer.commands)
    result.update(state=after['state'], mode=after['mode'], power_limit=after['power_limit'])
    if warnings:
        result['warnings'] = warnings
    return result
