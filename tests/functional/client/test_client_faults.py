# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each simulator fault through ``WhatsminerClient``: repaired where the library promises it, else the typed error.

Malformed JSON from real firmware is repaired (values checked against the miner's state);
transport faults raise the error that tells the caller what is known about the outcome,
within the configured timeout. The binary-flow faults are in test_client_binary.py.
"""

from __future__ import annotations

import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from client_rig import check_error
from whatsminer_sim import FAULTS
from whatsminer_sim.models import model_spec
from whatsminer_sim.reads import error_list

BLOCK = 63
STAMP = '2024-02-03 04:05:06'
# the binary-flow faults: tests/functional/client/test_client_binary.py and tests/functional/sim/test_firmware.py
COVERED_IN_BINARY_TESTS = {'upload_cut_short', 'log_header_split', 'log_glued', 'log_truncated', 'log_header_plain',
                           'bad_firmware',
                           'stays_on_old_version', 'upgrade_resets_settings', 'reboot_uptime_late'}  # reboot_uptime_late: tests/functional/admin/
# API v3 faults: tests/functional/v3/test_v3_backend.py
COVERED_IN_V3_TESTS = {'v3_fragmented', 'v3_coalesced', 'v3_bad_token', 'v3_reboot_no_reply', 'v3_idle_pools_refused',
                       'v3_error_code_text'}
# hostile faults: tests/functional/hostile/test_hostile_playbooks.py and tests/functional/sim/test_hostile_faults.py
COVERED_IN_HOSTILE_TESTS = {'escape_bomb', 'deep_nesting', 'echo', 'huge_length', 'slow_drain', 'trickle'}


@pytest.fixture
def rig(make_rig):
    return make_rig(BLOCK)


def test_every_fault_is_covered():
    here = {'json_trailing_nul', 'json_trailing_comma', 'json_raw_newline', 'json_psu_missing_comma', 'json_inf_nan',
            'json_cut_error_list', 'json_error_code_204', 'truncated_reply', 'no_reply', 'slow_reply',
            'reset_mid_reply', 'new_firmware', 'write_access_off', 'silent_on_bad_password', 'mode_switch_no_reply',
            'mode_switch_ignored', 'not_whatsminer', 'slow_writes', 'power_off_no_reply',
            'default_password_blocks_writes', 'write_reply_reset', 'write_reply_garbled'}
    assert here | COVERED_IN_BINARY_TESTS | COVERED_IN_V3_TESTS | COVERED_IN_HOSTILE_TESTS == set(FAULTS)


# --- malformed JSON: repaired ---------------------------------------------------------

def _summary_is_right(rig):
    record = rig.client.summary().data[0]
    state = rig.miner.state
    assert (record['MAC'], record['Firmware Version'], record['Power Mode']) == (state.mac, state.firmware, 'Normal')
    assert record['Power Limit'] == state.power_limit and record['MHS av'] > 0


@pytest.mark.parametrize('fault', ['json_trailing_nul', 'json_trailing_comma', 'json_raw_newline'])
def test_generic_json_faults_are_repaired_for_reads_and_writes(rig, fault):
    rig.miner.set_faults(fault)
    _summary_is_right(rig)
    version = rig.client.get_version()
    assert version.data['fw_ver'] == rig.miner.state.firmware
    if fault == 'json_raw_newline':
        assert version.description == 'btminer\n'
    joined = rig.client.read_joined(['summary', 'pools', 'edevs'])
    assert joined['summary'].data[0]['MAC'] == rig.miner.state.mac
    assert len(joined['edevs'].data) == model_spec(rig.miner.state.model).boards
    reply = rig.client.write('set_hostname', hostname='repaired-1')    # get_token and the encrypted reply too
    assert reply.ok and reply.encrypted and rig.miner.state.hostname == 'repaired-1'


def test_json_psu_missing_comma(rig):
    rig.miner.set_faults('json_psu_missing_comma')
    psu = rig.client.get_psu().data
    assert psu['vendor'] == '7' and psu['temp0'].replace('.', '').isdigit()
    assert psu['serial_no'] == rig.miner.state.power_sn


def test_json_inf_nan_become_none_and_the_rest_stays(rig):
    rig.miner.set_faults('json_inf_nan')
    record = rig.client.summary().data[0]
    assert record['Power Rate'] is None and record['Hash Deviation%'] is None
    assert record['MAC'] == rig.miner.state.mac and record['Power Mode'] == 'Normal'
    boards = rig.client.edevs().data
    assert [board['chip_vol_diff'] for board in boards] == [None] * len(boards)
    assert [board['PCB SN'] for board in boards] == rig.miner.state.board_sns
    joined = rig.client.read_joined(['summary', 'pools', 'edevs'])
    assert joined['summary'].data[0]['Power Rate'] is None
    assert [board['PCB SN'] for board in joined['edevs'].data] == rig.miner.state.board_sns


def test_json_cut_error_list_is_salvaged_as_truncated(rig):
    rig.miner.set_faults('json_cut_error_list')
    reply = rig.client.get_error_code()
    assert reply.ok and reply.truncated
    entries = reply.data['error_code']
    complete = error_list(rig.miner)
    assert 10 < len(entries) < len(complete)
    assert entries == complete[:len(entries)]               # complete entries only, in order


def test_json_error_code_204(rig):
    rig.miner.state.errors = {'329': STAMP, '2010': STAMP, '5070': STAMP}
    rig.miner.set_faults('json_error_code_204')
    reply = rig.client.get_error_code()
    assert not reply.truncated
    assert reply.data == {'error_code': [{'329': STAMP}, {'2010': STAMP}, {'5070': STAMP}]}


# --- transport faults ----------------------------------------------------------------

def test_truncated_reply_is_malformed(rig):
    rig.miner.set_faults('truncated_reply')
    for call in (rig.client.summary, rig.client.get_version, lambda: rig.client.read_joined(['summary', 'pools'])):
        with pytest.raises(errors.MalformedReply) as caught:
            call()
        assert 'cut off' in check_error(caught.value, rig.client)
    with pytest.raises(errors.MalformedReply) as caught:
        rig.client.write('set_hostname', hostname='never')     # the get_token reply is cut off too
    check_error(caught.value, rig.client)
    assert rig.miner.write_log == []


def test_no_reply_times_out_within_the_configured_timeout(make_rig):
    rig = make_rig(BLOCK, timeout=0.4, idle_timeout=5.0)
    rig.client.check_password()                             # a live token, so the write itself is what hangs
    rig.miner.set_faults('no_reply')
    started = time.monotonic()
    with pytest.raises(errors.ReadTimeout) as caught:
        rig.client.summary()
    assert time.monotonic() - started < 1.5
    # a read that timed out changed nothing: safe to ask again, and no "outcome" to be unknown
    text = check_error(caught.value, rig.client)
    assert 'no complete reply within 0.4 s' in text and 'outcome' not in text and caught.value.received == 0
    assert caught.value.retryable
    started = time.monotonic()
    with pytest.raises(errors.PrivilegedNoReply) as caught:
        rig.client.write('set_hostname', hostname='never')
    assert time.monotonic() - started < 1.5
    text = check_error(caught.value, rig.client)
    assert 'password' in text and 'write access' in text
    # A write that may legitimately not answer returns None: the caller has to read state to know.
    assert rig.client.write('set_low_power') is None
    # Without a cached token the silent get_token is what times out: the write itself was never sent.
    with pytest.raises(errors.ReadTimeout):
        rig.new_client(timeout=0.4).write('set_low_power')
    rig.miner.clear_faults()
    assert rig.client.status().data['power_mode'] == 'Normal' and rig.miner.write_log == []


def test_no_reply_closed_by_the_miner_before_the_client_gives_up(make_rig):
    rig = make_rig(BLOCK, timeout=3.0, idle_timeout=0.3)
    rig.client.check_password()
    rig.miner.set_faults('no_reply')
    started = time.monotonic()
    with pytest.raises(errors.NoReply) as caught:
        rig.client.summary()
    check_error(caught.value, rig.client)
    with pytest.raises(errors.PrivilegedNoReply):
        rig.client.write('set_hostname', hostname='never')
    assert time.monotonic() - started < 2.0


def test_slow_reply(make_rig):
    rig = make_rig(BLOCK, timeout=0.25)
    rig.miner.set_faults('slow_reply=0.4')
    with pytest.raises(errors.ReadTimeout) as caught:
        rig.client.get_version()
    check_error(caught.value, rig.client)
    patient = rig.new_client(timeout=2.0)
    started = time.monotonic()
    assert patient.get_version().data['fw_ver'] == rig.miner.state.firmware
    assert patient.write('set_hostname', hostname='slowpoke').ok        # get_token and the write, each delayed
    assert time.monotonic() - started > 1.1 and rig.miner.state.hostname == 'slowpoke'


def test_reset_mid_reply(rig):
    rig.miner.set_faults('reset_mid_reply')
    with pytest.raises(errors.ConnectionReset) as caught:
        rig.client.summary()
    check_error(caught.value, rig.client)
    assert not caught.value.retryable


def test_not_whatsminer_is_malformed(rig):
    rig.miner.set_faults('not_whatsminer')
    with pytest.raises(errors.MalformedReply) as caught:
        rig.client.summary()
    assert 'not valid JSON' in check_error(caught.value, rig.client)
    with pytest.raises(errors.MalformedReply) as caught:
        rig.client.write('power_off')
    check_error(caught.value, rig.client)
    assert rig.miner.state.mining


# --- firmware behaviour ----------------------------------------------------------------

def test_new_firmware_reads_in_the_same_form(rig):
    rig.miner.set_faults('new_firmware')
    state = rig.miner.state
    summary = rig.client.summary()
    assert summary.ok and isinstance(summary.data, list) and len(summary.data) == 1
    record = summary.data[0]
    assert record['MAC'] == state.mac and record['Power Mode'] == 'Normal'
    assert 'MHS 5s' not in record and isinstance(record['Elapsed'], float) and record['Hash Stable'] == 'true'
    pools = rig.client.pools()
    assert [pool['URL'] for pool in pools.data] == [pool.url for pool in state.pools if pool.url]
    boards = rig.client.edevs()
    assert [board['PCB SN'] for board in boards.data] == state.board_sns
    joined = rig.client.read_joined(['summary', 'pools', 'edevs'])
    assert joined['summary'].data[0]['MAC'] == state.mac
    assert joined['pools'].data == pools.data
    assert [board['PCB SN'] for board in joined['edevs'].data] == state.board_sns
    assert rig.client.get_psu().raw['Msg']['vendor'] == '7'
    with pytest.raises(errors.CommandFailed) as caught:
        rig.client.devdetails()
    assert caught.value.deprecated and caught.value.code == 132
    assert 'deprecated' in check_error(caught.value, rig.client)


def test_write_access_off(rig):
    rig.miner.set_faults('write_access_off')
    with pytest.raises(errors.WriteAccessDisabled) as caught:
        rig.client.write('power_off')
    text = check_error(caught.value, rig.client)
    assert 'write access is not enabled' in text and 'enable it in WhatsMinerTool' in text
    assert rig.miner.state.mining and rig.miner.write_log == []
    assert rig.client.read('status', encrypted=True).ok      # encrypted reads are not writes


def test_default_password_blocks_writes_until_it_is_changed(make_rig):
    rig = make_rig(BLOCK, password='admin')
    rig.miner.set_faults('default_password_blocks_writes')
    client = rig.new_client(password='admin')
    with pytest.raises(errors.WriteAccessDisabled) as caught:
        client.write('power_off')
    assert 'change the default password once' in check_error(caught.value, client)
    assert rig.miner.state.mining and rig.miner.write_log == []
    client.update_password('Rotated9')              # the one write such firmware takes
    assert rig.miner.state.password == 'Rotated9'
    assert rig.new_client(password='Rotated9').write('power_off').ok and not rig.miner.state.mining


def test_power_off_no_reply_returns_none_and_applies(make_rig):
    rig = make_rig(BLOCK, timeout=0.4)
    rig.miner.set_faults('power_off_no_reply')
    assert rig.client.write('power_off') is None     # power_off may go unanswered: no error
    assert not rig.miner.state.mining and rig.miner.write_log[-1][0] == 'power_off'
    assert rig.client.status().data['btmineroff'] == 'true'


def test_slow_writes_are_applied_and_answered_after_the_clients_timeout(rig):
    rig.miner.set_faults('slow_writes=1.5')
    slow = rig.new_client(timeout=0.5)
    started = time.monotonic()
    with pytest.raises(errors.PrivilegedNoReply):
        slow.write('set_hostname', hostname='late1')
    assert time.monotonic() - started < 1.2
    assert rig.miner.write_log == [('set_hostname', {'hostname': 'late1'})]     # it took: only the reply was late
    assert slow.summary().ok                                                   # reads are not delayed
    rig.miner.clear_faults()


@pytest.mark.parametrize('fault', ['write_reply_reset', 'write_reply_garbled'])
def test_a_write_whose_reply_breaks_after_it_took_is_an_unknown_outcome(rig, fault):
    rig.miner.set_faults(fault)
    assert rig.client.summary().ok                                             # reads are answered as ever
    with pytest.raises(errors.OutcomeUnknown) as caught:
        rig.client.write('set_hostname', hostname='cut1')
    text = check_error(caught.value, rig.client)
    assert 'the reply to set_hostname was cut off or unreadable' in text and 'outcome is unknown' in text
    assert not caught.value.retryable and caught.value.outcome_unknown
    assert rig.miner.write_log == [('set_hostname', {'hostname': 'cut1'})]     # it took: only the reply broke
    rig.miner.clear_faults()


def test_silent_on_bad_password(make_rig):
    rig = make_rig(BLOCK, idle_timeout=3.0)
    rig.miner.set_faults('silent_on_bad_password')
    wrong = rig.new_client(password='Wr0ng_pw', timeout=0.4)
    started = time.monotonic()
    with pytest.raises(errors.PrivilegedNoReply) as caught:
        wrong.write('set_hostname', hostname='never')
    assert time.monotonic() - started < 1.5
    text = check_error(caught.value, wrong, extra_secrets=['Wr0ng_pw'])
    assert 'wrong password' in text and 'write access' in text
    with pytest.raises(errors.PrivilegedNoReply):
        wrong.check_password()                               # silence is not a "False": it may be anything
    # A command that may not answer cannot tell this silence from its own: None, and only a read shows nothing happened.
    assert wrong.write('set_high_power') is None
    assert rig.client.status().data['power_mode'] == 'Normal'
    assert rig.miner.state.hostname == 'WhatsMiner' and rig.miner.write_log == []
    assert rig.client.write('set_hostname', hostname='right').ok


@pytest.mark.parametrize('command, mode', [('set_low_power', 'Low'), ('set_normal_power', 'Normal'),
                                           ('set_high_power', 'High')])
def test_mode_switch_no_reply_returns_none_and_applies(make_rig, command, mode):
    rig = make_rig(BLOCK, timeout=0.4)
    rig.miner.state.power_mode = 'Low' if mode != 'Low' else 'High'
    rig.miner.set_faults('mode_switch_no_reply')
    assert rig.client.write(command) is None
    assert rig.miner.state.power_mode == mode
    assert rig.client.summary().data[0]['Power Mode'] == mode


def test_mode_switch_ignored_returns_none_and_changes_nothing(make_rig):
    rig = make_rig(BLOCK, timeout=0.4)
    rig.miner.set_faults('mode_switch_ignored')
    assert rig.client.write('set_high_power') is None
    assert rig.miner.state.power_mode == 'Normal' and rig.miner.write_log == []
    assert rig.client.status().data['power_mode'] == 'Normal'
