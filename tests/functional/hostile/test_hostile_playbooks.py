# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 12's seven reproductions, kept as regression runs of ``ansible-playbook`` and
``ansible-inventory`` against simulated hostile miners (127.0.90.x modules, 127.0.92.x
discovery, port 14090).

Each case was a stall of minutes, a crash, a leaked secret or a lost result; each must
now end within its deadline with a clear, secret-free result. The simulator's faults
(``escape_bomb``, ``deep_nesting``, ``echo``, ``huge_length``, ``slow_drain``,
``trickle``) put the hostile bytes on a real socket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import collection_path
from whatsminer_sim import firmware_image as fw

PORT = 14090
FAST = dict(port=PORT, idle_timeout=5.0, reboot_seconds=0.3, restart_seconds=0.2)
ADMIN = 'Adm1n-Hostile-5'
POOL_SECRET = 'PoolSecret-Straddle-77'
BIN = os.path.dirname(sys.executable)


def worker_index():
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    return int(worker[2:]) % 6 if worker[2:].isdigit() else 0


def first_address(offset=0, block=90):
    """127.0.<block>.x, a range of 40 addresses per pytest-xdist worker."""
    return '127.0.%d.%d' % (block, 1 + 40 * worker_index() + offset)


def start(sim_fleet, offset, *faults, count=1, **options):
    settings = dict(FAST, password=ADMIN, faults=list(faults))
    settings.update(options)
    return sim_fleet(first_address(offset), count, **settings)


def play(tasks, **connection):
    # the password from a host variable: ansible-core quotes the playbook's source lines around a failed task
    defaults = dict(host='{{ ansible_host }}', port=PORT, timeout=3, api_version='v2', password='{{ whatsminer_password }}')
    defaults.update(connection)
    return [dict(name='Hostile', hosts='all', gather_facts=False,
                 module_defaults={'group/minerops.whatsminer.whatsminer': defaults}, tasks=tasks)]


def task(module, name, **args):
    return {'name': name, 'minerops.whatsminer.%s' % module: args}


def writes(count):
    """``count`` write tasks to one miner, each in its own worker fork; a failure does not end the play."""
    return [dict(task('whatsminer_command', 'Write %d' % index, command='set_hostname', params=dict(hostname='h%d' % index)),
                 ignore_errors=True) for index in range(count)]


def hosts_of(*fleets):
    return dict(('m%d' % index, dict(ansible_host=miner.address, whatsminer_password=ADMIN))
                for index, miner in enumerate(miner for fleet in fleets for miner in fleet.miners))


def timed(run_playbook, *args, **kwargs):
    started = time.monotonic()
    run = run_playbook(*args, **kwargs)
    return run, time.monotonic() - started


def clear_failure(record, address):
    """Failed, naming the host, with neither a traceback nor a Python exception's own text."""
    assert record.failed, record
    assert record.msg.startswith(address), record.msg
    for word in ('Traceback', 'RecursionError', 'maximum recursion', 'ValueError', 'MODULE FAILURE'):
        assert word not in record.msg, record.msg


# -- case 1: one reply of megabytes of escapes must cost a parse, not minutes -------------

def test_case1_an_escape_bomb_costs_a_linear_parse_and_is_cut_in_the_result(sim_fleet, run_playbook):
    bomb = start(sim_fleet, 0, 'escape_bomb=3.5')
    healthy = start(sim_fleet, 1)
    tasks = [task('whatsminer_facts', 'Facts'),
             task('whatsminer_command', 'Summary', command='summary')]
    run, seconds = timed(run_playbook, play(tasks), hosts=hosts_of(bomb, healthy))
    # before the fix, one 4 MiB reply took 113 s of CPU; facts read several of them here
    assert seconds < 30, run.describe()
    for host in ('m0', 'm1'):
        facts = run.result(host, 'Facts')
        assert not facts.failed, facts
        assert facts.result['ansible_facts']['whatsminer']['mining']['hashrate_ths'] > 0
    summary = run.result('m0', 'Summary')
    assert not summary.failed, summary
    assert 'reply.Pad' in summary.result['truncated']
    assert summary.result['reply']['Pad'].endswith('more characters]')
    assert len(json.dumps(summary.result)) < 300000                 # not the 3.5 MiB reply, three times
    assert any('the result was cut' in warning for warning in summary.result['warnings'])
    assert 'truncated' not in run.result('m1', 'Summary').result


