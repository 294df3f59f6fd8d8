# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks of task input that run before any traffic, and the options for waiting.

Every message names the miner as well as the option, so a failure in a 1000-host run
says which host and what to fix.
"""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Any, Mapping

from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

#: Options for confirming a change by reading; each module documents them.
WAIT_OPTIONS = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='float', default=300.0),
    poll_interval=dict(type='float', default=2.0),
)


#: set by ``execute`` when the miner is reached on another port than ``port`` (API v3: ``v3_port``)
PORT_IN_USE = '_port_in_use'


def port_shown(params: Mapping[str, Any]) -> int:
    """The port messages name: the one the task talks to, which on API v3 is ``v3_port``."""
    return params.get(PORT_IN_USE) or params['port']


def address(params: Mapping[str, Any]) -> str:
    return '%s:%s' % (params['host'], port_shown(params))


def input_error(params: Mapping[str, Any], message: str) -> TaskFailed:
    """A TaskFailed for bad task input: every message names the miner as well as the option."""
    return TaskFailed('%s: %s' % (address(params), message))


HOSTNAME_LABEL = re.compile(r'\A[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z')


def check_hostname(params: Mapping[str, Any], name: str, value: str) -> str:
    """A host name of dot-separated labels (letters, digits, inner "-", up to 63 each; 253 in all), stripped."""
    text = value.strip()
    if not text or len(text) > 253 or not all(HOSTNAME_LABEL.match(label) for label in text.split('.')):
        raise input_error(params, '%s must be a host name of letters, digits and "-" (labels of up to 63 '
                                  'characters), got %r' % (name, value[:70]))
    return text


def check_ipv4(params: Mapping[str, Any], name: str, value: str, note: str = '') -> str:
    """An IPv4 address in its normal form; ``note`` says why a name will not do, where that matters."""
    try:
        return str(ipaddress.IPv4Address(value.strip()))
    except ValueError:
        raise input_error(params, '%s must be an IPv4 address like 192.168.1.10%s, got %r'
                          % (name, note, value[:40])) from None


def check_wait_options(params: Mapping[str, Any]) -> None:
    """Reject nonsense waits before any traffic, naming the option."""
    for name in ('wait_timeout', 'poll_interval'):
        if params.get(name) is not None and not (params[name] > 0 and math.isfinite(params[name])):
            raise input_error(params, '%s must be a positive number of seconds, got %s' % (name, params[name]))


def check_range(params: Mapping[str, Any], name: str, low: float, high: float) -> None:
    """``name`` is None (not given) or within [low, high]; else fail before any traffic."""
    value = params.get(name)
    if value is not None and not low <= value <= high:
        raise input_error(params, '%s must be between %s and %s, got %s' % (name, low, high, value))
