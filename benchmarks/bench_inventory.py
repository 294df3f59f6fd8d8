# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Discovery benchmark: the inventory plugin against pyasic on the same simulated fleet.

Starts N simulated miners (default 1000) spread over a /22 (1024 addresses, so some
addresses have nothing on them) in a separate process, then, on that same fleet:

1. runs the inventory plugin with ``facts: basic`` through Ansible's own
   ``InventoryManager`` in a fresh Python process, and times the parse of the source
   (the scan plus building the inventory), and also the whole ``ansible-inventory``
   command;
2. runs pyasic's ``MinerNetwork.scan()`` on the same /22 in pyasic's own virtualenv
   (``PYASIC_PYTHON``), with ``network_scan_semaphore`` set (without it pyasic opens
   every connection at once and finds nothing at this size).

3. then, in the same run, a second fleet of the same size in which every second miner
   runs API v3 firmware (v3 on 4433 and the reduced v2 on 4028, ``--api mixed``), scanned
   by the same plugin with ``api_version: auto``: found counts (v2 and v3) and time.

Prints miners found, wall time, and the ratios. Targets: all found, <= 2 s, faster
than pyasic; the mixed fleet at most 1.2x the v2-only time. pyasic identifies Whatsminers on the fixed port 4028, so the fleet runs
there (on loopback addresses of its own).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tools'))

import collection_path  # noqa: E402  pylint: disable=wrong-import-position
from simfleet import sim_process  # noqa: E402  pylint: disable=wrong-import-position

PLUGIN_RUN = textwrap.dedent('''
    import json, os, sys, time
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader(os.environ["ANSIBLE_COLLECTIONS_PATH"].split(os.pathsep))
    from ansible.parsing.dataloader import DataLoader
    from ansible.inventory.manager import InventoryManager
    started = time.monotonic()
    cpu = time.process_time()
    inventory = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]])
    seconds = time.monotonic() - started
    hosts = inventory.get_hosts()
    apis = {}
    for host in hosts:
        api = host.get_vars().get("whatsminer_api_version")
        apis[api] = apis.get(api, 0) + 1
    print(json.dumps({"found": len(hosts), "seconds": seconds, "cpu": time.process_time() - cpu,
                      "groups": sorted(inventory.groups), "apis": apis}))
''')

PYASIC_RUN = textwrap.dedent('''
    import asyncio, json, sys, time, logging
    logging.disable(logging.CRITICAL)
    from pyasic import settings
    from pyasic.network import MinerNetwork
    settings.update("network_scan_semaphore", int(sys.argv[2]))
    network = MinerNetwork.from_subnet(sys.argv[1])
    started = time.monotonic()
    miners = asyncio.run(network.scan())
    print(json.dumps({"found": len(miners), "seconds": time.monotonic() - started}))
''')


