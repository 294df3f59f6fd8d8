# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTML fleet report at scale: size of the page and time to render it for N miners.

The page's lists are capped (``fleet_report_html_rows``, 200), so its size should not grow
with the fleet; what grows is the render, one pass over the rows in Jinja. Rows are built
the way ``fleet_report_rows.j2`` builds them (a mix of models, pools, temperatures, some
miners not mining, with errors or not read), written to a JSON file, and rendered with
the real template by ``ansible-playbook`` (``ansible.builtin.template`` on localhost), so
the figure is what the playbook pays. Target: the page stays under 150 KB at 10,000 miners.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tools'))

import collection_path  # noqa: E402  pylint: disable=wrong-import-position

TARGET_BYTES = 150 * 1024
MODELS = (('M30S+VE40', 86.0, 3400), ('M50VH50', 118.0, 3306), ('M53VH30', 226.0, 6554), ('M30S++VH30', 106.0, 3472))


def rows_for(count, seed=7):
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        address = '10.%d.%d.%d' % (index // 65536, (index // 256) % 256, index % 256)
        if rng.random() < 0.01:
            rows.append(dict(host=address, address=address, model=None, firmware=None, hashrate_ths=None, power_w=None,
                             temp_env_c=None, chip_temp_max_c=None, pool=None, errors='not read: connection refused',
                             mining=None, efficiency_j_per_th=None, read=False))
            continue
        model, ths, watts = MODELS[index % len(MODELS)]
        mining = rng.random() > 0.03
        errors = '329 control board temperature sensor cannot be read' if rng.random() < 0.02 else ''
        rows.append(dict(host=address, address=address, model=model, firmware='20240508.18.Rel',
                         hashrate_ths=round(ths * rng.uniform(0.9, 1.05), 2) if mining else 0.0,
                         power_w=float(watts) if mining else 0.0, temp_env_c=round(rng.uniform(20, 38), 1),
                         chip_temp_max_c=round(rng.gauss(76, 6), 1), pool='stratum+tcp://pool%d.example.org:3333' % (index % 7),
                         errors=errors, mining=mining, efficiency_j_per_th=round(watts / ths, 1), read=True))
    return rows


def render(count, workdir):
    rows_path = os.path.join(workdir, 'rows-%d.json' % count)
    with open(rows_path, 'w', encoding='utf-8') as stream:
        json.dump(rows_for(count), stream)
    html = os.path.join(workdir, 'report-%d.html' % count)
    play = [dict(name='Render', hosts='localhost', connection='local', gather_facts=False, tasks=[dict(
        name='Render the page', **{'ansible.builtin.template': dict(
            src=os.path.join(REPO, 'playbooks', 'templates', 'fleet_report.html.j2'), dest=html, mode='0644')},
        vars=dict(fleet_report_rows="{{ lookup('ansible.builtin.file', '%s') | from_json }}" % rows_path))])]
    playbook = os.path.join(workdir, 'render.yml')
    with open(playbook, 'w', encoding='utf-8') as stream:
        json.dump(play, stream)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_path.collections_root(),
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    started = time.monotonic()
    completed = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), playbook],
                               capture_output=True, text=True, env=env, check=False, cwd=workdir)
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit(completed.stdout + completed.stderr)
    return os.path.getsize(html), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--counts', default='100,1000,10000', help='fleet sizes, comma-separated')
    args = parser.parse_args()
    missed = False
    with tempfile.TemporaryDirectory() as workdir:
        print('%8s %10s %10s' % ('miners', 'bytes', 'seconds'))
        for count in [int(item) for item in args.counts.split(',')]:
            size, seconds = render(count, workdir)
            missed |= size > TARGET_BYTES
            print('%8d %10d %10.2f' % (count, size, seconds))
    print('target: page under %d bytes at every size: %s' % (TARGET_BYTES, 'missed' if missed else 'met'))
    return 1 if missed else 0


if __name__ == '__main__':
    sys.exit(main())
