# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory plugin finds v2-only and v3 miners in one scan (real ``ansible-inventory``, 127.0.88.x),
and a play then uses each host's recorded API without probing again."""

from __future__ import annotations

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'inventory'))

from test_whatsminer_inventory import environment, hosts_of, inventory  # noqa: E402  pylint: disable=wrong-import-position

PORT = 14088
V3_PORT = 14488
PASSWORD = 'Mixed123'


def config(tmp_path, networks, extra=''):
    path = tmp_path / 'mixed.whatsminer.yml'
    path.write_text('plugin: minerops.whatsminer.whatsminer\nport: %d\nv3_port: %d\ntimeout: 2\nconnect_timeout: 0.5\n'
                    'networks: [%s]\n%s' % (PORT, V3_PORT, networks, extra))
    return path


def test_one_scan_finds_both_apis_records_them_and_groups_them(tmp_path, sim_fleet):
    fleet = sim_fleet('127.0.88.1', 4, port=PORT, v3_port=V3_PORT, api='mixed', v3_password=PASSWORD, idle_timeout=3.0)
    run = inventory(tmp_path, config(tmp_path, '127.0.88.1-6', 'facts: full\n'))
    hostvars = run.data['_meta']['hostvars']
    assert sorted(hostvars) == sorted(fleet.addresses)
    for sim in fleet.miners:
        variables = hostvars[sim.address]
        assert variables['whatsminer_api_version'] == sim.api
        assert variables['whatsminer_port'] == PORT
        assert variables.get('whatsminer_v3_port') == (V3_PORT if sim.api == 'v3' else None)
        assert variables['whatsminer']['model'] == sim.state.model
        assert variables['whatsminer_facts']['identity']['firmware_version'] == sim.state.firmware
    assert hosts_of(run.data, 'api_v3') == sorted(sim.address for sim in fleet.miners if sim.api == 'v3')
    assert hosts_of(run.data, 'api_v2') == sorted(sim.address for sim in fleet.miners if sim.api == 'v2')
    only_v2 = inventory(tmp_path, config(tmp_path, '127.0.88.1-4', 'api_version: v2\n')).data['_meta']['hostvars']
    assert sorted(only_v2) == sorted(fleet.addresses)
    assert set(variables['whatsminer_api_version'] for variables in only_v2.values()) == {'v2'}


def test_a_play_over_the_scanned_fleet_uses_the_recorded_api(tmp_path, sim_fleet):
    fleet = sim_fleet('127.0.88.11', 2, port=PORT, v3_port=V3_PORT, api='mixed', v3_password=PASSWORD, idle_timeout=3.0)
    fleet.miners[0].state.password = PASSWORD
    source = config(tmp_path, '127.0.88.11-12')
    playbook = tmp_path / 'play.yml'
    playbook.write_text('''
- name: Same tasks for both APIs
  hosts: whatsminer
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      port: %d
      v3_port: %d
      password: %s
      timeout: 3
  tasks:
    - name: Power mode
      minerops.whatsminer.whatsminer_power:
        mode: high
        wait_timeout: 10
        poll_interval: 0.1
''' % (PORT, V3_PORT, PASSWORD))
    completed = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(source),
                                str(playbook)], capture_output=True, text=True, env=environment(tmp_path), timeout=120,
                               check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert [sim.state.power_mode for sim in fleet.miners] == ['High', 'High']
    assert [entry[0] for entry in fleet.miners[0].write_log] == ['set_high_power']
    assert [entry[0] for entry in fleet.miners[1].write_log] == ['set.miner.power_mode']
