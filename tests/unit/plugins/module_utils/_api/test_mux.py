# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The selector loop under discovery: readiness, deadlines, the run's timeout, concurrency, cleanup."""

from __future__ import annotations

import socket
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import aio, mux


def pair():
    left, right = socket.socketpair()
    left.setblocking(False)
    right.setblocking(False)
    return left, right


def test_a_coroutine_resumes_when_its_socket_is_readable():
    left, right = pair()
    right.send(b'hello')

    async def read():
        data = await aio.recv(left, time.monotonic() + 2)
        aio.close(left)
        return data

    try:
        assert mux.run_one(read()) == b'hello'
    finally:
        right.close()


def test_a_wait_past_its_deadline_raises_expired_at_the_await():
    left, right = pair()
    seen = []

    async def read():
        try:
            await mux.Wait(left, mux.READ, time.monotonic() + 0.2)
        except mux.Expired:
            seen.append(time.monotonic())
        finally:
            aio.close(left)

    started = time.monotonic()
    assert mux.run_one(read()) is None
    right.close()
    assert seen and 0.15 <= seen[0] - started < 1.5


def test_the_run_timeout_closes_every_running_coroutine_and_starts_no_more():
    started, cleaned = [], []
    sockets = []

    async def stuck(index):
        left, right = pair()
        sockets.append(right)
        started.append(index)
        try:
            await mux.Wait(left, mux.READ, time.monotonic() + 60)
        finally:
            cleaned.append(index)
            aio.close(left)

    began = time.monotonic()
    assert mux.run((stuck(index) for index in range(10)), 3, timeout=0.3) is False
    assert time.monotonic() - began < 2
    assert started == [0, 1, 2] and sorted(cleaned) == [0, 1, 2]
    for sock in sockets:
        sock.close()


def test_concurrency_is_a_cap_and_coroutines_are_created_lazily():
    running = [0]
    most = [0]
    created = []

    async def nap(index):
        running[0] += 1
        most[0] = max(most[0], running[0])
        await mux.sleep(0.01 * (index % 3))
        running[0] -= 1

    def jobs():
        for index in range(40):
            created.append(index)
            yield nap(index)

    assert mux.run(jobs(), 5) is True
    assert most[0] == 5 and len(created) == 40


def test_an_exception_escaping_a_coroutine_stops_the_run_and_closes_the_rest():
    closed = []

    async def fails():
        await mux.sleep(0.01)
        raise RuntimeError('boom')

    async def waits():
        try:
            await mux.sleep(30)
        finally:
            closed.append(True)

    with pytest.raises(RuntimeError, match='boom'):
        mux.run(iter([waits(), fails()]), 2)
    assert closed == [True]


def test_awaiting_anything_but_a_wait_is_refused():
    class Foreign:
        def __await__(self):
            yield 'an asyncio future'

    async def wrong():
        await Foreign()

    with pytest.raises(TypeError, match='only mux.Wait'):
        mux.run_one(wrong())


def test_run_one_with_a_timeout_says_so():
    async def slow():
        await mux.sleep(5)

    with pytest.raises(TimeoutError):
        mux.run_one(slow(), timeout=0.1)


def test_connect_refused_and_timeout_are_the_typed_errors():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors  # pylint: disable=import-outside-toplevel
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(errors.ConnectionRefused):
        mux.run_one(aio.connect('127.0.0.1', port, 1.0))


# --- the run's timeout inside one round (review 4: 2 s scan_timeout, 6-17 s scans) ---------

COSTLY_STEP = 0.25     # what parsing one 4 MiB malformed reply cost, about half of it


def _costly_readers(count, stepped, sockets):
    """``count`` coroutines whose sockets are all readable at once; resuming each costs COSTLY_STEP of CPU."""
    async def reader(index):
        left, right = pair()
        sockets.append(right)
        right.send(b'x')
        try:
            await mux.Wait(left, mux.READ, time.monotonic() + 60)
            stepped.append(index)
            _burn(COSTLY_STEP)
            await mux.Wait(left, mux.READ, time.monotonic() + 60)   # never readable again
        finally:
            aio.close(left)
    return [reader(index) for index in range(count)]


def _burn(seconds):
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass


def test_the_timeout_holds_when_one_round_finds_many_costly_jobs_ready():
    stepped, sockets = [], []
    began = time.monotonic()
    assert mux.run(_costly_readers(12, stepped, sockets), 12, timeout=0.5) is False
    took = time.monotonic() - began
    for sock in sockets:
        sock.close()
    # a check per round stepped all twelve: 3 s for a 0.5 s timeout; now at most one step past it
    assert took < 0.5 + 2 * COSTLY_STEP, took
    assert 1 <= len(stepped) <= 4, stepped


def test_the_timeout_holds_when_many_costly_waits_expire_together():
    handled = []
    deadline = time.monotonic() + 0.05

    async def expires(index):
        left, right = pair()
        try:
            await mux.Wait(left, mux.READ, deadline)
        except mux.Expired:
            handled.append(index)
            _burn(COSTLY_STEP)
        finally:
            aio.close(left)
            right.close()

    began = time.monotonic()
    assert mux.run([expires(index) for index in range(12)], 12, timeout=0.5) is False
    took = time.monotonic() - began
    assert took < 0.5 + 2 * COSTLY_STEP, took
    assert 1 <= len(handled) <= 4, handled


def test_no_coroutine_is_started_once_the_timeout_has_struck():
    started = []

    async def costly_start(index):
        started.append(index)
        _burn(COSTLY_STEP)           # before its first await: the cost of starting it
        await mux.sleep(0)

    began = time.monotonic()
    assert mux.run((costly_start(index) for index in range(12)), 12, timeout=0.5) is False
    assert time.monotonic() - began < 0.5 + 2 * COSTLY_STEP
    assert len(started) <= 4, started
