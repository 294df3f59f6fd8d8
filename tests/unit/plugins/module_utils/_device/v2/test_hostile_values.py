# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whatever a miner sends, facts come out as a JSON-safe dict: never a raw exception."""

from __future__ import annotations

import json
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import values as convert
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import facts as schema
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import error_codes
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import hostvars

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replies as samples  # noqa: E402  pylint: disable=wrong-import-position


def type_name(value):
    """Test ids: pytest's own str() of an int this long raises."""
    return type(value).__name__


HUGE = int('9' * 400)          # valid JSON; float() of it overflows
TOO_LONG_FOR_STR = 10 ** 5000  # beyond Python's int -> str digit limit


@pytest.mark.parametrize('value', [HUGE, -HUGE, TOO_LONG_FOR_STR, '9' * 400, '1e400', float('inf'), float('nan'),
                                   '-inf', 'nan%', '²', '', '   ', [], {}, object()], ids=type_name)
def test_conversions_give_none_for_unusable_numbers(value):
    assert convert.to_float(value) is None
    assert convert.to_int(value) is None
    assert convert.mhs_to_ths(value) is None
    assert convert.scaled(value, 100.0) is None


def test_conversions_keep_usable_numbers():
    assert convert.to_float('42.5%') == 42.5 and convert.to_int('8718') == 8718
    assert convert.to_float(1.23456, 2) == 1.23 and convert.to_int(2648.0) == 2648
    assert convert.to_float(1e308, -400) == 0.0 or convert.to_float(1e308, -400) is None


def test_to_str_of_an_int_too_long_for_str_is_none():
    assert convert.to_str(TOO_LONG_FOR_STR) is None
    assert convert.to_str(HUGE) == '9' * 400


@pytest.mark.parametrize('code', ['²', '٣٢٩', '³²⁹', HUGE, TOO_LONG_FOR_STR, -5, 1e300, float('nan'),
                                  float('inf'), '9' * 40, [], {}, None, True], ids=type_name)
def test_describe_never_raises(code):
    text = error_codes.describe(code)
    assert text.startswith(error_codes.UNKNOWN) or 'code' in text
    assert len(text) < 200


def test_describe_keeps_real_codes():
    assert error_codes.describe(' 329 ') == 'control board temperature sensor cannot be read'
    assert error_codes.describe(329.0) == error_codes.describe(329)
    assert error_codes.describe('²') == "unknown error code '²'"


def test_superscript_error_code_from_a_miner_builds():
    facts = schema.build({'get_error_code': Reply('get_error_code', 'S', data={'error_code': [{'²': [1]}, {'329': {}}]}),
                          'summary': Reply('summary', 'S', data=[{'Power': HUGE, 'Elapsed': '1e400', 'Error Code Count': HUGE}])})
    assert [error['code'] for error in facts['errors']] == ['²', 329]
    assert facts['power']['power_w'] is None and facts['mining']['elapsed_s'] is None
    json.dumps(facts, allow_nan=False)


# --- property: arbitrary JSON-like values in every place a reply carries data ------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10 ** 300, max_value=10 ** 420),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(['²', '٣', '1e400', 'inf', 'nan', '-0', '9' * 400, ' 329 ', 'true', 'false', 'Y']),
)
JSON_LIKE = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.text(max_size=6), children, max_size=4),
), max_leaves=12)


def _known_keys(*records):
    keys = set()
    for record in records:
        for item in (record if isinstance(record, list) else [record]):
            keys.update(item)
    return sorted(keys)


# field names firmware really sends, so the values reach the conversions behind them
KNOWN_KEYS = _known_keys(samples.SPEC_SUMMARY, samples.NEW_SUMMARY, samples.SPEC_POOLS, samples.SPEC_EDEVS,
                         samples.SPEC_DEVDETAILS, samples.SPEC_PSU, samples.SPEC_VERSION, samples.SPEC_STATUS,
                         samples.SPEC_MINER_INFO, samples.SPEC_ERRORS) + [
    'Error Code Count', 'Error Code 0', 'Error Code 1', 'error_code', 'Error Code', 'ID', 'DEVDETAILS', 'Msg', 'STATUS']
