# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_facts through real ansible-playbook runs against the simulator (127.0.41.x)."""

from __future__ import annotations

import socket
import time

import pytest

PORT = 14041

PLAY = '''
- name: Facts
  hosts: all
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      port: %d
      timeout: %s
  tasks:
    - name: Gather
      minerops.whatsminer.whatsminer_facts:
%s
    - name: Facts are set for later tasks
      ansible.builtin.assert:
        that:
          - ansible_facts.whatsminer.identity.host == ansible_host
'''


def play(options='', timeout=5):
    lines = ''.join('        %s\n' % line for line in options.splitlines() if line.strip())
    return PLAY % (PORT, timeout, lines)


def facts_of(run, host):
    record = run.result(host, 'Gather')
    assert record.status == 'ok', run.describe()
    return record.result['ansible_facts']['whatsminer'], record


def test_all_subsets_from_two_miners(sim_fleet, run_playbook):
    fleet = sim_fleet('127.0.41.1', count=2, port=PORT)
    fleet.miners[1].state.errors = {'329': '2022-01-17 11:28:11'}
    run = run_playbook(play(), hosts={'m1': '127.0.41.1', 'm2': '127.0.41.2'})
    assert run.rc == 0, run.describe()
    facts, record = facts_of(run, 'm1')
    assert not record.result.get('warnings')
    assert facts['identity']['model'] == 'M30S+VE40'
    assert facts['identity']['firmware_version'] == '20220125.13.Rel'
    assert facts['identity']['api_version'] == '2.0.5'
    assert facts['identity']['mac'] == fleet.miners[0].state.mac
    assert facts['identity']['serial'] == fleet.miners[0].state.miner_sn
    assert facts['mining']['is_mining'] is True
    assert 50 < facts['mining']['hashrate_ths'] < 120
    assert facts['power']['power_w'] > 1000
    assert facts['power']['psu']['input_voltage_v'] == 224.0
    assert len(facts['boards']) == 3 and facts['boards'][0]['effective_chips'] == 156
    assert facts['pools'][0]['active'] is True
    assert facts['errors'] == [] and facts['error_count'] == 0
    assert facts['failed_subsets'] == [] and facts['unsupported_subsets'] == []
    assert 'raw' not in facts
    errors = facts_of(run, 'm2')[0]['errors']
    assert errors == [{'code': 329, 'time': '2022-01-17 11:28:11',
                       'reason': 'control board temperature sensor cannot be read'}]
    assert run.result('m1', 'Facts are set for later tasks').status == 'ok'


def test_gather_subset_and_include_raw(sim_fleet, run_playbook):
    sim_fleet('127.0.41.10', port=PORT)
    run = run_playbook(play('gather_subset: [summary, version]\ninclude_raw: true'), hosts={'m': '127.0.41.10'})
    facts, _record = facts_of(run, 'm')
    assert facts['gathered_subsets'] == ['summary', 'version']
    assert sorted(facts['raw']) == ['get_version', 'summary']
    assert facts['raw']['get_version']['Msg']['fw_ver'] == '20220125.13.Rel'
    assert facts['pools'] == [] and facts['boards'] == []
    assert facts['power']['psu']['model'] is None


def test_unknown_subset_fails_clearly(sim_fleet, run_playbook):
    sim_fleet('127.0.41.11', port=PORT)
    run = run_playbook(play('gather_subset: [fans]'), hosts={'m': '127.0.41.11'})
    record = run.result('m', 'Gather')
    assert record.failed and record.msg.startswith("127.0.41.11:%d: unknown gather_subset 'fans'" % PORT)


def test_excluding_every_subset_fails_naming_the_miner(sim_fleet, run_playbook):
    sim_fleet('127.0.41.12', port=PORT)
    run = run_playbook(play("gather_subset: ['all', '!all']"), hosts={'m': '127.0.41.12'})
    record = run.result('m', 'Gather')
    assert record.failed
    assert record.msg == '127.0.41.12:%d: gather_subset excludes every subset; nothing to gather' % PORT


def test_a_silent_miner_costs_one_timeout_not_one_per_read(sim_fleet):
    """no_reply: the miner accepts and never answers; the six read groups must not each wait."""
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient  # pylint: disable=import-outside-toplevel
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ReadTimeout  # pylint: disable=import-outside-toplevel
    from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner  # pylint: disable=import-outside-toplevel
    from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend  # pylint: disable=import-outside-toplevel
    from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import facts as logic  # pylint: disable=import-outside-toplevel

    sim_fleet('127.0.41.34', port=PORT, faults=('no_reply',), idle_timeout=30)
    client = WhatsminerClient('127.0.41.34', port=PORT, timeout=1.0)
    params = dict(host='127.0.41.34', port=PORT, gather_subset=['all'], include_raw=False)
    started = time.monotonic()
    with pytest.raises(ReadTimeout) as caught:
        logic.run(params, Miner(V2Backend(client)), False, False)
    seconds = time.monotonic() - started
    assert 0.9 < seconds < 2.5, seconds
    assert str(caught.value).startswith('127.0.41.34:%d: ' % PORT)


