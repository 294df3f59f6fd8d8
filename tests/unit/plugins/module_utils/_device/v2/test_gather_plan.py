# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Subsets -> reads, joined where firmware allows, and what happens when reads fail."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import gather
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import subsets


def test_all_and_exclusions():
    assert subsets.resolve_subsets(['all']) == list(subsets.SUBSETS)
    assert subsets.resolve_subsets([]) == list(subsets.SUBSETS)
    assert subsets.resolve_subsets(['!psu']) == [name for name in subsets.SUBSETS if name != 'psu']
    assert subsets.resolve_subsets(['pools', 'summary', 'pools']) == ['summary', 'pools']
    assert subsets.resolve_subsets(['all', '!all']) == []


def test_unknown_subset_is_named():
    with pytest.raises(subsets.SubsetError, match="unknown gather_subset 'fans'.*summary"):
        subsets.resolve_subsets(['fans'])


def test_cgminer_reads_are_joined_and_native_reads_are_not():
    commands = gather.commands_for(gather.SUBSETS)
    assert gather.plan(commands) == [
        ('summary', 'pools', 'edevs', 'devdetails'),
        ('get_psu',), ('get_version',), ('status',), ('get_miner_info',), ('get_error_code',),
    ]
    assert gather.plan(['summary']) == [('summary',)]
    assert gather.plan(['get_psu', 'pools']) == [('pools',), ('get_psu',)]


class FakeClient:
    """Answers from a table; a value that is an exception is raised instead."""

    def __init__(self, answers, joined=None):
        self.answers = answers
        self.joined = joined
        self.calls = []

    def read(self, command, params=None):
        assert not params
        self.calls.append(command)
        answer = self.answers[command]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def read_joined(self, commands, partial=False):
        assert partial, 'facts must ask for the parts that answered'
        self.calls.append('+'.join(commands))
        if isinstance(self.joined, Exception):
            raise self.joined
        return dict((name, self.answers[name]) for name in commands), {}


def deprecated():
    return errors.CommandFailed('deprecated', 'h', 1, 132, 'This command is deprecated.')


def test_refused_join_falls_back_to_single_reads_and_drops_deprecated_devdetails_quietly():
    client = FakeClient({'summary': 's', 'pools': 'p', 'edevs': 'e', 'devdetails': deprecated(), 'get_psu': 'psu'},
                        joined=deprecated())
    result = gather.drive(gather.steps(['summary', 'pools', 'edevs', 'devdetails', 'get_psu']), client)
    assert client.calls == ['summary+pools+edevs+devdetails', 'summary', 'pools', 'edevs', 'devdetails', 'get_psu']
    assert result.replies == {'summary': 's', 'pools': 'p', 'edevs': 'e', 'get_psu': 'psu'}
    assert result.unsupported == ['devdetails']
    assert result.warnings() == []


def test_one_failing_read_gives_one_warning():
    client = FakeClient({'summary': 's', 'get_psu': errors.CommandFailed('psu i2c read failed', 'h', 1, 132),
                         'get_version': 'v'})
    result = gather.drive(gather.steps(['summary', 'get_psu', 'get_version']), client)
    assert set(result.replies) == {'summary', 'get_version'}
    assert result.warnings() == ['could not gather psu (get_psu): h:1: psu i2c read failed']
    assert not result.unreachable


def timed_out(received):
    err = errors.ReadTimeout('no complete reply in 1 s (got %d bytes)' % received, 'h', 1)
    err.received = received
    return err


@pytest.mark.parametrize('silent', [
    timed_out(0),
    errors.NoReply('closed without replying', 'h', 1),
    errors.ConnectionReset('reset after 0 bytes', 'h', 1),
])
def test_a_miner_that_sends_nothing_stops_the_run(silent):
    client = FakeClient({'summary': silent, 'get_psu': 'p', 'get_version': 'v', 'status': 'st'})
    result = gather.drive(gather.steps(['summary', 'get_psu', 'get_version', 'status']), client)
    assert client.calls == ['summary']
    assert result.unreachable
    assert result.failures == {'summary': silent, 'get_psu': silent, 'get_version': silent, 'status': silent}


def test_a_miner_that_trickles_its_first_reply_stops_the_run():
    """Bytes that never make a whole reply in time: the next read would be as slow (one timeout, not six)."""
    slow = timed_out(672)
    client = FakeClient({'get_psu': 'p', 'get_version': 'v', 'status': 'st'}, joined=slow)
    result = gather.drive(gather.steps(['summary', 'pools', 'get_psu', 'get_version', 'status']), client)
    assert client.calls == ['summary+pools']
    assert result.unreachable and set(result.failures) == {'summary', 'pools', 'get_psu', 'get_version', 'status'}


@pytest.mark.parametrize('silent', [timed_out(0), errors.NoReply('closed without replying', 'h', 1)])
def test_one_silent_read_after_an_answer_does_not_cost_the_rest(silent):
    client = FakeClient({'summary': 's', 'get_psu': silent, 'get_version': 'v', 'status': 'st'})
    result = gather.drive(gather.steps(['summary', 'get_psu', 'get_version', 'status']), client)
    assert client.calls == ['summary', 'get_psu', 'get_version', 'status']
    assert result.replies == {'summary': 's', 'get_version': 'v', 'status': 'st'}
    assert result.failures == {'get_psu': silent} and not result.unreachable


def test_an_oversized_reply_does_not_stop_the_run():
    big = errors.ReplyTooLarge('more than 4194304 bytes', 'h', 1)
    client = FakeClient({'summary': big, 'get_version': 'v'})
    result = gather.drive(gather.steps(['summary', 'get_version']), client)
    assert client.calls == ['summary', 'get_version'] and result.replies == {'get_version': 'v'}


def test_a_reply_cut_short_is_recorded_for_its_read_only():
    partial = timed_out(120)
    client = FakeClient({'summary': 's', 'get_psu': partial, 'get_version': 'v'})
    result = gather.drive(gather.steps(['summary', 'get_psu', 'get_version']), client)
    assert client.calls == ['summary', 'get_psu', 'get_version']
    assert set(result.replies) == {'summary', 'get_version'} and list(result.failures) == ['get_psu']


def test_a_silent_joined_read_is_not_split():
    silent = timed_out(0)
    client = FakeClient({}, joined=silent)
    result = gather.drive(gather.steps(['summary', 'pools', 'get_psu']), client)
    assert client.calls == ['summary+pools']
    assert result.unreachable and set(result.failures) == {'summary', 'pools', 'get_psu'}


def test_refused_connection_stops_after_the_first_read():
    refused = errors.ConnectionRefused('connection refused', 'h', 1)
    client = FakeClient({}, joined=refused)
    result = gather.drive(gather.steps(['summary', 'pools', 'get_psu', 'status']), client)
    assert client.calls == ['summary+pools']
    assert result.unreachable
    assert set(result.failures) == {'summary', 'pools', 'get_psu', 'status'}
    assert result.first_failure() is refused
