# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/fleet_report.yml: discover with the inventory plugin, print a table, write a CSV (127.0.43.x)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import collection_path

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PORT = 14043


def run_report(tmp_path, *extra, networks='127.0.43.1-5'):
    config = tmp_path / 'farm.whatsminer.yml'
    config.write_text('plugin: minerops.whatsminer.whatsminer\nnetworks: [%s]\nport: %d\n'
                      'timeout: 1.0\nconnect_timeout: 0.5\n' % (networks, PORT))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_path.collections_root(),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
    report = tmp_path / 'fleet.csv'
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(config)]
    command += list(extra) + [os.path.join(REPO, 'playbooks', 'fleet_report.yml'), '-e', 'fleet_report_csv=%s' % report]
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, check=False, cwd=tmp_path)
    return completed, report


def test_report_table_and_csv(tmp_path, sim_fleet):
    fleet = sim_fleet('127.0.43.1', count=3, port=PORT)
    fleet.miners[1].state.errors = {'329': '2022-01-17 11:28:11'}
    fleet.miners[2].state.pools[0].url = 'stratum+tcp://pool,with"odd:3333'
    completed, report = run_report(tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with open(report, encoding='utf-8') as handle:
        rows = list(csv.DictReader(handle))
    assert [row['host'] for row in rows] == ['127.0.43.1', '127.0.43.2', '127.0.43.3']
    first = rows[0]
    assert first['model'] == 'M30S+VE40' and first['firmware'] == '20220125.13.Rel'
    assert 50 < float(first['hashrate_ths']) < 120 and float(first['power_w']) > 1000
    assert float(first['temp_env_c']) == 32.0 and float(first['chip_temp_max_c']) > 50
    assert first['pool'] == 'stratum+tcp://btc.ss.poolin.com:443' and first['errors'] == ''
    assert rows[1]['errors'] == '329 control board temperature sensor cannot be read'
    assert rows[2]['pool'] == 'stratum+tcp://pool,with"odd:3333'
    assert 'host               address' in completed.stdout
    assert '3 miners,' in completed.stdout and 'miners written to %s' % report in completed.stdout


def test_a_miner_that_cannot_be_read_still_gets_a_row(tmp_path, sim_fleet):
    # its own addresses: xdist may run it beside test_report_table_and_csv
    fleet = sim_fleet('127.0.43.11', count=2, port=PORT)
    # found by discovery, then stops answering before the play reads it
    completed, report = run_report(tmp_path, '-e', 'fleet_report_hosts=whatsminer:unreadable',
                                   '-i', str(_unreadable_inventory(tmp_path)), networks='127.0.43.11-15')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with open(report, encoding='utf-8') as handle:
        rows = dict((row['host'], row) for row in csv.DictReader(handle))
    assert sorted(rows) == ['127.0.43.11', '127.0.43.12', 'ghost']
    assert rows['ghost']['errors'].startswith('not read: 127.0.43.19:%d' % PORT)
    assert rows['127.0.43.12']['model'] == 'M30S+VE40'
    assert fleet.miners[0].state.mining


def _unreadable_inventory(tmp_path):
    path = tmp_path / 'extra.yml'
    path.write_text('unreadable:\n  hosts:\n    ghost:\n      ansible_host: 127.0.43.19\n      whatsminer_port: %d\n'
                    '      ansible_python_interpreter: "{{ ansible_playbook_python }}"\n' % PORT)
    return path
