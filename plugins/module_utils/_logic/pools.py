# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_pools: the miner mines on these pools, in this order.

The ``pools`` reply shows each pool's URL and user but never its password, so pools are
compared on URL and user, in priority order. A password change alone is invisible:
``update_password: always`` sends the pools anyway (and so always reports a change).
``update_pools`` replaces all three slots at once, so the module always sends all nine
keys, with empty strings for unused slots.
"""

from __future__ import annotations

import unicodedata

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import TaskFailed, connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._state import (
    NOT_READABLE,
    WAIT_OPTIONS,
    Writer,
    address,
    check_wait_options,
    input_error,
    reported_text,
    result_for,
    wait_until,
)

MAX_POOLS = 3

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


def read_pools(client):
    """The configured pools as ``[{url, user}]`` in priority order; empty slots and unusable records left out."""
    records = client.read('pools').data
    records = [record for record in records if isinstance(record, dict)] if isinstance(records, list) else []
    ordered = sorted(enumerate(records), key=lambda item: (_rank(item[1]), item[0]))
    pools = []
    for _index, record in ordered:
        url = reported_text(record.get('URL'))
        if url:
            pools.append(dict(url=url, user=reported_text(record.get('User'))))
    return pools


def _rank(record):
    """Priority (0 highest), else the POOL slot number, else reply order."""
    for key in ('Priority', 'POOL'):
        value = record.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip()
            if text.isascii() and text.isdecimal():
                return int(text)
    return 0


def wanted_pools(params):
    return [dict(url=pool['url'], user=pool['user']) for pool in params['pools']]


def update_pools_params(pools):
    """All nine keys, empty strings for unused slots (some firmware rejects fewer)."""
    wire = {}
    for slot in range(1, MAX_POOLS + 1):
        pool = pools[slot - 1] if slot <= len(pools) else dict(url='', user='', password='')
        wire['pool%d' % slot] = pool['url']
        wire['worker%d' % slot] = pool['user']
        wire['passwd%d' % slot] = pool['password'] or ''
    return wire


def run(params, client, check_mode, diff_mode):
    check_params(params)
    writer = Writer(client, check_mode)
    warnings = []

    current = read_pools(client)
    before = dict(pools=current)
    after = dict(pools=current)
    changes = []

    if params.get('pools') is not None:
        wanted = wanted_pools(params)
        differs = wanted != current
        if differs or params['update_password'] == 'always':
            changes.append('pools')
            after['pools'] = wanted
            writer.send('update_pools', **update_pools_params(params['pools']))
            if not differs:
                warnings.append('pool URLs and users already match; pools were sent again because update_password=always '
                                '(pool passwords cannot be read back)')

    if params.get('web_pools') is not None:
        changes.append('web_pools')
        before['web_pools'] = NOT_READABLE
        after['web_pools'] = params['web_pools']
        writer.send('enable_web_pools' if params['web_pools'] else 'disable_web_pools')

    if 'pools' in changes and not check_mode:
        if params['wait']:
            after['pools'] = confirm_pools(client, params, after['pools'], writer)
        else:
            after['pools'] = read_back_once(client, after['pools'], warnings)

    result = result_for(changes, before, after, diff_mode, writer.commands)
    result['pools'] = after['pools']
    if warnings:
        result['warnings'] = warnings
    return result


def read_back_once(client, wanted, warnings):
    """wait=false: one read of the pools; a miner not showing them yet is a warning, not a failure."""
    try:
        seen = read_pools(client)
    except WhatsminerError as err:
        warnings.append('wait=false: update_pools was sent, but the pools could not be read back (%s); not confirmed'
                        % err.reason)
        return wanted
    if seen != wanted:
        warnings.append('wait=false: update_pools was sent, but the miner does not show the new pools yet (it reports %s); '
                        'not confirmed' % _shown(seen))
    return seen


def confirm_pools(client, params, wanted, writer):
    """Read the pools back until the miner shows them (up to wait_timeout); fail if it never does."""
    timeout = params['wait_timeout']
    ok, seen, error = wait_until(lambda: read_pools(client), lambda pools: pools == wanted, timeout, params['poll_interval'])
    if ok:
        return seen
    if seen is None:
        raise TaskFailed('%s: sent update_pools but could not read the pools back within %ss (%s)'
                         % (address(params), timeout, error.reason if error else 'no answer'),
                         commands=list(writer.commands))
    raise TaskFailed('%s: sent update_pools, but the miner reports pools %s instead of %s'
                     % (address(params), _shown(seen), _shown(wanted)), commands=list(writer.commands), pools=seen)


def _shown(pools):
    return ', '.join('%s (%s)' % (pool['url'], pool['user']) for pool in pools) or 'none'
