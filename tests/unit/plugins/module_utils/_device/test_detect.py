# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""detect: backends asked in order; only a sure answer is remembered for the process."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._device import detect

PORTS = dict(v2=4028, v3=4433)


class Probe:
    """A v3 ``speaks`` that gives the answers listed, one per call, then repeats the last."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, host, port, timeout):
        self.calls += 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def never(host, port, timeout):
    raise AssertionError('the fallback is never asked')


@pytest.fixture(autouse=True)
def fresh():
    detect.forget()
    yield
    detect.forget()


@pytest.mark.parametrize('answers, found, calls', [
    ((True,), 'v3', 1),
    ((False,), 'v2', 1),
    ((None, True), 'v3', 2),
    ((None, False), 'v2', 2),
], ids=['v3', 'not-v3', 'unsure-then-v3', 'unsure-then-not'])
def test_a_sure_answer_is_remembered(answers, found, calls):
    probe = Probe(*answers)
    assert detect.detect('192.0.2.40', PORTS, 3.0, [('v3', probe), ('v2', never)]) == found
    assert probe.calls == calls
    assert detect.detect('192.0.2.40', PORTS, 3.0, [('v3', probe), ('v2', never)]) == found
    assert probe.calls == calls       # asked no more: remembered


def test_a_port_that_stays_unsure_serves_its_api_for_this_task_only():
    """Something took the connection on the v3 port twice: a busy v3 miner, not a v2 one."""
    probe = Probe(None, None, False)
    assert detect.detect('192.0.2.41', PORTS, 3.0, [('v3', probe), ('v2', never)]) == 'v3'
    assert probe.calls == 2
    assert detect.detect('192.0.2.41', PORTS, 3.0, [('v3', probe), ('v2', never)]) == 'v2'   # asked again
    assert probe.calls == 3
    assert detect.detect('192.0.2.41', PORTS, 3.0, [('v3', probe), ('v2', never)]) == 'v2'   # now remembered
    assert probe.calls == 3


def test_the_wait_is_capped():
    waits = []

    def probe(host, port, timeout):
        waits.append(timeout)
        return False

    detect.detect('192.0.2.42', PORTS, 30.0, [('v3', probe), ('v2', never)])
    assert waits == [detect.MAX_PROBE_SECONDS]
