# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_reboot: reboot the control board (``scope=system``) or restart mining (``scope=mining``).

An action, so always ``changed``. What proves it is a reading afterwards, never the port
alone: a port that answers again may still be the board that was never rebooted (the
uptime has not started again) or a btminer that does not mine yet. So for ``system``
the module waits until the uptime starts again (``_task/reboot.py``), and for
``mining`` until btminer's running time starts again and the miner mines. It returns
the downtime: seconds from the request until that proof. The request is sent once; a
miner that never shows the proof fails the task, and the request is not repeated.
"""

from __future__ import annotations

import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import TransportError, WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import UNANSWERED, silent_write_cause, wait_until
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import WAIT_OPTIONS, address, check_wait_options
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.reboot import wait_for_reboot

SCOPES = dict(system='reboot', mining='restart_mining')

ARGUMENT_SPEC = connection_argument_spec(dict(
    scope=dict(type='str', choices=list(SCOPES), default='system'),
    **WAIT_OPTIONS
))


def _fail(params, result, message):
    raise TaskFailed('%s: %s' % (address(params), message), **result)


def _before(params, miner, read, what):
    try:
        return read()
    except WhatsminerError as err:
        raise TaskFailed('%s: cannot read %s before the %s, so nothing was sent: %s'
                         % (address(params), what, 'reboot' if params['scope'] == 'system' else 'restart', err.reason),
                         changed=False, commands=list(miner.commands)) from None


def _send(miner, name):
    """Send once; True when the reply was lost or broken after the request went out (an unknown outcome)."""
    try:
        miner.act(name)
    except UNANSWERED:
        return True
    return False


def run(params, miner, check_mode, diff_mode):
    check_wait_options(params)
    scope = params['scope']
    result = dict(changed=True, scope=scope, downtime=None, commands=miner.commands)
    if scope == 'system':
        result.update(uptime_before=_before(params, miner, miner.uptime, 'the uptime'), uptime_after=None)
    else:
        mining = _before(params, miner, lambda: miner.read('mining'), 'the mining state')
        result.update(mining_before=_mining(mining), mining_after=None)
    if check_mode:
        miner.act(SCOPES[scope])   # recorded in commands; the guard sends nothing
        return result
    started = time.monotonic()
    lost = _send(miner, SCOPES[scope])
    if not params['wait']:
        result['warnings'] = ['wait=false: the %s was sent and not confirmed'
                              % ('reboot' if scope == 'system' else 'btminer restart')]
        return result
    if scope == 'system':
        confirm_reboot(params, miner, result, started, lost)
    else:
        confirm_mining(params, miner, result, started, lost)
    return result


def confirm_reboot(params, miner, result, started, lost):
    """Down, and back with the uptime started again: anything less is not a reboot."""
    before = result['uptime_before']
    back = wait_for_reboot(miner.uptime, before, params['wait_timeout'], params['poll_interval'])
    result['uptime_after'] = back.uptime
    if back.ok:
        result['downtime'] = round(time.monotonic() - started, 3)
        return
    if back.went_down and back.uptime is not None:
        seen = ('the port went down and answers again, but the uptime has not started again (%ss, %ss before the '
                'reboot): the miner is not confirmed as rebooted' % (back.uptime, before))
    elif back.went_down:
        seen = 'the port went down and the miner did not answer again'
    else:
        seen = 'the miner never went down and its uptime did not start again (%ss, %ss before)' % (back.uptime, before)
        cause = silent_write_cause(miner)
        if cause:
            seen += cause
    _fail(params, result, 'sent the reboot%s, but within %ss (wait_timeout) %s; the reboot was not sent again'
          % (' (no usable reply)' if lost else '', params['wait_timeout'], seen))


def _mining(section):
    return dict(is_mining=section.get('is_mining'), hashrate_ths=section.get('hashrate_ths'),
                elapsed_s=section.get('elapsed_s'), uptime_s=section.get('uptime_s'))


def confirm_mining(params, miner, result, started, lost):
    """btminer restarted and mines again.

    Restarted: its running time started again, its API was seen down, or (it mined before)
    it was seen not mining. A miner that did not mine before is only confirmed to have restarted.
    """
    before = result['mining_before']
    was_mining = bool(before['is_mining'])
    seen = dict(stopped=False)

    def read():
        try:
            return _mining(miner.read('mining'))
        except TransportError:
            seen['stopped'] = True   # btminer serves the API: down while it restarts
            raise

    def restarted(state):
        if was_mining and not state['is_mining']:
            seen['stopped'] = True   # it mined before: seen not mining is the restart
        if before['elapsed_s'] is not None and state['elapsed_s'] is not None and state['elapsed_s'] < before['elapsed_s']:
            return True
        return seen['stopped']

    def done(state):
        if not restarted(state):
            return False
        return not was_mining or (bool(state['is_mining']) and (state['hashrate_ths'] is None or state['hashrate_ths'] > 0))

    ok, state, error = wait_until(read, done, params['wait_timeout'], params['poll_interval'])
    result['mining_after'] = state
    if ok:
        result['downtime'] = round(time.monotonic() - started, 3)
        if not was_mining:
            result['warnings'] = ['the miner was not mining before the restart, so only the restart of btminer was '
                                  'confirmed, not mining']
        return
    if state is None:
        what = 'the miner did not answer (%s)' % (error.reason if error is not None else 'no answer')
    elif not restarted(state):
        what = ('btminer did not restart (running for %ss, %ss before)' % (state['elapsed_s'], before['elapsed_s']))
        cause = silent_write_cause(miner)
        if cause:
            what += cause
    else:
        what = 'btminer restarted but does not mine again (mining: %s, hash rate %s TH/s)' % (
            state['is_mining'], state['hashrate_ths'])
    _fail(params, result, 'sent the btminer restart%s, but within %ss (wait_timeout) %s; it was not sent again'
          % (' (no usable reply)' if lost else '', params['wait_timeout'], what))


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run)
