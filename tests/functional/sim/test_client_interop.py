# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's own client against the simulator: both ends of the protocol agree."""

from __future__ import annotations

import io

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import TokenCache
from sim_client import refused, wait_until

BLOCK = 24


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK, count=1, reboot_seconds=0.3)
    address = fleet.addresses[0]
    client = WhatsminerClient(address, port=fleet.port, password='admin', timeout=3, token_cache=TokenCache())
    return fleet, fleet.miner(address), client


def test_reads_and_writes_through_the_client(rig):
    _fleet, miner, client = rig
    assert client.summary().data[0]['Power Mode'] == 'Normal'
    joined = client.read_joined(['summary', 'pools', 'edevs'])
    assert joined['pools'].data[0]['URL'] == 'stratum+tcp://btc.ss.poolin.com:443'
    client.write('update_pools', pool1='stratum+tcp://c.example:3333', worker1='w.c', passwd1='pp')
    assert miner.state.pools[0].url == 'stratum+tcp://c.example:3333'
    client.write('set_low_power')
    assert miner.state.power_mode == 'Low'
    assert client.check_password() is True
    assert WhatsminerClient(miner.address, port=miner.port, password='nope', timeout=3,
                            token_cache=TokenCache()).check_password() is False


def test_client_binary_flows(rig):
    _fleet, miner, client = rig
    sink = io.BytesIO()
    written = client.download_logs(sink)
    assert written == len(sink.getvalue()) > 0
    client.update_firmware(io.BytesIO(b'FW_VERSION=20250101.1.Rel\n' + b'\x00' * 5000), size=5026)
    assert wait_until(lambda: not refused(miner.address, miner.port) and miner.state.firmware == '20250101.1.Rel',
                      timeout=4)


def test_client_sees_write_access_off(rig):
    _fleet, miner, client = rig
    miner.state.write_access = False
    with pytest.raises(errors.WriteAccessDisabled):
        client.write('power_off')
