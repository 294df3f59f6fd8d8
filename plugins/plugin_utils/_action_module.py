# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a module's ``Task`` inside the controller worker instead of as an AnsiballZ module.

Miners have no Python, so every module of this collection runs on the controller
anyway. Packing, copying and starting a module process costs ~0.2 s of controller CPU
per host and task; running the same ``_logic/<name>.TASK`` in the worker costs ~0.01 s
(see ``ansible-notes.md``), which is what makes 1000-miner fleets practical.

In exchange this base must do what ``AnsibleModule`` would do: validate arguments
with the module's own spec and constraints, mask every ``no_log`` value (also in error
messages and tracebacks), honour check and diff mode, and shape the result the way
modules do (``changed``, ``failed``, ``msg``, ``invocation`` where core injects it,
``warnings``), and resolve options that name controller files (``Task.controller_files``)
the way ``ansible.builtin.copy`` resolves ``src``.

Debugging aid: with ``MINEROPS_WHATSMINER_FORCE_MODULE=1`` in the controller's
environment the base hands the task to the plain module instead (``main()`` over
the same logic), so both paths can be compared on the same playbook.
"""

from __future__ import annotations

import json
import os
import traceback

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleUndefinedConfigEntry
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.common.parameters import env_fallback, remove_values
from ansible.module_utils.common.validation import check_type_str
from ansible.plugins.action import ActionBase

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import HOST_VARIABLE
from ansible_collections.minerops.whatsminer.plugins.module_utils._no_log import extra_no_log_values, invocation, maskable
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.execution import execute, missing_library_message

FORCE_MODULE_ENV = 'MINEROPS_WHATSMINER_FORCE_MODULE'


def _truthy(value):
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on')


def _inject_invocation(task_vars):
    """Whether results carry ``invocation``, as ansible-core decides it for modules.

    Before 2.21 every module result had it; 2.21 added ``INJECT_INVOCATION`` (off by
    default) and ``AnsibleModule`` drops the key unless it is on, so the action path
    follows the same setting to give the same result as the module path.
    """
    try:
        return bool(C.config.get_config_value('INJECT_INVOCATION', variables=task_vars))
    except AnsibleUndefinedConfigEntry:
        return True


def _valid_args(argument_spec):
    names = set()
    for name, option in argument_spec.items():
        names.add(name)
        names.update(option.get('aliases') or ())
    return frozenset(names)


def _with_task_environment(argument_spec, load_environment):
    """Copy of the spec whose ``env_fallback`` options also see the task's ``environment:``.

    A module process gets the task environment as its own; this code runs in the
    worker, whose ``os.environ`` does not have it. Without this, ``environment:
    {WHATSMINER_PASSWORD: ...}`` would work on the module path only. The environment is
    templated only when a fallback is actually consulted (an option left out): on a
    fleet that costs a millisecond per host-task otherwise.
    """
    cache = []

    def fallback(*names, **kwargs):
        if not cache:
            cache.append(load_environment())
        for name in names:
            if name in cache[0]:
                return cache[0][name]
        return env_fallback(*names, **kwargs)

    patched = {}
    for name, option in argument_spec.items():
        option = dict(option)
        spec_fallback = option.get('fallback')
        if spec_fallback and spec_fallback[0] is env_fallback:
            option['fallback'] = (fallback,) + tuple(spec_fallback[1:])
        if option.get('options'):
            option['options'] = _with_task_environment(option['options'], load_environment)
        patched[name] = option
    return patched


def _masked(result, values):
    """``remove_values(result, values)``, skipped when no value occurs in the result at all.

    Walking a full facts result value by value costs more than the rest of the task; one
    C-speed JSON dump tells whether there is anything to mask. Values that JSON would
    escape, and results JSON cannot encode, always take the full walk.
    """
    if not values:
        return result
    try:
        text = json.dumps(result, ensure_ascii=False)
    except (TypeError, ValueError):
        return remove_values(result, values)
    if any(json.dumps(value, ensure_ascii=False)[1:-1] != value or value in text for value in values):
        return remove_values(result, values)
    return result


class WhatsminerAction(ActionBase):
    """Base of every action plugin here; subclasses set ``TASK`` to a logic module's ``TASK``."""

    TASK = None
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.TASK is not None:
            cls._VALID_ARGS = _valid_args(cls.TASK.argument_spec)

    def run(self, tmp=None, task_vars=None):
        if _truthy(os.environ.get(FORCE_MODULE_ENV, '')):
            return self._run_as_module(task_vars)

        no_log_values = set()
        params = {}
        try:
            result = self._run_in_process(params, no_log_values, task_vars or {})
        except Exception as err:  # pylint: disable=broad-exception-caught
            # Never let Ansible print an unmasked traceback: anything unexpected
            # becomes a failed result that goes through the same masking.
            result = dict(
                failed=True,
                msg='unexpected error in %s: %s: %s' % (self._task.action, type(err).__name__, err),
                exception=traceback.format_exc(),
            )
        if params and _inject_invocation(task_vars):
            result['invocation'] = invocation(self.TASK, params)
        result.setdefault('changed', False)
        return _masked(result, maskable(no_log_values))

    def _run_as_module(self, task_vars):
        result = super().run(task_vars=task_vars)
        result.update(self._execute_module(module_name=self._task.resolved_action or self._task.action,
                                           module_args=self._task.args, task_vars=task_vars))
        return result

    def _task_environment(self):
        environment = {}
        try:
            self._compute_environment_string(raw_environment_out=environment)
        except AnsibleError:
            # the module path would fail on the same environment; here the values are
            # only used as fallbacks, so carry on with the controller's own environment
            return {}
        return dict((check_type_str(key), value) for key, value in environment.items())

    def _validate(self, no_log_values):
        task = self.TASK
        spec = _with_task_environment(task.argument_spec, self._task_environment)
        validator = ArgumentSpecValidator(spec, **task.argspec.constraints())
        validation = validator.validate(dict(self._task.args))
        # pylint: disable-next=protected-access
        no_log_values.update(validation._no_log_values)
        return validation

    def _resolve_controller_files(self, params):
        """Relative paths in ``controller_files`` options, found like ``copy``'s ``src`` (role files/ first)."""
        for name in self.TASK.controller_files:
            value = params.get(name)
            if isinstance(value, str) and value and not os.path.isabs(value):
                try:
                    params[name] = self._find_needle('files', value)
                except AnsibleError as err:
                    return dict(failed=True, msg='%s: %s' % (name, err.message))
        return None

    def _run_in_process(self, params, no_log_values, task_vars):
        """Fill ``params`` (for ``invocation``) and ``no_log_values`` as soon as known."""
        task = self.TASK
        if self._task.async_val:
            return dict(failed=True, msg='%s runs on the controller and does not support async' % self._task.action)

        validation = self._validate(no_log_values)
        params.update(validation.validated_parameters)
        try:
            no_log_values.update(extra_no_log_values(task, params))
        except (AttributeError, KeyError, TypeError, ValueError):
            pass  # malformed options: validation has failed and says why
        if validation.error_messages:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                msg = 'Unsupported parameters for (%s) module: %s' % (self._task.action, msg)
            return dict(failed=True, msg=msg)

        missing = missing_library_message()
        if missing:
            return dict(failed=True, msg=missing)
        unresolved = self._resolve_controller_files(params)
        if unresolved:
            return unresolved

        # the same texts AnsibleModule gives for aliases set twice and deprecated options
        # pylint: disable-next=protected-access
        warnings = ['Both option %(option)s and its alias %(alias)s are set.' % warning for warning in validation._warnings]
        # pylint: disable-next=protected-access
        deprecations = [dict(deprecation) for deprecation in validation._deprecations]
        # the API the inventory found for this host (whatsminer_api_version): no probe per task
        api_hint = task_vars.get(HOST_VARIABLE)
        result = execute(task, params, bool(self._task.check_mode), bool(self._task.diff),
                         api_hint=api_hint if isinstance(api_hint, str) else None)
        warnings.extend(result.pop('warnings', None) or ())
        if warnings:
            result['warnings'] = [str(warning) for warning in warnings]
        if deprecations:
            result['deprecations'] = deprecations
        return result
