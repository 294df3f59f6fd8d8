# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_command: send one API command as given, for what no other module covers.

It is an escape hatch, so it cannot know whether a command changed anything: writes
always report ``changed`` and are never sent in check mode; reads always run. A command
this collection does not know is treated as a write, the safe side of both rules.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.commands import COMMANDS
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import TaskFailed, connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._no_log import NO_LOG_PLACEHOLDER

ARGUMENT_SPEC = connection_argument_spec(dict(
    command=dict(type='str', required=True),
    params=dict(type='dict', default={}),
    encrypted=dict(type='bool', default=False),
))

# parameters of write commands that carry secrets (update_pools, update_pwd, ...)
SECRET_PARAMS = frozenset(('passwd1', 'passwd2', 'passwd3', 'old', 'new', 'password', 'passwd', 'token'))


def no_log_values(params):
    """Values of secret keys inside ``params``, masked by both execution paths."""
    return set(str(value) for key, value in (params.get('params') or {}).items() if key in SECRET_PARAMS and value not in (None, ''))


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


def is_write(names):
    """True unless every command is a read this collection knows."""
    for name in names:
        spec = COMMANDS.get(name)
        if spec is None or spec.privileged:
            return True
    return False


def shown_params(command_params):
    """What check mode says would be sent: names, and values unless secret."""
    return dict((key, NO_LOG_PLACEHOLDER if key in SECRET_PARAMS else value) for key, value in command_params.items())


def reply_result(reply):
    if reply is None:
        return dict(reply=None, data=None)
    return dict(
        reply=reply.raw,
        data=reply.data,
        status=reply.status,
        code=reply.code,
        api_msg=reply.msg,
        encrypted=reply.encrypted,
    )


def run(params, client, check_mode, diff_mode):  # pylint: disable=unused-argument
    command = params['command'].strip()
    names = command_names(command)
    if not names:
        raise TaskFailed('%s:%s: command %r is not a command name or a "+"-joined list of read commands' % (params['host'], params['port'], command))
    binary = [name for name in names if getattr(COMMANDS.get(name), 'reply', None) == 'binary']
    if binary:
        raise TaskFailed('%s:%s: %s streams binary data and cannot be sent with whatsminer_command' % (params['host'], params['port'], binary[0]))
    write = is_write(names)
    if len(names) > 1 and write:
        raise TaskFailed('%s:%s: only read commands can be joined with "+", got %r' % (params['host'], params['port'], command))
    command_params = params['params'] or {}

    result = dict(changed=write, command=command, write=write)
    if write and check_mode:
        result.update(
            skipped_write=True,
            would_send=dict(command=command, params=shown_params(command_params), encrypted=True),
            msg='check mode: write command %s not sent to %s:%s%s' % (
                command, params['host'], params['port'],
                ' (parameters: %s)' % ', '.join(sorted(command_params)) if command_params else ''),
        )
        return result

    encrypted = True if (write or params['encrypted']) else None
    reply = client.call(command, params=dict(command_params), encrypted=encrypted)
    if isinstance(reply, dict):
        parts = dict((name, reply_result(part)) for name, part in reply.items())
        result.update(reply=dict((name, part['reply']) for name, part in parts.items()),
                      data=dict((name, part['data']) for name, part in parts.items()),
                      encrypted=any(part.get('encrypted') for part in parts.values()))
    else:
        result.update(reply_result(reply))
        if reply is None:
            result['warnings'] = ['%s:%s did not answer %s, which is expected for this command; read the state to confirm it took effect'
                                  % (params['host'], params['port'], command)]
    return result
