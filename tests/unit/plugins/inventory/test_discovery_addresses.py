# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""networks/exclude parsing for discovery."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._discovery import AddressError, expand


def test_cidr_leaves_out_network_and_broadcast():
    addresses = expand(['10.0.0.0/30'])
    assert addresses == ['10.0.0.1', '10.0.0.2']
    assert len(expand(['127.1.0.0/22'])) == 1022


def test_small_cidrs_keep_every_address():
    assert expand(['10.0.0.4/31']) == ['10.0.0.4', '10.0.0.5']
    assert expand(['10.0.0.9/32']) == ['10.0.0.9']


def test_ranges_full_and_short():
    assert expand(['10.0.0.254-10.0.1.1']) == ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']
    assert expand(['10.0.0.1-3']) == ['10.0.0.1', '10.0.0.2', '10.0.0.3']


def test_singles_commas_order_and_duplicates():
    assert expand(['10.0.0.5, 10.0.0.1', '10.0.0.5', ' 10.0.0.2 ']) == ['10.0.0.5', '10.0.0.1', '10.0.0.2']


def test_exclude_takes_every_form():
    addresses = expand(['10.0.0.0/28'], exclude=['10.0.0.1', '10.0.0.3-5', '10.0.0.8/30'])
    assert addresses == ['10.0.0.2', '10.0.0.6', '10.0.0.7', '10.0.0.12', '10.0.0.13', '10.0.0.14']


def test_ipv6_single_and_range():
    assert expand(['::1']) == ['::1']
    assert expand(['fd00::1-fd00::3']) == ['fd00::1', 'fd00::2', 'fd00::3']


@pytest.mark.parametrize('networks, message', [
    (['10.0.0.300'], "networks: '10.0.0.300' is not an IP address"),
    (['miner01.farm'], "networks: 'miner01.farm' is not an IP address"),
    (['10.0.0.0/33'], "networks: '10.0.0.0/33' is not a valid CIDR"),
    (['10.0.0.9-10.0.0.1'], 'ends before it starts'),
    (['10.0.0.1-::5'], 'mixes IPv4 and IPv6'),
    ([], 'give at least one address'),
    (['10.0.0.0/8'], 'more than the limit of 65536'),
    ([5], 'networks: 5 is not a string'),
])
def test_bad_input_is_named(networks, message):
    with pytest.raises(AddressError, match=message.replace('(', r'\(').replace('+', r'\+')):
        expand(networks)


def test_bad_exclude_is_named():
    with pytest.raises(AddressError, match="exclude: 'nope' is not an IP address"):
        expand(['10.0.0.1'], exclude=['nope'])
