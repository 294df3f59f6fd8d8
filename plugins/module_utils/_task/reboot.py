# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proof that a miner rebooted and is back: not just that its port answers.

After a firmware upload or a reboot request the port goes down and comes back, but a port
that answers is not yet a rebooted miner (a btminer restart also drops the port for a
moment). The proof is the uptime starting again below what it was; a firmware that does
not report uptime falls back to "the port went down and answers again".
"""

from __future__ import annotations

import time
from typing import Callable, NamedTuple

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import MalformedReply, TransportError


class Back(NamedTuple):
    """``ok``: the miner rebooted and answers; ``seconds`` from the start of the wait; ``went_down``: the port dropped."""

    ok: bool
    seconds: float
    went_down: bool
    uptime: int | None


def wait_for_reboot(read_uptime: Callable[[], int | None], uptime_before: int | None, timeout: float,
                    interval: float, clock: Callable[[], float] = time.monotonic,
                    sleep: Callable[[float], None] = time.sleep) -> Back:
    """Poll ``read_uptime`` until the miner answers with a reset uptime (or, without uptime, after going down).

    Transport errors and replies cut off or garbled (btminer half up) mean "down, not yet
    back"; any other error (wrong password, ...) is raised. The last sleep ends at the
    timeout; a read started before it may take up to its own timeout more.
    """
    started = clock()
    # the boot time the miner had: no later than this (``uptime_before`` was read before the wait)
    booted_before = started - uptime_before if uptime_before is not None else None
    went_down = False
    uptime = None
    while True:
        try:
            uptime = read_uptime()
        except (TransportError, MalformedReply):
            went_down = True
        else:
            if uptime is not None and booted_before is not None:
                # booted again: a boot time more than a second (the uptime's resolution) after the
                # old one; unlike "uptime went down", this also holds for a miner booted minutes ago
                if clock() - uptime > booted_before + 1:
                    return Back(True, clock() - started, went_down, uptime)
            elif went_down:
                return Back(True, clock() - started, went_down, uptime)
        remaining = timeout - (clock() - started)
        if remaining <= 0:
            return Back(False, clock() - started, went_down, uptime)
        sleep(min(interval, remaining))
