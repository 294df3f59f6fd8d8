# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options every module shares, and the client they build.

One argument-spec helper (like community.routeros' ``api_argument_spec``) keeps the
options identical across modules and matching the ``connection`` doc fragment.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient

DEFAULT_PASSWORD = 'admin'
PASSWORD_ENV = 'WHATSMINER_PASSWORD'


class TaskFailed(Exception):
    """Raised by module logic to fail the task with ``msg`` and extra result keys."""

    def __init__(self, msg, **extra):
        super().__init__(msg)
        self.msg = msg
        self.extra = extra


def connection_argument_spec(spec=None):
    """Return the shared connection options merged with a module's own ``spec``."""
    merged = dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=4028),
        # no ``default``: a default on a no_log option becomes a no_log value, and every
        # "admin" in results (pool users like admin.w1) would be masked; see client_from_params
        password=dict(type='str', no_log=True, fallback=(env_fallback, [PASSWORD_ENV])),
        timeout=dict(type='float', default=10.0),
    )
    if spec:
        merged.update(spec)
    return merged


def client_from_params(params):
    """Build the client for validated module parameters."""
    if params['timeout'] <= 0:
        raise TaskFailed('timeout must be a positive number of seconds, got %s' % params['timeout'])
    if not 0 < params['port'] < 65536:
        raise TaskFailed('port must be between 1 and 65535, got %s' % params['port'])
    return WhatsminerClient(
        params['host'],
        port=params['port'],
        password=DEFAULT_PASSWORD if params['password'] is None else params['password'],
        timeout=params['timeout'],
    )
