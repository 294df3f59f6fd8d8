# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A joined reply whose parts fail one by one keeps its good parts, and facts classify the failures."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import split_joined, split_joined_partial
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import gather

SUMMARY_OK = {'STATUS': [{'STATUS': 'S', 'Msg': 'Summary'}], 'SUMMARY': [{'Power': 3400}]}
NATIVE_SUMMARY = {'STATUS': 'S', 'Code': 131, 'Msg': {'Power': 3300, 'Elapsed': 5.5}}
DEPRECATED = {'STATUS': 'E', 'Code': 132, 'Msg': 'This command is deprecated.'}
NO_DEVICES = {'STATUS': [{'STATUS': 'E', 'Code': 10, 'Msg': 'No devices'}], 'id': 1}


def test_deprecated_part_is_kept_apart_from_good_parts():
    replies, failures = split_joined_partial('summary+devdetails', {'summary': [NATIVE_SUMMARY], 'devdetails': [DEPRECATED]}, 'h', 1)
    assert replies['summary'].data == [{'Power': 3300, 'Elapsed': 5.5}]
    assert isinstance(failures['devdetails'], errors.CommandFailed)
    assert gather.is_unsupported(failures['devdetails'])


def test_strict_split_raises_the_first_failing_part():
    with pytest.raises(errors.CommandFailed, match='h:1'):
        split_joined('summary+devdetails', {'summary': [NATIVE_SUMMARY], 'devdetails': [DEPRECATED]}, 'h', 1)


def test_no_devices_is_recorded_as_an_empty_board_list_not_a_failure():
    replies, failures = split_joined_partial('summary+devdetails', {'summary': [SUMMARY_OK], 'devdetails': [NO_DEVICES]}, 'h', 1)
    assert failures['devdetails'].no_devices
    gathered = gather.Gathered()
    gathered.replies.update(replies)
    gathered.record_failure('devdetails', failures['devdetails'])
    assert gathered.replies['devdetails'].data == [] and not gathered.failures


def test_missing_part_is_a_malformed_reply():
    _replies, failures = split_joined_partial('summary+pools', {'summary': [SUMMARY_OK]}, 'h', 1)
    assert isinstance(failures['pools'], errors.MalformedReply)


def test_whole_join_refused_raises_the_miners_error():
    with pytest.raises(errors.InvalidCommand, match='h:1'):
        split_joined_partial('summary+pools', {'STATUS': 'E', 'Code': 14, 'Msg': 'invalid cmd'}, 'h', 1)
