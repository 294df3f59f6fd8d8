# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet_memory fact cache in real ansible-playbook runs (127.0.96.x)."""

from __future__ import annotations

PORT = 14096

PLAY = '''
- name: Facts into the cache
  hosts: all
  gather_facts: false
  tasks:
    - name: Gather
      minerops.whatsminer.whatsminer_facts:
        host: "{{ ansible_host }}"
        port: %d
    - name: Add a cacheable fact of its own
      ansible.builtin.set_fact:
        site: {rack: "A1", slots: [1, 2]}
        cacheable: true

- name: A later play reads them back
  hosts: all
  gather_facts: false
  tasks:
    - name: Read back
      ansible.builtin.debug:
        var: ansible_facts.whatsminer
    - name: Both facts are there
      ansible.builtin.assert:
        that:
          - ansible_facts.whatsminer.identity.host == ansible_host
          - ansible_facts.site.rack == 'A1'
          - ansible_facts.whatsminer.pools | map(attribute='url') | select | list | length > 0
''' % PORT

HOSTS = {'m1': '127.0.96.1', 'm2': '127.0.96.2', 'm3': '127.0.96.3'}


def cache_fell_back(output):
    """Ansible warns and uses its own memory cache when the configured plugin cannot be loaded."""
    return 'Unable to load the cache plugin' in output or 'Error loading plugin' in output


def test_facts_read_back_from_the_fleet_cache_are_those_gathered(sim_fleet, run_playbook):
    sim_fleet('127.0.96.1', count=3, port=PORT)
    run = run_playbook(PLAY, hosts=HOSTS, env={'ANSIBLE_CACHE_PLUGIN': 'minerops.whatsminer.fleet_memory'})
    assert run.rc == 0, run.describe()
    assert not cache_fell_back(run.output), run.describe()
    for host in HOSTS:
        gathered = run.result(host, 'Gather').result['ansible_facts']['whatsminer']
        assert run.result(host, 'Read back').result['ansible_facts.whatsminer'] == gathered
        assert run.result(host, 'Both facts are there').status == 'ok'


def test_a_cache_ansible_cannot_load_is_seen_by_the_check_above(sim_fleet, run_playbook):
    sim_fleet('127.0.96.9', count=1, port=PORT)  # its own address: xdist may run both tests at once
    run = run_playbook(PLAY, hosts={'m9': '127.0.96.9'},
                       env={'ANSIBLE_CACHE_PLUGIN': 'minerops.whatsminer.no_such_cache'})
    assert cache_fell_back(run.output), run.describe()
