# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The device layer over API v2 against the simulator: every operation of ``V2Backend``, real sockets.

Each test drives ``Miner(V2Backend(WhatsminerClient(...)))`` the way module logic does and
checks the outcome where it really happened: in the simulated miner's state and write
log, and by reading back through the same Miner. Check mode is proven by the write log
staying empty and the state staying as it was.

Addresses: 127.0.47.x, port 14047; each pytest-xdist worker has its own 50-address range.
"""

from __future__ import annotations

import copy
import io
import os
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import TokenCache
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import operations as ops
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import SECTION_SUBSETS, V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.settings import ROWS
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import error_codes
from whatsminer_sim.binary_flows import log_archive
from whatsminer_sim.models import model_spec

BLOCK = 47
PORT = 14047
PASSWORD = 'Dv47_pw'
NEW_PASSWORD = 'Rot47_x'
FLEET = dict(port=PORT, password=PASSWORD, reboot_seconds=0.5, restart_seconds=5.0, preheat_seconds=30.0,
             idle_timeout=3.0)
IMAGE_VERSION = '20260101.47.Rel'
IMAGE = b'\x7fELF' + bytes(range(256)) * 64 + b'\nFW_VERSION=' + IMAGE_VERSION.encode('ascii') + b'\n' + b'\x00' * 512
POOLS = [dict(url='stratum+tcp://pool.example.net:3333', user='farm47.m1', password='poolpw1'),
         dict(url='stratum+tcp://backup.example.net:443', user='farm47.m1b', password='poolpw2')]


def base_octet():
    """First host octet for this process: parallel pytest-xdist workers never share an address."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return 1 + 50 * (index % 5)


def address(offset=0):
    return '127.0.%d.%d' % (BLOCK, base_octet() + offset)


class Rig:
    """A running fleet, its first simulated miner, and Miners over the v2 backend."""

    def __init__(self, fleet):
        self.fleet = fleet
        self.address = fleet.addresses[0]
        self.sim = fleet.miner(self.address)
        self.state = self.sim.state

    def miner(self, password=PASSWORD, check_mode=False, host=None):
        client = WhatsminerClient(host or self.address, port=PORT, password=password, timeout=2.0,
                                  token_cache=TokenCache())
        return Miner(V2Backend(client), check_mode=check_mode)

    @property
    def written(self):
        """The commands the simulated miner executed, in order."""
        return [command for command, _params in self.sim.write_log]

    def now(self):
        return self.fleet.clock.now()


@pytest.fixture
def make_rig(sim_fleet):
    def make(count=1, **options):
        kwargs = dict(FLEET)
        kwargs.update(options)
        return Rig(sim_fleet(address(), count=count, **kwargs))
    return make


@pytest.fixture
def rig(make_rig):
    return make_rig()


def wait_for_reboot(miner, timeout=5.0):
    """After a request that reboots the miner: poll ``miner.uptime()`` until the port refuses
    (the reboot window, seen through the Miner), then until it answers again; that uptime."""
    deadline = time.monotonic() + timeout
    down = False
    while True:
        try:
            uptime = miner.uptime()
            if down:
                return uptime
        except errors.ConnectError as err:
            assert_names_miner(err, miner)
            down = True
        except (errors.ConnectionReset, errors.NoReply):
            pass   # accepted just before the miner closed its listening socket
        if time.monotonic() > deadline:
            raise AssertionError('%s did not %s within %.1f s' % (
                miner.address, 'come back' if down else 'go down', timeout))
        time.sleep(0.02)


def assert_names_miner(err, miner):
    assert str(err).startswith('%s: ' % miner.address), str(err)
    assert (err.host, err.port) == (miner.host, miner.port)


# --- reads ---------------------------------------------------------------------------------------------------------

def test_every_section_reads_the_simulated_miner(rig):
    state, miner = rig.state, rig.miner()
    state.errors = {'329': '2026-01-02 03:04:05'}
    spec = model_spec(state.model)
    sections = dict((section, miner.read(section)) for section in SECTION_SUBSETS)

    identity = sections['identity']
    assert (identity['host'], identity['port'], identity['ip']) == (rig.address, PORT, rig.address)
    assert (identity['model'], identity['firmware_version'], identity['platform']) == (
        'M30S+VE40', '20220125.13.Rel', state.platform)
    assert (identity['mac'], identity['serial'], identity['psu_serial']) == (state.mac, state.miner_sn, state.power_sn)
    assert (identity['hostname'], identity['api_version'], identity['network_mode'], identity['led_mode']) == (
        'WhatsMiner', '2.0.5', 'dhcp', 'auto')

    mining = sections['mining']
    rate_mhs = state.hash_rate_mhs(rig.now())
    assert mining['is_mining'] is True and mining['power_mode'] == 'Normal'
    assert mining['hashrate_ths'] == pytest.approx(rate_mhs * 0.999 / 1e6, abs=0.001)   # HS RT, MH/s -> TH/s
    assert mining['hashrate_ths'] == pytest.approx(84.688, abs=0.01)
    assert mining['factory_hashrate_ths'] == spec.factory_ghs / 1000.0
    assert mining['uptime_s'] >= 3600 and mining['fast_boot'] is False

    power = sections['power']
    assert power['power_w'] == state.power(rig.now()) == 3400
    assert power['power_limit_w'] == state.power_limit == 3600
    assert power['psu']['serial'] == state.power_sn and power['psu']['input_voltage_v'] == 224.0

    thermal = sections['thermal']
    assert thermal['temp_env_c'] == 32.0
    assert len(thermal['board_temps_c']) == spec.boards
    assert thermal['fan_in_rpm'] == state.fan_speeds(rig.now())[0]
    assert thermal['chip_temp_avg_c'] == state.chip_temps(rig.now())[2]

    boards = sections['boards']
    assert [board['slot'] for board in boards] == list(range(spec.boards))
    assert [board['pcb_serial'] for board in boards] == state.board_sns
    assert all(board['model'] == state.model and board['effective_chips'] == spec.chips for board in boards)
    assert sum(board['hashrate_ths'] for board in boards) == pytest.approx(mining['hashrate_ths'], abs=0.01)

    pools = sections['pools']
    assert [pool['url'] for pool in pools] == [pool.url for pool in state.pools]
    assert [pool['active'] for pool in pools] == [True, False, False]

    reason = error_codes.describe('329')
    assert reason and sections['errors'] == [{'code': 329, 'time': '2026-01-02 03:04:05', 'reason': reason}]
    assert miner.commands == [] and rig.sim.write_log == []


