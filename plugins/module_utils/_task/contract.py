# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The contract between a module's logic and the two paths that run it.

Each ``_logic/<name>.py`` exports ``TASK = Task(...)``: its argument spec with the
constraints, the ``run`` function, and, only where they apply, the hooks for secrets
hidden in free-form options and for options that name files on the controller. The
action base (``plugins/plugin_utils/_action_module.py``) and the module runner
(``_module_runner.py``) read nothing else from a logic module, so what a new module
must provide is written here once (community.crypto's ``_argspec.py`` is the model).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

RunFunction = Callable[[dict, Any, bool, bool], dict]


class ArgumentSpec:
    """An argument spec and its constraints, in the form ``AnsibleModule`` and ``ArgumentSpecValidator`` take."""

    def __init__(self, argument_spec: Mapping[str, Any], mutually_exclusive: Sequence = (),
                 required_together: Sequence = (), required_one_of: Sequence = (), required_if: Sequence = (),
                 required_by: Mapping[str, Any] | None = None) -> None:
        self.argument_spec = dict(argument_spec)
        self.mutually_exclusive = list(mutually_exclusive)
        self.required_together = list(required_together)
        self.required_one_of = list(required_one_of)
        self.required_if = list(required_if)
        self.required_by = dict(required_by or {})

    def constraints(self) -> dict[str, Any]:
        """The keyword arguments both ``AnsibleModule`` and ``ArgumentSpecValidator`` accept (empty ones left out)."""
        given = dict(mutually_exclusive=self.mutually_exclusive, required_together=self.required_together,
                     required_one_of=self.required_one_of, required_if=self.required_if,
                     required_by=self.required_by)
        return dict((key, value) for key, value in given.items() if value)


class Task:
    """What one module is, for whichever path runs it.

    ``run(params, miner, check_mode, diff_mode) -> result``; ``miner`` is a
    ``_device.miner.Miner`` (None when ``needs_device`` is False). ``secret_values(params)``
    names secrets inside free-form options for masking; ``shown_params(params)`` hides
    them by key in ``invocation``. ``controller_files`` are options naming files on the
    controller: the action path resolves a relative one like ``ansible.builtin.copy``'s
    ``src`` (the role's ``files/``, then the playbook's); the module path takes it as given.
    """

    def __init__(self, argspec: ArgumentSpec, run: RunFunction, needs_device: bool = True,
                 secret_values: Callable[[dict], set] | None = None,
                 shown_params: Callable[[dict], dict] | None = None,
                 controller_files: Sequence[str] = ()) -> None:
        self.argspec = argspec
        self.run = run
        self.needs_device = needs_device
        self.secret_values = secret_values
        self.shown_params = shown_params
        self.controller_files = tuple(controller_files)

    @property
    def argument_spec(self) -> dict[str, Any]:
        return self.argspec.argument_spec
