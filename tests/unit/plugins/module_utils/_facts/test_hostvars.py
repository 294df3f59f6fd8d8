# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory's ``whatsminer`` variable keeps a miner's texts only up to a length."""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import hostvars


def _facts(**identity):
    return {'identity': identity, 'mining': {'power_mode': 'Normal'}, 'active_pool': 'stratum+tcp://pool:3333',
            'errors': [{'code': 110}]}


def test_texts_up_to_the_limit_are_kept_whole_and_nothing_is_reported_cut():
    cut = []
    value = 'M' * hostvars.MAX_TEXT
    basic = hostvars.summary(_facts(model=value, hostname='rack1-m01'), cut)
    assert basic['model'] == value and basic['hostname'] == 'rack1-m01'
    assert basic['pool'] == 'stratum+tcp://pool:3333' and basic['error_codes'] == [110]
    assert cut == []


def test_longer_texts_are_cut_to_the_limit_and_named():
    cut = []
    basic = hostvars.summary(_facts(model='M' * 5000, hostname='h' * (hostvars.MAX_TEXT + 1), serial='SN1'), cut)
    assert len(basic['model']) == len(basic['hostname']) == hostvars.MAX_TEXT
    assert basic['model'] == 'M' * (hostvars.MAX_TEXT - 3) + '...'
    assert basic['hostname'].endswith('h...') and basic['serial'] == 'SN1'
    assert cut == ['model', 'hostname']


def test_without_a_list_texts_are_cut_all_the_same():
    basic = hostvars.summary(_facts(firmware_version='2' * 10000))
    assert len(basic['firmware']) == hostvars.MAX_TEXT