def test_read_follows_the_miner_when_mining_is_off(rig):
    miner = rig.miner()
    rig.state.mining = False
    mining = miner.read('mining')
    assert mining['is_mining'] is False and mining['hashrate_ths'] == 0.0
    assert miner.read('boards') == []      # btminer has no devices: a state, not a failure


def test_read_raises_the_first_failure_when_nothing_answered(rig):
    nowhere = rig.miner(host=address(45))  # nothing listens there
    with pytest.raises(errors.ConnectError) as caught:
        nowhere.read('identity')
    assert_names_miner(caught.value, nowhere)


def test_snapshot_gathers_the_subsets_asked_for(rig):
    miner = rig.miner()
    snapshot = miner.snapshot(['summary', 'version'])
    assert snapshot.answered and snapshot.failures == {} and snapshot.unsupported == []
    assert snapshot.facts['collected'] == ['get_version', 'summary']
    assert snapshot.facts['identity']['firmware_version'] == rig.state.firmware
    assert snapshot.facts['identity']['serial'] is None            # get_miner_info was not asked for
    assert sorted(snapshot.raw) == ['get_version', 'summary']

    whole = miner.snapshot(list(SECTION_SUBSETS['identity']) + ['pools', 'devs', 'error_code'])
    assert whole.failures == {} and not whole.unreachable
    assert whole.facts['identity']['serial'] == rig.state.miner_sn
    assert len(whole.facts['boards']) == 3 and whole.facts['active_pool'] == rig.state.pools[0].url


def test_snapshot_of_new_firmware_drops_the_deprecated_read(rig):
    rig.sim.set_faults('new_firmware')
    snapshot = rig.miner().snapshot(['summary', 'devdetails', 'version'])
    assert snapshot.unsupported == ['devdetails'] and snapshot.failures == {}
    assert snapshot.facts['mining']['hashrate_ths'] > 80


def test_snapshot_of_a_silent_address_is_unreachable(rig):
    snapshot = rig.miner(host=address(45)).snapshot(['summary', 'status'])
    assert snapshot.unreachable and not snapshot.answered
    assert sorted(snapshot.failures) == ['status', 'summary']


def test_pools_read_in_priority_order(rig):
    rig.miner().set_pools(POOLS)
    assert rig.miner().pools() == [dict(url=pool['url'], user=pool['user']) for pool in POOLS]


def test_settings_reads_every_readable_row(rig):
    readable = sorted(name for name, row in ROWS.items() if row.read is not None)
    assert readable == ['fast_boot', 'hostname', 'led', 'mode', 'network', 'power_limit', 'state', 'target_freq']
    assert rig.miner().settings(readable) == {
        'state': 'on', 'mode': 'normal', 'power_limit': 3600, 'target_freq': 0, 'fast_boot': False,
        'hostname': 'WhatsMiner', 'led': 'auto',
        'network': {'mode': 'dhcp', 'address': rig.address, 'netmask': '255.255.255.0',
                    'gateway': '127.0.%d.1' % BLOCK, 'dns': ['114.114.114.114']},
    }


def test_settings_leaves_out_what_v2_cannot_show(rig):
    unreadable = [name for name, row in ROWS.items() if row.read is None]
    assert rig.miner().settings(unreadable + ['mode']) == {'mode': 'normal'}
    assert all(not rig.miner().operation(name).readable for name in unreadable)


def test_check_password_right_and_wrong(rig):
    miner = rig.miner()
    assert miner.check_password() is True
    wrong = miner.with_password('nope')
    assert wrong.check_password() is False
    assert wrong.commands is miner.commands and wrong.backend.client.password == 'nope'
    assert miner.backend.client.password == PASSWORD


# --- settings ------------------------------------------------------------------------------------------------------