def test_case1_a_bomb_host_does_not_slow_the_discovery_of_the_others(sim_fleet, tmp_path):
    fleet = sim_fleet(first_address(0, block=92), 30, faults=['escape_bomb=3.5@%s' % first_address(7, block=92)],
                      **FAST)
    started = time.monotonic()
    completed = inventory(tmp_path, first_address(0, block=92), first_address(39, block=92), timeout=3)
    seconds = time.monotonic() - started
    hostvars = json.loads(completed.stdout)['_meta']['hostvars']
    assert sorted(hostvars) == sorted(fleet.addresses)                # all 30, the bomb host too
    assert seconds < 20, completed.stderr


# -- case 2: scan_timeout is a hard bound, and says what it skipped -------------------------

def test_case2_scan_timeout_bounds_discovery_of_trickling_miners(sim_fleet, tmp_path):
    trickling = sim_fleet(first_address(10, block=92), 4, faults=['trickle=60'], **FAST)
    healthy = sim_fleet(first_address(20, block=92), 2, **FAST)
    scan_started = time.monotonic()
    completed = inventory(tmp_path, first_address(10, block=92), first_address(21, block=92), timeout=30, scan_timeout=2.0)
    seconds = time.monotonic() - scan_started
    hostvars = json.loads(completed.stdout)['_meta']['hostvars']
    assert sorted(hostvars) == sorted(healthy.addresses)
    assert 'not scanned' in completed.stderr or 'unscanned' in completed.stderr, completed.stderr
    for address in trickling.addresses:
        assert address in completed.stderr
    assert seconds < 2.0 + 6.0   # the bound plus ansible-inventory's own start-up


def test_case2_a_trickling_miner_costs_the_facts_task_one_timeout_not_one_per_read(sim_fleet, run_playbook):
    # each reply takes 30 s, a few bytes at a time: every read would time out with some bytes in hand
    fleet = start(sim_fleet, 10, 'trickle=30')
    run, seconds = timed(run_playbook, play([task('whatsminer_facts', 'Facts')], timeout=2), hosts=hosts_of(fleet))
    record = run.result('m0', 'Facts')
    clear_failure(record, fleet.miners[0].address)
    assert 'no complete reply within 2.0 s' in record.msg, record.msg
    assert seconds < 2.0 * 2 + 6.0, seconds    # one timeout (six before) and ansible-playbook's start-up


# -- case 3: a miner that reads an upload slowly cannot stretch it without limit -------------

def test_case3_a_slowly_drained_upload_ends_at_its_size_deadline_as_unknown(sim_fleet, run_playbook, tmp_path):
    # 48 KiB/s: each pause (one 64 KiB buffer) is shorter than the 3 s timeout, so only the overall deadline,
    # 16 s for 2 MiB at the documented 128 KiB/s floor, can stop it; the whole upload would take about 40 s
    fleet = start(sim_fleet, 2, 'slow_drain=49152')
    miner = fleet.miners[0]
    image = tmp_path / 'fw.bin'
    image.write_bytes(fw.build_single('20990101.18.Rel', size=2 * 1024 * 1024))
    tasks = [task('whatsminer_firmware', 'Upgrade', src=str(image), version='20990101.18.Rel',
                  wait_timeout=2, poll_interval=0.2)]
    run, seconds = timed(run_playbook, play(tasks), hosts=hosts_of(fleet))
    record = run.result('m0', 'Upgrade')
    clear_failure(record, miner.address)
    assert record.result['outcome'] == 'unknown'
    assert 'did not finish within 16.0 s' in record.msg, record.msg
    assert 16 <= record.result['upload_seconds'] < 17.5
    assert seconds < 16 + 2 + 12, run.describe()
    assert miner.state.firmware != '20990101.18.Rel'
    assert not miner.uploads


# -- case 4: a number of 5000 digits is the library's error, not Python's ---------------------

def test_case4_a_5000_digit_logfilelen_is_a_clear_error(sim_fleet, run_playbook, tmp_path):
    fleet = start(sim_fleet, 3, 'huge_length')
    tasks = [task('whatsminer_logs', 'Logs', dest=str(tmp_path / 'logs'))]
    run = run_playbook(play(tasks), hosts=hosts_of(fleet))
    record = run.result('m0', 'Logs')
    clear_failure(record, fleet.addresses[0])
    assert 'logfilelen' in record.msg
    assert not any(name.endswith('.tgz') or name.endswith('.tar.gz')
                   for _root, _dirs, names in os.walk(tmp_path) for name in names)


