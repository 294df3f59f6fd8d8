# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 12, case 7: tokens shared across tasks and runs, against a miner that keeps 32 tokens per client IP.

Every write runs in its own forked process, ten at a time, the way Ansible runs tasks in
forked workers, and each play in a controller process of its own; each task builds a ``WhatsminerClient`` with the default token cache, which the
environment variable ``MINEROPS_WHATSMINER_TOKEN_CACHE`` points at a private directory
(or switches off, to show the failure the store prevents). Addresses: 127.0.89.x.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from client_rig import PASSWORD, client_address, worker_base

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import tokenstore

PORT = 14189
FORKS = 10
TASKS = 100
TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))), 'tools')

#: One "play": a controller process that imports the collection once and then, like Ansible's
#: worker pool, forks one process per task, ``forks`` at a time; each child builds its own client
#: and sends one write. Prints one JSON outcome per task.
PLAY = r'''
import json, os, sys
tools, address, port, password, tasks, forks = sys.argv[1:7]
sys.path.insert(0, tools)
import collection_path
collection_path.ensure_importable()
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError


def task(out):
    client = WhatsminerClient(address, port=int(port), password=password, timeout=5.0)
    try:
        client.write('adjust_upfreq_speed', upfreq_speed=3)
        outcome = dict(ok=True)
    except WhatsminerError as exc:
        outcome = dict(ok=False, error=type(exc).__name__, text=str(exc))
    os.write(out, (json.dumps(outcome) + '\n').encode())


running, outcomes = {}, []
def reap():
    pid, _status = os.wait()
    with os.fdopen(running.pop(pid), 'rb') as stream:
        outcomes.append(stream.read().decode() or json.dumps(dict(ok=False, error='crashed', text='')))
for _index in range(int(tasks)):
    while len(running) >= int(forks):
        reap()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            task(write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    running[pid] = read_end
while running:
    reap()
sys.stdout.write(''.join(outcomes))
'''


def run_play(address, setting, tasks=TASKS):
    """One play of ``tasks`` write tasks to one miner, each in its own forked process -> outcomes."""
    env = dict(os.environ)
    env[tokenstore.SETTING_ENV] = setting
    done = subprocess.run([sys.executable, '-c', PLAY, TOOLS, address, str(PORT), PASSWORD, str(tasks), str(FORKS)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    outcomes = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(outcomes) == tasks, done.stdout + done.stderr
    return outcomes


def start_miner(sim_fleet, offset):
    fleet = sim_fleet('127.0.89.%d' % (worker_base() + offset), count=1, port=PORT, password=PASSWORD, idle_timeout=5.0)
    address = fleet.addresses[0]
    return fleet, fleet.miner(address), client_address(address, PORT)


def failures(outcomes):
    return [outcome for outcome in outcomes if not outcome['ok']]


def test_a_100_task_play_run_twice_never_hits_the_token_limit(sim_fleet, tmp_path):
    fleet, miner, source = start_miner(sim_fleet, 0)
    store = str(tmp_path / 'tokens')
    first = run_play(fleet.addresses[0], store)
    assert failures(first) == []
    second = run_play(fleet.addresses[0], store)               # the immediate re-run
    assert failures(second) == []
    assert miner.tokens.live_count(source, fleet.clock.now()) == 1   # one get_token for 200 tasks in 200 processes
    assert len([entry for entry in miner.write_log if 'upfreq' in str(entry)]) == 2 * TASKS   # every write arrived
    assert sorted(os.listdir(store)) and all(not name.startswith('.tmp-') for name in os.listdir(store))
    for name in os.listdir(store):
        assert PASSWORD not in open(os.path.join(store, name), encoding='utf-8').read()


def test_a_token_the_miner_forgot_is_replaced_once_for_every_process(sim_fleet, tmp_path):
    fleet, miner, source = start_miner(sim_fleet, 1)
    store = str(tmp_path / 'tokens')
    assert failures(run_play(fleet.addresses[0], store, tasks=20)) == []
    miner.tokens.clear()                                        # e.g. the control board restarted: Code 135
    assert failures(run_play(fleet.addresses[0], store, tasks=40)) == []
    assert miner.tokens.live_count(source, fleet.clock.now()) <= 2


def test_with_the_store_switched_off_the_old_failure_shows(sim_fleet):
    fleet, miner, source = start_miner(sim_fleet, 2)
    outcomes = run_play(fleet.addresses[0], 'off', tasks=40)
    failed = failures(outcomes)
    assert len(outcomes) - len(failed) == 32                   # the 32 tokens one client IP may hold
    assert {outcome['error'] for outcome in failed} == {'TokenLimitReached'}
    assert all(outcome['text'].startswith('%s:%s: ' % (fleet.addresses[0], PORT)) for outcome in failed)
    assert all(PASSWORD not in outcome['text'] for outcome in failed)
    assert miner.tokens.live_count(source, fleet.clock.now()) == 32


def test_the_store_is_under_the_home_ansible_cfg_names(sim_fleet, run_playbook, tmp_path):
    """``home`` in ansible.cfg, no ANSIBLE_HOME in the environment: the tokens go under that home."""
    fleet, miner, source = start_miner(sim_fleet, 3)
    home = tmp_path / 'cfg-home'
    config = tmp_path / 'ansible.cfg'
    config.write_text('[defaults]\nhome = %s\n' % home, encoding='utf-8')
    play = dict(hosts='all', connection='local', gather_facts=False, tasks=[
        dict(name='Write', **{'minerops.whatsminer.whatsminer_tuning': dict(
            host='{{ ansible_host }}', port=PORT, password=PASSWORD, upfreq_speed=speed)}) for speed in (3, 4)])
    env = {'ANSIBLE_HOME': None, 'ANSIBLE_CONFIG': str(config), tokenstore.SETTING_ENV: None}
    run = run_playbook(play, {'m0': dict(ansible_host=fleet.addresses[0])}, env=env)
    assert run.rc == 0, run.output
    store = home / 'minerops_whatsminer' / 'tokens'
    assert [name for name in os.listdir(store) if name.endswith(tokenstore.SUFFIX)], os.listdir(store)
    assert miner.tokens.live_count(source, fleet.clock.now()) == 1      # the second task read it from there
