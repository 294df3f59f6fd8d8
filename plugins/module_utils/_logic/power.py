# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_power: mining on or off, power mode, power limit and power percent.

Mining on/off, the power mode and the power limit can be read on API v2, so they are
only written when they differ; the power percent cannot be read (the miner's settings
table says which), so it is sent whenever given. Mode switches and power limit changes restart btminer and may
get no reply at all, so with ``wait`` the module reads until the miner shows the new
state, and fails with what it expected and what it saw if that never happens. A setting
this miner's firmware leaves out of its replies is sent without waiting, with a warning.
Preheating comes only with the power-on it precedes, so a miner that already mines needs
none, on either API; API v3 has no preheat, so it fails there (naming the API, after the
reads and before any write) only when the miner is to be powered on.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import send_confirmed, send_unconfirmed, wait_until
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import (
    WAIT_OPTIONS,
    address,
    check_range,
    check_wait_options,
    input_error,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import (
    before_with_blind,
    plan_row,
    plan_setting,
    predicted,
    result_for,
    unreported_warnings,
)

MODES = ('low', 'normal', 'high')
READS = ('state', 'mode', 'power_limit')

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


def _shown(state):
    if state is None:
        return 'nothing readable'
    return ', '.join('%s=%s' % (key, state[key]) for key in READS)


# --- planning --------------------------------------------------------------------

def plan(params, current, miner):
    """Changes in the order they are applied: on, mode, limit, percent (off alone)."""
    changes = []
    state = params.get('state')
    if state == 'off':
        plan_setting(changes, miner, 'state', 'off', current['state'])
        return changes
    if state == 'on':
        plan_setting(changes, miner, 'state', 'on', current['state'])
    for name in ('mode', 'power_limit'):
        plan_row(changes, miner, name, params.get(name), current)
    plan_row(changes, miner, 'percent', params.get('percent'), current, method=params['percent_method'])
    return changes


# --- applying --------------------------------------------------------------------

def preheat(miner, params):
    """Start preheating, then ask until the miner says the temperature is adjusted."""
    started = miner.preheat(first=True)
    if miner.check_mode or (started is not None and started.done) or not params['wait']:
        return
    ok, last, error = wait_until(lambda: miner.preheat(first=False), lambda answer: answer is not None and answer.done,
                                 params['wait_timeout'], params['poll_interval'])
    if not ok:
        raise TaskFailed('%s: pre_power_on did not report "adjust complete" within %ss (last answer: %s); mining was not '
                         'switched on' % (address(params), params['wait_timeout'],
                                          last if last is not None else (error.reason if error else 'none')),
                         commands=list(miner.commands))


def apply(miner, change, params, running, left=()):
    """Send one change; for readable ones wait until the miner shows it (and mines again if it should).

    ``running`` is True only when mining should be on and the miner reports its mining state;
    ``left``: the changes after this one, named if an unreadable one gets no reply.
    """
    if not change.readable:
        send_unconfirmed(miner, change, params, left=left)
        return

    def done(state):
        if state[change.name] != change.after:
            return False
        return change.name == 'state' or not running or state['state'] == 'on'

    send_confirmed(miner, change, lambda: miner.settings(READS), done, params, _shown)


def run(params, miner, check_mode, diff_mode):
    check_params(params)
    current = miner.settings(READS)
    changes = plan(params, current, miner)
    powers_on = any(change.name == 'state' for change in changes)
    if params['pre_power_on'] and powers_on:
        miner.require('pre_power_on')   # API v3 has none: fail naming the API before any write
    before = before_with_blind(current, changes)
    after = predicted(current, changes)

    warnings = unreported_warnings(changes)

    wanted_on = params.get('state') == 'on' or (params.get('state') is None and current['state'] == 'on')
    running = wanted_on and current['state'] is not None
    if params['pre_power_on'] and powers_on:
        preheat(miner, params)
    for index, change in enumerate(changes):
        apply(miner, change, params, running, [later.name for later in changes[index + 1:]])
    if changes and not check_mode:
        read_back = miner.settings(READS)
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

    result = result_for(changes, before, after, diff_mode, miner.commands)
    result.update(state=after['state'], mode=after['mode'], power_limit=after['power_limit'])
    if warnings:
        result['warnings'] = warnings
    return result


TASK = Task(ArgumentSpec(ARGUMENT_SPEC, required_one_of=REQUIRED_ONE_OF), run)
