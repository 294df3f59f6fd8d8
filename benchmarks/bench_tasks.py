# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per host-task cost: ``whatsminer_facts`` and an unchanged ``whatsminer_power`` against the ``debug`` floor.

One simulated fleet (its own process, sized for the largest count), and for each count
three ``ansible-playbook`` runs over the same static inventory of that many miners:

* ``ansible.builtin.debug``: Ansible's own per host-task floor (fork, callbacks, results);
* ``whatsminer_facts`` with the default ``gather_subset`` (``[all]``);
* with ``--tasks ...,facts_narrow``: ``whatsminer_facts`` with ``gather_subset: [summary, status]``,
  what a play that checks mining state needs (72 of the 207 stored values);
* with ``--tasks ...,facts_fleet_cache``: ``whatsminer_facts`` with the default subsets and the
  collection's fact cache (``ANSIBLE_CACHE_PLUGIN=minerops.whatsminer.fleet_memory``), which
  stores each repeated string once for all hosts;
* ``whatsminer_power`` with ``mode: normal``, the simulator's default, so nothing changes:
  every host must come back ok and unchanged, or the run is not the figure it claims.

Printed for each: hosts ok, wall time, controller CPU per host-task
(``wait4`` on ``ansible-playbook``: the controller and all its forks), the play's peak RSS
(the controller's: it holds every host's facts, and Ansible forks it once per host-task)
and the ratio to the floor of the wall time and of the CPU per host-task. With
``--runs N`` the three run in turn N times (so a change in the machine's load hits all
three alike) and the medians are compared. With ``--controller-probe`` each run also
prints the controller's own share (``controller_probe/sitecustomize.py``): its CPU per
host-task, its ``fork()`` time per host-task, its garbage collections, and the page
faults per host-task of the controller and of a worker.
Target: every ratio <= 1.2; the exit code is non-zero when one is above, or a host failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tools'))

import collection_path  # noqa: E402  pylint: disable=wrong-import-position
from bench_facts import write_inventory  # noqa: E402  pylint: disable=wrong-import-position
from measure import timed_run  # noqa: E402  pylint: disable=wrong-import-position
from simfleet import sim_process  # noqa: E402  pylint: disable=wrong-import-position

TARGET_RATIO = 1.2
PROBE = os.path.join(HERE, 'controller_probe')
RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)

PLAY = '''\
- name: One task on every miner
  hosts: all
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      port: "{{ whatsminer_port }}"
      timeout: 10
  tasks:
    - name: The task measured
%s
'''
TASKS = {
    'debug': '''\
      ansible.builtin.debug:
        msg: "{{ ansible_host }}"''',
    'facts': '''\
      minerops.whatsminer.whatsminer_facts:''',
    'facts_narrow': '''\
      minerops.whatsminer.whatsminer_facts:
        gather_subset: [summary, status]''',
    'facts_fleet_cache': '''\
      minerops.whatsminer.whatsminer_facts:''',
    # the simulator starts every miner in power mode "Normal": nothing to change
    'power': '''\
      minerops.whatsminer.whatsminer_power:
        mode: normal''',
}
LABELS = {
    'debug': 'ansible.builtin.debug (floor)',
    'facts': 'whatsminer_facts, default gather_subset',
    'facts_narrow': 'whatsminer_facts [summary, status]',
    'facts_fleet_cache': 'whatsminer_facts, fleet_memory fact cache',
    'power': 'whatsminer_power mode=normal, unchanged',
}
#: what a task's run sets in the environment besides the shared settings
TASK_ENVIRONMENT = {
    'facts_fleet_cache': {'ANSIBLE_CACHE_PLUGIN': 'minerops.whatsminer.fleet_memory'},
}


def write_playbook(path, name):
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(PLAY % TASKS[name])


def environment(forks):
    env = dict(os.environ)
    env['ANSIBLE_COLLECTIONS_PATH'] = collection_path.collections_root()
    env['ANSIBLE_FORKS'] = str(forks)
    env.setdefault('ANSIBLE_HOST_KEY_CHECKING', 'false')
    env.setdefault('ANSIBLE_DISPLAY_OK_HOSTS', 'false')
    return env


