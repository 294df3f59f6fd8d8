# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pyasic, written against real miners by others, finds the simulated ones and changes them.

pyasic runs in its own venv (its passlib conflicts with libpass):
``python3 -m venv .venv-pyasic && .venv-pyasic/bin/pip install pyasic==0.79.0``. Without
that Python this test FAILS, unless MINEROPS_SKIP_PYASIC=1.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from sim_client import worker_base
from whatsminer_sim import Fleet

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
PROBE = os.path.join(HERE, 'pyasic_probe.py')
INSTALL = 'python3 -m venv .venv-pyasic && .venv-pyasic/bin/pip install pyasic==0.79.0'


def pyasic_python():
    candidates = [os.environ.get('PYASIC_PYTHON'), os.path.join(REPO, '.venv-pyasic', 'bin', 'python'),
                  '/tmp/venv-pyasic/bin/python']
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def test_pyasic_discovers_reads_and_changes_simulated_miners():
    python = pyasic_python()
    if python is None:
        if os.environ.get('MINEROPS_SKIP_PYASIC') == '1':
            pytest.skip('MINEROPS_SKIP_PYASIC=1')
        pytest.fail('no pyasic Python found (PYASIC_PYTHON, %s/.venv-pyasic/bin/python, /tmp/venv-pyasic/bin/python); '
                    'install it with: %s   (or set MINEROPS_SKIP_PYASIC=1)' % (REPO, INSTALL))
    # pyasic only talks to port 4028, so these miners listen there.
    first = '127.0.29.%d' % (200 + 10 * ((worker_base() - 1) // 50))
    with Fleet(first, 2, port=4028, password='pw_42', restart_seconds=0.2) as fleet:
        before = {miner.address: miner.state.hash_rate_mhs(fleet.clock.now()) for miner in fleet.miners}
        result = subprocess.run(
            [python, PROBE, '--password', 'pw_42', '--pool-url', 'stratum+tcp://pool.example.org:3333',
             '--pool-user', 'farm.rig7', '--mode', 'low'] + fleet.addresses,
            capture_output=True, text=True, timeout=180, cwd=REPO, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert report['errors'] == []
        assert sorted(report['discovered']) == sorted(fleet.addresses)
        for address in fleet.addresses:
            found = report['discovered'][address]
            assert found['make'] == 'WhatsMiner' and 'M30S+' in found['model'] and found['class'] == 'BTMinerM30SPlusVE40'
            reads = report['reads'][address]
            assert reads['summary_power_mode'] == 'Normal'
            assert reads['pool_urls'][0] == 'stratum+tcp://btc.ss.poolin.com:443'
            assert reads['btmineroff'] == 'false'
            assert reads['fw_ver'] == '20220125.13.Rel'
            assert abs(reads['summary_mhs_av'] - before[address] * 0.998) < 1e6
            assert report['changes'][address]['update_pools_msg'] == 'API command OK'
            miner = fleet.miner(address)
            state = miner.state
            assert state.pools[0].url == 'stratum+tcp://pool.example.org:3333'
            assert state.pools[0].user == 'farm.rig7'
            assert [pool.url for pool in state.pools[1:]] == ['', '']
            assert state.power_mode == 'Low'
            commands = [command for command, _params in miner.write_log]
            assert commands.count('update_pools') == 2 and 'set_low_power' in commands
