# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fleet that looks like a real farm: several models and firmware builds, a few idle
miners, some curtailed to Low mode and some reporting error codes.

Deterministic by position, so the demo prints the same table every time and a test can
predict it. Used by ``whatsminer-sim --mixed`` (the README demo).
"""

from __future__ import annotations

from whatsminer_sim.addresses import fleet_addresses

MODELS = ('M30S+VE40', 'M30S++VH30', 'M50VH50', 'M53VH30')
FIRMWARE = ('20220125.13.Rel', '20230418.15.Rel')
NEWER_FIRMWARE = '20240710.11.Rel'
ERROR_STAMP = '2026-11-20 03:14:07'


def mixed_overrides(first_address, count):
    """Per-miner construction options: model and firmware by position, every 11th on newer firmware."""
    overrides = {}
    for index, address in enumerate(fleet_addresses(first_address, count)):
        options = dict(model=MODELS[index % len(MODELS)], firmware=FIRMWARE[(index // len(MODELS)) % len(FIRMWARE)])
        if index % 11 == 10:
            options.update(firmware=NEWER_FIRMWARE, faults=('new_firmware',))
        overrides[address] = options
    return overrides


def mix_state(fleet):
    """Runtime state by position: every 7th miner idle, every 5th in Low mode, every 6th with errors."""
    for index, miner in enumerate(fleet.miners):
        state = miner.state
        if index % 7 == 6:
            state.mining = False
        if index % 5 == 4:
            state.power_mode = 'Low'
        if index % 6 == 5:
            state.errors['329'] = ERROR_STAMP
            if index % 12 == 11:
                state.errors['2010'] = ERROR_STAMP
