# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``--mixed``: the demo's farm-like fleet is what the reads report, the same every time."""

from __future__ import annotations

from sim_client import SIM_PORT, plain, worker_base
from whatsminer_sim.mixed import MODELS, NEWER_FIRMWARE, mix_state, mixed_overrides


def test_mixed_fleet_reports_models_firmware_idle_low_and_errors(make_fleet):
    # block 31: block 28 lies in the thousand-miner test's range (127.0.25.1-127.0.28.232) on SIM_PORT
    first = '127.0.31.%d' % worker_base()
    fleet = make_fleet(31, 12, overrides=mixed_overrides(first, 12))
    mix_state(fleet)
    assert mixed_overrides(first, 12) == mixed_overrides(first, 12)

    firmware = [plain(a, SIM_PORT, 'get_version')['Msg']['fw_ver'] for a in fleet.addresses]
    assert firmware[10] == NEWER_FIRMWARE and firmware[0] != NEWER_FIRMWARE

    details = plain(fleet.addresses[1], SIM_PORT, 'devdetails')
    assert details['DEVDETAILS'][0]['Model'] == MODELS[1]

    idle = plain(fleet.addresses[6], SIM_PORT, 'status')['Msg']
    assert idle['btmineroff'] == 'true'

    low = plain(fleet.addresses[4], SIM_PORT, 'summary')['SUMMARY'][0]
    assert low['Power Mode'] == 'Low'

    errors = plain(fleet.addresses[11], SIM_PORT, 'get_error_code')['Msg']['error_code']
    assert sorted(code for entry in errors for code in entry) == ['2010', '329']
