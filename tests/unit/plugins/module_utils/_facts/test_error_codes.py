# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Error code -> reason in words."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.error_codes import describe


@pytest.mark.parametrize('code, words', [
    (329, 'control board temperature sensor'),
    ('329', 'control board temperature sensor'),
    (110, 'intake fan'),
    (111, 'exhaust fan'),
    (200, 'no power supply found'),
    (206, 'input voltage too low'),
    (600, 'ambient temperature too high'),
    (2010, 'every pool is disabled'),
    (8410, 'does not match this model'),
    (5080, 'calibration failed'),
])
def test_exact_codes(code, words):
    assert words in describe(code)


@pytest.mark.parametrize('code, words', [
    (301, 'hash board 1: temperature sensor not detected'),
    (322, 'hash board 2: temperature cannot be read'),
    (350, 'hash board 0: temperature protection'),
    (531, 'hash board 1: not found'),
    (541, 'hash board 1: chip IDs cannot be read'),
    (2021, 'pool 1: connection failed'),
    (5112, 'hash board 2: frequency ramp-up timed out'),
    (5070, 'hash board 0: water flow abnormal'),
])
def test_per_slot_codes(code, words):
    assert describe(code) == words


def test_per_chip_codes():
    assert describe(5201) == 'hash board 0, chip 1: wrong nonces'
    assert describe(530012) == 'hash board 0, chip 12: too few nonces'


def test_substandard_grades():
    assert describe(8521) == 'power consumption below grade L2'


def test_unknown_codes_fall_back_to_family_or_say_unknown():
    assert describe(199) == 'fan fault (code 199)'
    assert describe(2099).startswith('pool fault')
    assert describe(7) == 'unknown error code 7'
    assert describe('abc') == "unknown error code 'abc'"
    assert describe(None) == 'unknown error code None'
