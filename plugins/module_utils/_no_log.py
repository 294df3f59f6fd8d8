# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How secrets are kept out of results, shared by the module and the action path.

Two mechanisms, as in ansible-core: options marked ``no_log`` are replaced by a
placeholder in ``invocation`` (by key), and their values are masked wherever they
occur as substrings of the result. Values shorter than ``MIN_MASKED_LENGTH`` are hidden
by key only: the conventional pool password is ``x``, and masking every ``x`` would
garble host names and URLs while hiding nothing. Logic modules whose free-form options
carry secrets (whatsminer_command's ``params``) name them with two optional hooks:
``no_log_values(params) -> set`` for substring masking and ``hide_secrets(params) ->
params`` for the by-key placeholder.
"""

from __future__ import annotations

MIN_MASKED_LENGTH = 3
NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def maskable(values):
    """The no_log values worth masking as substrings anywhere in a result."""
    return set(value for value in values if isinstance(value, str) and len(value) >= MIN_MASKED_LENGTH)


def extra_no_log_values(logic, params):
    """Secrets hiding inside free-form options, from the logic's ``no_log_values`` hook."""
    finder = getattr(logic, 'no_log_values', None)
    if finder is None:
        return set()
    return set(value for value in finder(params) if value)


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


def invocation(logic, params):
    """The ``invocation`` key of a result, every secret hidden by key."""
    hidden = hide_no_log_options(logic.ARGUMENT_SPEC, params)
    hide = getattr(logic, 'hide_secrets', None)
    if hide is not None:
        hidden = hide(hidden)
    return dict(module_args=hidden)