# (id, setting, value, options, v2 command, prepare(state) or None, check(state), expected read-back or None)
SETTINGS = [
    ('state-off', 'state', 'off', {}, 'power_off', None, lambda s: not s.mining, 'off'),
    ('state-on', 'state', 'on', {}, 'power_on', lambda s: setattr(s, 'mining', False), lambda s: s.mining, 'on'),
    ('mode-low', 'mode', 'low', {}, 'set_low_power', None, lambda s: s.power_mode == 'Low', 'low'),
    ('mode-high', 'mode', 'high', {}, 'set_high_power', None, lambda s: s.power_mode == 'High', 'high'),
    ('mode-normal', 'mode', 'normal', {}, 'set_normal_power', lambda s: setattr(s, 'power_mode', 'Low'),
     lambda s: s.power_mode == 'Normal', 'normal'),
    ('power_limit', 'power_limit', 3000, {}, 'adjust_power_limit', None, lambda s: s.power_limit == 3000, 3000),
    ('percent-fast', 'percent', 80, {'method': 'fast'}, 'set_power_pct', None, lambda s: s.power_percent == 80, None),
    ('percent-normal', 'percent', 70, {'method': 'normal'}, 'set_power_pct_v2', None,
     lambda s: s.power_percent == 70, None),
    ('percent-default', 'percent', 60, {}, 'set_power_pct_v2', None, lambda s: s.power_percent == 60, None),
    ('target_freq', 'target_freq', -10, {}, 'set_target_freq', None, lambda s: s.target_freq_percent == -10, -10),
    ('upfreq_speed', 'upfreq_speed', 5, {}, 'adjust_upfreq_speed', None, lambda s: s.upfreq_speed == 5, None),
    # fast boot is stored now and used from the next btminer start: the read shows the running value
    ('fast_boot-on', 'fast_boot', True, {}, 'enable_btminer_fast_boot', None,
     lambda s: s.fast_boot_pending is True, False),
    ('fast_boot-off', 'fast_boot', False, {}, 'disable_btminer_fast_boot', lambda s: setattr(s, 'fast_boot', True),
     lambda s: s.fast_boot_pending is False, True),
    ('temp_offset', 'temp_offset', -12, {}, 'set_temp_offset', None, lambda s: s.temp_offset == -12, None),
    ('poweroff_cool', 'poweroff_cool', True, {}, 'set_poweroff_cool', None, lambda s: s.poweroff_cool == 1, None),
    ('fan_zero_speed', 'fan_zero_speed', True, {}, 'set_fan_zero_speed', None, lambda s: s.fan_zero_speed == 1, None),
    ('web_pools-off', 'web_pools', False, {}, 'disable_web_pools', None, lambda s: s.web_pools is False, None),
    ('web_pools-on', 'web_pools', True, {}, 'enable_web_pools', lambda s: setattr(s, 'web_pools', False),
     lambda s: s.web_pools is True, None),
    ('hostname', 'hostname', 'rack47-m1', {}, 'set_hostname', None, lambda s: s.hostname == 'rack47-m1', 'rack47-m1'),
    ('timezone', 'timezone', {'timezone': 'UTC0', 'zonename': 'Etc/UTC'}, {}, 'set_zone', None,
     lambda s: (s.timezone, s.zonename) == ('UTC0', 'Etc/UTC'), None),
    ('syslog', 'syslog', {'host': '10.47.0.9', 'port': 514, 'protocol': 'udp'}, {}, 'load_log', None,
     lambda s: s.log_server == {'ip': '10.47.0.9', 'port': 514, 'proto': 'udp'}, None),
    ('led-blink', 'led', {'color': 'green', 'period': 1000, 'duration': 400, 'start': 100}, {}, 'set_led', None,
     lambda s: s.led == {'mode': 'manual', 'color': 'green', 'period': 1000, 'duration': 400, 'start': 100}, 'manual'),
    ('led-auto', 'led', 'auto', {}, 'set_led', lambda s: setattr(s, 'led', {'mode': 'manual', 'color': 'red'}),
     lambda s: s.led == {'mode': 'auto'}, 'auto'),
]


@pytest.mark.parametrize('name, value, options, command, prepare, check, expected',
                         [case[1:] for case in SETTINGS], ids=[case[0] for case in SETTINGS])
def test_set_changes_the_miner(rig, name, value, options, command, prepare, check, expected):
    miner, state = rig.miner(), rig.state
    if prepare:
        prepare(state)
    assert not check(state), 'the case must start from a different state'
    assert miner.command_for(name, value, **options) == command
    assert rig.sim.write_log == [], 'command_for must not send'

    reply = miner.set(name, value, **options)

    assert reply is not None and reply.ok and reply.encrypted
    assert check(state)
    assert rig.written == [command] and miner.commands == [command] and miner.last_command == command
    operation = miner.operation(name)
    assert operation.kind == ops.SETTING and operation.readable is (expected is not None)
    if expected is not None:
        assert miner.settings([name]) == {name: expected}


def test_fast_boot_shows_after_the_next_btminer_restart(rig):
    miner = rig.miner()
    assert miner.operation('fast_boot').effect == ops.NEXT_RESTART
    miner.set('fast_boot', True)
    assert miner.settings(['fast_boot']) == {'fast_boot': False}
    miner.act('restart_mining')
    assert miner.settings(['fast_boot']) == {'fast_boot': True}
    assert miner.commands == ['enable_btminer_fast_boot', 'restart_btminer']


def test_a_value_the_miner_refuses_is_a_command_failed(rig):
    miner = rig.miner()
    with pytest.raises(errors.CommandFailed, match='underclocking') as caught:
        miner.set('target_freq', 10)          # fan-cooled miners only underclock
    assert_names_miner(caught.value, miner)
    assert rig.state.target_freq_percent == 0
    assert miner.commands == ['set_target_freq']    # it was sent: the record says so