def pyasic_python():
    for candidate in (os.environ.get('PYASIC_PYTHON'), os.path.join(REPO, '.venv-pyasic', 'bin', 'python'),
                      '/tmp/venv-pyasic/bin/python'):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def run_json(command, env=None, timeout=300):
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith('{'):
            return json.loads(line)
    raise RuntimeError('%s failed (rc %s): %s' % (command[0], completed.returncode, completed.stderr[-3000:]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=1000)
    parser.add_argument('--first-address', default='127.1.0.1')
    parser.add_argument('--network', default='127.1.0.0/22')
    parser.add_argument('--port', type=int, default=4028)
    parser.add_argument('--runs', type=int, default=3, help='runs of each scanner; the best is reported')
    parser.add_argument('--concurrency', type=int, default=256)
    parser.add_argument('--pyasic-semaphore', type=int, default=256)
    parser.add_argument('--skip-pyasic', action='store_true')
    parser.add_argument('--mixed-first-address', default='127.1.8.1')
    parser.add_argument('--mixed-network', default='127.1.8.0/22')
    parser.add_argument('--skip-mixed', action='store_true')
    args = parser.parse_args()

    env = dict(os.environ)
    env['ANSIBLE_COLLECTIONS_PATH'] = collection_path.collections_root()
    env.setdefault('ANSIBLE_LOCALHOST_WARNING', 'false')
    env.setdefault('ANSIBLE_INVENTORY_UNPARSED_WARNING', 'false')
    workdir = tempfile.mkdtemp(prefix='bench-inventory-')
    source = os.path.join(workdir, 'bench.whatsminer.yml')
    with open(source, 'w', encoding='utf-8') as handle:
        handle.write(textwrap.dedent('''\
            plugin: minerops.whatsminer.whatsminer
            networks: [%s]
            port: %d
            facts: basic
            concurrency: %d
            timeout: 3.0
            connect_timeout: 1.0
        ''' % (args.network, args.port, args.concurrency)))
    mixed_source = os.path.join(workdir, 'mixed.whatsminer.yml')
    with open(mixed_source, 'w', encoding='utf-8') as handle:
        handle.write(textwrap.dedent('''\
            plugin: minerops.whatsminer.whatsminer
            networks: [%s]
            port: %d
            facts: basic
            api_version: auto
            concurrency: %d
            timeout: 3.0
            connect_timeout: 1.0
        ''' % (args.mixed_network, args.port, args.concurrency)))
    script = os.path.join(workdir, 'plugin_run.py')
    with open(script, 'w', encoding='utf-8') as handle:
        handle.write(PLUGIN_RUN)

    print('fleet: %d simulated miners from %s in %s, port %d (simulator in its own process)'
          % (args.count, args.first_address, args.network, args.port))
    with sim_process(args.first_address, args.count, args.port):
        ours = []
        for _run in range(args.runs):
            ours.append(run_json([sys.executable, script, source], env=env))
        best = min(ours, key=lambda item: item['seconds'])
        started = time.monotonic()
        cli = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i', source,
                              '--list'], capture_output=True, text=True, env=env, timeout=300, check=False)
        cli_seconds = time.monotonic() - started
        cli_hosts = len(json.loads(cli.stdout).get('_meta', {}).get('hostvars', {})) if cli.returncode == 0 else -1
        print('inventory plugin (facts: basic): found %d miners in %.2f s (best of %d: %s); CPU %.2f s'
              % (best['found'], best['seconds'], args.runs, ', '.join('%.2f' % item['seconds'] for item in ours),
                 best['cpu']))
        print('ansible-inventory --list, whole command: %d hosts in %.2f s' % (cli_hosts, cli_seconds))

        python = None if args.skip_pyasic else pyasic_python()
        ratio = None
        if python is None:
            print('pyasic: skipped (set PYASIC_PYTHON to a python with pyasic installed)')
        else:
            theirs = []
            for _run in range(args.runs):
                theirs.append(run_json([python, '-c', PYASIC_RUN, args.network, str(args.pyasic_semaphore)], timeout=600))
            pyasic_best = min(theirs, key=lambda item: item['seconds'])
            print('pyasic MinerNetwork.scan (network_scan_semaphore=%d): found %d miners in %.2f s (best of %d: %s)'
                  % (args.pyasic_semaphore, pyasic_best['found'], pyasic_best['seconds'], args.runs,
                     ', '.join('%.2f' % item['seconds'] for item in theirs)))
            ratio = pyasic_best['seconds'] / best['seconds'] if best['seconds'] else float('inf')
            print('ratio: the inventory plugin is %.1fx faster than pyasic' % ratio)
    ok = best['found'] == args.count and best['seconds'] <= 2.0 and (ratio is None or ratio > 1)
    print('targets: all %d found: %s; <= 2 s: %s; faster than pyasic: %s'
          % (args.count, best['found'] == args.count, best['seconds'] <= 2.0, 'skipped' if ratio is None else ratio > 1))
    if not args.skip_mixed:
        ok = mixed_fleet(args, env, script, mixed_source, best) and ok
    return 0 if ok else 1


def mixed_fleet(args, env, script, source, v2_best):
    """Half the miners on API v3: found counts per API and the time against the v2-only fleet."""
    print('mixed fleet: %d simulated miners from %s in %s, every second one on API v3 (4433 + reduced v2 on %d)'
          % (args.count, args.mixed_first_address, args.mixed_network, args.port))
    with sim_process(args.mixed_first_address, args.count, args.port, extra_args=('--api', 'mixed')):
        runs = [run_json([sys.executable, script, source], env=env) for _run in range(args.runs)]
    best = min(runs, key=lambda item: item['seconds'])
    ratio = best['seconds'] / v2_best['seconds'] if v2_best['seconds'] else float('inf')
    print('inventory plugin (api_version: auto): found %d miners (%d v3, %d v2) in %.2f s (best of %d: %s); CPU %.2f s'
          % (best['found'], best['apis'].get('v3', 0), best['apis'].get('v2', 0), best['seconds'], args.runs,
             ', '.join('%.2f' % item['seconds'] for item in runs), best['cpu']))
    print('ratio: the mixed fleet takes %.2fx the v2-only time (target at most 1.2x)' % ratio)
    expected_v3 = args.count // 2
    ok = best['found'] == args.count and best['apis'].get('v3', 0) == expected_v3 and ratio <= 1.2
    print('targets (mixed): all %d found: %s; %d on v3: %s; <= 1.2x: %s'
          % (args.count, best['found'] == args.count, expected_v3, best['apis'].get('v3', 0) == expected_v3, ratio <= 1.2))
    return ok


if __name__ == '__main__':
    sys.exit(main())