def probe_environment(env, output):
    """``env`` with the controller probe on ``PYTHONPATH``, writing to ``output``."""
    path = os.pathsep.join(part for part in (PROBE, env.get('PYTHONPATH', '')) if part)
    return dict(env, PYTHONPATH=path, WHATSMINER_BENCH_PROBE=output)


def read_probe(output, count):
    """The controller's figures per host-task from the probe's line, or ``{}`` when it wrote none."""
    try:
        with open(output, encoding='utf-8') as handle:
            figures = json.loads(handle.read().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return {}
    finally:
        if os.path.exists(output):
            os.unlink(output)
    return dict(controller_per_task=figures['cpu_seconds'] / max(1, count),
                fork_per_task=figures['fork_seconds'] / max(1, figures['forks']),
                gc_seconds=sum(figures['gc_seconds']), gc_full=figures['gc_passes'][2],
                faults_per_task=figures['page_faults'] / max(1, count),
                worker_faults_per_task=figures['worker_page_faults'] / max(1, figures['forks']))


def run_playbook(workdir, inventory, name, count, env, probe=False):
    """One ``ansible-playbook`` run; returns the figures and whether every host was ok (and unchanged)."""
    playbook = os.path.join(workdir, '%s.yml' % name)
    write_playbook(playbook, name)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, playbook]
    env = dict(env, **TASK_ENVIRONMENT.get(name, {}))
    output = os.path.join(workdir, 'probe-%s.json' % name)
    if probe:
        env = probe_environment(env, output)
    completed, wall, cpu, peak = timed_run(command, env, 3600)
    recap = RECAP.findall(completed.stdout)
    ok = sum(1 for _host, oks, _changed, unreachable, failed in recap
             if oks == '1' and failed == '0' and unreachable == '0')
    changed = sum(1 for _host, _oks, changes, _unreachable, _failed in recap if changes != '0')
    good = completed.returncode == 0 and ok == count == len(recap) and not changed
    if not good:
        bad = [line for line in completed.stdout.splitlines()
               if ' : ok=' in line and ('failed=0' not in line or 'changed=0' not in line)]
        print('\n'.join(bad[:20]) or completed.stdout[-3000:])
        print(completed.stderr[-3000:])
    row = dict(name=name, ok=ok, changed=changed, wall=wall, cpu=cpu, per_task=cpu / max(1, count), peak=peak)
    if probe:
        row.update(read_probe(output, count))
        if 'fork_per_task' not in row:
            print('%s: the controller probe wrote no figures (%s)' % (name, PROBE))
            good = False
    return row, good


def median_row(rows):
    """The medians of one task's runs; ok is the worst run's, changed the largest."""
    return dict(name=rows[0]['name'], ok=min(row['ok'] for row in rows), changed=max(row['changed'] for row in rows),
                wall=statistics.median(row['wall'] for row in rows),
                per_task=statistics.median(row['per_task'] for row in rows),
                peak=max(row['peak'] for row in rows),
                walls=[row['wall'] for row in rows],
                **dict((key, statistics.median(row[key] for row in rows))
                       for key in ('controller_per_task', 'fork_per_task', 'gc_seconds', 'gc_full',
                                   'faults_per_task', 'worker_faults_per_task')
                       if all(key in row for row in rows)))


