# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which API a miner speaks, found by asking it (never by its firmware date).

Firmware from about mid-2024 on answers API v3 on its own port and keeps a reduced,
read-mostly v2 on 4028, so a v2-first probe would mistake every current miner for a
v2 one: the v3 port is asked first, with a bounded wait, and a miner that does not
answer there is a v2 miner. Each backend says for itself whether a miner answers it
(``speaks``); this module only orders them and remembers the answer for the process.
A port that took the connection and then said nothing or broke off is neither answer:
it is asked once more. If it stays unsure, its API serves this task and is not
remembered: something took the connection on that API's port, which on a miner is that
API (a v3 miner busy with its ten clients, or btminer restarting), so the task's own
request gives the real error, or succeeds once the miner is free. Falling back to v2
there would send v2 requests to a v3 miner's reduced v2 and report it as a v2 miner.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

#: the longest a probe may wait on one port (pyasic PR #422: 1 s was too short for v3 units)
MAX_PROBE_SECONDS = 5.0

_lock = threading.Lock()
_known: dict[tuple[str, int, int], str] = {}


def detect(host: str, ports: dict[str, int], timeout: float,
           probes: Sequence[tuple[str, Callable[..., bool | None]]]) -> str:
    """The first API in ``probes`` (``[(version, speaks)]``) the miner answers, else the last one.

    ``speaks(host, port, timeout)`` is True when the miner answers that API, False when it
    surely does not, None when it cannot tell (asked once more; still None: that API, for
    this call only). The last entry is the fallback: it is returned without asking when the
    others surely do not answer, so a miner that is down fails later with the real error of
    the real request. A firmware upload can change the API: the firmware logic forgets the
    host afterwards.
    """
    key = (host, ports.get('v2', 0), ports.get('v3', 0))
    with _lock:
        known = _known.get(key)
    if known is not None:
        return known
    wait = min(timeout, MAX_PROBE_SECONDS)
    found = probes[-1][0]
    sure = True
    for version, speaks in probes[:-1]:
        answer = speaks(host, ports[version], wait)
        if answer is None:
            answer = speaks(host, ports[version], wait)
        if answer or answer is None:
            found = version
            sure = answer is not None
            break
    if sure:
        with _lock:
            _known[key] = found
    return found


def forget(host: str | None = None) -> None:
    """Drop what was learnt (all miners, or one host): after a firmware change, in tests."""
    with _lock:
        for key in [key for key in _known if host is None or key[0] == host]:
            del _known[key]
