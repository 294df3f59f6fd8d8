# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_command: send one API command as given, for what no other module covers.

It is an escape hatch, so it cannot know whether a command changed anything: writes
always report ``changed`` and are never sent in check mode; reads always run. A command
the miner's API backend does not know is treated as a write, the safe side of both
rules. Which parameters carry secrets is the backends' knowledge (``SECRET_PARAMS``).
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._no_log import NO_LOG_PLACEHOLDER
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import UNANSWERED, unknown_outcome
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import address

ARGUMENT_SPEC = connection_argument_spec(dict(
    command=dict(type='str', required=True),
    params=dict(type='dict', default={}),
    encrypted=dict(type='bool', default=False),
))

# parameters that carry secrets in any API this collection speaks
SECRET_PARAMS = V2Backend.SECRET_PARAMS | V3Backend.SECRET_PARAMS


def _secret_values(value, depth=0):
    """Values under secret keys anywhere in ``value`` (v3 pools: ``{param: [{passwd: ...}]}``)."""
    if depth > 16:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECRET_PARAMS and isinstance(item, (str, int, float)) and item not in ('', None):
                yield str(item)
            else:
                yield from _secret_values(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _secret_values(item, depth + 1)


def no_log_values(params):
    """Values of secret keys inside ``params`` (at any depth), masked by both execution paths."""
    return set(_secret_values(params.get('params') or {}))


def hide_secrets(params):
    """``invocation``: secret keys inside ``params`` shown as the placeholder, however short their values."""
    command_params = params.get('params')
    if isinstance(command_params, dict):
        params = dict(params, params=shown_params(command_params))
    return params


def command_names(command):
    """The single commands in ``command`` (``summary+pools`` is a joined read); empty if malformed."""
    names = [name.strip() for name in command.split('+')]
    return names if all(names) else []


def _shown(value, depth=0):
    if isinstance(value, dict) and depth <= 16:
        return dict((key, NO_LOG_PLACEHOLDER if key in SECRET_PARAMS else _shown(item, depth + 1)) for key, item in value.items())
    if isinstance(value, list) and depth <= 16:
        return [_shown(item, depth + 1) for item in value]
    return value


def shown_params(command_params):
    """What check mode says would be sent: names, and values unless secret (at any depth)."""
    return _shown(command_params)


def run(params, miner, check_mode, diff_mode):  # pylint: disable=unused-argument
    command = params['command'].strip()
    names = command_names(command)
    if not names:
        raise TaskFailed('%s: command %r is not a command name or a "+"-joined list of read commands'
                         % (address(params), command))
    described = miner.describe_raw(command)
    if described.binary:
        binary = [name for name in names if miner.describe_raw(name).binary]
        raise TaskFailed('%s: %s streams binary data and cannot be sent with whatsminer_command'
                         % (address(params), binary[0]))
    write = described.write
    if len(names) > 1 and write:
        raise TaskFailed('%s: only read commands can be joined with "+", got %r' % (address(params), command))
    command_params = params['params'] or {}

    result = dict(changed=write, command=command, write=write)
    if write and check_mode:
        result.update(
            skipped_write=True,
            would_send=dict(command=command, params=shown_params(command_params), encrypted=True),
            msg='check mode: write command %s not sent to %s%s' % (
                command, address(params),
                ' (parameters: %s)' % ', '.join(sorted(command_params)) if command_params else ''),
        )
        return result

    try:
        answer = miner.raw(command, dict(command_params), params['encrypted'])
    except UNANSWERED as err:
        if not write:
            raise
        raise unknown_outcome(miner, err, params, command, 'nothing tells what a raw command did') from None
    result.update(answer)
    if answer.get('reply') is None and len(names) == 1:
        result['warnings'] = ['%s did not answer %s, which is expected for this command; read the state to confirm it '
                              'took effect' % (address(params), command)]
    return result


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run, secret_values=no_log_values, shown_params=hide_secrets)
