# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""host with a port glued on (``10.0.0.5:4029``) fails before any traffic, pointing at the port option; IPv6 still works."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import device_from_params
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

BASE = dict(host='192.0.2.30', port=4028, password=None, timeout=10.0, api_version='v2', v3_port=4433,
            account='super', token_cache=None)


@pytest.mark.parametrize('host, bare, port', [
    ('192.0.2.30:4029', '192.0.2.30', '4029'),
    ('miner7.example:4433', 'miner7.example', '4433'),
    ('[2001:db8::5]:4028', '2001:db8::5', '4028'),
], ids=['ipv4', 'name', 'bracketed-ipv6'])
def test_a_host_with_a_port_fails_before_any_traffic_naming_the_port_option(host, bare, port):
    for api_version in ('auto', 'v2', 'v3'):   # auto would otherwise probe the v3 port of that "name"
        with pytest.raises(TaskFailed) as caught:
            device_from_params(dict(BASE, host=host, api_version=api_version))
        assert caught.value.msg == ('host %r has a port after the address: give the address alone in host (%s) and %s '
                                    'in the port option (v3_port for the API v3 port)' % (host, bare, port))


@pytest.mark.parametrize('host', ['2001:db8::5', 'fe80::1%eth0', '::1', '::ffff:192.0.2.30', '192.0.2.30',
                                  'miner7.example'])
def test_addresses_and_ipv6_literals_are_still_taken(host):
    miner = device_from_params(dict(BASE, host=host))
    assert miner.host == host and miner.port == 4028
