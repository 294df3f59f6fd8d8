# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a command the benchmarks time: its wall time, the CPU of it and all its children, its peak memory.

The figures are the kernel's, from ``wait4`` on the command: its CPU includes every
worker ``ansible-playbook`` forked and waited for (the controller's whole cost of a
play), and its peak RSS is this run's own. The benchmark's ``RUSAGE_CHILDREN`` would
give the largest peak of every run so far instead.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time


def timed_run(command, env, timeout):
    """``(completed, wall seconds, CPU seconds, peak RSS in MiB)`` of ``command``; killed after ``timeout``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        # pylint: disable-next=consider-using-with
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        expired = threading.Event()

        def expire():
            expired.set()
            process.kill()

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if expired.is_set():
            raise subprocess.TimeoutExpired(command, timeout)
        out.seek(0)
        err.seek(0)
        completed = subprocess.CompletedProcess(command, process.returncode, out.read().decode('utf-8', 'replace'),
                                                err.read().decode('utf-8', 'replace'))
    # Linux gives ru_maxrss in KiB
    return completed, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0
