# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options that make no sense fail before any traffic, naming the miner and the option."""

from __future__ import annotations

import math

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import device_from_params
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import check_wait_options

BASE = dict(host='192.0.2.30', port=4028, password=None, timeout=10.0, api_version='v2', v3_port=4433,
            account='super', token_cache=None)


@pytest.mark.parametrize('given, words', [
    (dict(timeout=0.0), 'timeout must be a number of seconds above 0 and at most 3600, got 0.0'),
    (dict(timeout=math.nan), 'timeout must be a number of seconds above 0 and at most 3600, got nan'),
    (dict(timeout=math.inf), 'got inf'),
    (dict(timeout=1e308), 'got 1e+308'),
    (dict(port=70000), 'port must be between 1 and 65535, got 70000'),
    (dict(api_version='auto', v3_port=0), 'v3_port must be between 1 and 65535, got 0'),
], ids=['zero', 'nan', 'inf', 'huge', 'port', 'v3-port'])
def test_bad_connection_options_fail_naming_the_miner(given, words):
    with pytest.raises(TaskFailed) as caught:
        device_from_params(dict(BASE, **given))
    assert words in caught.value.msg and caught.value.msg.startswith('192.0.2.30')


@pytest.mark.parametrize('host, words', [
    ('', 'host is empty'),
    ('   ', 'host is empty'),
    ('miner 1.example', "host 'miner 1.example' is not an address or a host name"),
    ('miner\x00.example', 'is not an address or a host name'),
    ('a' * 300, "host '%s...' is not an address or a host name" % ('a' * 80)),
], ids=['empty', 'blank', 'space', 'control', 'long'])
def test_a_host_that_is_no_address_fails_before_any_traffic(host, words):
    for api_version in ('auto', 'v2', 'v3'):   # auto would otherwise probe the v3 port of ''
        with pytest.raises(TaskFailed) as caught:
            device_from_params(dict(BASE, host=host, api_version=api_version))
        assert words in caught.value.msg


def test_the_v3_port_is_not_checked_when_only_v2_is_used():
    miner = device_from_params(dict(BASE, v3_port=0))
    assert miner.address == '192.0.2.30:4028' and miner.api_version == 'v2'


@pytest.mark.parametrize('value', [0.0, -1.0, math.nan, math.inf])
def test_waits_must_be_finite_and_positive(value):
    for name in ('wait_timeout', 'poll_interval'):
        with pytest.raises(TaskFailed, match='%s must be a positive number of seconds' % name):
            check_wait_options(dict(host='192.0.2.30', port=4028, **{name: value}))
