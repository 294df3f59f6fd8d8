# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scan on more than one core: contiguous slices of the address list, each in its own process.

A scan is CPU-bound in one Python thread (connections, parsing, building facts), so a
controller with cores to spare finishes a /16 sooner when forked workers each take a
slice. Each worker scans its slice with the same code and the same deadline, then sends
back what it found as ``marshal`` data (plain JSON values only) through a pipe and exits
with ``os._exit``, so nothing of the parent (atexit handlers, buffered output) runs twice.
The calling process scans the first slice itself.

Nothing is lost to a worker that dies: the caller scans that slice again itself, in the
time the scan has left. A worker that is still running ``grace`` seconds after the
scan's deadline is killed and its slice counted as not scanned, so the deadline holds.

No worker outlives the process that forked it: a cancelled AWX job SIGTERMs the controller,
which dies without running any ``finally``, and its workers went on scanning (hundreds of
connections each) until their own deadline. On Linux the kernel kills each worker with its
parent (``PR_SET_PDEATHSIG``); elsewhere, or if that call fails, a thread of the worker
watches for the parent to change and ends the worker (:func:`_die_with_parent`).
"""

from __future__ import annotations

import marshal
import os
import select
import signal
import sys
import threading
import time
import typing as t

try:
    import ctypes
except ImportError:  # a Python built without ctypes: the parent watch thread does it
    ctypes = None

#: below this many addresses per worker, forking costs more than it saves
MIN_ADDRESSES_PER_WORKER = 1024
MAX_WORKERS = 8
#: automatic sharing only from this many usable cores: on 2 cores (shared with the simulated
#: miners) two processes measured no faster than one (benchmarks/README.md, "Fleet scale")
MIN_CORES_AUTOMATIC = 4
#: how long after the scan's deadline a worker may take to hand its results over
GRACE_SECONDS = 5.0
_READ_CHUNK = 1 << 20
#: what :func:`run` gives for the part of a worker killed past the deadline
DEADLINE = 'deadline'
#: prctl(2) option: the signal a process gets when the thread that forked it ends
PR_SET_PDEATHSIG = 1
#: how often a worker without PR_SET_PDEATHSIG looks whether its parent is still there
PARENT_POLL_SECONDS = 0.25


#: where a container's CPU quota is (cgroup v2, then v1): quota and period in microseconds
CPU_QUOTA_FILES = (('/sys/fs/cgroup/cpu.max', None),
                   ('/sys/fs/cgroup/cpu/cpu.cfs_quota_us', '/sys/fs/cgroup/cpu/cpu.cfs_period_us'))


def _read_words(path: str) -> list[str]:
    try:
        with open(path, encoding='ascii') as stream:
            return stream.read(256).split()
    except (OSError, ValueError):
        return []


def cpu_quota() -> int | None:
    """The CPUs a container's quota allows (rounded up), or None without a quota.

    An AWX/AAP execution pod sees every core of its node in its affinity mask while its
    quota may allow two; forking one worker per visible core there would only slow it.
    """
    for quota_path, period_path in CPU_QUOTA_FILES:
        words = _read_words(quota_path)
        if period_path is not None:
            words = words[:1] + _read_words(period_path)[:1]
        if len(words) < 2 or words[0] == 'max':
            continue
        try:
            quota, period = int(words[0]), int(words[1])
        except ValueError:
            continue
        if quota > 0 and period > 0:
            return max(1, -(-quota // period))
    return None


def usable_cores() -> int:
    """Cores this process may run on: its affinity mask, capped by a container's CPU quota."""
    if hasattr(os, 'sched_getaffinity'):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    quota = cpu_quota()
    return max(1, min(cores, quota) if quota else cores)


