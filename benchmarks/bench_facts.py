# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Facts benchmark: ``whatsminer_facts`` through ``ansible-playbook`` over a simulated fleet.

Starts N simulated miners (default 1000) in their own process, writes a static
inventory of them (so the figure is the task, not discovery), runs one play with one
``whatsminer_facts`` task (``gather_subset: all`` unless told otherwise) and prints
the wall time, hosts ok/failed, and the controller CPU seconds per host-task
(``getrusage(RUSAGE_CHILDREN)`` around the ``ansible-playbook`` process: the
controller and its forks). Target: <= 20 s for 1000 miners.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tools'))

import collection_path  # noqa: E402  pylint: disable=wrong-import-position
from measure import timed_run  # noqa: E402  pylint: disable=wrong-import-position
from simfleet import sim_process  # noqa: E402  pylint: disable=wrong-import-position

RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


def write_inventory(path, first_address, count, port, api_version=None):
    """The simulator's own addresses (it skips those ending in .0 and .255); ``api_version``
    sets ``whatsminer_api_version`` as the discovery inventory does (no v3 probe per task)."""
    from whatsminer_sim.addresses import fleet_addresses  # pylint: disable=import-outside-toplevel

    lines = ['all:', '  vars:', '    ansible_connection: local',
             '    ansible_python_interpreter: "{{ ansible_playbook_python }}"',
             '    whatsminer_port: %d' % port]
    if api_version:
        lines.append('    whatsminer_api_version: %s' % api_version)
    lines.append('  hosts:')
    for index, address in enumerate(fleet_addresses(first_address, count)):
        lines.append('    m%04d: {ansible_host: %s}' % (index + 1, address))
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')


PLAY = '''\
- name: Gather facts from every miner
  hosts: all
  gather_facts: false
  strategy: %(strategy)s
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      port: "{{ whatsminer_port }}"
      timeout: 10
  tasks:
    - name: Read the miner
%(task)s
'''
FACTS_TASK = '''\
      minerops.whatsminer.whatsminer_facts:
        gather_subset: %s'''
BASELINE_TASK = '''\
      ansible.builtin.debug:
        msg: "{{ ansible_host }}"'''


def write_playbook(path, subsets, strategy, baseline=False):
    """One play, one task; ``baseline`` runs ``debug`` instead, to show Ansible's own floor."""
    task = BASELINE_TASK if baseline else FACTS_TASK % subsets
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(PLAY % dict(strategy=strategy, task=task))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=1000)
    parser.add_argument('--first-address', default='127.1.0.1')
    parser.add_argument('--port', type=int, default=4028)
    parser.add_argument('--forks', type=int, default=20)
    parser.add_argument('--subsets', default='[all]', help='gather_subset as YAML, default [all]')
    parser.add_argument('--strategy', default='linear', choices=['linear', 'free'])
    parser.add_argument('--baseline', action='store_true',
                        help='run ansible.builtin.debug instead of whatsminer_facts: the per host-task floor of Ansible')
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='bench-facts-')
    inventory = os.path.join(workdir, 'hosts.yml')
    playbook = os.path.join(workdir, 'facts.yml')
    write_inventory(inventory, args.first_address, args.count, args.port)
    write_playbook(playbook, args.subsets, args.strategy, args.baseline)
    env = dict(os.environ)
    env['ANSIBLE_COLLECTIONS_PATH'] = collection_path.collections_root()
    env['ANSIBLE_FORKS'] = str(args.forks)
    env.setdefault('ANSIBLE_HOST_KEY_CHECKING', 'false')
    env.setdefault('ANSIBLE_DISPLAY_OK_HOSTS', 'false')
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, playbook]

    print('fleet: %d simulated miners from %s, port %d (simulator in its own process); forks %d, strategy %s, '
          'gather_subset %s' % (args.count, args.first_address, args.port, args.forks, args.strategy, args.subsets))
    with sim_process(args.first_address, args.count, args.port):
        completed, wall, cpu, peak = timed_run(command, env, 1800)
    recap = RECAP.findall(completed.stdout)
    ok = sum(1 for _host, oks, unreachable, failed in recap if oks == '1' and failed == '0' and unreachable == '0')
    failed = len(recap) - ok
    task = 'ansible.builtin.debug (baseline)' if args.baseline else 'whatsminer_facts'
    print('%s via ansible-playbook: %d hosts ok, %d failed, wall %.2f s' % (task, ok, failed, wall))
    print('controller CPU: %.2f s in total, %.4f s per host-task; peak RSS %.0f MiB'
          % (cpu, cpu / max(1, args.count), peak))
    if completed.returncode != 0 or failed or len(recap) != args.count:
        bad = [line for line in completed.stdout.splitlines() if ' : ok=' in line and 'failed=0' not in line]
        print('\n'.join(bad[:20]) or completed.stdout[-3000:])
        print(completed.stderr[-3000:])
    print('target: <= 20 s: %s' % (wall <= 20.0))
    return 0 if ok == args.count and wall <= 20.0 else 1


if __name__ == '__main__':
    sys.exit(main())
