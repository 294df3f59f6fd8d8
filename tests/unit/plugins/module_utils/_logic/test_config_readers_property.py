# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whatever a miner puts in its replies, the config readers return clean values or raise the library's errors.

The library repairs and decodes replies but keeps values as the miner sent them, so the
readers meet strings, floats, ``inf``, huge numbers, nested objects and wrong shapes.
A raw KeyError/OverflowError from there would surface as an "unexpected error" instead
of a message naming the miner.
"""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import CommandFailed, WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import power

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 300, max_value=10 ** 400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(['inf', '-inf', 'nan', '1e400', '²', '٣', ' 12 ', '3600.0', 'true', 'false', 'enable', 'Low', '']),
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)
KEYS = st.sampled_from(['btmineroff', 'mineroff', 'power_mode', 'hash_percent', 'power_limit_set', 'Power Mode',
                        'Power Limit', 'Btminer Fast Boot', 'URL', 'User', 'Priority', 'POOL'])
RECORD = st.dictionaries(KEYS, JSONISH, max_size=6)
DATA = st.one_of(JSONISH, RECORD, st.lists(st.one_of(RECORD, JSONISH), max_size=4))


class Reply:
    def __init__(self, data):
        self.data = data


class JunkMiner:
    """Answers every read with generated data, or with an API error where the test says so."""

    host = '192.0.2.12'
    port = 4028

    def __init__(self, answers, refuse=()):
        self.answers = answers
        self.refuse = refuse

    def read(self, command):
        if command in self.refuse:
            raise CommandFailed('refused', '192.0.2.12', 4028, code=132)
        return Reply(self.answers[command])


def read_power(miner):
    return V2Backend(miner).read_settings(power.READS)


def read_tuning(miner):
    return V2Backend(miner).read_settings(('target_freq', 'fast_boot', 'state'))


def read_pools(miner):
    return V2Backend(miner).read_pools()


def _only_clean(read, miner):
    """The reader's answer; the library's and the task's errors are allowed, anything else fails the test."""
    try:
        return read(miner)
    except (WhatsminerError, TaskFailed):
        return None


@settings(max_examples=300, deadline=None)
@given(status=DATA, summary=DATA, refuse_summary=st.booleans())
def test_read_power_and_tuning_return_clean_values(status, summary, refuse_summary):
    miner = JunkMiner(dict(status=status, summary=summary), refuse=('summary',) if refuse_summary else ())
    state = _only_clean(read_power, miner)
    assert state is not None  # status always answers here
    assert state['state'] in ('on', 'off', None)
    assert state['mode'] is None or (isinstance(state['mode'], str) and state['mode'])
    assert state['power_limit'] is None or isinstance(state['power_limit'], int)
    tuned = _only_clean(read_tuning, miner)
    assert tuned is not None
    assert tuned['target_freq'] is None or isinstance(tuned['target_freq'], int)
    assert tuned['fast_boot'] in (True, False, None) and tuned['state'] in ('on', 'off', None)


@settings(max_examples=300, deadline=None)
@given(data=DATA)
def test_read_pools_returns_url_user_strings(data):
    result = _only_clean(read_pools, JunkMiner(dict(pools=data)))
    assert isinstance(result, list)
    for pool in result:
        assert sorted(pool) == ['url', 'user'] and pool['url'] and isinstance(pool['user'], str)


def test_status_refused_is_the_library_error():
    miner = JunkMiner(dict(), refuse=('status',))
    try:
        read_power(miner)
    except CommandFailed as err:
        assert '192.0.2.12:4028' in str(err)
    else:
        raise AssertionError('a refused status read must raise the library error')
