# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the protocol library's tests."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import apiv3
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import TokenCache
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.fakeminer import FakeMiner


@pytest.fixture
def fake_miner():
    """Factory: fake_miner(address='127.0.1.1', password='admin') -> a started FakeMiner."""
    miners = []

    def start(address='127.0.1.1', password='admin'):
        miner = FakeMiner(address, password)
        miners.append(miner)
        return miner

    yield start
    for miner in miners:
        miner.close()


@pytest.fixture
def token_cache():
    """A private token cache, so tests never share tokens through the process-wide one."""
    return TokenCache()


@pytest.fixture
def fresh_v3_caches():
    """The API v3 salt and timestamp caches empty before and after: no test sees another's salt."""
    apiv3._salts.clear()  # pylint: disable=protected-access
    apiv3._last_ts.clear()  # pylint: disable=protected-access
    yield
    apiv3._salts.clear()  # pylint: disable=protected-access
    apiv3._last_ts.clear()  # pylint: disable=protected-access