# -- case 5: a miner that echoes the decrypted request leaks nothing --------------------------

def test_case5_an_echoing_miner_leaks_no_token_sign_and_no_password_prefix(sim_fleet, run_playbook):
    fleet = start(sim_fleet, 4, 'echo')
    miner = fleet.miners[0]
    pools = [dict(url='stratum+tcp://pool.example.org:3333', user='farm.w1', password='{{ pool_secret }}')]
    tasks = [dict(task('whatsminer_pools', 'Pools', pools=pools), ignore_errors=True),
             task('whatsminer_command', 'Raw', command='set_hostname', params=dict(hostname='x'))]
    run = run_playbook(play(tasks), hosts=hosts_of(fleet), verbosity=3, extra_vars=dict(pool_secret=POOL_SECRET))
    for name in ('Pools', 'Raw'):
        clear_failure(run.result('m0', name), miner.address)
    assert 'invalid request' in run.result('m0', 'Raw').msg             # the miner's words do come through
    signs = miner.tokens.signs()
    assert signs
    for secret in signs + [ADMIN, POOL_SECRET, POOL_SECRET[:8]]:
        assert secret not in run.output, secret
        for record in run.records:
            assert secret not in json.dumps(record.result), (secret, record)
    assert miner.write_log == []


# -- case 6: deeply nested valid JSON is refused clearly, and the output is kept --------------

def test_case6_deeply_nested_replies_fail_clearly_and_keep_the_output(sim_fleet, run_playbook):
    deep = start(sim_fleet, 5, 'deep_nesting=500')
    medium = start(sim_fleet, 6, 'deep_nesting=300')
    tasks = [dict(task('whatsminer_command', 'Summary', command='summary'), ignore_errors=True),
             task('whatsminer_facts', 'Facts')]
    run = run_playbook(play(tasks), hosts=hosts_of(deep, medium))
    for host, fleet in (('m0', deep), ('m1', medium)):
        for name in ('Summary', 'Facts'):
            record = run.result(host, name)
            clear_failure(record, fleet.addresses[0])
            assert 'nesting deeper than 64 levels' in record.msg, record.msg


# -- case 7: many write tasks, and a re-run, stay within the miner's 32 tokens -----------------

def test_case7_forty_write_tasks_run_twice_never_exhaust_the_tokens(sim_fleet, run_playbook, tmp_path):
    fleet = start(sim_fleet, 8)
    miner = fleet.miners[0]
    tasks = writes(40)
    env = dict(MINEROPS_WHATSMINER_TOKEN_CACHE=str(tmp_path / 'tokens'))
    for _run in (1, 2):
        run = run_playbook(play(tasks), hosts=hosts_of(fleet), env=env)
        assert [record for record in run.records if record.failed] == [], run.describe()
    assert len(miner.write_log) == 80
    assert len(miner.tokens.signs()) == 1


def test_case7_without_the_store_the_old_failure_shows(sim_fleet, run_playbook):
    fleet = start(sim_fleet, 9)
    tasks = writes(40)
    run = run_playbook(play(tasks), hosts=hosts_of(fleet), env=dict(MINEROPS_WHATSMINER_TOKEN_CACHE='off'))
    failed = [record for record in run.records if record.failed]
    assert len(failed) == 8, run.describe()
    assert {record.result.get('error') for record in failed} == {'TokenLimitReached'}


def inventory(tmp_path, first, last, **options):
    """``ansible-inventory --list`` over one discovery source for the range first-last (API v2, on PORT)."""
    config = tmp_path / 'farm.whatsminer.yml'
    settings = ''.join('%s: %s\n' % item for item in sorted(options.items()))
    config.write_text('plugin: minerops.whatsminer.whatsminer\nport: %d\napi_version: v2\nconnect_timeout: 0.5\n'
                      '%snetworks: [%s-%s]\n' % (PORT, settings, first, last))
    env = dict(os.environ)
    env['ANSIBLE_COLLECTIONS_PATH'] = collection_path.collections_root()
    env['ANSIBLE_LOCAL_TEMP'] = str(tmp_path / 'tmp')
    env['ANSIBLE_INVENTORY_UNPARSED_FAILED'] = 'true'
    env.pop('ANSIBLE_CONFIG', None)
    completed = subprocess.run([os.path.join(BIN, 'ansible-inventory'), '-i', str(config), '--list'],
                               capture_output=True, text=True, env=env, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed
