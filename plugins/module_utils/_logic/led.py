# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_led: the front LED under the miner's own control, or blinking to find the miner.

The miner reports whether its LED is under automatic control or runs a pattern set
through the API, but not which pattern. So ``state: auto`` is declarative: sent only
when the LED does not read auto, then read until it does. ``state: blink`` is an
action: no read can prove that the pattern running is the one asked for, so the
pattern is sent every time and the task always reports a change; the read afterwards
confirms that the LED left automatic control. The defaults are a fast red blink
(200 ms cycle, on for 100 ms), the "find this miner" light field clients use.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import send_confirmed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import WAIT_OPTIONS, check_wait_options, input_error
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import (
    NOT_READABLE,
    Change,
    plan_setting,
    result_for,
    unreported_warnings,
)

AUTO = 'auto'
BLINK = 'blink'
PATTERN = ('color', 'period', 'duration', 'start')
DEFAULTS = dict(color='red', period=200, duration=100, start=0)
MAX_PERIOD = 60000

ARGUMENT_SPEC = connection_argument_spec(dict(
    state=dict(type='str', choices=[AUTO, BLINK], required=True),
    color=dict(type='str', choices=['red', 'green']),
    period=dict(type='int'),
    duration=dict(type='int'),
    start=dict(type='int'),
    wait=dict(WAIT_OPTIONS['wait']),
    wait_timeout=dict(type='float', default=30.0),
    poll_interval=dict(type='float', default=1.0),
))


def check_params(params):
    """Every input error, before any traffic, naming the miner and the option."""
    check_wait_options(params)
    given = [name for name in PATTERN if params.get(name) is not None]
    if params['state'] == AUTO:
        if given:
            raise input_error(params, '%s: only with state=blink; state=auto hands the LED back to the miner and takes '
                                      'no pattern' % ', '.join(given))
        return
    pattern = pattern_of(params)
    if not 1 <= pattern['period'] <= MAX_PERIOD:
        raise input_error(params, 'period must be between 1 and %d ms, got %s' % (MAX_PERIOD, pattern['period']))
    for name in ('duration', 'start'):
        if not 0 <= pattern[name] <= pattern['period']:
            raise input_error(params, '%s must be between 0 and the period (%s ms%s), got %s'
                              % (name, pattern['period'], '' if params.get('period') is not None else ', the default',
                                 pattern[name]))


def pattern_of(params):
    """The blink pattern asked for, with the defaults filled in."""
    return dict((name, DEFAULTS[name] if params.get(name) is None else params[name]) for name in PATTERN)


def shown_state(value):
    """The LED as the module's options say it: auto, blink (any pattern set through the API), None (not reported)."""
    if value is None:
        return None
    return AUTO if value == AUTO else BLINK


def described(value, pattern=None):
    """``{state, color, period, duration, start}`` for before/after; a blink pattern nobody can read is not readable."""
    state = shown_state(value) if pattern is None else BLINK
    shown = dict(state=state)
    if state == BLINK:
        shown.update(pattern or dict((name, NOT_READABLE) for name in PATTERN))
    return shown


def _shown(state):
    return 'led=%s' % shown_state(state.get('led')) if state else 'nothing readable'


def run(params, miner, check_mode, diff_mode):
    check_params(params)
    blink = params['state'] == BLINK
    value = pattern_of(params) if blink else AUTO
    try:
        command = miner.command_for('led', value)
    except InvalidParameter as err:
        raise input_error(params, err.reason) from None

    current = miner.settings(['led']).get('led')
    changes = []
    if blink:
        changes.append(Change('led', current, value, command, unreported=current is None))
    else:
        plan_setting(changes, miner, 'led', AUTO, current)
    warnings = unreported_warnings(changes)

    def done(state):
        seen = state.get('led')
        return seen == AUTO if not blink else seen not in (None, AUTO)

    for change in changes:
        if check_mode or not change.readable:
            change.send(miner)
        else:
            send_confirmed(miner, change, lambda: miner.settings(['led']), done, params, _shown)

    before = described(current)
    after = described(AUTO) if not blink else described(None, value)
    if changes and not check_mode:
        seen = miner.settings(['led']).get('led')
        if seen is not None and not (blink and shown_state(seen) == BLINK):
            after = described(seen)
        if not params['wait']:
            warnings.append('wait=false: the LED was not confirmed by reading; it may take a moment to show')
    result = result_for(changes, before, after, diff_mode, miner.commands)
    result['state'] = after['state']
    if blink:
        result['pattern'] = value
    if warnings:
        result['warnings'] = warnings
    return result


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run)
