# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options every module shares, and the device they build.

One argument-spec helper (like community.routeros' ``api_argument_spec``) keeps the
options identical across modules and matching the ``connection`` doc fragment. The
device is a ``Miner`` over the backend for the miner's API: the one asked for, the one
the inventory found (``api_hint``, from the host variable ``whatsminer_api_version``),
or the one the miner answers (``api_version=auto``: the v3 port first, see
``_device/detect.py``).
"""

from __future__ import annotations

import math
import re

from typing import Any, Mapping

from ansible.module_utils.basic import env_fallback

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokenstore import SETTING_ENV, token_cache_from_settings
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import detect
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import DEFAULT_ACCOUNT as V3_DEFAULT_ACCOUNT, V3Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

DEFAULT_PASSWORD = 'admin'    # API v2's factory password; on v3 each account's is its own name
PASSWORD_ENV = 'WHATSMINER_PASSWORD'
API_VERSIONS = ('auto', 'v2', 'v3')
ACCOUNTS = ('super', 'user1', 'user2', 'user3')
HOST_VARIABLE = 'whatsminer_api_version'


def connection_argument_spec(spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the shared connection options merged with a module's own ``spec``."""
    merged = dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=4028),
        # no ``default``: a default on a no_log option becomes a no_log value, and every
        # "admin" in results (pool users like admin.w1) would be masked; see device_from_params
        password=dict(type='str', no_log=True, fallback=(env_fallback, [PASSWORD_ENV])),
        timeout=dict(type='float', default=10.0),
        api_version=dict(type='str', default='auto', choices=list(API_VERSIONS)),
        v3_port=dict(type='int', default=4433),
        account=dict(type='str', default='super', choices=list(ACCOUNTS)),
        # a place or a switch, not a secret (validate-modules guesses from the name)
        token_cache=dict(type='str', no_log=False, fallback=(env_fallback, [SETTING_ENV])),
    )
    if spec:
        merged.update(spec)
    return merged


#: one request's deadline above this is a typo (firmware and log transfers derive their own from the size)
MAX_TIMEOUT = 3600.0


def default_password(api_version: str, account: str | None = None) -> str:
    """The factory password: ``admin`` on API v2 (one account), on API v3 the account's own name."""
    if api_version == 'v3':
        return account or V3_DEFAULT_ACCOUNT
    return DEFAULT_PASSWORD


def _named(params: Mapping[str, Any]) -> str:
    return '%s:%s' % (params.get('host'), params.get('port'))


#: an address with a port glued on: ``10.0.0.5:4029``, ``miner.example:4433``, ``[2001:db8::5]:4028``. A bare
#: IPv6 literal (``2001:db8::5``, ``fe80::1%eth0``) has more than one colon outside brackets and is not matched.
GLUED_PORT = re.compile(r'\A(?:\[(?P<bracketed>[^\[\]]*)\]|(?P<name>[^:\[\]]+)):(?P<port>[0-9]+)\Z')


def _check_host(params: Mapping[str, Any]) -> None:
    """An empty host (a variable that templated to nothing), one with spaces, or one with a port is no address.

    Sent on, it fails as a name that does not resolve, in a message whose host part is blank
    or that says nothing of the real mistake: ``host: 10.0.0.5:4029`` (an address copied with
    its port) is looked up as a name, and the port the operator meant is never used.
    """
    host = params.get('host') or ''
    if not host.strip():
        raise TaskFailed('host is empty: give the address or name of the miner (a variable that templates to '
                         'nothing gives this)')
    if any(char.isspace() or not char.isprintable() for char in host) or len(host) > 253:
        raise TaskFailed('host %r is not an address or a host name' % (host[:80] + ('...' if len(host) > 80 else '')))
    glued = GLUED_PORT.match(host)
    if glued:
        raise TaskFailed('host %r has a port after the address: give the address alone in host (%s) and %s in the '
                         'port option (v3_port for the API v3 port)'
                         % (host, glued.group('bracketed') or glued.group('name'), glued.group('port')))


def _check_port(params: Mapping[str, Any], name: str) -> int:
    port = params.get(name, 4433 if name == 'v3_port' else 4028)
    if not 0 < port < 65536:
        raise TaskFailed('%s: %s must be between 1 and 65535, got %s' % (params.get('host'), name, port))
    return port


def _check_timeout(params: Mapping[str, Any]) -> None:
    timeout = params['timeout']
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise TaskFailed('%s: timeout must be a number of seconds above 0 and at most %d, got %s'
                         % (_named(params), MAX_TIMEOUT, timeout))


def api_version_for(params: Mapping[str, Any], api_hint: str | None = None) -> str:
    """``v2`` or ``v3``: as asked, else as the inventory found, else as the miner answers."""
    asked = params.get('api_version') or 'auto'
    if asked != 'auto':
        return asked
    if api_hint in ('v2', 'v3'):
        return api_hint
    return detect.detect(params['host'], dict(v2=params['port'], v3=params.get('v3_port', 4433)), params['timeout'],
                         [('v3', V3Backend.speaks), ('v2', V2Backend.speaks)])


def device_from_params(params: Mapping[str, Any], check_mode: bool = False, api_hint: str | None = None) -> Miner:
    """The device for validated module parameters; bad connection options fail before any traffic."""
    _check_host(params)
    _check_port(params, 'port')
    _check_timeout(params)
    v3_port = _check_port(params, 'v3_port') if params.get('api_version') != 'v2' else None
    password = params['password']
    if api_version_for(params, api_hint) == 'v3':
        account = params.get('account') or 'super'
        return Miner(V3Backend.connect(params['host'], v3_port, account,
                                       default_password('v3', account) if password is None else password,
                                       params['timeout']), check_mode)
    client = WhatsminerClient(
        params['host'],
        port=params['port'],
        password=DEFAULT_PASSWORD if password is None else password,
        timeout=params['timeout'],
        token_cache=token_cache_from_settings(params.get('token_cache')),
    )
    return Miner(V2Backend(client), check_mode)