def test_a_silent_miner_fails_the_task_quickly(sim_fleet, run_playbook):
    sim_fleet('127.0.41.35', port=PORT, faults=('no_reply',), idle_timeout=30)
    started = time.monotonic()
    run = run_playbook(play(timeout=2), hosts={'m': '127.0.41.35'})
    seconds = time.monotonic() - started
    record = run.result('m', 'Gather')
    assert record.failed and record.msg.startswith('127.0.41.35:%d: ' % PORT)
    assert record.result.get('error') == 'ReadTimeout'
    # one 2 s timeout plus ansible-playbook's own start-up; six timeouts would be 12 s
    assert seconds < 10, seconds


def test_newer_firmware_shapes(sim_fleet, run_playbook):
    sim_fleet('127.0.41.20', port=PORT, faults=('new_firmware',))
    run = run_playbook(play(), hosts={'m': '127.0.41.20'})
    facts, record = facts_of(run, 'm')
    assert not record.result.get('warnings'), record.result.get('warnings')
    assert facts['unsupported_subsets'] == ['devdetails']
    assert facts['identity']['model'] is None
    assert facts['mining']['hashrate_5s_ths'] is None
    assert facts['mining']['hashrate_1m_ths'] > 50
    assert isinstance(facts['mining']['elapsed_s'], int)
    assert len(facts['boards']) == 3 and len(facts['pools']) == 3
    assert facts['power']['psu']['vendor'] == '7'


def test_partial_failure_gives_what_it_can_with_a_warning(sim_fleet, run_playbook, monkeypatch):
    from whatsminer_sim import envelopes, reads  # pylint: disable=import-outside-toplevel

    def broken_psu(miner, now, request):
        return envelopes.native_error(now, envelopes.CMD_ERROR, 'psu i2c read failed')

    monkeypatch.setitem(reads.READS, 'get_psu', broken_psu)
    sim_fleet('127.0.41.30', port=PORT)
    run = run_playbook(play(), hosts={'m': '127.0.41.30'})
    facts, record = facts_of(run, 'm')
    assert facts['failed_subsets'] == ['psu']
    assert facts['identity']['model'] == 'M30S+VE40' and facts['mining']['hashrate_ths'] > 50
    assert facts['power']['psu']['model'] is None
    warnings = record.result['warnings']
    assert len(warnings) == 1
    assert warnings[0].startswith('could not gather psu (get_psu): 127.0.41.30:%d: ' % PORT)
    assert 'psu i2c read failed' in warnings[0]


def test_cut_off_error_list_keeps_the_complete_entries(sim_fleet, run_playbook):
    fleet = sim_fleet('127.0.41.31', port=PORT, faults=('json_cut_error_list',))
    fleet.miners[0].state.errors = dict(('%d' % (500 + i), '2022-01-17 11:28:11') for i in range(3))
    run = run_playbook(play('gather_subset: [error_code]'), hosts={'m': '127.0.41.31'})
    facts, _record = facts_of(run, 'm')
    assert facts['failed_subsets'] == []
    assert facts['error_count'] >= 1
    assert all(error['reason'] for error in facts['errors'])


def test_slow_miner_times_out_with_host_and_port(sim_fleet, run_playbook):
    sim_fleet('127.0.41.33', port=PORT, faults=('slow_reply=3',))
    run = run_playbook(play('gather_subset: [psu, version]', timeout=1), hosts={'m': '127.0.41.33'})
    record = run.result('m', 'Gather')
    assert record.failed
    assert '127.0.41.33:%d' % PORT in record.msg and 'reply' in record.msg


def test_not_whatsminer_answering_garbage_fails_clearly(sim_fleet, run_playbook):
    sim_fleet('127.0.41.32', port=PORT, faults=('not_whatsminer',))
    run = run_playbook(play('gather_subset: [summary, version]'), hosts={'m': '127.0.41.32'})
    record = run.result('m', 'Gather')
    assert record.failed
    assert '127.0.41.32:%d' % PORT in record.msg


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.41.40', 0))
        return sock.getsockname()[1]


def test_unreachable_host_fails_with_a_clear_message(run_playbook):
    port = free_port()
    playbook = play().replace('port: %d' % PORT, 'port: %d' % port)
    run = run_playbook(playbook, hosts={'gone': '127.0.41.40'})
    record = run.result('gone', 'Gather')
    assert record.failed
    assert record.msg.startswith('127.0.41.40:%d: ' % port)
    assert 'refused' in record.msg
    assert record.result.get('error') == 'ConnectionRefused'


@pytest.mark.parametrize('check, address', [(True, '127.0.41.50'), (False, '127.0.41.51')])
def test_check_mode_gathers(sim_fleet, run_playbook, check, address):
    sim_fleet(address, port=PORT)
    run = run_playbook(play('gather_subset: [summary]'), hosts={'m': address}, check=check)
    facts, record = facts_of(run, 'm')
    assert record.changed is False and facts['mining']['is_mining'] is True
