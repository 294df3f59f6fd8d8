# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_discovery_workers.run with real forked workers and plain functions (no sockets)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils import _discovery_workers as workers


def test_each_part_is_done_once_by_its_own_process_and_comes_back_in_order():
    parent = os.getpid()

    def scan_part(part, timeout):
        return dict(items=[item * 2 for item in part], pid=os.getpid(), timeout=timeout)

    parts = workers.slices(list(range(10)), 3)
    results = workers.run(parts, scan_part, 7.0)
    assert [result['items'] for result in results] == [[0, 2, 4, 6], [8, 10, 12], [14, 16, 18]]
    assert results[0]['pid'] == parent and len({result['pid'] for result in results}) == 3
    assert [result['timeout'] for result in results] == [7.0, 7.0, 7.0]


def test_a_result_marshal_cannot_carry_makes_the_caller_do_that_part():
    parent = os.getpid()

    def scan_part(part, timeout):
        if os.getpid() != parent:
            return {'bad': object()}          # not plain data: the worker fails to hand it over
        return dict(items=list(part), timeout=timeout)

    results = workers.run([[1], [2], [3]], scan_part, 30.0)
    assert [result['items'] for result in results] == [[1], [2], [3]]
    assert results[0]['timeout'] == 30.0 and 0 < results[1]['timeout'] < 30.0   # what the scan has left


def test_a_worker_that_outlives_the_deadline_is_killed():
    parent = os.getpid()

    def scan_part(part, timeout):
        if os.getpid() != parent:
            time.sleep(60)
        return list(part)

    started = time.monotonic()
    results = workers.run([['a'], ['b']], scan_part, 0.5, grace=0.3)
    assert time.monotonic() - started < 3
    assert results == [['a'], workers.DEADLINE]


def test_a_container_cpu_quota_caps_the_cores(tmp_path, monkeypatch):
    v2 = tmp_path / 'cpu.max'
    quota, period = tmp_path / 'quota', tmp_path / 'period'
    monkeypatch.setattr(workers, 'CPU_QUOTA_FILES', ((str(v2), None), (str(quota), str(period))))
    assert workers.cpu_quota() is None                          # no files: no quota
    v2.write_text('max 100000\n')
    quota.write_text('-1\n')
    period.write_text('100000\n')
    assert workers.cpu_quota() is None                          # unlimited in both forms
    v2.write_text('150000 100000\n')                            # 1.5 CPUs: two processes may run
    assert workers.cpu_quota() == 2
    v2.write_text('garbage\n')
    quota.write_text('300000\n')
    assert workers.cpu_quota() == 3                             # cgroup v1
    monkeypatch.setattr(workers.os, 'sched_getaffinity', lambda _pid: set(range(64)), raising=False)
    assert workers.usable_cores() == 3


# --- no worker outlives its controller (review 4: AWX job cancel) -------------------------------

CONTROLLER = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
import collection_path
collection_path.ensure_importable()
from ansible_collections.minerops.whatsminer.plugins.module_utils import _discovery_workers as workers
if sys.argv[3] == 'watch':           # as where prctl is missing or refused
    workers._set_parent_death_signal = lambda: False
parent = os.getpid()

def scan_part(part, timeout):
    if os.getpid() != parent:
        with open(os.path.join(sys.argv[2], str(os.getpid())), 'w') as stream:
            stream.write('scanning')
    time.sleep(60)                   # a long scan, in the workers and here
    return list(part)

workers.run([['a'], ['b'], ['c']], scan_part, 60.0)
"""


def _alive(pid):
    """Running, and not a zombie left for a reaper (a process that has ended is not scanning)."""
    try:
        with open('/proc/%d/stat' % pid, encoding='ascii') as stream:
            return stream.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


@pytest.mark.parametrize('how', ['pdeathsig', 'watch'])
def test_workers_end_with_a_controller_killed_by_sigterm(tmp_path, how):
    tools = os.path.join(os.path.dirname(__file__), *(['..'] * 4), 'tools')
    controller = subprocess.Popen([sys.executable, '-c', CONTROLLER, os.path.abspath(tools), str(tmp_path), how])
    try:
        until = time.monotonic() + 20
        while len(os.listdir(tmp_path)) < 2 and time.monotonic() < until:
            time.sleep(0.05)
        pids = [int(name) for name in os.listdir(tmp_path)]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
        controller.send_signal(signal.SIGTERM)      # dies at once: no finally of workers.run runs
        assert controller.wait(10) == -signal.SIGTERM
        until = time.monotonic() + 5
        while any(_alive(pid) for pid in pids) and time.monotonic() < until:
            time.sleep(0.05)
        assert not [pid for pid in pids if _alive(pid)], 'workers outlived their controller'
    finally:
        if controller.poll() is None:
            controller.kill()
            controller.wait()
        for name in os.listdir(tmp_path):
            if _alive(int(name)):
                os.kill(int(name), signal.SIGKILL)   # only the workers this test started


def test_the_parent_watch_ends_a_worker_whose_parent_has_gone(monkeypatch):
    exits = []
    parent = os.getppid()
    monkeypatch.setattr(workers.os, 'getppid', lambda: parent + 1)     # reparented: the parent has gone
    monkeypatch.setattr(workers.os, '_exit', exits.append)
    thread = workers._watch_parent(parent, interval=0.01)  # pylint: disable=protected-access
    thread.join(5)
    assert exits == [1] and not thread.is_alive()
