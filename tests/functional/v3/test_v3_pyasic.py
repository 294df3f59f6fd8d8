# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pyasic's API v3 client (BTMinerV3RPCAPI, pyasic 0.79.0, its own venv) reads and changes the simulator's v3 miners.

Without that Python this test FAILS, unless MINEROPS_SKIP_PYASIC=1 (see tests/functional/sim/test_pyasic.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'sim'))

from test_pyasic import INSTALL, REPO, pyasic_python  # noqa: E402  pylint: disable=wrong-import-position

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pyasic_v3_probe.py')
V3_PORT = 14485


def test_pyasic_v3_client_reads_device_info_and_status_and_signs_a_write(sim_fleet):
    python = pyasic_python()
    if python is None:
        if os.environ.get('MINEROPS_SKIP_PYASIC') == '1':
            pytest.skip('MINEROPS_SKIP_PYASIC=1')
        pytest.fail('no pyasic Python found; install it with: %s   (or set MINEROPS_SKIP_PYASIC=1)' % INSTALL)
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    fleet = sim_fleet('127.0.85.%d' % (1 + 10 * (index % 20)), 2, port=14085, v3_port=V3_PORT, api='v3',
                      v3_password='Pyasic77', idle_timeout=5.0, restart_seconds=0.1)
    result = subprocess.run([python, PROBE, '--port', str(V3_PORT), '--password', 'Pyasic77', '--mode', 'low']
                            + fleet.addresses, capture_output=True, text=True, timeout=120, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report['errors'] == []
    for sim in fleet.miners:
        reads = report['reads'][sim.address]
        info = reads['device_info']
        assert info['code'] == 0 and info['desc'] == 'get.device.info'
        assert info['msg']['miner']['type'] == sim.state.model and info['msg']['system']['fwversion'] == sim.state.firmware
        assert info['msg']['network']['mac'] == sim.state.mac and info['msg']['salt'] == sim.v3_salt
        summary = reads['summary']['msg']['summary']
        assert summary['hash-realtime'] > 1 and summary['power-limit'] == sim.state.power_limit
        assert [pool['url'] for pool in reads['pools']['msg']['pools']] == [pool.url for pool in sim.state.pools if pool.url]
        assert reads['power_mode']['code'] == 0 and sim.state.power_mode == 'Low'
        assert [entry[0] for entry in sim.write_log] == ['set.miner.power_mode']
