# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""detect: a port that holds the connection costs one wait, is never asked twice, and its API is kept."""

from __future__ import annotations

import types

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ReadTimeout
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import detect

PORTS = dict(v2=4028, v3=4433)
HOST = '192.0.2.50'


def never(host, port, timeout):
    raise AssertionError('the fallback is never asked')


class Clock:
    """``time.monotonic`` for detect: each probe moves it on by what that probe "took"."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def fresh():
    detect.forget()
    yield
    detect.forget()


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(detect, 'time', types.SimpleNamespace(monotonic=fake), raising=False)
    return fake


def held(calls, clock=None):
    def speaks(host, port, timeout):
        calls.append(timeout)
        if clock is not None:
            clock.now += timeout
        err = ReadTimeout('no complete reply within %.1f s (got 0 bytes)' % timeout, host, port)
        raise err.after_read()
    return speaks


def test_a_port_that_holds_the_connection_is_asked_once_and_fails_the_task(clock):
    calls = []
    with pytest.raises(ReadTimeout) as caught:
        detect.detect(HOST, PORTS, 10.0, [('v3', held(calls, clock)), ('v2', never)])
    assert calls == [detect.MAX_PROBE_SECONDS]      # one wait, not two
    assert str(caught.value).startswith('%s:4433: ' % HOST)


def test_its_api_is_kept_so_a_retry_sends_its_own_request_at_once(clock):
    calls = []
    with pytest.raises(ReadTimeout):
        detect.detect(HOST, PORTS, 10.0, [('v3', held(calls, clock)), ('v2', never)])
    assert detect.detect(HOST, PORTS, 10.0, [('v3', held(calls, clock)), ('v2', never)]) == 'v3'
    assert len(calls) == 1


def test_a_quick_unsure_answer_is_asked_again_within_the_same_wait(clock):
    calls = []

    def speaks(host, port, timeout):
        calls.append(timeout)
        clock.now += 0.5          # closed at once (a busy miner's 11th client)
        return None

    assert detect.detect(HOST, PORTS, 10.0, [('v3', speaks), ('v2', never)]) == 'v3'
    assert calls == [detect.MAX_PROBE_SECONDS, detect.MAX_PROBE_SECONDS - 0.5]


def test_an_unsure_answer_that_took_most_of_the_wait_is_not_asked_again(clock):
    calls = []

    def speaks(host, port, timeout):
        calls.append(timeout)
        clock.now += timeout - 0.1      # broke off just before the deadline
        return None

    assert detect.detect(HOST, PORTS, 10.0, [('v3', speaks), ('v2', never)]) == 'v3'
    assert calls == [detect.MAX_PROBE_SECONDS]
    assert detect.detect(HOST, PORTS, 10.0, [('v3', speaks), ('v2', never)]) == 'v3'
    assert len(calls) == 2              # unsure: asked again by the next task, not remembered


def test_a_hold_after_a_quick_close_still_costs_at_most_one_wait(clock):
    calls = []
    answers = [None]

    def speaks(host, port, timeout):
        calls.append(timeout)
        if answers:
            answers.pop()
            clock.now += 0.2
            return None
        return held([], clock)(host, port, timeout)

    with pytest.raises(ReadTimeout):
        detect.detect(HOST, PORTS, 4.0, [('v3', speaks), ('v2', never)])
    assert sum(calls[1:]) + 0.2 == pytest.approx(4.0)     # the two questions share one wait