def test_set_pools_writes_three_slots_and_reads_back(rig):
    miner = rig.miner()
    assert miner.set_pools(POOLS).ok
    assert [(pool.url, pool.user, pool.password) for pool in rig.state.pools] == [
        (POOLS[0]['url'], 'farm47.m1', 'poolpw1'), (POOLS[1]['url'], 'farm47.m1b', 'poolpw2'), ('', '', '')]
    assert miner.pools() == [dict(url=pool['url'], user=pool['user']) for pool in POOLS]
    assert miner.commands == ['update_pools'] and rig.written == ['update_pools']
    shown = miner.backend.pools_call(POOLS).describe
    assert 'poolpw1' not in repr(shown) and shown['worker1'] == 'farm47.m1'


def test_static_network_then_dhcp(rig):
    """net_config answers, then the board reboots and comes back on its new address: from then
    on the old address refuses and the Miner at the new one (``miner.at``) reads the settings
    there. DHCP brings the miner back to its fleet address (the simulator's DHCP lease)."""
    miner, state = rig.miner(), rig.state
    new = address(40)
    operation = miner.operation('network')
    assert (operation.effect, operation.may_not_answer, operation.readable) == (ops.REBOOTS, True, True)
    static = dict(mode='static', address=new, netmask='255.255.255.0', gateway='127.0.%d.254' % BLOCK,
                  dns=['1.1.1.1', '8.8.8.8'], hostname='rack47-net')

    assert miner.set('network', static).ok
    moved = miner.at(new)
    assert wait_for_reboot(moved) < 5          # nothing listens there until the miner is back from its reboot
    assert state.net == {'proto': 'static', 'ip': new, 'netmask': '255.255.255.0', 'gateway': '127.0.%d.254' % BLOCK,
                         'dns': '1.1.1.1 8.8.8.8'}
    assert moved.settings(['network', 'hostname']) == {
        'network': {'mode': 'static', 'address': new, 'netmask': '255.255.255.0', 'gateway': '127.0.%d.254' % BLOCK,
                    'dns': ['1.1.1.1', '8.8.8.8']},
        'hostname': 'rack47-net'}
    identity = moved.read('identity')
    assert (identity['host'], identity['ip']) == (new, new)
    assert rig.sim.address == new and rig.fleet.miner(new) is rig.sim and rig.fleet.miner(rig.address) is rig.sim
    with pytest.raises(errors.ConnectionRefused) as caught:
        miner.uptime()
    assert_names_miner(caught.value, miner)

    assert moved.set('network', {'mode': 'dhcp'}).ok
    assert wait_for_reboot(miner) < 5          # back on the fleet address
    assert (state.net['proto'], state.net['ip'], rig.sim.address) == ('dhcp', rig.address, rig.address)
    assert miner.settings(['network'])['network'] == {     # the simulated farm's DHCP lease
        'mode': 'dhcp', 'address': rig.address, 'netmask': '255.255.255.0', 'gateway': '127.0.%d.1' % BLOCK,
        'dns': ['114.114.114.114']}
    with pytest.raises(errors.ConnectionRefused) as caught:
        moved.uptime()
    assert_names_miner(caught.value, moved)
    assert miner.commands == ['net_config', 'net_config'] and rig.written == ['net_config', 'net_config']
    assert rig.sim.write_log[0][1] == {'ip': new, 'mask': '255.255.255.0', 'gate': '127.0.%d.254' % BLOCK,
                                       'dns': '1.1.1.1 8.8.8.8', 'host': 'rack47-net'}


def test_at_is_another_miner_with_the_same_record_and_mode(make_rig):
    rig = make_rig(count=2)
    other_address = rig.fleet.addresses[1]
    other_sim = rig.fleet.miner(other_address)
    miner = rig.miner()
    other = miner.at(other_address)
    assert (other.host, other.port, other.commands) == (other_address, PORT, miner.commands)
    assert other.commands is miner.commands and other.check_mode is False
    assert other.read('identity')['mac'] == other_sim.state.mac != rig.state.mac
    other.set('hostname', 'second47')
    assert other_sim.state.hostname == 'second47' and rig.state.hostname == 'WhatsMiner'
    assert rig.sim.write_log == [] and miner.commands == ['set_hostname']
    explicit = miner.at(other_address, PORT)
    assert explicit.uptime() is not None and explicit.address == '%s:%d' % (other_address, PORT)
    checking = rig.miner(check_mode=True).at(other_address)
    assert checking.check_mode is True
    checking.set('hostname', 'never')
    assert other_sim.state.hostname == 'second47'


# --- actions -------------------------------------------------------------------------------------------------------

def test_restart_mining_stops_hashing_for_a_while(rig):
    miner = rig.miner()
    uptime = miner.uptime()
    operation = miner.operation('restart_mining')
    assert (operation.kind, operation.effect, operation.may_not_answer) == (ops.ACTION, ops.RESTARTS_MINING, True)
    assert miner.act('restart_mining').ok
    assert rig.state.restarting(rig.now())
    assert miner.read('mining')['is_mining'] is False
    rig.fleet.advance_time(rig.state.restart_seconds)
    assert miner.read('mining')['is_mining'] is True
    assert miner.uptime() >= uptime          # btminer restarted, not the board
    assert miner.commands == ['restart_btminer'] and rig.written == ['restart_btminer']


