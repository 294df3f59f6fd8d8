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

import contextvars
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

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokenstore import use_ansible_home
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import HOST_VARIABLE
from ansible_collections.minerops.whatsminer.plugins.module_utils._no_log import extra_no_log_values, invocation, maskable
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.execution import execute, missing_library_message

FORCE_MODULE_ENV = 'MINEROPS_WHATSMINER_FORCE_MODULE'


# the shared token store's default home is Ansible's, also when only ansible.cfg names it
use_ansible_home(getattr(C, 'ANSIBLE_HOME', None))


def _truthy(value):
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on')


def _core_has_inject_switch():
    """Whether this ansible-core knows ``INJECT_INVOCATION`` (2.21+), asked once at import.

    Asking per task means a config lookup that raises and is caught on every host-task of
    older cores, which never change their answer.
    """
    try:
        return 'INJECT_INVOCATION' in C.config.get_configuration_definitions()
    except Exception:  # pylint: disable=broad-exception-caught
        return True  # unknown shape of the config manager: ask per task, as before


_HAS_INJECT_SWITCH = _core_has_inject_switch()


def _inject_invocation(task_vars):
    """Whether results carry ``invocation``, as ansible-core decides it for modules.

    Before 2.21 every module result had it; 2.21 added ``INJECT_INVOCATION`` (off by
    default) and ``AnsibleModule`` drops the key unless it is on, so the action path
    follows the same setting to give the same result as the module path.
    """
    if not _HAS_INJECT_SWITCH:
        return True
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


class _TaskEnvironment:
    """The ``environment:`` of the task being validated, templated at most once and only when asked."""

    __slots__ = ('_load', '_values')

    def __init__(self, load):
        self._load = load
        self._values = None

    def values(self):
        if self._values is None:
            self._values = self._load()
        return self._values


#: set around each validation, so one validator per class serves every task
_CURRENT_ENVIRONMENT = contextvars.ContextVar('whatsminer_task_environment', default=None)


def _task_env_fallback(*names, **kwargs):
    """``env_fallback`` that also sees the task's ``environment:``.

    A module process gets the task environment as its own; this code runs in the
    worker, whose ``os.environ`` does not have it. Without this, ``environment:
    {WHATSMINER_PASSWORD: ...}`` would work on the module path only. The environment is
    templated only when a fallback is actually consulted (an option left out): on a
    fleet that costs a millisecond per host-task otherwise.
    """
    current = _CURRENT_ENVIRONMENT.get()
    if current is not None:
        environment = current.values()
        for name in names:
            if name in environment:
                return environment[name]
    return env_fallback(*names, **kwargs)


def _with_task_environment(argument_spec):
    """Copy of the spec whose ``env_fallback`` options use ``_task_env_fallback`` (suboptions too)."""
    patched = {}
    for name, option in argument_spec.items():
        option = dict(option)
        spec_fallback = option.get('fallback')
        if spec_fallback and spec_fallback[0] is env_fallback:
            option['fallback'] = (_task_env_fallback,) + tuple(spec_fallback[1:])
        if option.get('options'):
            option['options'] = _with_task_environment(option['options'])
        patched[name] = option
    return patched


def _validator(task):
    """One validator per action class, built when the class is (in the controller, before any fork).

    Each host-task runs in a freshly forked worker, so anything built per call is
    built again for every host; the spec and its constraints never change.
    """
    return ArgumentSpecValidator(_with_task_environment(task.argument_spec), **task.argspec.constraints())


def _plain(args):
    """The task's arguments as plain JSON values, as a module process receives them.

    ansible-core hands actions tagged values (their origin in the playbook and more);
    validation deep-copies its input, and copying tags costs ~0.25 ms per host-task,
    more than the rest of the validation. Values JSON cannot carry as they are
    (vaulted strings, dates, bytes) keep the old path.
    """
    try:
        return json.loads(json.dumps(args))
    except (TypeError, ValueError):
        return dict(args)


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
    _VALIDATOR = None
    _VALIDATOR_TASK = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.TASK is not None:
            cls._VALID_ARGS = _valid_args(cls.TASK.argument_spec)
            cls._VALIDATOR, cls._VALIDATOR_TASK = _validator(cls.TASK), cls.TASK

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
        # a TASK set after the class was made (tests do) gets a validator of its own
        validator = self._VALIDATOR if self._VALIDATOR_TASK is self.TASK else _validator(self.TASK)
        token = _CURRENT_ENVIRONMENT.set(_TaskEnvironment(self._task_environment))
        try:
            validation = validator.validate(_plain(self._task.args))
        finally:
            _CURRENT_ENVIRONMENT.reset(token)
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
