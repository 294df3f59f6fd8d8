# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a module's ``Task`` inside AnsibleModule.

Every module's ``main()`` is this one call, so the plain module path (AnsiballZ,
``ansible-doc``, ``MINEROPS_WHATSMINER_FORCE_MODULE=1``) behaves like the in-process
action plugin: same argument spec, same constraints, same execution and error mapping
(``_task/execution.py``), same secret handling (``_no_log.py``).
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.minerops.whatsminer.plugins.module_utils._no_log import extra_no_log_values, invocation, maskable
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.execution import execute, missing_library_message


def run_module(task: Task) -> None:
    """``main()`` of every module in this collection."""
    module = AnsibleModule(argument_spec=task.argument_spec, supports_check_mode=True, **task.argspec.constraints())
    module.no_log_values = maskable(module.no_log_values | extra_no_log_values(task, module.params))
    called = invocation(task, module.params)

    missing = missing_library_message()
    if missing:
        module.fail_json(msg=missing)

    try:
        result = execute(task, module.params, module.check_mode, module._diff)
    except Exception as err:  # pylint: disable=broad-exception-caught
        # as in the action path: anything unexpected fails the task through fail_json,
        # which masks secrets, instead of an unmasked AnsiballZ traceback
        module.fail_json(msg='unexpected error: %s: %s' % (type(err).__name__, err), invocation=called,
                         exception=traceback.format_exc())

    if result.pop('failed', False):
        module.fail_json(invocation=called, **result)
    for warning in result.pop('warnings', None) or ():
        module.warn(warning)
    result.setdefault('changed', False)
    result['invocation'] = called
    module.exit_json(**result)
