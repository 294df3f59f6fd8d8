# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the ``ansible-playbook`` controller itself spends, for ``bench_tasks.py --controller-probe``.

The per host-task figure of a play is the controller and all its forks together; this
splits it. Python imports ``sitecustomize`` at start-up from ``PYTHONPATH``, so the
benchmark puts this directory there and names an output file in
``WHATSMINER_BENCH_PROBE``; every other process started with it (a worker, a module's
interpreter) records nothing. At exit the controller appends one JSON line: its own CPU
(``RUSAGE_SELF``: the serial part every host-task waits for), the time its ``fork()``
calls took (the kernel copies the page tables of the whole controller for each worker,
so this grows with every fact it holds), the time and count of its garbage
collections per generation, and the page faults of the controller and of all its workers.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import resource
import time

_OUTPUT = os.environ.pop('WHATSMINER_BENCH_PROBE', '')
_CONTROLLER = os.getpid()
_figures = {'forks': 0, 'fork_seconds': 0.0, 'gc_passes': [0, 0, 0], 'gc_seconds': [0.0, 0.0, 0.0]}
_started = {'fork': 0.0, 'gc': 0.0}


def _before_fork() -> None:
    _started['fork'] = time.perf_counter()


def _after_fork_in_parent() -> None:
    _figures['forks'] += 1
    _figures['fork_seconds'] += time.perf_counter() - _started['fork']


def _collection(phase: str, info: dict) -> None:
    if os.getpid() != _CONTROLLER:
        return
    if phase == 'start':
        _started['gc'] = time.perf_counter()
        return
    generation = info['generation']
    _figures['gc_passes'][generation] += 1
    _figures['gc_seconds'][generation] += time.perf_counter() - _started['gc']


def _report() -> None:
    if os.getpid() != _CONTROLLER:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _figures['cpu_seconds'] = usage.ru_utime + usage.ru_stime
    _figures['page_faults'] = usage.ru_minflt
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    _figures['worker_page_faults'] = workers.ru_minflt
    with open(_OUTPUT, 'a', encoding='utf-8') as handle:
        handle.write(json.dumps(_figures) + '\n')


if _OUTPUT:
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent)
    gc.callbacks.append(_collection)
    atexit.register(_report)
