# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What both execution paths do the same way around ``Task.run``.

The module runner and the action base differ in how they get validated parameters and
how they report; everything between (the missing-library check, the device, the call,
the mapping of failures to result keys) is here once, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import device_from_params
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.bounds import bounded
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import PORT_IN_USE


def missing_library_message() -> str | None:
    """The ``missing_required_lib`` text, or None when every library is there."""
    missing = crypto.missing_libraries()
    if not missing:
        return None
    return missing_required_lib(' and '.join(missing))


def error_details(err: WhatsminerError) -> dict[str, Any]:
    """Result keys that help an operator act on a failure; empty ones left out."""
    details = dict(error=type(err).__name__, retryable=err.retryable)
    if err.code is not None:
        details['api_code'] = err.code
    return details


def execute(task: Task, params: dict, check_mode: bool, diff_mode: bool, api_hint: str | None = None) -> dict[str, Any]:
    """Build the device and run the task; a ``TaskFailed`` or library error becomes a failed result.

    ``api_hint``: the API the inventory recorded for the host (used when ``api_version=auto``).
    The result passes the size and depth limits of ``bounds``: much of it is miner data.
    """
    miner = None
    try:
        miner = device_from_params(params, check_mode, api_hint) if task.needs_device else None
        if miner is not None and miner.port != params.get('port'):
            params = dict(params, **{PORT_IN_USE: miner.port})
        return bounded(task.run(params, miner, check_mode, diff_mode))
    except TaskFailed as err:
        result = dict(err.extra)
        result.update(failed=True, msg=err.msg)
        return bounded(with_partial_writes(result, miner))
    except WhatsminerError as err:
        result = error_details(err)
        result.update(failed=True, msg=str(err))
        return bounded(with_partial_writes(with_unknown_outcome(result, err), miner))


def with_partial_writes(result: dict[str, Any], miner: Miner | None) -> dict[str, Any]:
    """A task that fails after some of its writes took has changed the miner: say so, and with which commands.

    What the logic put in the failure itself (``changed``, ``commands``) stands.
    """
    if miner is None:
        return result
    if miner.commands:
        result.setdefault('commands', list(miner.commands))
    if miner.applied:
        result.setdefault('changed', True)
    return result


def with_unknown_outcome(result: dict[str, Any], err: WhatsminerError) -> dict[str, Any]:
    """A write whose outcome is unknown may have changed the miner: ``changed``, as the message says."""
    if err.outcome_unknown:
        result.setdefault('changed', True)
    return result
