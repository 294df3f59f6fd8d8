# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_pools: the miner mines on these pools, in this order.

The miner shows each pool's URL and user but never its password, so pools are
compared on URL and user, in priority order. A password change alone is invisible:
``update_password: always`` sends the pools anyway (and so always reports a change).
The pools are written all at once (every slot, unused ones empty) and read back.
``web_pools`` is planned by the backend's table: compared where the API can show it
(v3), sent whenever given where it cannot (v2).

A miner that does not show its pools (``miner.pools()`` is None: an idle API v3 miner,
notes 4.2) is treated like a setting it does not report: before is "not readable", the
pools are sent without comparing, and nothing claims them confirmed: no read-back is
waited for (the miner cannot show them while it does not mine), a warning says so, and
the write is never repeated. A miner that stops showing them after the write (btminer
restarting) is read back as usual: "not yet" until it shows them or the wait ends.
"""

from __future__ import annotations

import unicodedata

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import UNANSWERED, after_silence, send_unconfirmed, wait_until
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import (
    WAIT_OPTIONS,
    address,
    check_wait_options,
    input_error,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import (
    NOT_READABLE,
    plan_row,
    result_for,
    unreported_warnings,
)

MAX_POOLS = 3
#: what a pool list the miner does not show is called in messages
NOT_SHOWN = 'no pools shown (the miner does not show them while it does not mine)'

ARGUMENT_SPEC = connection_argument_spec(dict(
    pools=dict(type='list', elements='dict', options=dict(
        url=dict(type='str', required=True),
        user=dict(type='str', required=True),
        password=dict(type='str', no_log=True, default=''),
    )),
    update_password=dict(type='str', choices=['always', 'on_change'], default='on_change', no_log=False),
    web_pools=dict(type='bool'),
    **WAIT_OPTIONS
))
REQUIRED_ONE_OF = [['pools', 'web_pools']]


def _has_control_character(value):
    return any(unicodedata.category(char) == 'Cc' for char in value)


def check_params(params):
    """Every input error, found before any traffic and naming the miner and the option."""
    check_wait_options(params)
    pools = params.get('pools')
    if pools is None:
        return
    if not 1 <= len(pools) <= MAX_POOLS:
        raise input_error(params, 'pools must list 1 to %d pools in priority order, got %d' % (MAX_POOLS, len(pools)))
    for index, pool in enumerate(pools):
        for field in ('url', 'user'):
            value = pool[field]
            if not value.strip():
                raise input_error(params, 'pools[%d].%s must not be empty' % (index, field))
            if value != value.strip() or any(char.isspace() for char in value):
                raise input_error(params, 'pools[%d].%s must not contain spaces, got %r' % (index, field, value))
            if _has_control_character(value):
                raise input_error(params, 'pools[%d].%s must not contain control characters, got %r' % (index, field, value))
        if _has_control_character(pool.get('password') or ''):
            raise input_error(params, 'pools[%d].password must not contain control characters' % index)  # value never shown
        if '://' not in pool['url']:
            raise input_error(params, 'pools[%d].url must be a pool URL like stratum+tcp://pool.example:3333, got %r'
                              % (index, pool['url']))


def wanted_pools(params):
    return [dict(url=pool['url'], user=pool['user']) for pool in params['pools']]


def run(params, miner, check_mode, diff_mode):
    check_params(params)
    warnings = []

    current = miner.pools()
    readable = current is not None
    before = dict(pools=current if readable else NOT_READABLE)
    after = dict(before)
    changes = []
    unanswered = None

    if params.get('pools') is not None:
        wanted = wanted_pools(params)
        differs = not readable or wanted != current
        if differs or params['update_password'] == 'always':
            changes.append('pools')
            after['pools'] = wanted
            if not readable:
                warnings.append(not_shown_warning(check_mode))
            try:
                miner.set_pools(params['pools'])
            except UNANSWERED as err:
                unanswered = err
                shown = after_silence(miner, err, miner.pools, lambda pools: pools == wanted, params, 'the pools',
                                      _shown)
                if shown is not None:
                    unanswered = None
            if readable and not differs:
                warnings.append('pool URLs and users already match; pools were sent again because update_password=always '
                                '(pool passwords cannot be read back)')

    web_pools = None
    if params.get('web_pools') is not None:
        web_pools = plan_web_pools(miner, params['web_pools'], before, after, warnings)
        if web_pools is not None:
            changes.append('web_pools')
            send_unconfirmed(miner, web_pools, params, lambda: miner.settings(['web_pools']))

    if 'pools' in changes and not check_mode:
        if unanswered is not None:
            after['pools'] = confirm_unanswered(miner, params, after['pools'])
        elif not readable:
            pass    # a miner that shows no pools cannot confirm them: sent, reported unconfirmed (the warning)
        elif params['wait']:
            after['pools'] = confirm_pools(miner, params, after['pools'])
        else:
            after['pools'] = read_back_once(miner, after['pools'], warnings)

    if web_pools is not None and web_pools.readable and not check_mode:
        after['web_pools'] = read_back_web_pools(miner, web_pools.after, warnings)

    result = result_for(changes, before, after, diff_mode, miner.commands)
    result['pools'] = after['pools'] if after['pools'] != NOT_READABLE else None
    if warnings:
        result['warnings'] = warnings
    return result


def not_shown_warning(check_mode):
    """Why pools were (or would be) sent without comparing, and why they are not confirmed."""
    return ('pools: the miner does not show its pools while it does not mine (it is stopped or idle), so they %s '
            'without comparing and cannot be read back or confirmed until it mines again (the task reports a change '
            'every time it runs on a miner that does not mine)' % ('would be sent' if check_mode else 'were sent'))


def plan_web_pools(miner, wanted, before, after, warnings):
    """The web_pools change to send, or None; fills ``before``/``after`` by what this miner's API can read.

    API v3 reports web pools (get.system.setting), so it is compared and sent only when it
    differs; API v2 cannot show it, so there it is sent every time and shown as not readable.
    A miner that leaves it out of its reply is handled as not readable for this run.
    """
    miner.require('web_pools')
    current = miner.settings(['web_pools']) if miner.operation('web_pools').readable else {}
    planned = []
    plan_row(planned, miner, 'web_pools', wanted, current)
    warnings.extend(unreported_warnings(planned))
    if not planned:
        before['web_pools'] = after['web_pools'] = current.get('web_pools')
        return None
    change = planned[0]
    before['web_pools'] = change.before
    after['web_pools'] = change.after
    return change


def read_back_web_pools(miner, wanted, warnings):
    """One read of a web_pools change the API can show; a miner not showing it yet is a warning."""
    try:
        seen = miner.settings(['web_pools']).get('web_pools')
    except WhatsminerError as err:
        warnings.append('web_pools was sent, but could not be read back (%s); not confirmed' % err.reason)
        return wanted
    if seen != wanted:
        warnings.append('web_pools was sent, but the miner reports web_pools=%s; not confirmed' % seen)
    return seen


def read_back_once(miner, wanted, warnings):
    """wait=false: one read of the pools; a miner not showing them yet is a warning, not a failure."""
    try:
        seen = miner.pools()
    except WhatsminerError as err:
        warnings.append('wait=false: the pools were sent, but could not be read back (%s); not confirmed' % err.reason)
        return wanted
    if seen is None:
        warnings.append('wait=false: the pools were sent, but the miner does not show its pools now (it does not mine, '
                        'for example while btminer restarts); not confirmed')
        return wanted
    if seen != wanted:
        warnings.append('wait=false: the pools were sent, but the miner does not show them yet (it reports %s); '
                        'not confirmed' % _shown(seen))
    return seen


def confirm_pools(miner, params, wanted):
    """Read the pools back until the miner shows them (up to wait_timeout); fail if it never does."""
    timeout = params['wait_timeout']
    ok, seen, error = wait_until(miner.pools, lambda pools: pools == wanted, timeout, params['poll_interval'])
    if ok:
        return seen
    if seen is None:
        raise TaskFailed('%s: sent the pools but could not read them back within %ss (%s)'
                         % (address(params), timeout, error.reason if error else NOT_SHOWN),
                         commands=list(miner.commands))
    raise TaskFailed('%s: sent the pools, but the miner reports pools %s instead of %s'
                     % (address(params), _shown(seen), _shown(wanted)), commands=list(miner.commands), pools=seen)


def confirm_unanswered(miner, params, wanted):
    """The pools went out and no reply came: read until they show (even with wait=false), never resend."""
    timeout = params['wait_timeout'] if params['wait'] else params['timeout']
    ok, seen, error = wait_until(miner.pools, lambda pools: pools == wanted, timeout, params['poll_interval'])
    if ok:
        return seen
    reported = 'no answer (%s)' % error.reason if seen is None and error is not None else _shown(seen)
    raise TaskFailed('%s: no reply to the pools, and within %ss the miner does not show them (it reports %s): the '
                     'outcome is unknown, so they were not sent again; read the miner before trying again'
                     % (address(params), timeout, reported), commands=list(miner.commands))


def _shown(pools):
    """Pools as a message shows them; None (a miner that does not show them) says so, not "none"."""
    if pools is None:
        return NOT_SHOWN
    return ', '.join('%s (%s)' % (pool['url'], pool['user']) for pool in pools) or 'none'


TASK = Task(ArgumentSpec(ARGUMENT_SPEC, required_one_of=REQUIRED_ONE_OF), run)
