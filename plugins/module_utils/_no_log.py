# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How secrets are kept out of results, shared by the module and the action path.

Two mechanisms, as in ansible-core: options marked ``no_log`` are replaced by a
placeholder in ``invocation`` (by key), and their values are masked wherever they
occur as substrings of the result. Values shorter than ``MIN_MASKED_LENGTH`` are hidden
by key only: the conventional pool password is ``x``, and masking every ``x`` would
garble host names and URLs while hiding nothing. Tasks whose free-form options carry
secrets (whatsminer_command's ``params``) name them with two hooks of their ``Task``:
``secret_values(params) -> set`` for substring masking and ``shown_params(params) ->
params`` for the by-key placeholder.
"""

from __future__ import annotations

MIN_MASKED_LENGTH = 3
NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def maskable(values):
    """The no_log values worth masking as substrings anywhere in a result."""
    return set(value for value in values if isinstance(value, str) and len(value) >= MIN_MASKED_LENGTH)


def extra_no_log_values(task, params):
    """Secrets hiding inside free-form options, from the task's ``secret_values`` hook."""
    if task.secret_values is None:
        return set()
    return set(value for value in task.secret_values(params) if value)


def hide_no_log_options(spec, params):
    """``params`` with every option marked ``no_log`` (suboptions too) replaced by the placeholder."""
    if not isinstance(params, dict):
        return params
    hidden = {}
    for name, value in params.items():
        option = spec.get(name) or {}
        if option.get('no_log') and value is not None:
            hidden[name] = NO_LOG_PLACEHOLDER
        elif option.get('options') and isinstance(value, list):
            hidden[name] = [hide_no_log_options(option['options'], item) for item in value]
        elif option.get('options') and isinstance(value, dict):
            hidden[name] = hide_no_log_options(option['options'], value)
        else:
            hidden[name] = value
    return hidden


def invocation(task, params):
    """The ``invocation`` key of a result, every secret hidden by key."""
    hidden = hide_no_log_options(task.argument_spec, params)
    if task.shown_params is not None:
        hidden = task.shown_params(hidden)
    return dict(module_args=hidden)