def test_reboot_takes_the_port_down_and_resets_uptime(rig):
    miner = rig.miner()
    before = miner.uptime()
    assert before >= 3600
    operation = miner.operation('reboot')
    assert (operation.effect, operation.may_not_answer) == (ops.REBOOTS, True)

    assert miner.act('reboot') is None        # the board goes down without answering
    uptime = wait_for_reboot(miner)

    assert 0 <= uptime < 5
    assert miner.commands == ['reboot'] and rig.sim.write_log == [('reboot', {})]
    # every token died with the reboot: the next write fetches a new one and goes through
    assert miner.set('hostname', 'after-reboot').ok and rig.state.hostname == 'after-reboot'


def test_factory_reset_answers_reboots_and_forgets_password_and_write_access(rig):
    miner, state = rig.miner(), rig.state
    miner.set_pools(POOLS)
    miner.set('mode', 'low')
    assert miner.operation('factory_reset').effect == ops.REBOOTS

    assert miner.act('factory_reset').ok
    assert wait_for_reboot(miner) < 5

    assert (state.password, state.write_access, state.pools, state.power_mode) == ('admin', False, [], 'Normal')
    assert miner.check_password() is False                  # the old password is gone
    default = miner.with_password('admin')
    assert default.check_password() is True and default.pools() == []
    assert default.settings(['mode']) == {'mode': 'normal'}
    with pytest.raises(errors.WriteAccessDisabled) as caught:
        default.set('hostname', 'after-reset')
    assert_names_miner(caught.value, default)
    assert miner.commands == ['update_pools', 'set_low_power', 'factory_reset', 'set_hostname']
    assert rig.written == ['update_pools', 'set_low_power', 'factory_reset']


def test_preheat_after_power_off(rig):
    miner, state = rig.miner(), rig.state
    assert miner.operation('pre_power_on').kind == ops.ACTION
    with pytest.raises(errors.CommandFailed, match='power_off first') as caught:
        rig.miner().preheat(first=True)       # btminer is running
    assert_names_miner(caught.value, miner)
    miner.set('state', 'off')

    started = miner.preheat(first=True)
    assert (started.done, started.message) == (False, 'wait for adjust temp')
    assert state.preheat_started is not None
    polled = miner.preheat(first=False)
    assert (polled.done, polled.message) == (False, 'adjust continue')
    rig.fleet.advance_time(state.preheat_seconds)
    done = miner.preheat(first=False)
    assert (done.done, done.message) == (True, 'adjust complete')

    miner.set('state', 'on')
    assert state.mining
    # polls are listed once: the record says what was asked, not how often
    assert miner.commands == ['power_off', 'pre_power_on', 'power_on']
    assert rig.written == ['power_off', 'pre_power_on', 'pre_power_on', 'pre_power_on', 'power_on']


# --- transfers -----------------------------------------------------------------------------------------------------

def test_upload_firmware_flashes_reboots_and_changes_the_version(rig):
    miner = rig.miner()
    operation = miner.operation('upload_firmware')
    assert (operation.kind, operation.effect, operation.may_not_answer) == (ops.TRANSFER, ops.REBOOTS, True)

    reply = miner.upload_firmware(io.BytesIO(IMAGE), len(IMAGE))

    assert reply.ok and reply.msg == 'ready'
    assert wait_for_reboot(miner) < 5
    assert miner.read('identity')['firmware_version'] == IMAGE_VERSION == rig.state.firmware
    assert rig.sim.uploads == [len(IMAGE)]
    assert miner.commands == ['update_firmware'] and rig.sim.write_log == [('update_firmware', {})]


def test_download_logs_is_the_archive_the_miner_announced(rig):
    miner = rig.miner()
    expected = log_archive(rig.state)
    dest = io.BytesIO()
    assert miner.download_logs(dest, max_bytes=1 << 20, timeout=10.0) == len(expected)
    assert dest.getvalue() == expected
    assert miner.commands == ['download_logs'] and rig.written == ['download_logs']

    too_small = io.BytesIO()
    with pytest.raises(errors.ReplyTooLarge) as caught:
        miner.download_logs(too_small, max_bytes=100, timeout=10.0)
    assert_names_miner(caught.value, miner)
    assert too_small.getvalue() == b''


# --- password ------------------------------------------------------------------------------------------------------

def test_change_password_returns_a_handle_with_the_new_one(rig):
    miner = rig.miner()
    assert not miner.operation('password').readable

    rotated = miner.change_password(NEW_PASSWORD)

    assert rig.state.password == NEW_PASSWORD
    assert rotated.backend.client.password == NEW_PASSWORD and miner.backend.client.password == PASSWORD
    assert rotated.check_password() is True
    assert miner.check_password() is False
    assert rotated.set('hostname', 'rotated47').ok and rig.state.hostname == 'rotated47'
    with pytest.raises(errors.DecryptionFailed) as caught:
        miner.set('hostname', 'old-password')
    assert_names_miner(caught.value, miner)
    assert rotated.commands is miner.commands
    assert miner.commands == ['update_pwd', 'set_hostname', 'set_hostname']
    assert rig.written == ['update_pwd', 'set_hostname']
    assert PASSWORD not in repr(rig.sim.write_log) and NEW_PASSWORD not in repr(rig.sim.write_log)


