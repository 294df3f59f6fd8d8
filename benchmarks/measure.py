# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a command the benchmarks time: its wall time and the CPU of it and all its children.

``getrusage(RUSAGE_CHILDREN)`` around the command counts ``ansible-playbook`` and every
worker it forked, which is the controller's whole cost of a play.
"""

from __future__ import annotations

import resource
import subprocess
import time


def timed_run(command, env, timeout):
    """``(completed, wall seconds, CPU seconds)`` of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return completed, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
