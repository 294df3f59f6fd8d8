# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One plan/apply loop for simple settings: each setting is a row of the backend's table.

For the options given, in the order given: read what the API can show, write only what
differs (and every setting it cannot show), confirm each readable change by reading
until it shows (and the miner mines again if it was mining), read back, report. What
a setting costs (restarts btminer, shows only after the next restart, cannot be read)
comes from ``miner.operation(name)``, so a module built on this loop is its argument
spec and input checks, and a new setting is a row, not code.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.operations import DEFERRED
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import (
    send_confirmed,
    send_unconfirmed,
    shows_at_once,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import (
    before_with_blind,
    plan_row,
    predicted,
    result_for,
    unreported_warnings,
)


def _shown(state: Mapping[str, Any] | None) -> str:
    if state is None:
        return 'nothing readable'
    return ', '.join('%s=%s' % (key, value) for key, value in sorted(state.items()))


def sync_settings(miner: Miner, params: Mapping[str, Any], names: Sequence[str], check_mode: bool,
                  diff_mode: bool) -> dict[str, Any]:
    """Bring the settings ``names`` (module options of the same name; None = not given) to ``params``.

    ``params`` carries the wait options (``wait``, ``wait_timeout``, ``poll_interval``) when
    any of the settings can be waited for; a module none of whose settings can does not need them.

    The result has ``changed``, ``before``, ``after``, ``commands``, ``settings`` (the
    values after the run), ``diff`` in diff mode and ``warnings``.
    """
    given = [name for name in names if params.get(name) is not None]
    for name in given:
        miner.require(name)   # a setting this API lacks fails naming the API, before any traffic
    readable = [name for name in given if miner.operation(name).readable]
    reads = readable + ['state']
    reading = miner.settings(reads)
    running = reading.get('state') == 'on'
    current = dict((name, reading.get(name)) for name in readable)

    changes = []
    for name in given:
        plan_row(changes, miner, name, params[name], current)
    warnings = unreported_warnings(changes)

    for index, change in enumerate(changes):
        # a module without wait options (its settings apply at once on some API) confirms by the read-back below
        if check_mode or not shows_at_once(miner, change) or 'wait' not in params:
            send_unconfirmed(miner, change, params, lambda: miner.settings(reads),
                             left=[later.name for later in changes[index + 1:]])
            continue

        def done(state, change=change):
            return state.get(change.name) == change.after and (not running or state['state'] == 'on')

        send_confirmed(miner, change, lambda: miner.settings(reads), done, params, _shown)

    before = before_with_blind(current, changes)
    after = predicted(current, changes)
    if changes and not check_mode:
        read_back = miner.settings(reads)
        sent = dict((change.name, change) for change in changes)
        for name in current:
            value = read_back.get(name)
            change = sent.get(name)
            if change is not None and value != change.after:
                if change.unreported and value is None:
                    continue  # still not reported: show the value sent
                if not shows_at_once(miner, change):
                    warnings.append('%s: %s was sent, but the miner reports %s=%s until %s; until then every run sends '
                                    'it again and reports a change'
                                    % (name, change.command, name, value, DEFERRED[miner.operation(name).effect]))
                    continue
            after[name] = value
        if not params.get('wait', True) and any(shows_at_once(miner, change) for change in changes):
            warnings.append('wait=false: the new settings were not confirmed by reading; they may take a while to show')
    result = result_for(changes, before, after, diff_mode, miner.commands)
    result['settings'] = after
    if warnings:
        result['warnings'] = warnings
    return result