def test_with_password_reaches_a_miner_with_another_password(rig):
    rig.state.password = 'Other_47'
    miner = rig.miner()
    assert miner.check_password() is False
    other = miner.with_password('Other_47')
    assert other.check_password() is True and other.set('hostname', 'other47').ok
    assert rig.state.hostname == 'other47' and miner.commands == ['set_hostname']


# --- raw commands --------------------------------------------------------------------------------------------------

def test_describe_raw(rig):
    miner = rig.miner()
    cases = {
        'summary': (['summary'], False, False),
        'summary+pools': (['summary', 'pools'], False, False),
        'get_miner_info': (['get_miner_info'], False, False),
        'set_hostname': (['set_hostname'], True, False),
        'update_firmware': (['update_firmware'], True, True),
        'no_such_command': (['no_such_command'], True, False),
    }
    for command, expected in cases.items():
        described = miner.describe_raw(command)
        assert (described.names, described.write, described.binary) == expected, command


def test_raw_read_joined_read_and_write(rig):
    miner = rig.miner()
    read = miner.raw('summary', {}, False)
    assert (read['status'], read['code'], read['encrypted']) == ('S', 11, False)
    assert read['data'][0]['Firmware Version'] == rig.state.firmware

    encrypted = miner.raw('status', {}, True)
    assert encrypted['encrypted'] is True and encrypted['data']['btmineroff'] == 'false'

    joined = miner.raw('summary+pools', {}, False)
    assert sorted(joined['data']) == ['pools', 'summary'] and joined['encrypted'] is False
    assert [pool['URL'] for pool in joined['data']['pools']] == [pool.url for pool in rig.state.pools]
    assert miner.commands == [] and rig.sim.write_log == []    # reads are not recorded

    written = miner.raw('set_hostname', {'hostname': 'raw47'}, False)
    assert (written['status'], written['code'], written['api_msg'], written['encrypted']) == (
        'S', 131, 'API command OK', True)                        # writes always go encrypted
    assert rig.state.hostname == 'raw47'
    assert miner.commands == ['set_hostname'] and rig.written == ['set_hostname']


def test_raw_call_hides_secret_parameters(rig):
    call = rig.miner().backend.raw_call('update_pools', dict(pool1='stratum+tcp://a:1', worker1='w', passwd1='s3cr3t'),
                                        False)
    assert call.command == 'update_pools' and call.describe == dict(pool1='stratum+tcp://a:1', worker1='w')


# --- check mode ----------------------------------------------------------------------------------------------------

STATIC = dict(mode='static', address=address(41), netmask='255.255.255.0', gateway='127.0.%d.254' % BLOCK,
              dns=['1.1.1.1'], hostname='never47')


def _setter(case):
    _id, name, value, options = case[:4]
    return lambda miner, image, dest: miner.set(name, value, **options)


# (id, what a module would do, the commands it records)
CHECK_MODE = [('set-%s' % case[0], _setter(case), [case[4]]) for case in SETTINGS] + [
    ('set-network-static', lambda m, image, dest: m.set('network', STATIC), ['net_config']),
    ('set-network-dhcp', lambda m, image, dest: m.set('network', {'mode': 'dhcp'}), ['net_config']),
    ('set_pools', lambda m, image, dest: m.set_pools(POOLS), ['update_pools']),
    ('act-restart_mining', lambda m, image, dest: m.act('restart_mining'), ['restart_btminer']),
    ('act-reboot', lambda m, image, dest: m.act('reboot'), ['reboot']),
    ('act-factory_reset', lambda m, image, dest: m.act('factory_reset'), ['factory_reset']),
    ('preheat', lambda m, image, dest: [m.preheat(first=True), m.preheat(first=False), m.preheat(first=False)],
     ['pre_power_on']),
    ('upload_firmware', lambda m, image, dest: m.upload_firmware(image, len(IMAGE)), ['update_firmware']),
    ('download_logs', lambda m, image, dest: m.download_logs(dest, 1 << 20, 10.0), ['download_logs']),
    ('raw-write', lambda m, image, dest: m.raw('set_hostname', {'hostname': 'raw47'}, False), ['set_hostname']),
    ('raw-unknown', lambda m, image, dest: m.raw('no_such_write', {}, True), ['no_such_write']),
]


@pytest.mark.parametrize('do, commands', [case[1:] for case in CHECK_MODE], ids=[case[0] for case in CHECK_MODE])
def test_check_mode_sends_no_write(rig, do, commands):
    miner = rig.miner(check_mode=True)
    image, dest = io.BytesIO(IMAGE), io.BytesIO()
    state_before = copy.deepcopy(vars(rig.state))
    uptime = miner.uptime()

    result = do(miner, image, dest)

    assert result is None or result == [None, None, None]
    assert miner.commands == commands
    assert rig.sim.write_log == [] and rig.sim.uploads == []
    assert vars(rig.state) == state_before
    assert miner.uptime() >= uptime               # no reboot: the port stayed up
    assert image.tell() == 0 and dest.getvalue() == b''


