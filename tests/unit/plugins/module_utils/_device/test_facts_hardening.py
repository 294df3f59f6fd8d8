# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Facts of a hostile or odd miner: linear work, capped lists, uptime from a Unix boot time, one power-mode spelling.

Both backends' facts builders (``_device/v2/facts.py``, ``_device/v3/facts.py``) must stay
linear in the reply and keep every list short whatever the miner sends, because the
reply arrives within the deadline and the build runs after it, unbounded by any timeout.
"""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import facts as v2facts
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3 import facts as v3facts
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3 import gather


class CountingDetail(dict):
    """A devdetails record that counts the look-ups made on it: the board matching must be linear."""

    lookups = 0

    def get(self, key, default=None):
        CountingDetail.lookups += 1
        return super().get(key, default)


# --- v2: boards ------------------------------------------------------------------------------------

def test_v2_board_details_are_matched_in_linear_time():
    count = 300
    CountingDetail.lookups = 0
    details = [CountingDetail(ID=index + 10 ** 6, Model='X%d' % index) for index in range(count)]   # none match
    built = v2facts.build({'edevs': [{'ASC': index} for index in range(count)], 'devdetails': details})
    assert len(built['boards']) == v2facts.MAX_BOARDS
    # a few look-ups per detail (the index, the model for identity); the old scan made about boards * count * 2
    assert CountingDetail.lookups <= 4 * count


def test_v2_board_details_keep_the_matching_and_its_fallbacks():
    details = [
        {'DEVDETAILS': 0, 'ID': 5, 'Model': 'by-id-5'},       # ID wins over DEVDETAILS
        {'DEVDETAILS': 1, 'Model': 'by-devdetails-1'},
        {'ID': '2', 'Model': 'by-id-2-first'},
        {'ID': 2, 'Model': 'by-id-2-second'},                 # the first of equal keys wins
        {'Model': 'no-id'},                                   # key None
    ]
    boards = [
        {'ID': 5, 'ASC': 1},          # ID before ASC
        {'ASC': 1, 'Slot': 9},        # ASC before Slot
        {'Slot': 2.0},                # Slot last; numbers compared as ints
        {'ASC': 0},                   # DEVDETAILS 0 belongs to the record with ID 5
        {'ID': 'not a number'},       # no usable id matches a detail without one, as before
        {'ID': 77},                   # nothing: no model
    ]
    built = v2facts.build({'edevs': boards, 'devdetails': details})
    assert [board['model'] for board in built['boards']] == [
        'by-id-5', 'by-devdetails-1', 'by-id-2-first', None, 'no-id', None]


def test_v2_boards_beyond_the_cap_are_left_out_like_v3():
    edevs = [{'ASC': index, 'Temperature': 50 + index} for index in range(100)]
    built = v2facts.build({'edevs': edevs})
    assert [board['asc'] for board in built['boards']] == list(range(v2facts.MAX_BOARDS))
    assert len(built['thermal']['board_temps_c']) == v2facts.MAX_BOARDS
    assert v2facts.MAX_BOARDS == v3facts.MAX_BOARDS == 64


# --- caps: pools and errors ------------------------------------------------------------------------

def test_v2_pools_are_capped():
    pools = [{'POOL': index, 'URL': 'stratum+tcp://p%d:3333' % index, 'Priority': index} for index in range(5000)]
    built = v2facts.build({'pools': pools})
    assert len(built['pools']) == v2facts.MAX_POOLS == 64
    assert built['pools'][0]['url'] == 'stratum+tcp://p0:3333'
    assert v2facts.build({'pools': pools}, basic=True)['active_pool'] == built['active_pool']


def test_v3_pools_are_capped():
    pools = [{'id': index, 'url': 'stratum+tcp://p%d:3333' % index, 'status': 'alive'} for index in range(5000)]
    built = v3facts.build(None, {'pools': pools}, None)
    assert len(built['pools']) == v3facts.MAX_POOLS == 64


@pytest.mark.parametrize('shape', ['one entry', 'many entries', 'codes as keys'])
def test_v2_errors_are_capped(shape):
    codes = dict(('%d' % (1000 + index), '2025-01-01 00:00:%02d' % (index % 60)) for index in range(20000))
    msg = {
        'one entry': {'error_code': [codes]},
        'many entries': {'error_code': [{code: when} for code, when in codes.items()]},
        'codes as keys': codes,
    }[shape]
    built = v2facts.build({'get_error_code': Reply('get_error_code', 'S', data=msg)})
    assert len(built['errors']) == built['error_count'] == v2facts.MAX_ERRORS == v3facts.MAX_ERRORS
    assert built['errors'][0]['code'] == 1000


def test_v2_error_cap_counts_distinct_errors():
    msg = {'error_code': [{'329': 'same time'}] * 5000 + [{'330': 'later'}]}
    built = v2facts.build({'get_error_code': Reply('get_error_code', 'S', data=msg)})
    assert [error['code'] for error in built['errors']] == [329, 330]


def test_v3_errors_are_capped_even_when_one_entry_holds_many_codes():
    info = {'error-code': [dict(('%d' % (1000 + index), '2025-01-01 00:00:00') for index in range(20000))]}
    built = v3facts.build(info, None, None)
    assert len(built['errors']) == built['error_count'] == v3facts.MAX_ERRORS
    assert built['errors'][0]['code'] == 1000


# --- v3: uptime ------------------------------------------------------------------------------------

@pytest.mark.parametrize('bootup, when, uptime', [
    (4000, 1760003600, 4000),            # seconds since boot, as most firmware reports it
    (4000, None, 4000),
    (1760000000, 1760003600, 3600),      # a Unix time: taken against the reply's clock
    (1760000000, None, None),            # ... which is unknown
    (1760000000, 1700000000, None),      # ... or behind the boot time
    (None, 1760003600, None),
    ('1760000000', '1760003600', 3600),
])
def test_v3_uptime_seconds(bootup, when, uptime):
    assert v3facts.uptime_seconds(bootup, when) == uptime


def test_v3_facts_take_a_unix_boot_time_against_when():
    status = {'summary': {'bootup-time': 1760000000, 'elapsed': 3500}}
    assert v3facts.build(None, status, None, when=1760003600)['mining']['uptime_s'] == 3600
    assert v3facts.build(None, status, None)['mining']['uptime_s'] is None
    assert v3facts.build(None, {'summary': {'bootup-time': 4000}}, None, when=1760003600)['mining']['uptime_s'] == 4000


def _walk(subsets, answers):
    walk = gather.steps(subsets)
    request = next(walk)
    try:
        while True:
            request = walk.send(answers[request])
    except StopIteration as stop:
        return stop.value


def test_v3_gather_keeps_the_when_of_the_summary_read():
    summary = Reply(gather.MINER_STATUS, 'S', code=0, when=1760003600, data={'summary': {'bootup-time': 1760000000}})
    setting = Reply(gather.MINER_SETTING, 'S', code=0, when=5, data={})   # another reply's clock, not the summary's
    result = _walk(['summary'], {(gather.MINER_STATUS, 'summary'): summary, (gather.MINER_SETTING, None): setting})
    assert result.when == 1760003600
    built = v3facts.build(result.device, result.status, result.setting, when=result.when)
    assert built['mining']['uptime_s'] == 3600


def test_v3_gather_without_a_summary_has_no_when():
    pools = Reply(gather.MINER_STATUS, 'S', code=0, when=1760003600, data={'pools': []})
    assert _walk(['pools'], {(gather.MINER_STATUS, 'summary+pools'): pools}).when is None


# --- v3: power mode --------------------------------------------------------------------------------

@pytest.mark.parametrize('raw, shown', [
    ('low', 'Low'), ('normal', 'Normal'), ('high', 'High'),
    ('Normal', 'Normal'), (' HIGH ', 'High'),
    ('sleep', 'sleep'), ('heating', 'heating'), (2, '2'),   # unknown: as it came
    (None, None), ('', None),
])
def test_v3_power_mode_uses_the_documented_spelling(raw, shown):
    assert v3facts.build(None, None, {'power-mode': raw})['mining']['power_mode'] == shown


def test_v2_and_v3_spell_the_power_mode_alike():
    v2 = v2facts.build({'summary': [{'Power Mode': 'Low'}]})['mining']['power_mode']
    v3 = v3facts.build(None, None, {'power-mode': 'low'})['mining']['power_mode']
    assert v2 == v3 == 'Low'
