# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the simulator tests: fleets on 127.0.20.x-127.0.29.x, one host range per xdist worker."""

from __future__ import annotations

import pytest

from sim_client import SIM_PORT, worker_base
from whatsminer_sim import Fleet


@pytest.fixture
def make_fleet():
    fleets = []

    def make(block, count=1, **options):
        options.setdefault('port', SIM_PORT)
        options.setdefault('reboot_seconds', 0.3)
        options.setdefault('restart_seconds', 0.2)
        options.setdefault('idle_timeout', 2.0)
        fleet = Fleet('127.0.%d.%d' % (block, worker_base()), count, **options).start()
        fleets.append(fleet)
        return fleet

    yield make
    for fleet in fleets:
        fleet.stop()
