# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""V3Backend.speaks when no connection can be made: the cause an operator can act on survives detection."""

from __future__ import annotations

import socket

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ConnectTimeout, HostUnreachable
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend


def failing_connect(exc):
    def create_connection(address, timeout=None):
        raise exc
    return create_connection


def test_a_name_that_does_not_resolve_says_so_not_firewall(monkeypatch):
    monkeypatch.setattr(transport.socket, 'create_connection',
                        failing_connect(socket.gaierror(socket.EAI_NONAME, 'Name or service not known')))
    with pytest.raises(HostUnreachable) as err:
        V3Backend.speaks('miner-typo.example', 4433, 3.0)
    assert str(err.value) == 'miner-typo.example:4433: cannot resolve the host name (Name or service not known)'


def test_a_dropped_v3_port_names_the_port_and_the_way_out(monkeypatch):
    monkeypatch.setattr(transport.socket, 'create_connection', failing_connect(TimeoutError()))
    with pytest.raises(ConnectTimeout) as err:
        V3Backend.speaks('miner.example', 4433, 3.0)
    assert 'no connection to the API v3 port within 3.0 s' in str(err.value)
    assert 'set api_version: v2' in str(err.value) and str(err.value).startswith('miner.example:4433: ')