RECORD = st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=6)), JSON_LIKE, max_size=8)
DATA = st.one_of(JSON_LIKE, st.lists(RECORD, max_size=3), RECORD,
                 st.dictionaries(st.text(max_size=4), st.lists(RECORD, max_size=2), max_size=2))
COMMANDS = ['summary', 'pools', 'edevs', 'devs', 'devdetails', 'get_psu', 'get_version', 'status', 'get_miner_info',
            'get_error_code']
REPLIES = st.dictionaries(st.sampled_from(COMMANDS), DATA, max_size=len(COMMANDS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=REPLIES, as_replies=st.booleans())
def test_build_returns_a_json_safe_dict_or_a_library_error(data, as_replies):
    replies = dict((command, Reply(command, 'S', data=value) if as_replies else value) for command, value in data.items())
    try:
        facts = schema.build(replies, host='192.0.2.10', port=4028)
    except WhatsminerError:
        return
    assert isinstance(facts, dict)
    json.dumps(facts, allow_nan=False)
    basic = hostvars.summary(facts)
    json.dumps(basic, allow_nan=False)
    assert set(hostvars.flat(basic)) == set('whatsminer_' + key for key in hostvars.KEYS)


def _basic_or_error(replies, basic):
    try:
        return hostvars.summary(schema.build(replies, host='192.0.2.10', port=4028, basic=basic))
    except WhatsminerError as err:
        return type(err)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=REPLIES, as_replies=st.booleans())
def test_the_basic_build_gives_the_inventory_variable_the_whole_build_gives(data, as_replies):
    replies = dict((command, Reply(command, 'S', data=value) if as_replies else value) for command, value in data.items())
    assert _basic_or_error(replies, True) == _basic_or_error(replies, False)


def test_the_basic_build_has_every_field_of_the_inventory_variable():
    """A field added to ``hostvars.BASIC`` without its place in the basic build fails here, not as a silent None."""
    for replies in (samples.spec_replies(), {}):
        built = schema.build(replies, host='192.0.2.10', port=4028, basic=True)
        for _key, section, field in hostvars.BASIC:
            assert field in (built if section is None else built[section]), (section, field)
        assert 'errors' in built
    basic = hostvars.summary(schema.build(samples.spec_replies(), host='192.0.2.10', port=4028, basic=True))
    assert basic == hostvars.summary(schema.build(samples.spec_replies(), host='192.0.2.10', port=4028))
    assert basic['model'] == 'M30S+VE40' and basic['pool'] and basic['hashrate_ths'] and basic['power_w']


def _distinct(offset, **fixed):
    """Every field firmware sends, each with its own number, so a field read from the wrong key shows."""
    record = dict((key, (offset + index) * 7 + 0.5) for index, key in enumerate(KNOWN_KEYS))
    record.update(fixed)
    return record


@pytest.mark.parametrize('active', [0, 1, None])
def test_the_basic_build_reads_every_field_from_the_same_key(active):
    pools = [_distinct(1000 * number, **{'Stratum Active': number == active, 'URL': 'stratum+tcp://p%d:3333' % number,
                                         'Status': 'Alive' if number else 'Dead'}) for number in range(3)]
    replies = {'summary': [_distinct(0)], 'pools': pools, 'devdetails': [_distinct(5000, Model='M50')],
               'status': _distinct(7000, btmineroff='false'), 'get_miner_info': _distinct(9000, hostname='rack-a')}
    basic = _basic_or_error(replies, True)
    assert basic == _basic_or_error(replies, False)
    assert basic['pool'] == 'stratum+tcp://p%d:3333' % (1 if active is None else active)
    assert len(set(repr(value) for value in basic.values() if value is not None)) >= 15
