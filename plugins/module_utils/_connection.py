# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options every module shares, and the device they build.

One argument-spec helper (like community.routeros' ``api_argument_spec``) keeps the
options identical across modules and matching the ``connection`` doc fragment. The
device is a ``Miner`` over the backend for the miner's API (v2 today).
"""

from __future__ import annotations

from typing import Any, Mapping

from ansible.module_utils.basic import env_fallback

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

DEFAULT_PASSWORD = 'admin'
PASSWORD_ENV = 'WHATSMINER_PASSWORD'


def connection_argument_spec(spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the shared connection options merged with a module's own ``spec``."""
    merged = dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=4028),
        # no ``default``: a default on a no_log option becomes a no_log value, and every
        # "admin" in results (pool users like admin.w1) would be masked; see device_from_params
        password=dict(type='str', no_log=True, fallback=(env_fallback, [PASSWORD_ENV])),
        timeout=dict(type='float', default=10.0),
    )
    if spec:
        merged.update(spec)
    return merged


def device_from_params(params: Mapping[str, Any], check_mode: bool = False) -> Miner:
    """The device for validated module parameters; bad connection options fail before any traffic."""
    if params['timeout'] <= 0:
        raise TaskFailed('timeout must be a positive number of seconds, got %s' % params['timeout'])
    if not 0 < params['port'] < 65536:
        raise TaskFailed('port must be between 1 and 65535, got %s' % params['port'])
    client = WhatsminerClient(
        params['host'],
        port=params['port'],
        password=DEFAULT_PASSWORD if params['password'] is None else params['password'],
        timeout=params['timeout'],
    )
    return Miner(V2Backend(client), check_mode)