def test_check_mode_change_password_keeps_the_old_one(rig):
    miner = rig.miner(check_mode=True)
    rotated = miner.change_password(NEW_PASSWORD)
    assert rig.state.password == PASSWORD and rig.sim.write_log == []
    assert rotated.check_mode is True and rotated.commands is miner.commands
    assert rotated.backend.client.password == NEW_PASSWORD
    assert miner.check_password() is True and rotated.check_password() is False   # reads still go out
    rotated.set('hostname', 'never')
    assert miner.commands == ['update_pwd', 'set_hostname'] and rig.state.hostname == 'WhatsMiner'


def test_check_mode_still_reads(rig):
    miner = rig.miner(check_mode=True)
    assert miner.read('identity')['model'] == 'M30S+VE40'
    assert miner.raw('summary+pools', {}, False)['data']['summary'][0]['Power Limit'] == 3600
    assert miner.settings(['mode']) == {'mode': 'normal'} and miner.commands == []


# --- failures ------------------------------------------------------------------------------------------------------

INVALID = [
    ('power_limit', 100000, {}),
    ('power_limit', -1, {}),
    ('target_freq', 101, {}),
    ('percent', 101, {'method': 'fast'}),
    ('percent', 101, {}),
    ('upfreq_speed', 10, {}),
    ('temp_offset', 5, {}),
    ('poweroff_cool', 2, {}),
    ('fan_zero_speed', 'yes', {}),
    ('hostname', 'bad name!', {}),
    ('timezone', {'timezone': 'UTC 0', 'zonename': 'Etc/UTC'}, {}),
    ('syslog', {'host': '10.47.0.9', 'port': 514, 'protocol': 'icmp'}, {}),
    ('syslog', {'host': 'not-an-ip', 'port': 514, 'protocol': 'udp'}, {}),
    ('led', {'color': 'blue', 'period': 1000, 'duration': 400, 'start': 100}, {}),
    ('led', {'color': 'red', 'period': 1000, 'duration': 2000, 'start': 100}, {}),
    ('network', dict(STATIC, address='300.1.2.3'), {}),
    ('network', dict(STATIC, netmask='255.0.255.0'), {}),
]


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
@pytest.mark.parametrize('name, value, options', INVALID,
                         ids=['%s-%d' % (case[0], index) for index, case in enumerate(INVALID)])
def test_invalid_value_fails_before_anything_is_sent(rig, check_mode, name, value, options):
    miner = rig.miner(check_mode=check_mode)
    with pytest.raises(errors.InvalidParameter) as caught:
        miner.set(name, value, **options)
    assert_names_miner(caught.value, miner)
    with pytest.raises(errors.InvalidParameter):
        miner.backend.setting_call(name, value, **options)
    assert miner.commands == [] and rig.sim.write_log == []


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_invalid_pools_and_password_fail_before_anything_is_sent(rig, check_mode):
    miner = rig.miner(check_mode=check_mode)
    with pytest.raises(errors.InvalidParameter) as caught:
        miner.set_pools([dict(url='', user='orphan', password='x')])
    assert_names_miner(caught.value, miner)
    with pytest.raises(errors.InvalidParameter) as caught:
        miner.change_password('far-too-long-password')
    assert_names_miner(caught.value, miner)
    assert 'far-too-long-password' not in str(caught.value)
    assert miner.commands == [] and rig.sim.write_log == [] and rig.state.password == PASSWORD


# Values the v2 settings table must check itself: each is an InvalidParameter naming the
# miner before anything is sent (in check mode too).
UNCHECKED = [
    pytest.param('mode', 'turbo', {}, id='mode-turbo'),
    pytest.param('state', 'bogus', {}, id='state-bogus'),
    pytest.param('state', True, {}, id='state-bool'),
    pytest.param('fast_boot', 'false', {}, id='fast_boot-text'),
    pytest.param('web_pools', 'false', {}, id='web_pools-text'),
    pytest.param('percent', 50, {'method': 'turbo'}, id='percent-method'),
    pytest.param('network', dict((key, value) for key, value in STATIC.items() if key != 'hostname'), {},
                 id='network-no-hostname'),
    pytest.param('network', dict(mode='bridge'), {}, id='network-mode'),
    pytest.param('syslog', dict(host='127.0.47.9'), {}, id='syslog-partial'),
    pytest.param('timezone', 'CST-8', {}, id='timezone-text'),
]


@pytest.mark.parametrize('name, value, options', UNCHECKED)
def test_unchecked_value_fails_before_anything_is_sent(rig, name, value, options):
    miner = rig.miner(check_mode=True)
    try:
        miner.set(name, value, **options)
    except errors.InvalidParameter as err:
        assert_names_miner(err, miner)
    else:
        raise AssertionError('%s=%r was accepted as %s' % (name, value, miner.commands))
    assert miner.commands == [] and rig.sim.write_log == []


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_empty_firmware_image_fails_before_anything_is_recorded(rig, check_mode):
    miner = rig.miner(check_mode=check_mode)
    with pytest.raises(errors.InvalidParameter):
        miner.upload_firmware(io.BytesIO(b''), 0)
    assert miner.commands == [] and rig.sim.write_log == []


def test_mode_turbo_is_refused_before_anything_is_sent(rig):
    """Not in check mode either: nothing reaches the miner, and the error is the validation one."""
    miner = rig.miner()
    with pytest.raises(errors.InvalidParameter) as caught:
        miner.set('mode', 'turbo')
    assert_names_miner(caught.value, miner)
    assert miner.commands == [] and rig.sim.write_log == []


