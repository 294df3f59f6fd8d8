# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A joined reply whose parts fail one by one keeps its good parts."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import gather
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.joined import split_parts

SUMMARY_OK = {'STATUS': [{'STATUS': 'S', 'Msg': 'Summary'}], 'SUMMARY': [{'Power': 3400}]}
NATIVE_SUMMARY = {'STATUS': 'S', 'Code': 131, 'Msg': {'Power': 3300, 'Elapsed': 5.5}}
DEPRECATED = {'STATUS': 'E', 'Code': 132, 'Msg': 'This command is deprecated.'}
NO_DEVICES = {'STATUS': [{'STATUS': 'E', 'Code': 10, 'Msg': 'No devices'}], 'id': 1}


def test_deprecated_part_is_kept_apart_from_good_parts():
    replies, failures = split_parts(['summary', 'devdetails'],
                                    {'summary': [NATIVE_SUMMARY], 'devdetails': [DEPRECATED]}, 'h', 1)
    assert replies['summary'].data == [{'Power': 3300, 'Elapsed': 5.5}]
    assert isinstance(failures['devdetails'], errors.CommandFailed)
    assert gather.is_unsupported(failures['devdetails'])


def test_no_devices_is_an_empty_list_not_a_failure():
    replies, failures = split_parts(['summary', 'devdetails'],
                                    {'summary': [SUMMARY_OK], 'devdetails': [NO_DEVICES]}, 'h', 1)
    assert replies['devdetails'].data == [] and not failures


def test_missing_part_is_a_malformed_reply():
    _replies, failures = split_parts(['summary', 'pools'], {'summary': [SUMMARY_OK]}, 'h', 1)
    assert isinstance(failures['pools'], errors.MalformedReply)


def test_whole_join_refused_raises_the_miners_error():
    with pytest.raises(errors.InvalidCommand, match='h:1'):
        split_parts(['summary', 'pools'], {'STATUS': 'E', 'Code': 14, 'Msg': 'invalid cmd'}, 'h', 1)
