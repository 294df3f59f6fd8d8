# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulated v3 ``set.miner.power_percent`` takes what real firmware takes (127.0.186.x).

Real firmware reads ``percent`` as a string whatever the vendor's docs say, goes above
100 only on liquid-cooled models, and refuses ``mode: normal`` on an air-cooled unit in
high power mode (``whatsminer-api-v3-notes.md``, the power_percent row). A client that
sent a number would pass a simulator that took it, and fail on every real miner.
"""

from __future__ import annotations

import os

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv3 import ApiV3, forget_salt
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError

PORT = 14186
V3_PORT = 14586
PASSWORD = 'Secret12'


def address(offset=0):
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.186.%d' % (1 + 20 * (index % 8) + offset)


def api(sim):
    forget_salt(sim.address, V3_PORT)
    return ApiV3(sim.address, V3_PORT, 3.0, 3.0, account='super', password=PASSWORD)


@pytest.fixture
def miners(sim_fleet):
    air = sim_fleet(address(0), 1, port=PORT, v3_port=V3_PORT, api='v3', v3_password=PASSWORD).miners[0]
    hydro = sim_fleet(address(1), 1, port=PORT, v3_port=V3_PORT, api='v3', v3_password=PASSWORD,
                      model='M53VH30').miners[0]
    return air, hydro


def refused(sim, param):
    with pytest.raises(WhatsminerError):
        api(sim).call('set.miner.power_percent', param)


def test_percent_as_a_string_is_applied(miners):
    air, hydro = miners
    api(air).call('set.miner.power_percent', {'percent': '80', 'mode': 'fast'})
    assert air.state.power_percent == 80
    api(hydro).call('set.miner.power_percent', {'percent': '150', 'mode': 'fast'})
    assert hydro.state.power_percent == 150


def test_percent_as_a_number_is_refused_as_firmware_does(miners):
    air, _hydro = miners
    refused(air, {'percent': 80, 'mode': 'fast'})
    assert air.state.power_percent == 100


def test_above_100_only_on_liquid_cooled_models(miners):
    air, hydro = miners
    refused(air, {'percent': '150', 'mode': 'fast'})
    refused(hydro, {'percent': '201', 'mode': 'fast'})
    assert air.state.power_percent == hydro.state.power_percent == 100


def test_normal_mode_on_an_air_cooled_unit_only_below_high_power(miners):
    air, hydro = miners
    air.state.power_mode = hydro.state.power_mode = 'High'
    refused(air, {'percent': '80', 'mode': 'normal'})
    api(air).call('set.miner.power_percent', {'percent': '80', 'mode': 'fast'})
    api(hydro).call('set.miner.power_percent', {'percent': '80', 'mode': 'normal'})
    assert air.state.power_percent == hydro.state.power_percent == 80
