# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fast paths of the value parsers give what the general path gives, for every input."""

from __future__ import annotations

import math

from hypothesis import given, strategies as st

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import values

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-10 ** 400, max_value=10 ** 400),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.from_regex(r'\A\s?-?[0-9]{1,6}(\.[0-9]{1,4})?%?\s?\Z'))


def reference_int(value):
    number = values._other_float(value, None)  # pylint: disable=protected-access
    if number is None:
        return None
    return int(round(number))


def same(left, right):
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    return left == right and type(left) is type(right)


@given(SCALARS, st.sampled_from([None, 0, 2, 3]))
def test_to_float_matches_the_general_path(value, ndigits):
    assert same(values.to_float(value, ndigits), values._other_float(value, ndigits))  # pylint: disable=protected-access


@given(SCALARS)
def test_to_int_matches_the_general_path(value):
    assert same(values.to_int(value), reference_int(value))


@given(st.text(max_size=20))
def test_to_str_of_text_is_stripped_or_none(value):
    assert values.to_str(value) == (value.strip() or None)


def test_the_awkward_cases():
    assert values.to_float(10 ** 400) is None
    assert values.to_float(float('inf')) is None and values.to_float(float('nan')) is None
    assert values.to_float(True) is None and values.to_int(False) is None
    assert values.to_float(1e308, 2) == 1e308
    assert values.to_int(2 ** 53 + 1) == int(float(2 ** 53 + 1))
    assert values.to_int(-7) == -7 and values.to_int('12.6') == 13
    assert values.to_str('  ') is None and values.to_str(3.0) == '3'