def worker_count(setting, total) -> int:
    """Processes for ``total`` addresses: ``setting`` 0 (automatic) means one per usable core on a
    controller with at least ``MIN_CORES_AUTOMATIC``, at most ``MAX_WORKERS``, and only with
    ``MIN_ADDRESSES_PER_WORKER`` addresses for each."""
    if not hasattr(os, 'fork') or total < 2:
        return 1
    if setting:
        return max(1, min(int(setting), MAX_WORKERS, total))
    cores = usable_cores()
    if cores < MIN_CORES_AUTOMATIC:
        return 1
    return max(1, min(cores, MAX_WORKERS, total // MIN_ADDRESSES_PER_WORKER))


def slices(items, count):
    """``items`` cut into ``count`` contiguous parts of nearly equal size, in order."""
    size, extra = divmod(len(items), count)
    parts, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        parts.append(items[start:end])
        start = end
    return parts


class _Worker:
    __slots__ = ('pid', 'fd', 'part', 'chunks')

    def __init__(self, pid, fd, part):
        self.pid = pid
        self.fd = fd
        self.part = part
        self.chunks = []


_PRCTL: t.List[t.Any] = []


def _prctl() -> t.Any:
    """libc's ``prctl`` through ctypes (Linux only), or None; looked up once, in the parent, before forking."""
    if not _PRCTL:
        function = None
        if ctypes is not None and sys.platform.startswith('linux'):
            try:
                function = ctypes.CDLL(None, use_errno=True).prctl
                function.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
                function.restype = ctypes.c_int
            except (OSError, AttributeError, TypeError):
                function = None
        _PRCTL.append(function)
    return _PRCTL[0]


def _set_parent_death_signal() -> bool:
    """In a worker: have the kernel SIGKILL it when its parent dies. False where that is not possible."""
    prctl = _prctl()
    if prctl is None:
        return False
    try:
        return prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, TypeError, ValueError, ctypes.ArgumentError):
        return False


def _watch_parent(parent: int, interval: float = PARENT_POLL_SECONDS) -> threading.Thread:
    """In a worker: a thread that ends the process once ``parent`` is no longer its parent.

    A thread, not a check in the scan's loop: one step of the loop can take a whole reply's
    parse, and a worker blocked writing its results to a pipe nobody reads would never loop.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)  # pylint: disable=protected-access

    thread = threading.Thread(target=watch, name='whatsminer-scan-parent-watch', daemon=True)
    thread.start()
    return thread


def _die_with_parent(parent: int) -> None:
    """In a worker, first thing: never outlive ``parent`` (the controller; SIGTERM, SIGKILL, a crash)."""
    if not _set_parent_death_signal():
        _watch_parent(parent)
    if os.getppid() != parent:     # it died before the worker was set up to follow it
        os._exit(1)  # pylint: disable=protected-access


def _start(part, scan_part):
    _prctl()
    parent = os.getpid()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:    # the worker: scan, hand the plain results over, leave at once
        code = 1
        try:
            os.close(read_fd)
            _die_with_parent(parent)
            data = memoryview(marshal.dumps(scan_part(part)))
            while data:
                data = data[os.write(write_fd, data):]
            code = 0
        finally:
            os._exit(code)  # pylint: disable=protected-access
    os.close(write_fd)
    return _Worker(pid, read_fd, part)


def _collect(worker, deadline):
    """The worker's results, or None when it failed; it is killed if still running at ``deadline``."""
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _writable, _failed = select.select([worker.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(worker.fd, _READ_CHUNK)
            if not chunk:
                break
            worker.chunks.append(chunk)
    finally:
        os.close(worker.fd)
        if timed_out:
            _kill(worker.pid)
    status = _reap(worker.pid)
    if timed_out:
        return DEADLINE
    if status != 0:
        return None
    try:
        return marshal.loads(b''.join(worker.chunks))
    except (EOFError, ValueError, TypeError):
        return None


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _reap(pid):
    try:
        _pid, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status


def run(parts, scan_part, scan_timeout, grace=None):
    """``scan_part(part, timeout)`` for every part, the first here and the rest in forked workers.

    Returns one entry per part, in order: ``scan_part``'s plain result, or :data:`DEADLINE` for
    a worker killed past the deadline. A worker that failed is replaced by a scan of its part
    here, in the time the scan has left (none left: its addresses come back unscanned).
    ``scan_part`` must return marshal-able data.
    """
    end = time.monotonic() + scan_timeout
    grace = GRACE_SECONDS if grace is None else grace
    workers = []
    try:
        for part in parts[1:]:
            workers.append(_start(part, lambda part: scan_part(part, scan_timeout)))
        results = [scan_part(parts[0], scan_timeout)]
        for worker in workers:
            outcome = _collect(worker, end + grace)
            if outcome is None:
                outcome = scan_part(worker.part, max(0.0, end - time.monotonic()))
            results.append(outcome)
            worker.pid = None
        return results
    finally:
        for worker in workers:
            if worker.pid is not None:      # interrupted (KeyboardInterrupt): no worker outlives the scan
                _kill(worker.pid)
                _reap(worker.pid)
