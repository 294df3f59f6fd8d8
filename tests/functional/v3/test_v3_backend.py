# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The v3 backend against simulated v3 miners through real sockets (127.0.84.x), and the simulator's v3 side.

Every operation of the catalogue runs here over ``Miner(V3Backend(ApiV3))``; the
simulator's ``write_log`` proves what reached the miner, and the reduced v2 that v3
firmware keeps on 4028 shows the same state.
"""

from __future__ import annotations

import io
import json
import os
import socket
import struct
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import mux
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv3 import ApiV3, forget_salt
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import device_from_params
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import detect
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import operations as ops
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.subsets import SUBSETS

from whatsminer_sim import firmware_image as fw

PORT = 14084
V3_PORT = 14484
PASSWORD = 'Secret12'
FLEET = dict(port=PORT, v3_port=V3_PORT, api='v3', v3_password=PASSWORD, reboot_seconds=0.3, restart_seconds=0.1,
             idle_timeout=3.0)


def address(offset=0):
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.84.%d' % (1 + 40 * (index % 6) + offset)


@pytest.fixture
def v3(sim_fleet, request):
    offset = getattr(request, 'param', 0)
    fleet = sim_fleet(address(offset), 1, **FLEET)
    sim = fleet.miners[0]
    forget_salt(sim.address, V3_PORT)
    detect.forget(sim.address)
    return sim


def device(sim, password=PASSWORD, check_mode=False, timeout=3.0, account='super'):
    return Miner(V3Backend(ApiV3(sim.address, V3_PORT, timeout, timeout, account=account, password=password)), check_mode)


def commands(sim):
    return [entry[0] for entry in sim.write_log]


# --- reads ---------------------------------------------------------------------------------------------------

def test_every_subset_reads_in_three_round_trips(v3):
    snapshot = device(v3).snapshot(list(SUBSETS))
    assert snapshot.failures == {} and snapshot.answered
    facts = snapshot.facts
    assert facts['identity']['model'] == v3.state.model and facts['identity']['api_version'] == '3.0.2'
    assert facts['identity']['firmware_version'] == v3.state.firmware and facts['identity']['mac'] == v3.state.mac
    assert facts['mining']['is_mining'] and facts['mining']['hashrate_ths'] > 1
    assert facts['mining']['power_mode'] == 'Normal'
    assert len(facts['boards']) == 3 and facts['boards'][0]['pcb_serial'] == v3.state.board_sns[0]
    assert [pool['url'] for pool in facts['pools']] == [pool.url for pool in v3.state.pools if pool.url]
    assert sorted(snapshot.raw) == ['get.device.info', 'get.miner.setting', 'get.miner.status:summary+pools+edevs']


def test_sections_firmware_and_uptime(v3):
    miner = device(v3)
    assert miner.read('identity')['platform'] == v3.state.platform
    assert miner.firmware() == dict(version=v3.state.firmware, platform=v3.state.platform)
    assert 3000 < miner.uptime() < 4000


# --- settings ------------------------------------------------------------------------------------------------

SETTINGS = [
    ('mode', 'low', {}, 'set.miner.power_mode', lambda state: state.power_mode == 'Low'),
    ('power_limit', 3000, {}, 'set.miner.power_limit', lambda state: state.power_limit == 3000),
    ('percent', 80, dict(method='fast'), 'set.miner.power_percent', lambda state: state.power_percent == 80),
    ('target_freq', -10, {}, 'set.miner.target_freq', lambda state: state.target_freq_percent == -10),
    ('upfreq_speed', 4, {}, 'set.miner.upfreq_speed', lambda state: state.upfreq_speed == 4),
    ('fast_boot', True, {}, 'set.miner.fastboot', lambda state: state.fast_boot_pending is True),
    ('heat_mode', 'heating', {}, 'set.miner.heat_mode', lambda state: state.heat_mode == 'heating'),
    ('fast_hash', True, {}, 'set.miner.fast_hash', lambda state: state.fast_hash == 1),
    ('temp_offset', -5, {}, 'set.fan.temp_offset', lambda state: state.temp_offset == -5),
    ('poweroff_cool', True, {}, 'set.fan.poweroff_cool', lambda state: state.poweroff_cool == 1),
    ('fan_zero_speed', True, {}, 'set.fan.zero_speed', lambda state: state.fan_zero_speed == 1),
    ('web_pools', False, {}, 'set.system.webpools', lambda state: state.web_pools is False),
    ('hostname', 'rack2-m9', {}, 'set.system.hostname', lambda state: state.hostname == 'rack2-m9'),
    ('timezone', dict(timezone='UTC0', zonename='Etc/UTC'), {}, 'set.system.timezone',
     lambda state: (state.timezone, state.zonename) == ('UTC0', 'Etc/UTC')),
    ('ntp_servers', ['ntp.example.org'], {}, 'set.system.ntp_server', lambda state: state.ntp_servers == ['ntp.example.org']),
    ('syslog', dict(host='10.0.0.5', port=514, protocol='udp'), {}, 'set.log.upload',
     lambda state: state.log_server == dict(ip='10.0.0.5', port=514, proto='udp')),
    ('led', dict(color='red', period=200, duration=100, start=0), {}, 'set.system.led',
     lambda state: state.led['mode'] == 'manual'),
    ('state', 'off', {}, 'set.miner.service', lambda state: not state.mining),
]


@pytest.mark.parametrize('name, value, options, command, check', SETTINGS, ids=[case[0] for case in SETTINGS])
def test_set_changes_the_miner_and_reads_back(v3, name, value, options, command, check):
    miner = device(v3)
    assert not check(v3.state)
    assert miner.command_for(name, value, **options) == command and v3.write_log == []
    miner.set(name, value, **options)
    assert commands(v3) == [command] and check(v3.state)
    operation = miner.operation(name)
    if operation.readable and operation.effect not in ops.DEFERRED and name != 'led':   # led reads back its mode
        assert miner.settings([name])[name] == value


@pytest.mark.parametrize('name, value, options, command, check', SETTINGS, ids=[case[0] for case in SETTINGS])
def test_check_mode_sends_no_setting(v3, name, value, options, command, check):
    miner = device(v3, check_mode=True)
    miner.set(name, value, **options)
    assert miner.commands == [command] and v3.write_log == [] and not check(v3.state)


def test_pools_are_encrypted_and_read_back_without_passwords(v3):
    miner = device(v3)
    wanted = [dict(url='stratum+tcp://a.example:3333', user='farm.w1', password='pw-one'),
              dict(url='stratum+tcp://b.example:3333', user='farm.w1', password='pw-two')]
    miner.set_pools(wanted)
    assert miner.pools() == [dict(url=item['url'], user=item['user']) for item in wanted]
    assert [pool.password for pool in v3.state.pools] == ['pw-one', 'pw-two']
    assert 'pw-one' not in json.dumps(v3.write_log)


def test_network_static_then_dhcp(v3):
    miner = device(v3)
    miner.set('network', dict(mode='static', address='192.0.2.50', netmask='255.255.255.0', gateway='192.0.2.1',
                              dns=['192.0.2.1', '192.0.2.2']))    # the operator's list, as whatsminer_network gives it
    assert v3.state.net['ip'] == '192.0.2.50' and commands(v3) == ['set.system.net_config']
    assert v3.write_log[0][1]['dns'] == '192.0.2.1 192.0.2.2'   # the wire's one space-separated string
    time.sleep(0.6)
    network = miner.settings(['network'])['network']
    assert network['address'] == '192.0.2.50' and network['dns'] == ['192.0.2.1', '192.0.2.2']


def test_password_change_gives_a_handle_that_works_and_the_old_one_stops(v3):
    miner = device(v3)
    rotated = miner.change_password('Another9')
    assert v3.v3_passwords['super'] == 'Another9'
    assert rotated.check_password() is True
    assert miner.check_password() is False
    assert device(v3, check_mode=True).check_password() is None     # a check would be a write


def test_actions_restart_reboot_factory_reset(v3):
    miner = device(v3)
    miner.act('restart_mining')
    assert commands(v3) == ['set.miner.service']
    miner.act('reboot')
    time.sleep(0.6)
    assert miner.uptime() < 5
    miner.act('factory_reset')
    time.sleep(0.6)
    assert v3.v3_passwords['super'] == 'super' and not v3.state.write_access
    with pytest.raises(errors.PermissionDenied, match='default password'):
        device(v3, password='super').set('mode', 'low')


def test_pre_power_on_is_refused_naming_api_v3_before_any_traffic(v3):
    with pytest.raises(errors.UnsupportedCommand, match='pre power on is not available through API v3'):
        device(v3).preheat(first=True)
    assert v3.write_log == []


def test_firmware_upload_flashes_and_reboots(v3):
    miner = device(v3)
    image = fw.build_combined({v3.state.platform: fw.build_single('20260101.16.Rel3', v3.state.platform),
                               'zz99': fw.build_single('20260101.16.Rel3', 'zz99')})
    miner.upload_firmware(io.BytesIO(image), len(image))
    time.sleep(0.8)
    assert v3.state.firmware == '20260101.16.Rel3' and miner.firmware()['version'] == '20260101.16.Rel3'
    assert v3.upload_log and v3.upload_log[-1].outcome == 'flashed'


def test_a_refused_image_is_image_refused(v3):
    image = fw.build_single('20260101.16.Rel3', 'zz99')
    with pytest.raises(errors.ImageRefused):
        device(v3).upload_firmware(io.BytesIO(image), len(image))
    assert v3.state.firmware != '20260101.16.Rel3'


def test_logs_download_exactly(v3):
    dest = io.BytesIO()
    size = device(v3).download_logs(dest, 1 << 20, 10.0)
    assert size == len(dest.getvalue()) > 0 and dest.getvalue()[:2] == b'\x1f\x8b'


def test_raw_reads_and_signed_writes(v3):
    miner = device(v3)
    read = miner.raw('get.device.info', dict(param='salt'), False)
    assert read['data'] == {'salt': v3.v3_salt} and read['code'] == 0
    assert device(v3, check_mode=True).raw('set.miner.upfreq_speed', dict(param=2), False) is None
    assert v3.write_log == []
    written = miner.raw('set.miner.upfreq_speed', dict(param=2), False)
    assert written['api_msg'] == 'ok' and v3.state.upfreq_speed == 2


# --- refusals, faults and the simulator's v3 side -------------------------------------------------------------

def test_wrong_password_wrong_account_and_write_access_off_are_no_permission(v3):
    for miner in (device(v3, password='Wrong999'), device(v3, account='user1', password='user1')):
        with pytest.raises(errors.PermissionDenied) as caught:
            miner.set('mode', 'high')
        assert v3.address in str(caught.value) and 'Wrong999' not in str(caught.value)
    v3.state.write_access = False
    with pytest.raises(errors.WriteAccessDisabled):
        device(v3).check_password()
    assert v3.write_log == []


@pytest.mark.parametrize('fault', ['v3_fragmented', 'v3_coalesced'])
def test_fragmented_and_coalesced_frames_are_read_whole(v3, fault):
    v3.set_faults(fault)
    miner = device(v3)
    assert miner.snapshot(['summary', 'pools', 'devdetails']).failures == {}
    miner.set('mode', 'high')
    assert v3.state.power_mode == 'High'


def test_bad_token_fault_refuses_every_write(v3):
    v3.set_faults('v3_bad_token')
    with pytest.raises(errors.PermissionDenied):
        device(v3).set('mode', 'high')
    assert v3.write_log == []


def test_a_reboot_that_is_never_answered_is_confirmed_by_the_uptime(v3):
    v3.set_faults('v3_reboot_no_reply')
    miner = device(v3, timeout=1.0)
    assert miner.act('reboot') is None
    time.sleep(0.6)
    assert miner.uptime() < 5


def test_the_reduced_v2_of_v3_firmware_reads_the_same_state_and_refuses_writes(v3):
    device(v3).set('mode', 'low')
    client = WhatsminerClient(v3.address, port=PORT, password='admin', timeout=3)
    summary = client.read('summary')
    assert summary.data[0]['Power Mode'] == 'Low'
    with pytest.raises(errors.CommandFailed) as caught:
        client.read('devdetails')
    assert caught.value.deprecated
    with pytest.raises(errors.ApiError, match='use API v3'):
        client.write('set_high_power')
    assert v3.state.power_mode == 'Low'


def _framed(sock, document):
    body = json.dumps(document).encode()
    sock.sendall(struct.pack('<I', len(body)) + body)
    length = struct.unpack('<I', sock.recv(4, socket.MSG_WAITALL))[0]
    return json.loads(sock.recv(length, socket.MSG_WAITALL))


def test_one_connection_serves_many_requests_and_heartbeats_get_no_answer(v3):
    with socket.create_connection((v3.address, V3_PORT), timeout=3) as sock:
        sock.sendall(struct.pack('<I', 0))
        first = _framed(sock, {'cmd': 'get.device.info', 'param': 'salt'})
        second = _framed(sock, {'cmd': 'get.miner.status'})
        third = _framed(sock, {'cmd': 'set.no.such'})
    assert first['code'] == 0 and first['msg']['salt'] == v3.v3_salt
    assert second['code'] == -3 and third['code'] == -2


def test_the_eleventh_connection_is_closed_without_a_reply(v3):
    open_ones = [socket.create_connection((v3.address, V3_PORT), timeout=3) for _index in range(10)]
    try:
        time.sleep(0.1)
        with socket.create_connection((v3.address, V3_PORT), timeout=3) as extra:
            try:
                extra.sendall(struct.pack('<I', 2) + b'{}')
                assert extra.recv(4) == b''
            except ConnectionResetError:
                pass
    finally:
        for sock in open_ones:
            sock.close()


# --- detection and connection options -------------------------------------------------------------------------

def test_auto_detection_finds_v3_first_and_falls_back_to_v2(sim_fleet):
    fleet = sim_fleet(address(30), 2, port=PORT, v3_port=V3_PORT, api='mixed', v3_password=PASSWORD, idle_timeout=3.0)
    v2_sim, v3_sim = fleet.miners
    for sim in fleet.miners:
        detect.forget(sim.address)
    params = dict(host=v3_sim.address, port=PORT, v3_port=V3_PORT, password=PASSWORD, timeout=3.0, api_version='auto',
                  account='super')
    assert device_from_params(params).api_version == 'v3'
    assert device_from_params(dict(params, host=v2_sim.address, password='admin')).api_version == 'v2'
    assert device_from_params(dict(params, api_version='v2')).api_version == 'v2'
    assert device_from_params(dict(params, host=v2_sim.address), api_hint='v3').api_version == 'v3'


def test_a_v3_port_that_takes_the_connection_and_says_nothing_is_not_remembered_as_v2(sim_fleet):
    """The 11th client of a v3 miner, or btminer restarting: unsure, so v3 serves this task, and is asked again."""
    fleet = sim_fleet(address(33), 1, port=PORT, v3_port=V3_PORT, api='v3', v3_password=PASSWORD, idle_timeout=0.5)
    sim = fleet.miners[0]
    detect.forget(sim.address)
    params = dict(host=sim.address, port=PORT, v3_port=V3_PORT, password=PASSWORD, timeout=3.0, api_version='auto',
                  account='super')
    assert V3Backend.speaks(sim.address, V3_PORT, 3.0) is True
    sim.set_faults('no_reply')
    try:
        assert V3Backend.speaks(sim.address, V3_PORT, 3.0) is None
        assert device_from_params(params).api_version == 'v3'
    finally:
        sim.clear_faults()
    assert device_from_params(params).api_version == 'v3'
    detect.forget(sim.address)


def test_the_async_probe_identifies_a_v3_miner(v3):
    snapshot = mux.run_one(V3Backend.probe(v3.address, V3_PORT, ['summary', 'pools', 'devdetails'], 2.0, 2.0))
    assert snapshot.facts['identity']['model'] == v3.state.model and snapshot.facts['pools']


# --- an idle miner and its pools (notes 4.2), and an error-code sent as text (notes 4.1a) -------------------

def _status_over_the_wire(sim, param):
    with socket.create_connection((sim.address, V3_PORT), timeout=3) as sock:
        return _framed(sock, {'cmd': 'get.miner.status', 'param': param})


def test_the_idle_pools_fault_refuses_pools_alone_and_leaves_them_out_of_a_combined_read(v3):
    v3.set_faults('v3_idle_pools_refused')
    mining = _status_over_the_wire(v3, 'pools')
    assert mining['code'] == 0 and [pool['url'] for pool in mining['msg']['pools']] == [
        pool.url for pool in v3.state.pools if pool.url]                          # a mining miner answers as usual
    v3.state.mining = False
    assert _status_over_the_wire(v3, 'pools')['code'] == -1
    combined = _status_over_the_wire(v3, 'summary+pools+edevs')
    assert combined['code'] == 0 and sorted(combined['msg']) == ['edevs', 'summary']
    assert combined['msg']['summary']['hash-realtime'] == 0
    v3.clear_faults()
    assert _status_over_the_wire(v3, 'pools')['code'] == 0                           # only with the fault


def test_an_idle_miner_that_hides_its_pools_still_gathers_and_reads(v3):
    """Before the fix: 'pools' alone -> -1 -> "no facts gathered" for gather_subset [pools], CommandFailed for pools()."""
    v3.set_faults('v3_idle_pools_refused')
    miner = device(v3)
    miner.set('state', 'off')
    assert not v3.state.mining
    snapshot = miner.snapshot(['pools'])
    assert snapshot.answered and snapshot.failures == {}
    assert snapshot.facts['pools'] == [] and snapshot.facts['collected'] == ['get.miner.status:summary']
    whole = miner.snapshot(list(SUBSETS))
    assert whole.failures == {} and whole.facts['pools'] == [] and whole.facts['mining']['is_mining'] is False
    assert sorted(whole.raw) == ['get.device.info', 'get.miner.setting', 'get.miner.status:summary+pools+edevs']
    probed = mux.run_one(V3Backend.probe(v3.address, V3_PORT, ['pools'], 2.0, 2.0))
    assert probed.failures == {} and probed.facts['pools'] == []
    assert miner.pools() is None                       # not shown: neither "no pools" nor a failure
    miner.set_pools([dict(url='stratum+tcp://c.example:3333', user='farm.c', password='pw')])
    assert miner.pools() is None and v3.state.pools[0].url == 'stratum+tcp://c.example:3333'
    miner.set('state', 'on')
    time.sleep(0.2)                                    # restart_seconds
    assert miner.pools()[0] == dict(url='stratum+tcp://c.example:3333', user='farm.c')


def test_pools_alone_are_never_asked(v3):
    v3.set_faults('v3_idle_pools_refused')
    v3.state.mining = False
    sent = []
    api = ApiV3(v3.address, V3_PORT, 3.0, 3.0, account='super', password=PASSWORD)
    original = api.read

    def read(command, param=None):
        sent.append((command, param))
        return original(command, param)
    api.read = read
    Miner(V3Backend(api), False).pools()
    assert sent == [('get.miner.status', 'summary+pools')]


def test_the_error_code_text_fault_sends_a_bare_string(v3):
    v3.set_faults('v3_error_code_text')
    with socket.create_connection((v3.address, V3_PORT), timeout=3) as sock:
        whole = _framed(sock, {'cmd': 'get.device.info'})
        section = _framed(sock, {'cmd': 'get.device.info', 'param': 'error-code'})
    assert whole['msg']['error-code'] == section['msg']['error-code'] == 'btminer process is down err'


def test_an_error_code_sent_as_text_is_reported_as_one_error(v3):
    """Before the fix a bare string gave errors [] and error_count 0."""
    v3.set_faults('v3_error_code_text')
    snapshot = device(v3).snapshot(['error_code'])
    assert snapshot.failures == {}
    assert snapshot.facts['errors'] == [dict(code=None, time=None, reason='btminer process is down err')]
    assert snapshot.facts['error_count'] == 1
