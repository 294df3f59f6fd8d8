# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's first command, ``make demo`` (``tools/demo``), does what the README says (127.0.188.x).

It starts a mixed simulated fleet, discovers it, writes the fleet report and changes pools,
then runs the pools play again to show that nothing changes. Run here on its own addresses,
port and output directory, so it leaves nothing in the checkout.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MINERS = 24


def test_the_demo_discovers_reports_and_changes_pools_once(tmp_path):
    out = tmp_path / 'demo'
    env = dict(os.environ, PYTHON=sys.executable, DEMO_FIRST_ADDRESS='127.0.188.1', DEMO_PORT='14188',
               DEMO_OUTPUT=str(out), ANSIBLE_NOCOLOR='1', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_COLLECTIONS_PATH', 'WHATSMINER_PASSWORD'):
        env.pop(name, None)
    run = subprocess.run(['bash', os.path.join(REPO, 'tools', 'demo')], capture_output=True, text=True, env=env,
                         timeout=600, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert 'found %d miners' % MINERS in output
    with open(out / 'fleet.csv', newline='', encoding='utf-8') as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == MINERS
    assert (out / 'fleet_report.html').stat().st_size > 0
    changing, again = output.split('== 3. ')[1], output.split('== 4. ')[1]
    changed = [int(count) for count in re.findall(r'changed=(\d+)', changing.split('== 4. ')[0])]
    assert sum(changed) >= MINERS, changing      # every miner got the new pools (two of them in the --diff run)
    recap = re.findall(r'ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', again)
    assert len(recap) == MINERS and all(item == ('0', '0', '0') for item in recap), again
