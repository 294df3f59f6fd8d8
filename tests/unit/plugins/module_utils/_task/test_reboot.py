# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""wait_for_reboot: a port that answers again is not yet a rebooted miner."""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectionRefused,
    DecryptionFailed,
    MalformedReply,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import wait_until
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.reboot import wait_for_reboot

import pytest


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def reads(*answers):
    answers = list(answers)

    def read():
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer
    return read


DOWN = ConnectionRefused('refused', '192.0.2.1', 4028)


def test_back_only_once_the_uptime_starts_again():
    clock = Clock()
    back = wait_for_reboot(reads(5000, DOWN, DOWN, 5010, 12), 5000, 60, 1, clock, clock.sleep)
    assert back.ok and back.went_down and back.uptime == 12 and back.seconds == 4


def test_a_port_that_comes_back_without_an_uptime_reset_is_not_a_reboot():
    clock = Clock()
    back = wait_for_reboot(reads(DOWN, 5100), 5000, 10, 1, clock, clock.sleep)
    assert not back.ok and back.went_down and back.uptime == 5100 and back.seconds >= 10


def test_without_uptime_going_down_and_answering_counts():
    clock = Clock()
    back = wait_for_reboot(reads(None, DOWN, None), None, 10, 1, clock, clock.sleep)
    assert back.ok and back.went_down and back.seconds == 2


def test_other_errors_are_raised():
    clock = Clock()
    with pytest.raises(DecryptionFailed):
        wait_for_reboot(reads(DecryptionFailed('silent', '192.0.2.1', 4028)), 100, 10, 1, clock, clock.sleep)


def test_a_miner_booted_shortly_before_is_seen_rebooting():
    """Uptime 40 s, down for a minute, back with 5 s: the uptime is not below 40 once it answers."""
    clock = Clock()
    back = wait_for_reboot(reads(*([DOWN] * 60 + [5, 6])), 40, 900, 1, clock, clock.sleep)
    assert back.ok and back.went_down and back.seconds == 60


def test_no_reboot_is_never_confirmed_however_long_the_wait():
    clock = Clock()

    def steady():
        return 40 + int(clock.now)

    back = wait_for_reboot(steady, 40, 30, 1, clock, clock.sleep)
    assert not back.ok and not back.went_down


def test_a_reply_cut_off_while_btminer_boots_means_not_back_yet():
    clock = Clock()
    cut = MalformedReply('the reply was cut off after 460 bytes', '192.0.2.1', 4028)
    back = wait_for_reboot(reads(DOWN, cut, cut, 7), 5000, 60, 1, clock, clock.sleep)
    assert back.ok and back.went_down and back.uptime == 7 and back.seconds == 3


def test_the_wait_ends_at_its_timeout_not_a_poll_interval_later():
    clock = Clock()
    back = wait_for_reboot(reads(DOWN), 5000, 3, 20, clock, clock.sleep)
    assert not back.ok and back.seconds == 3


def test_wait_until_treats_a_garbled_reply_as_not_yet_and_ends_at_its_timeout():
    clock = Clock()
    cut = MalformedReply('cut off', '192.0.2.1', 4028)
    ok, state, error = wait_until(reads(cut, cut, 'on'), lambda state: state == 'on', 10, 1, clock, clock.sleep)
    assert ok and state == 'on' and error is None and clock.now == 2
    clock = Clock()
    ok, state, error = wait_until(reads(cut), lambda state: True, 2.5, 1, clock, clock.sleep)
    assert not ok and state is None and error is cut and clock.now == 2.5
