# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a module's shared logic inside AnsibleModule.

Every module's ``main()`` is this one call, so the plain module path (AnsiballZ,
``ansible-doc``, ``MINEROPS_WHATSMINER_FORCE_MODULE=1``) behaves like the in-process
action plugin: same argument spec, same constraints, same error mapping. The action
base in ``plugins/plugin_utils/_action_module.py`` is the other half; both share
``constraints()`` and ``error_details()`` below, and the secret handling in ``_no_log.py``,
so they cannot drift apart.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import TaskFailed, client_from_params
from ansible_collections.minerops.whatsminer.plugins.module_utils._no_log import extra_no_log_values, invocation, maskable

CONSTRAINT_NAMES = (
    ('mutually_exclusive', 'MUTUALLY_EXCLUSIVE'),
    ('required_together', 'REQUIRED_TOGETHER'),
    ('required_one_of', 'REQUIRED_ONE_OF'),
    ('required_if', 'REQUIRED_IF'),
    ('required_by', 'REQUIRED_BY'),
)


def constraints(logic):
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator from a logic module."""
    return dict((kwarg, getattr(logic, attr)) for kwarg, attr in CONSTRAINT_NAMES if getattr(logic, attr, None))


def missing_library_message():
    """The ``missing_required_lib`` text, or None when every library is there."""
    missing = crypto.missing_libraries()
    if not missing:
        return None
    return missing_required_lib(' and '.join(missing))


def needs_client(logic):
    return getattr(logic, 'NEEDS_CLIENT', True)


def run_module(logic):
    """``main()`` of every module in this collection."""
    module = AnsibleModule(argument_spec=logic.ARGUMENT_SPEC, supports_check_mode=True, **constraints(logic))
    module.no_log_values = maskable(module.no_log_values | extra_no_log_values(logic, module.params))
    called = invocation(logic, module.params)

    missing = missing_library_message()
    if missing:
        module.fail_json(msg=missing)

    try:
        client = client_from_params(module.params) if needs_client(logic) else None
        result = logic.run(module.params, client, module.check_mode, module._diff)
    except TaskFailed as err:
        module.fail_json(msg=err.msg, invocation=called, **err.extra)
    except WhatsminerError as err:
        module.fail_json(msg=str(err), invocation=called, **error_details(err))
    except Exception as err:  # pylint: disable=broad-exception-caught
        # as in the action path: anything unexpected fails the task through fail_json,
        # which masks secrets, instead of an unmasked AnsiballZ traceback
        module.fail_json(msg='unexpected error: %s: %s' % (type(err).__name__, err), invocation=called,
                         exception=traceback.format_exc())

    for warning in result.pop('warnings', None) or ():
        module.warn(warning)
    result.setdefault('changed', False)
    result['invocation'] = called
    module.exit_json(**result)


def error_details(err):
    """Result keys that help an operator act on a failure; empty ones left out."""
    details = dict(error=type(err).__name__, retryable=err.retryable)
    if err.code is not None:
        details['api_code'] = err.code
    return details
