# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``Miner`` facade over an in-memory backend: the guard, the record, the handles.

``FakeBackend`` implements the whole ``Backend`` contract without an API: calls are
prepared objects whose ``send()`` changes a shared ``FakeDevice`` and logs what was sent,
so a test sees exactly which writes reached "the miner". Whatever API sits behind a
Miner, these rules must hold; the v2 backend itself is tested against the simulator in
tests/functional/device/test_v2_backend.py.
"""

from __future__ import annotations

import io

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    CommandFailed,
    ConnectionRefused,
    InvalidParameter,
    UnsupportedCommand,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import operations as ops
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import (
    Backend,
    Call,
    Preheat,
    RawCommand,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.snapshot import Snapshot
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V3_ONLY, V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend

HOST = '192.0.2.7'
PORT = 4100
PREHEAT_POLLS = 2   # polls after the first request until "adjust complete"


class FakeDevice:
    """What one fake miner holds; shared by every handle on it."""

    def __init__(self):
        self.settings = dict(mode='normal', hostname='fake', led='auto')
        self.pools = [dict(url='stratum+tcp://a.example:3333', user='farm.a')]
        self.password = 'admin'
        self.uptime = 3600
        self.sent = []                 # (command, params) that reached the device, in order
        self.preheat_polls = 0
        self.logs = b'log archive bytes'
        self.firmware = b''
        self.down = False              # True: every read fails as a refused connection
        self.unsupported = []          # subsets this firmware does not have


class FakeBackend(Backend):
    """Every abstract method of ``Backend``, in memory; a value ``'invalid'`` fails validation."""

    api_version = 'fake'
    OPERATIONS = dict((name, ops.Operation(name, kind)) for name, (kind, _what) in ops.CATALOGUE.items())
    SECRET_PARAMS = frozenset(('password',))

    def __init__(self, device=None, host=HOST, port=PORT, password='admin', devices=None):
        self.device = device or FakeDevice()
        self.devices = devices if devices is not None else {(host, port): self.device}
        self.host = host
        self.port = port
        self.password = password

    # handles
    def with_password(self, password):
        return type(self)(self.device, self.host, self.port, password, self.devices)

    def at(self, host, port=None):
        port = self.port if port is None else port
        device = self.devices.setdefault((host, port), FakeDevice())
        return type(self)(device, host, port, self.password, self.devices)

    # reads
    def snapshot(self, subsets):
        if self.device.down:
            failures = dict((subset, ConnectionRefused('connection refused', self.host, self.port))
                            for subset in subsets)
            return Snapshot(_facts(None), failures, [], {}, {}, False)
        unsupported = [subset for subset in subsets if subset in self.device.unsupported]
        answered = [subset for subset in subsets if subset not in unsupported]
        return Snapshot(_facts(self.device), {}, unsupported, dict((name, {}) for name in answered), {},
                        bool(answered))

    def subsets_for(self, section):
        return [section]

    def read_pools(self):
        return [dict(pool) for pool in self.device.pools]

    def read_settings(self, names):
        return dict((name, self.device.settings.get(name)) for name in names)

    def uptime(self):
        return None if self.device.down else self.device.uptime

    def read_firmware(self):
        return dict(version='fake-%d' % len(self.device.firmware), platform='h616')

    def check_password(self):
        return self.password == self.device.password

    # calls
    def _call(self, command, params, apply, describe=None):
        if "'invalid'" in repr(params):
            raise InvalidParameter('%s: invalid value' % command, self.host, self.port)

        def send():
            self.device.sent.append((command, dict(params)))
            return apply()
        return Call(command, send, describe if describe is not None else params)

    def setting_call(self, name, value, **options):
        params = dict(value=value, **options)
        return self._call('set_' + name, params, lambda: self.device.settings.__setitem__(name, value) or 'ok')

    def pools_call(self, pools):
        params = dict(pools=[dict(pool) for pool in pools])

        def apply():
            self.device.pools = [dict(url=pool['url'], user=pool['user']) for pool in pools]
            return 'ok'
        return self._call('set_pools', params, apply, describe=dict(pools=[pool['url'] for pool in pools]))

    def action_call(self, name):
        def apply():
            if name == 'reboot':
                self.device.uptime = 0
            return None if name == 'reboot' else 'ok'    # a reboot never answers
        return self._call('do_' + name, {}, apply)

    def preheat_call(self, first):
        def apply():
            self.device.preheat_polls = 0 if first else self.device.preheat_polls + 1
            done = self.device.preheat_polls >= PREHEAT_POLLS
            return Preheat(done, 'adjust complete' if done else 'adjust continue')
        return self._call('preheat', dict(first=first), apply)

    def firmware_call(self, stream, size):
        def apply():
            self.device.firmware = stream.read(size)
            return 'ready'
        return self._call('firmware', dict(size=size), apply)

    def logs_call(self, dest, max_bytes, timeout):
        def apply():
            dest.write(self.device.logs[:max_bytes])
            return min(len(self.device.logs), max_bytes)
        return self._call('logs', dict(max_bytes=max_bytes, timeout=timeout), apply)

    def password_call(self, new):
        if not new:
            raise InvalidParameter('the new password must not be empty', self.host, self.port)
        return self._call('password', {}, lambda: setattr(self.device, 'password', new) or 'ok')

    def describe_raw(self, command):
        names = command.split('+')
        return RawCommand(names, write=not all(name.startswith('read_') for name in names), binary=command == 'blob')

    def raw_call(self, command, params, encrypted):
        def send():
            self.device.sent.append((command, dict(params)))
            return dict(reply={'command': command}, data=dict(params), encrypted=encrypted)
        shown = dict((key, value) for key, value in params.items() if key not in self.SECRET_PARAMS)
        return Call(command, send, shown)


def _facts(device):
    return dict(identity=dict(hostname=device.settings['hostname'] if device else None),
                mining=dict(uptime_s=device.uptime if device else None))


@pytest.fixture
def device():
    return FakeDevice()


@pytest.fixture
def backend(device):
    return FakeBackend(device)


def _no_led():
    operations = dict(FakeBackend.OPERATIONS)
    for name in ('led', 'upload_firmware', 'download_logs', 'password', 'reboot', 'pre_power_on', 'pool_config'):
        operations[name] = ops.Operation(name, operations[name].kind, supported=False)
    return operations


class LimitedBackend(FakeBackend):
    """An API that cannot do some operations at all."""

    OPERATIONS = _no_led()


# Every kind of request that changes a miner: (id, request, command recorded, what reached the device)
WRITES = [
    ('set', lambda m: m.set('mode', 'low'), 'set_mode', ('set_mode', dict(value='low'))),
    ('set-options', lambda m: m.set('percent', 80, method='fast'), 'set_percent',
     ('set_percent', dict(value=80, method='fast'))),
    ('set_pools', lambda m: m.set_pools([dict(url='stratum+tcp://b:1', user='u', password='p')]), 'set_pools',
     ('set_pools', dict(pools=[dict(url='stratum+tcp://b:1', user='u', password='p')]))),
    ('act', lambda m: m.act('restart_mining'), 'do_restart_mining', ('do_restart_mining', {})),
    ('act-reboot', lambda m: m.act('reboot'), 'do_reboot', ('do_reboot', {})),
    ('preheat', lambda m: m.preheat(first=True), 'preheat', ('preheat', dict(first=True))),
    ('upload_firmware', lambda m: m.upload_firmware(io.BytesIO(b'image'), 5), 'firmware', ('firmware', dict(size=5))),
    ('download_logs', lambda m: m.download_logs(io.BytesIO(), 1024, 30.0), 'logs',
     ('logs', dict(max_bytes=1024, timeout=30.0))),
    ('change_password', lambda m: m.change_password('newpw'), 'password', ('password', {})),
    ('raw-write', lambda m: m.raw('write_thing', dict(x=1), False), 'write_thing', ('write_thing', dict(x=1))),
]
WRITE_IDS = [case[0] for case in WRITES]


# --- the check-mode guard and the record ---------------------------------------------------------------------------

@pytest.mark.parametrize('do, command, sent', [case[1:] for case in WRITES], ids=WRITE_IDS)
def test_check_mode_records_and_sends_nothing(device, backend, do, command, sent):
    miner = Miner(backend, check_mode=True)
    before = (dict(device.settings), list(device.pools), device.password, device.uptime, device.firmware)
    result = do(miner)
    assert device.sent == []
    assert (dict(device.settings), list(device.pools), device.password, device.uptime, device.firmware) == before
    assert miner.commands == [command] and miner.last_command == command
    if command == 'password':
        assert isinstance(result, Miner) and result.check_mode     # the new handle, nothing changed
    else:
        assert result is None


@pytest.mark.parametrize('do, command, sent', [case[1:] for case in WRITES], ids=WRITE_IDS)
def test_apply_mode_records_and_sends(device, backend, do, command, sent):
    miner = Miner(backend)
    do(miner)
    assert device.sent == [sent]
    assert miner.commands == [command]


def test_writes_return_what_the_backend_answers(device, backend):
    miner = Miner(backend)
    assert miner.set('hostname', 'rack1') == 'ok' and device.settings['hostname'] == 'rack1'
    assert miner.act('reboot') is None and device.uptime == 0     # no answer: confirm by reading
    assert miner.upload_firmware(io.BytesIO(b'image-bytes'), 5) == 'ready' and device.firmware == b'image'
    dest = io.BytesIO()
    assert miner.download_logs(dest, 3, 10.0) == 3 and dest.getvalue() == b'log'
    expected = dict(reply={'command': 'write_thing'}, data=dict(x=1), encrypted=True)
    assert miner.raw('write_thing', dict(x=1), True) == expected
    assert miner.commands == ['set_hostname', 'do_reboot', 'firmware', 'logs', 'write_thing']


def test_the_record_keeps_order_and_repeats(backend):
    miner = Miner(backend, check_mode=True)
    miner.set('mode', 'low')
    miner.act('restart_mining')
    miner.set('mode', 'high')
    assert miner.commands == ['set_mode', 'do_restart_mining', 'set_mode']


def test_a_given_record_is_extended_in_place(backend):
    record = ['earlier']
    miner = Miner(backend, commands=record)
    miner.set('mode', 'low')
    assert miner.commands is record and record == ['earlier', 'set_mode']
    assert Miner(backend).last_command is None


def test_preheat_polls_are_listed_once(device, backend):
    miner = Miner(backend)
    first = miner.preheat(first=True)
    polls = [miner.preheat(first=False) for _poll in range(PREHEAT_POLLS)]
    assert (first.done, [poll.done for poll in polls]) == (False, [False, True])
    assert polls[-1].message == 'adjust complete'
    assert miner.commands == ['preheat']
    assert [command for command, _params in device.sent] == ['preheat'] * (1 + PREHEAT_POLLS)
    miner.preheat(first=True)                 # a new start is a new request
    assert miner.commands == ['preheat', 'preheat']


def test_preheat_polls_in_check_mode(device, backend):
    miner = Miner(backend, check_mode=True)
    assert [miner.preheat(first=True), miner.preheat(first=False), miner.preheat(first=False)] == [None] * 3
    assert miner.commands == ['preheat'] and device.sent == []


def test_perform_once_lists_a_command_only_the_first_time(backend):
    miner = Miner(backend, check_mode=True)
    call = backend.setting_call('mode', 'low')
    miner.perform(call, once=True)
    miner.perform(call, once=True)
    miner.perform(call)
    assert miner.commands == ['set_mode', 'set_mode']


def test_raw_reads_always_run_and_are_not_recorded(device, backend):
    miner = Miner(backend, check_mode=True)
    assert miner.raw('read_a+read_b', dict(q=1), False)['data'] == dict(q=1)
    assert device.sent == [('read_a+read_b', dict(q=1))] and miner.commands == []


def test_raw_unknown_or_binary_commands_are_guarded_as_writes(device, backend):
    miner = Miner(backend, check_mode=True)
    assert miner.raw('blob', {}, False) is None and miner.raw('read_a+mystery', {}, False) is None
    assert device.sent == [] and miner.commands == ['blob', 'read_a+mystery']


def test_command_for_sends_and_records_nothing(device, backend):
    miner = Miner(backend)
    assert miner.command_for('mode', 'low') == 'set_mode'
    assert device.sent == [] and miner.commands == []


# --- validation happens when a call is prepared ----------------------------------------------------------------------

INVALID = [
    ('set', lambda m: m.set('mode', 'invalid')),
    ('set_pools', lambda m: m.set_pools([dict(url='invalid', user='u')])),
    ('change_password', lambda m: m.change_password('')),
]


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
@pytest.mark.parametrize('do', [case[1] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_values_fail_before_anything_is_recorded(device, backend, check_mode, do):
    miner = Miner(backend, check_mode=check_mode)
    with pytest.raises(InvalidParameter) as caught:
        do(miner)
    assert str(caught.value).startswith('%s:%d: ' % (HOST, PORT))
    assert device.sent == [] and miner.commands == []


def test_a_failed_send_is_still_recorded(device):
    class Refusing(FakeBackend):
        def setting_call(self, name, value, **options):
            def send():
                raise CommandFailed('the miner refused', self.host, self.port, code=132)
            return Call('set_' + name, send, {})
    miner = Miner(Refusing(device))
    with pytest.raises(CommandFailed):
        miner.set('mode', 'low')
    assert miner.commands == ['set_mode']     # it went out: the result must say so
    assert miner.applied == []                # but the miner did not take it


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_applied_lists_the_writes_the_miner_took_on_every_handle(device, backend, check_mode):
    miner = Miner(backend, check_mode=check_mode)
    miner.set('mode', 'low')
    miner.with_password('other').set('hostname', 'renamed')
    miner.download_logs(io.BytesIO(), 1 << 20, 5.0)    # a transfer that changes nothing
    assert miner.commands[:2] == ['set_mode', 'set_hostname']
    assert miner.applied == ([] if check_mode else ['set_mode', 'set_hostname'])


def test_a_failure_after_a_write_took_is_a_change_with_its_commands(device, backend):
    from ansible_collections.minerops.whatsminer.plugins.module_utils._task.execution import with_partial_writes

    miner = Miner(backend)
    assert with_partial_writes(dict(failed=True), miner) == dict(failed=True)
    miner.set('mode', 'low')
    assert with_partial_writes(dict(failed=True), miner) == dict(failed=True, changed=True, commands=['set_mode'])
    told = dict(failed=True, changed=False, commands=[])   # what the logic said itself stands
    assert with_partial_writes(dict(told), miner) == told
    assert with_partial_writes(dict(failed=True), None) == dict(failed=True)


# --- handles -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_handles_share_the_record_and_the_mode(device, backend, check_mode):
    miner = Miner(backend, check_mode=check_mode)
    other_password = miner.with_password('other')
    elsewhere = miner.at('192.0.2.8')
    elsewhere_port = miner.at('192.0.2.9', 4200)
    for handle in (other_password, elsewhere, elsewhere_port):
        assert handle.commands is miner.commands and handle.check_mode is check_mode
    assert (other_password.backend.password, other_password.address) == ('other', '%s:%d' % (HOST, PORT))
    assert (elsewhere.address, elsewhere.backend.password) == ('192.0.2.8:%d' % PORT, 'admin')
    assert elsewhere_port.address == '192.0.2.9:4200'
    elsewhere.set('hostname', 'moved')
    miner.set('mode', 'low')
    assert miner.commands == ['set_hostname', 'set_mode']
    assert backend.devices[('192.0.2.8', PORT)].settings['hostname'] == ('fake' if check_mode else 'moved')
    assert device.settings['hostname'] == 'fake'


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_change_password_returns_the_handle_with_the_new_password(device, backend, check_mode):
    miner = Miner(backend, check_mode=check_mode)
    rotated = miner.change_password('newpw')
    assert rotated.backend.password == 'newpw' and miner.backend.password == 'admin'
    assert rotated.commands is miner.commands and rotated.check_mode is check_mode
    assert device.password == ('admin' if check_mode else 'newpw')
    assert rotated.check_password() is not check_mode
    assert miner.check_password() is check_mode


def test_properties_name_the_miner(backend):
    miner = Miner(backend, check_mode=True)
    assert (miner.host, miner.port, miner.address, miner.api_version) == (HOST, PORT, '%s:%d' % (HOST, PORT), 'fake')
    assert repr(miner) == 'Miner(%s:%d, fake, check mode)' % (HOST, PORT)
    assert repr(Miner(backend)) == 'Miner(%s:%d, fake)' % (HOST, PORT)


# --- reads ---------------------------------------------------------------------------------------------------------

def test_reads_are_never_guarded(device, backend):
    miner = Miner(backend, check_mode=True)
    assert miner.read('identity') == dict(hostname='fake')
    assert miner.pools() == device.pools and miner.pools() is not device.pools
    assert miner.settings(['mode', 'led']) == dict(mode='normal', led='auto')
    assert miner.uptime() == 3600 and miner.check_password() is True
    assert miner.snapshot(['mining']).facts['mining'] == dict(uptime_s=3600)
    assert miner.describe_raw('read_a+read_b').write is False and miner.describe_raw('blob').binary is True
    assert miner.commands == [] and device.sent == []


def test_read_raises_the_first_failure_when_nothing_answered(device, backend):
    device.down = True
    with pytest.raises(ConnectionRefused) as caught:
        Miner(backend).read('identity')
    assert str(caught.value) == '%s:%d: connection refused' % (HOST, PORT)


def test_read_gives_what_it_has_when_the_only_subset_is_unsupported(device, backend):
    """Nothing answered but nothing failed either (a read this firmware does not have)."""
    device.unsupported = ['identity']
    assert Miner(backend).read('identity') == dict(hostname='fake')


def test_read_uses_the_backend_subsets_of_the_section(device):
    class Tracking(FakeBackend):
        asked = []

        def subsets_for(self, section):
            return ['a_%s' % section, 'b_%s' % section]

        def snapshot(self, subsets):
            self.asked.append(list(subsets))
            return super().snapshot(subsets)
    Miner(Tracking(device)).read('mining')
    assert Tracking.asked == [['a_mining', 'b_mining']]


# --- what the API cannot do ----------------------------------------------------------------------------------------

def test_require_refuses_naming_the_api(device):
    miner = Miner(LimitedBackend(device))
    with pytest.raises(UnsupportedCommand) as caught:
        miner.require('upload_firmware')
    assert str(caught.value) == '%s:%d: upload firmware is not available through API fake' % (HOST, PORT)
    assert (caught.value.host, caught.value.port) == (HOST, PORT)
    assert miner.require('mode') is LimitedBackend.OPERATIONS['mode']
    assert miner.operation('led').supported is False


UNSUPPORTED = [
    pytest.param(lambda m: m.set('led', 'auto'), 'led', id='set'),
    pytest.param(lambda m: m.act('reboot'), 'reboot', id='act'),
    pytest.param(lambda m: m.preheat(first=True), 'pre power on', id='preheat'),
    pytest.param(lambda m: m.upload_firmware(io.BytesIO(b'x'), 1), 'upload firmware', id='upload_firmware'),
    pytest.param(lambda m: m.download_logs(io.BytesIO(), 10, 1.0), 'download logs', id='download_logs'),
    pytest.param(lambda m: m.change_password('newpw'), 'password', id='change_password'),
    pytest.param(lambda m: m.set_pools([dict(url='stratum+tcp://b:1', user='u')]), 'pool config', id='set_pools'),
]


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
@pytest.mark.parametrize('do, words', UNSUPPORTED)
def test_every_write_kind_refuses_an_unsupported_operation(device, check_mode, do, words):
    miner = Miner(LimitedBackend(device), check_mode=check_mode)
    with pytest.raises(UnsupportedCommand, match='%s is not available through API fake' % words):
        do(miner)
    assert device.sent == [] and miner.commands == []


# --- the contract ------------------------------------------------------------------------------------------------

def test_the_fake_implements_the_whole_backend_contract():
    assert Backend.__abstractmethods__ and not FakeBackend.__abstractmethods__
    assert set(FakeBackend.OPERATIONS) == set(ops.CATALOGUE)


def test_the_v2_backend_covers_the_catalogue_with_matching_kinds():
    assert not V2Backend.__abstractmethods__
    assert set(V2Backend.OPERATIONS) == set(ops.CATALOGUE)
    for name, operation in V2Backend.OPERATIONS.items():
        kind, what = ops.CATALOGUE[name]
        assert isinstance(operation, ops.Operation) and what
        assert (operation.name, operation.kind) == (name, kind), name
        assert operation.kind in ops.KINDS and operation.effect in ops.EFFECTS, name
        assert operation.supported == (name not in V3_ONLY), '%s: API v2 has every operation but the v3-only settings' % name


def test_the_v3_backend_covers_the_catalogue_with_matching_kinds():
    assert not V3Backend.__abstractmethods__
    assert set(V3Backend.OPERATIONS) == set(ops.CATALOGUE)
    for name, operation in V3Backend.OPERATIONS.items():
        kind, what = ops.CATALOGUE[name]
        assert (operation.name, operation.kind) == (name, kind), name
        assert operation.kind in ops.KINDS and operation.effect in ops.EFFECTS, name
    unsupported = sorted(name for name, operation in V3Backend.OPERATIONS.items() if not operation.supported)
    assert unsupported == ['pre_power_on']
    # v3 reads back what v2 sends blind
    for name in ('upfreq_speed', 'temp_offset', 'poweroff_cool', 'fan_zero_speed', 'web_pools', 'timezone', 'syslog'):
        assert V3Backend.OPERATIONS[name].readable and not V2Backend.OPERATIONS[name].readable, name


def test_v2_operations_state_what_may_not_answer():
    """Writes that restart btminer or reboot may lose their reply (spec 3.8, 3.16, 3.26)."""
    silent = sorted(name for name, operation in V2Backend.OPERATIONS.items() if operation.may_not_answer)
    assert silent == ['factory_reset', 'mode', 'network', 'power_limit', 'reboot', 'restart_mining', 'state',
                      'target_freq', 'upload_firmware']
    for name in silent:
        assert V2Backend.OPERATIONS[name].effect in (ops.RESTARTS_MINING, ops.REBOOTS), name
    assert sorted(name for name, operation in V2Backend.OPERATIONS.items() if operation.effect == ops.REBOOTS) == [
        'factory_reset', 'network', 'reboot', 'upload_firmware']
    assert V2Backend.OPERATIONS['fast_boot'].effect == ops.NEXT_RESTART
    unreadable = sorted(name for name, operation in V2Backend.OPERATIONS.items()
                        if operation.kind == ops.SETTING and not operation.readable)
    assert unreadable == ['fan_zero_speed', 'password', 'percent', 'poweroff_cool', 'syslog', 'temp_offset',
                          'timezone', 'upfreq_speed', 'web_pools']


def test_a_write_that_got_no_reply_counts_as_applied_only_once_a_read_shows_it(device):
    class Silent(FakeBackend):
        def setting_call(self, name, value, **options):
            return Call('set_' + name, lambda: None, {})   # a may-not-answer write: nothing came back
    miner = Miner(Silent(device))
    assert miner.set('mode', 'low') is None
    assert miner.commands == ['set_mode'] and miner.applied == []   # silence is also how a write fails
    miner.confirmed('set_mode')
    miner.confirmed('set_mode')
    assert miner.applied == ['set_mode']                              # seen to take: applied, once
