# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which API a miner speaks, found by asking it (never by its firmware date).

Firmware from about mid-2024 on answers API v3 on its own port and keeps a reduced,
read-mostly v2 on 4028, so a v2-first probe would mistake every current miner for a
v2 one: the v3 port is asked first, with a bounded wait, and a miner that does not
answer there is a v2 miner. Each backend says for itself whether a miner answers it
(``speaks``); this module only orders them and remembers the answer for the process.
A port that took the connection and at once closed it or broke off is neither answer:
it is asked once more, within what is left of the same wait. If it stays unsure, its API
serves this task and is not remembered: something took the connection on that API's
port, which on a miner is that API (a v3 miner busy with its ten clients, or btminer
restarting), so the task's own request gives the real error, or succeeds once the miner
is free. Falling back to v2 there would send v2 requests to a v3 miner's reduced v2 and
report it as a v2 miner. A port that holds the connection for the whole wait without a
complete answer (silent, or trickling a few bytes) is not asked again: ``speaks`` raises
its ``ReadTimeout`` and the task fails after that one wait; its API is remembered, so a
loop item or a retry in the same process sends its own request at once instead of
paying for detection again.
"""

from __future__ import annotations

import threading
import time

from typing import Callable, Sequence

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ReadTimeout

#: the longest a probe may wait on one port (pyasic PR #422: 1 s was too short for v3 units)
MAX_PROBE_SECONDS = 5.0

_lock = threading.Lock()
_known: dict[tuple[str, int, int], str] = {}


def detect(host: str, ports: dict[str, int], timeout: float,
           probes: Sequence[tuple[str, Callable[..., bool | None]]]) -> str:
    """The first API in ``probes`` (``[(version, speaks)]``) the miner answers, else the last one.

    ``speaks(host, port, timeout)`` is True when the miner answers that API, False when it
    surely does not, None when it cannot tell (asked once more if that answer came quickly;
    still None: that API, for this call only). It raises ``ReadTimeout`` when the port held
    the connection for the whole wait without a complete answer: that API is remembered and
    the error fails the task (see :func:`_ask`). The last entry is the fallback: it is
    returned without asking when the others surely do not answer, so a miner that is down
    fails later with the real error of the real request. A firmware upload can change the
    API: the firmware logic forgets the host afterwards.
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
        answer = _ask(key, version, speaks, host, ports[version], wait)
        if answer or answer is None:
            found = version
            sure = answer is not None
            break
    if sure:
        _remember(key, found)
    return found


def _ask(key: tuple[str, int, int], version: str, speaks: Callable[..., bool | None], host: str, port: int,
         wait: float) -> bool | None:
    """What ``speaks`` says within ``wait`` in all: an unsure answer is asked again only if it came quickly.

    A quick close (a busy miner's eleventh client, btminer restarting) may be gone a moment
    later, so it is worth a second question; one that took most of the wait is not, since
    asking again could double the wait. A port that held the connection until the wait ran
    out (``ReadTimeout``) would do the same to a second question and to the task's own
    request: it is raised at once, after one wait, and the API that port serves is kept, so
    this process never waits on detection for that miner again.
    """
    start = time.monotonic()
    try:
        answer = speaks(host, port, wait)
        left = wait - (time.monotonic() - start)
        if answer is None and left >= wait / 2:
            answer = speaks(host, port, left)
    except ReadTimeout:
        _remember(key, version)
        raise
    return answer


def _remember(key: tuple[str, int, int], version: str) -> None:
    with _lock:
        _known[key] = version


def forget(host: str | None = None) -> None:
    """Drop what was learnt (all miners, or one host): after a firmware change, in tests."""
    with _lock:
        for key in [key for key in _known if host is None or key[0] == host]:
            del _known[key]
