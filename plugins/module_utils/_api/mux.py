# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Thousands of miner connections in one thread: a selector loop that drives coroutines.

Discovery talks to every address of a /16 from the controller's main process. asyncio's
streams cost about 0.3 ms of CPU per connection (protocol, transport, reader, writer,
futures and a timeout task each), which at 10,000 miners is seconds of a scan that is
CPU-bound on one core; this loop costs a tenth of that. The reads stay ``async def``
coroutines (the backends' probe plans are unchanged); what they await is a :class:`Wait`
for one socket to become readable or writable before a deadline. When the deadline
passes first, :class:`Expired` is thrown into the coroutine at that ``await``, so the
transport above turns it into the typed timeout of the phase it was in.

Only this module and the transports built on it (``aio``, ``v3frames``) await a Wait; a
coroutine awaiting anything else (an asyncio future) is a programming error and fails.
"""

from __future__ import annotations

import heapq
import selectors
import time
import typing as t

READ = selectors.EVENT_READ
WRITE = selectors.EVENT_WRITE


class Expired(Exception):
    """Thrown into a coroutine whose :class:`Wait` reached its deadline first."""


class Wait:
    """``await Wait(sock, READ, deadline)``: resume when ``sock`` is ready, or raise :class:`Expired`.

    With ``sock`` None it is a sleep until ``deadline`` (no error when it passes).
    """

    __slots__ = ('sock', 'events', 'deadline')

    def __init__(self, sock, events, deadline):
        self.sock = sock
        self.events = events
        self.deadline = deadline

    def __await__(self):
        yield self


def sleep(seconds: float) -> Wait:
    return Wait(None, 0, time.monotonic() + seconds)


class _Job:
    __slots__ = ('coro', 'sock', 'events', 'turn')

    def __init__(self, coro):
        self.coro = coro
        self.sock = None     # the socket registered for it, if any
        self.events = 0
        self.turn = 0        # bumped at every Wait, so a stale deadline entry is ignored


class _Loop:
    """One run: the selector, the deadline heap and the jobs alive in it."""

    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.timers = []      # (deadline, sequence, job, turn)
        self.sequence = 0
        self.jobs = set()

    def forget(self, sock) -> None:
        """Take ``sock`` out of the selector before it is closed (its job may go on with another)."""
        try:
            key = self.selector.unregister(sock)
        except (KeyError, ValueError):
            return
        key.data.sock = None
        key.data.events = 0

    def step(self, job, error=None) -> bool:
        """Resume ``job``; False once it has finished."""
        try:
            wait = job.coro.send(None) if error is None else job.coro.throw(error)
        except StopIteration:
            self._drop(job)
            return False
        except BaseException:
            self._drop(job)
            raise
        if not isinstance(wait, Wait):
            self._drop(job)
            job.coro.close()
            raise TypeError('a discovery coroutine awaited %r; only mux.Wait is driven here' % (wait,))
        sock = wait.sock
        if sock is not job.sock:
            if job.sock is not None:
                self.forget(job.sock)
            if sock is not None:
                self.selector.register(sock, wait.events, job)
                job.sock, job.events = sock, wait.events
        elif sock is not None and wait.events != job.events:
            self.selector.modify(sock, wait.events, job)
            job.events = wait.events
        job.turn += 1
        self.sequence += 1
        heapq.heappush(self.timers, (wait.deadline, self.sequence, job, job.turn))
        return True

    def _drop(self, job):
        self.jobs.discard(job)
        if job.sock is not None:
            self.forget(job.sock)

    def start(self, coro) -> None:
        job = _Job(coro)
        self.jobs.add(job)
        self.step(job)

    def expire(self, now) -> t.List[_Job]:
        """Jobs whose current wait is past its deadline, removed from the heap."""
        due = []
        timers = self.timers
        while timers and timers[0][0] <= now:
            _deadline, _sequence, job, turn = heapq.heappop(timers)
            if turn == job.turn and job in self.jobs:
                due.append(job)
        return due

    def close(self) -> None:
        """Close every coroutine still alive (their ``finally`` blocks close their sockets)."""
        for job in list(self.jobs):
            self._drop(job)
            job.coro.close()
        self.selector.close()


_CURRENT: t.List[_Loop] = []


def forget(sock) -> None:
    """Called by a transport before it closes a socket it waited on."""
    if _CURRENT:
        _CURRENT[-1].forget(sock)


def run(coroutines: t.Iterable, concurrency: int, timeout: t.Optional[float] = None) -> bool:
    """Run ``coroutines`` (taken lazily), at most ``concurrency`` at a time.

    Returns True when all finished, False when ``timeout`` struck first: then every
    coroutine still running is closed at its ``await`` (its ``finally`` runs) and the
    rest are never started. The timeout is checked before each coroutine is resumed, so
    the run overshoots it by at most one step, however many sockets are ready at once.
    An exception escaping a coroutine stops the run and is raised.
    """
    pending = iter(coroutines)
    loop = _Loop()
    _CURRENT.append(loop)
    end = None if timeout is None else time.monotonic() + timeout
    clock = time.monotonic

    def over() -> bool:
        # checked before every step, not once a round: one round may find thousands of jobs ready,
        # and a step can cost a reply's whole parse (0.5 s for 4 MiB of malformed JSON), so a check
        # per round let 40 such hosts stretch a 2 s timeout to 6-17 s. Now a run ends at most one
        # step past ``timeout``; the jobs not stepped are closed like those never started.
        return end is not None and clock() >= end

    try:
        def refill() -> bool:
            """Start coroutines up to ``concurrency``; False once the timeout has struck."""
            while len(loop.jobs) < concurrency:
                if over():
                    return False
                coro = next(pending, None)
                if coro is None:
                    return True
                loop.start(coro)
            return True

        if not refill():
            return False
        select = loop.selector.select
        while loop.jobs:
            now = clock()
            if end is not None and now >= end:
                return False
            wake = loop.timers[0][0] if loop.timers else now + 1.0
            if end is not None:
                wake = min(wake, end)
            ready = select(max(0.0, wake - now)) if loop.selector.get_map() else _idle(wake - now)
            for key, _mask in ready:
                job = key.data
                if job in loop.jobs and job.sock is key.fileobj:
                    if over():
                        return False
                    loop.step(job)
            for job in loop.expire(clock()):
                if over():
                    return False
                loop.step(job, None if job.sock is None else Expired())
            if not refill():
                return False
        return True
    finally:
        _CURRENT.pop()
        loop.close()


def _idle(seconds):
    if seconds > 0:
        time.sleep(seconds)
    return ()


def run_one(coro, timeout: t.Optional[float] = None):
    """The result of one coroutine driven to its end (tests, one-off reads)."""
    box = []

    async def keep():
        box.append(await coro)

    if not run([keep()], 1, timeout):
        raise TimeoutError('the read did not finish within %s s' % timeout)
    return box[0]
