# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A logic module for testing the two execution paths without a miner.

``run`` does what ``params['behaviour']`` says, so one module covers success,
every failure mapping, and results that try to leak secrets.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import CommandFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

ARGUMENT_SPEC = connection_argument_spec(dict(
    behaviour=dict(type='str', default='ok', choices=['ok', 'echo', 'task_failed', 'api_error', 'crash', 'warn']),
    token=dict(type='str', no_log=True),
    level=dict(type='int', aliases=['lvl']),
    color=dict(type='str'),
    period=dict(type='int'),
    extra=dict(type='dict', default={}),
    src=dict(type='str'),
))
REQUIRED_TOGETHER = [['color', 'period']]

CALLS = []


def no_log_values(params):
    return set([params['extra'].get('secret')])


def run(params, client, check_mode, diff_mode):
    CALLS.append(dict(params=dict(params), client=client, check_mode=check_mode, diff_mode=diff_mode))
    behaviour = params['behaviour']
    if behaviour == 'echo':
        # a careless logic module: the base must still mask every secret
        return dict(changed=True, echoed='%s/%s/%s' % (params['password'], params['token'], params['extra'].get('secret')))
    if behaviour == 'task_failed':
        raise TaskFailed('%s:%s: pool check failed' % (params['host'], params['port']), pools=['a'])
    if behaviour == 'api_error':
        raise CommandFailed('miner said no', host=params['host'], port=params['port'], code=132)
    if behaviour == 'crash':
        raise RuntimeError('boom with %s' % params['password'])
    if behaviour == 'warn':
        return dict(changed=False, warnings=['careful'])
    return dict(changed=not check_mode, check_mode=check_mode, diff_mode=diff_mode)


TASK = Task(ArgumentSpec(ARGUMENT_SPEC, required_together=REQUIRED_TOGETHER), run, needs_device=False,
            secret_values=no_log_values, controller_files=('src',))
