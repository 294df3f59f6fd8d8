# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fast boot takes effect at the next btminer restart (spec 3.14/3.15): until then summary reports the old value."""

from __future__ import annotations

import pytest

from sim_client import SIM_PORT, Session, plain, read_all, refused, wait_until

BLOCK = 21
PORT = SIM_PORT + 7   # block 21 is test_writes.py's; a port of its own keeps the two apart


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK, port=PORT)
    address = fleet.addresses[0]
    return fleet.miner(address), Session(address, PORT), address


def reported(address):
    return plain(address, PORT, 'summary')['SUMMARY'][0]['Btminer Fast Boot']


@pytest.mark.parametrize('restart, params', [
    ('restart_btminer', {}),
    ('set_low_power', {}),
    ('adjust_power_limit', {'power_limit': '3000'}),
])
def test_fast_boot_shows_after_a_btminer_restart(rig, restart, params):
    miner, session, address = rig
    session.write('enable_btminer_fast_boot')
    assert reported(address) == 'disable'
    assert (miner.state.fast_boot, miner.state.fast_boot_pending) == (False, True)
    session.write(restart, **params)
    assert reported(address) == 'enable'
    assert (miner.state.fast_boot, miner.state.fast_boot_pending) == (True, None)


def test_fast_boot_shows_after_a_reboot_and_the_last_write_wins(rig):
    miner, session, address = rig
    session.write('enable_btminer_fast_boot')
    session.write('disable_btminer_fast_boot')
    session.write('enable_btminer_fast_boot')
    assert reported(address) == 'disable'
    sock = session.open('reboot')
    assert read_all(sock) == b''    # reboot closes without a reply
    sock.close()
    assert wait_until(lambda: not refused(address, PORT), timeout=5)
    assert reported(address) == 'enable'
    assert miner.state.fast_boot_pending is None


def test_disable_is_pending_too_and_reads_do_not_apply_it(rig):
    miner, session, address = rig
    miner.state.fast_boot = True
    session.write('disable_btminer_fast_boot')
    for _attempt in range(3):
        assert reported(address) == 'enable'
    assert miner.state.fast_boot_pending is False
    session.write('restart_btminer')
    assert reported(address) == 'disable'