WRITE_ACCESS_OFF = [
    ('set', lambda m: m.set('hostname', 'denied47')),
    ('set_pools', lambda m: m.set_pools(POOLS)),
    ('act', lambda m: m.act('restart_mining')),
    ('upload_firmware', lambda m: m.upload_firmware(io.BytesIO(IMAGE), len(IMAGE))),
    ('download_logs', lambda m: m.download_logs(io.BytesIO(), 1 << 20, 10.0)),
    ('change_password', lambda m: m.change_password(NEW_PASSWORD)),
    ('raw', lambda m: m.raw('set_hostname', {'hostname': 'denied47'}, False)),
]


@pytest.mark.parametrize('do', [case[1] for case in WRITE_ACCESS_OFF], ids=[case[0] for case in WRITE_ACCESS_OFF])
def test_write_access_off_is_write_access_disabled(make_rig, do):
    rig = make_rig(write_access=False)
    miner = rig.miner()
    state_before = copy.deepcopy(vars(rig.state))
    with pytest.raises(errors.WriteAccessDisabled) as caught:
        do(miner)
    assert_names_miner(caught.value, miner)
    assert rig.sim.write_log == [] and rig.sim.uploads == [] and vars(rig.state) == state_before
    assert miner.check_password() is True          # reads (even encrypted ones) still work


class _NoLedBackend(V2Backend):
    """An API without LED control and without firmware upload."""

    OPERATIONS = dict(V2Backend.OPERATIONS, led=ops.Operation('led', ops.SETTING, supported=False),
                      upload_firmware=ops.Operation('upload_firmware', ops.TRANSFER, supported=False))


def test_an_unsupported_operation_is_refused_naming_the_api(rig):
    client = WhatsminerClient(rig.address, port=PORT, password=PASSWORD, timeout=2.0, token_cache=TokenCache())
    miner = Miner(_NoLedBackend(client))
    with pytest.raises(errors.UnsupportedCommand) as caught:
        miner.set('led', 'auto')
    assert str(caught.value) == '%s: led is not available through API v2' % miner.address
    with pytest.raises(errors.UnsupportedCommand, match='upload firmware is not available through API v2'):
        miner.upload_firmware(io.BytesIO(IMAGE), len(IMAGE))
    assert miner.require('hostname') is V2Backend.OPERATIONS['hostname']
    assert miner.commands == [] and rig.sim.write_log == [] and rig.sim.uploads == []


# --- every operation is exercised above ----------------------------------------------------------------------------

@pytest.mark.parametrize('quoted', [False, True], ids=['plain', 'quoted'])
def test_firmware_reads_version_and_platform(sim_fleet, quoted):
    fleet = sim_fleet(address(), **dict(FLEET, quote_firmware=quoted, platform="H616"))
    rig = Rig(fleet)
    assert rig.miner().firmware() == dict(version=rig.state.firmware, platform='H616')
    assert rig.written == []


@pytest.mark.parametrize('name, value', [('heat_mode', 'heating'), ('fast_hash', True), ('ntp_servers', ['ntp.example'])])
def test_settings_only_api_v3_has_are_refused_naming_api_v2(rig, name, value):
    miner = rig.miner()
    with pytest.raises(errors.UnsupportedCommand, match='not available through API v2') as caught:
        miner.set(name, value)
    assert rig.sim.address in str(caught.value)
    assert rig.sim.write_log == [] and miner.commands == []


EXERCISED = {
    'heat_mode': test_settings_only_api_v3_has_are_refused_naming_api_v2,
    'fast_hash': test_settings_only_api_v3_has_are_refused_naming_api_v2,
    'ntp_servers': test_settings_only_api_v3_has_are_refused_naming_api_v2,
    'firmware': test_firmware_reads_version_and_platform,
    'identity': test_every_section_reads_the_simulated_miner,
    'mining': test_every_section_reads_the_simulated_miner,
    'power': test_every_section_reads_the_simulated_miner,
    'thermal': test_every_section_reads_the_simulated_miner,
    'boards': test_every_section_reads_the_simulated_miner,
    'pools': test_every_section_reads_the_simulated_miner,
    'errors': test_every_section_reads_the_simulated_miner,
    'uptime': test_reboot_takes_the_port_down_and_resets_uptime,
    'pool_config': test_set_pools_writes_three_slots_and_reads_back,
    'network': test_static_network_then_dhcp,
    'password': test_change_password_returns_a_handle_with_the_new_one,
    'restart_mining': test_restart_mining_stops_hashing_for_a_while,
    'reboot': test_reboot_takes_the_port_down_and_resets_uptime,
    'factory_reset': test_factory_reset_answers_reboots_and_forgets_password_and_write_access,
    'pre_power_on': test_preheat_after_power_off,
    'upload_firmware': test_upload_firmware_flashes_reboots_and_changes_the_version,
    'download_logs': test_download_logs_is_the_archive_the_miner_announced,
}
EXERCISED.update((case[1], test_set_changes_the_miner) for case in SETTINGS)


def test_every_operation_of_the_v2_backend_is_exercised():
    assert set(EXERCISED) == set(V2Backend.OPERATIONS) == set(ops.CATALOGUE)
    assert set(SECTION_SUBSETS) | {'uptime', 'firmware'} == set(
        name for name, operation in V2Backend.OPERATIONS.items() if operation.kind == ops.READ)