def report(count, figures):
    """Print one line per task with its ratios to the floor; True when every ratio is within the target."""
    floor = figures[0]
    within = True
    print('%d hosts:' % count)
    for row in figures:
        wall_ratio = row['wall'] / floor['wall']
        cpu_ratio = row['per_task'] / floor['per_task']
        within = within and (row is floor or (wall_ratio <= TARGET_RATIO and cpu_ratio <= TARGET_RATIO))
        runs = ' (runs: %s)' % ', '.join('%.2f' % wall for wall in row['walls']) if len(row['walls']) > 1 else ''
        print('  %-42s ok %5d/%d changed %d  wall %7.2f s  CPU/host-task %.4f s  peak RSS %4.0f MiB  '
              'ratio wall %.2fx  CPU %.2fx%s'
              % (LABELS[row['name']], row['ok'], count, row['changed'], row['wall'], row['per_task'], row['peak'],
                 wall_ratio, cpu_ratio, runs))
        if 'fork_per_task' in row:
            print('  %-42s controller CPU/host-task %.4f s (workers %.4f s), fork %.2f ms/host-task, '
                  'GC %.2f s (%d full passes), page faults/host-task %.0f controller, %.0f worker'
                  % ('', row['controller_per_task'], row['per_task'] - row['controller_per_task'],
                     row['fork_per_task'] * 1000, row['gc_seconds'], row['gc_full'],
                     row['faults_per_task'], row['worker_faults_per_task']))
    return within


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--counts', default='1000', help='comma-separated host counts, e.g. 1000,10000')
    parser.add_argument('--forks', type=int, default=20)
    parser.add_argument('--first-address', default='127.3.0.1')
    parser.add_argument('--port', type=int, default=4028)
    parser.add_argument('--tasks', default='debug,facts,power',
                        help='which of %s (debug is required)' % ','.join(TASKS))
    parser.add_argument('--runs', type=int, default=1, help='run the tasks in turn this many times; medians compared')
    parser.add_argument('--api-version', choices=('v2',), default=None,
                        help='set whatsminer_api_version in the inventory, as the discovery inventory does '
                             '(default: unset, so each host-task probes the v3 port first)')
    parser.add_argument('--no-inject-facts', action='store_true',
                        help='ANSIBLE_INJECT_FACTS_AS_VARS=false: Ansible then skips clean_facts for every facts result')
    parser.add_argument('--controller-probe', action='store_true',
                        help="also print the controller's own CPU, fork() time and garbage collections per run")
    args = parser.parse_args()
    counts = [int(count) for count in args.counts.split(',')]
    names = [name for name in TASKS if name in args.tasks.split(',')]
    unknown = sorted(set(args.tasks.split(',')) - set(TASKS))
    if unknown:
        parser.error('unknown task(s): %s' % ', '.join(unknown))
    if not names or names[0] != 'debug':
        parser.error('the debug floor must be measured: --tasks must include debug')
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < max(counts) + 1024:
        parser.error('ulimit -n is %d: the simulator needs one listening socket per miner (%d)' % (soft, max(counts)))

    workdir = tempfile.mkdtemp(prefix='bench-tasks-')
    env = environment(args.forks)
    if args.no_inject_facts:
        env['ANSIBLE_INJECT_FACTS_AS_VARS'] = 'false'
    print('fleet: %d simulated miners from %s, port %d (simulator in its own process); forks %d; load average %s'
          % (max(counts), args.first_address, args.port, args.forks, ' '.join('%.2f' % v for v in os.getloadavg())))
    print('whatsminer_api_version: %s; inject_facts_as_vars: %s'
          % (args.api_version or 'unset (a v3 probe per host-task)', 'false' if args.no_inject_facts else 'default (true)'))
    passed = True
    with sim_process(args.first_address, max(counts), args.port):
        for count in counts:
            inventory = os.path.join(workdir, 'hosts-%d.yml' % count)
            write_inventory(inventory, args.first_address, count, args.port, args.api_version)
            runs = dict((name, []) for name in names)
            for _run in range(args.runs):
                for name in names:
                    row, good = run_playbook(workdir, inventory, name, count, env, args.controller_probe)
                    passed = passed and good
                    runs[name].append(row)
            passed = report(count, [median_row(runs[name]) for name in names]) and passed
    print('load average at the end: %s' % ' '.join('%.2f' % v for v in os.getloadavg()))
    print('target: every ratio <= %.1fx and every host ok and unchanged: %s' % (TARGET_RATIO, passed))
    return 0 if passed else 1


if __name__ == '__main__':
    sys.exit(main())
