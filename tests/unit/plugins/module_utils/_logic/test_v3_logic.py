# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The logic of whatsminer_network, _pools and _password over the real v3 backend, without sockets.

``FakeApiV3`` stands in for ``ApiV3``: it answers the few reads these modules make, checks
every write with the real v3 command table (as ``ApiV3`` does before sending) and records
what would have reached the miner, password tests included. The same behaviour against the
simulator is in tests/functional/v3/test_v3_playbooks.py.
"""

from __future__ import annotations

import os
import sys

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3commands
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import CommandFailed, InvalidParameter, MalformedReply
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import network, password, pools
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import silent_write_cause
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import NOT_READABLE

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_miner import FakeMiner, FakeReply, device as v2_device  # noqa: E402  pylint: disable=wrong-import-position

HOST = '192.0.2.30'
PROBE = 'set.user.change_passwd'


class Miner3:
    """What the fake miner holds; shared by every FakeApiV3 handle (other password, same miner)."""

    def __init__(self, password='super', web_pool=1, report_web_pool=True, mining=True, idle_hides_pools=False):
        self.mining = mining
        # the MDKW firmware of notes 4.2 (the simulator's v3_idle_pools_refused): while idle,
        # pools alone is -1 and a combined status read leaves them out
        self.idle_hides_pools = idle_hides_pools
        self.stops_after_pools = False   # the pools write leaves the miner idle (btminer restarting, and stays so)
        self.status_reads = []
        self.passwords = dict(super=password, user1='user1', user2='user2', user3='user3')
        self.web_pool = web_pool
        self.report_web_pool = report_web_pool
        self.net = dict(ip=HOST, proto='dhcp', netmask='255.255.255.0', gateway='192.0.2.1', dns='192.0.2.1')
        self.hostname = 'WhatsMiner'
        self.pools = [dict(id=1, url='stratum+tcp://a.example:3333', account='farm.a')]
        self.sent = []       # (command, param) of every signed request that reached the miner, password tests too


class FakeApiV3:
    def __init__(self, miner, password=None, account='super'):
        self.miner = miner
        self.host = HOST
        self.port = 4433
        self.account = account
        # no password given: the account's own name, as device_from_params connects
        self.password = account if password is None else password

    def with_password(self, password):
        return FakeApiV3(self.miner, password, self.account)

    def at(self, host, port=None):
        raise AssertionError('the miner did not move')

    def read(self, command, param=None):
        miner = self.miner
        if command == 'get.system.setting':
            record = dict(hostname=miner.hostname, timezone='CST-8', zonename='Asia/Shanghai')
            if miner.report_web_pool:
                record['web-pool'] = miner.web_pool
            return FakeReply(record)
        if command == 'get.device.info':
            return FakeReply(dict(network=dict(miner.net, hostname=miner.hostname), system=dict(apiswitch='1')))
        if command == 'get.miner.status':
            return FakeReply(self._status(param))
        raise AssertionError('unexpected read %s %r' % (command, param))

    def _status(self, param):
        miner = self.miner
        miner.status_reads.append(param)
        parts = param.split('+')
        hidden = miner.idle_hides_pools and not miner.mining
        if hidden and parts == ['pools']:
            raise CommandFailed('failed', self.host, self.port, code=-1)
        msg = {}
        if 'summary' in parts:
            msg['summary'] = {'hash-realtime': 120.5 if miner.mining else 0.0, 'elapsed': 100}
        if 'pools' in parts and not hidden:
            msg['pools'] = list(miner.pools)
        return msg

    def prepare(self, command, param=None):
        return v3commands.check_write(command, param, self.host, self.port)

    def write(self, command, param=None):
        wire = self.prepare(command, param)
        self.miner.sent.append((command, wire))
        if command == 'set.system.webpools':
            self.miner.web_pool = 1 if wire == 'enable' else 0
        elif command == 'set.miner.pools':
            self.miner.pools = [dict(id=index + 1, url=pool['pool'], account=pool['worker'])
                                for index, pool in enumerate(param)]
            self.miner.mining = self.miner.mining and not self.miner.stops_after_pools
        elif command == PROBE:
            assert wire['old'] == self.miner.passwords[self.account], 'the fake takes only a right old password'
            self.miner.passwords[self.account] = wire['new']
        return FakeReply('ok')

    def prove_password(self):
        """ApiV3.check_password: a signed set.user.change_passwd from the password to itself."""
        self.prepare(PROBE, dict(account=self.account, old=self.password, new=self.password))
        self.miner.sent.append((PROBE, 'test'))
        return self.miner.passwords[self.account] == self.password


def v3_device(miner3, password=None, check_mode=False):
    return Miner(V3Backend(FakeApiV3(miner3, password)), check_mode)


def params_for(logic, **given):
    params = dict((name, spec.get('default')) for name, spec in logic.ARGUMENT_SPEC.items())
    params.update(host=HOST, port=4028, timeout=1.0, api_version='v3')
    params.update(given)
    return params


def sent(miner3):
    return [command for command, _param in miner3.sent]


# --- whatsminer_network: dns on the wire ------------------------------------------------

STATIC = dict(mode='static', address=HOST, netmask='255.255.255.0', gateway='192.0.2.1', dns=['1.1.1.1', '8.8.8.8'])


def test_v3_static_network_sends_dns_as_one_space_separated_string():
    miner = v3_device(Miner3())
    value = dict(STATIC, hostname='WhatsMiner')
    assert miner.command_for('network', value) == 'set.system.net_config'
    call = miner.backend.setting_call('network', value)
    assert call.describe['param'] == dict(ip=HOST, netmask='255.255.255.0', gateway='192.0.2.1', dns='1.1.1.1 8.8.8.8')


def test_v3_static_network_in_check_mode_is_planned_and_not_sent():
    """The reviewer's case: this failed with "dns must be one or more IPv4 addresses, got ['1.1.1.1']"."""
    miner3 = Miner3()
    result = network.run(params_for(network, **STATIC), v3_device(miner3, check_mode=True), True, True)
    assert result['changed'] is True and result['commands'] == ['set.system.net_config'] and miner3.sent == []
    assert result['diff']['after']['dns'] == ['1.1.1.1', '8.8.8.8'] and result['diff']['before']['mode'] == 'dhcp'


@pytest.mark.parametrize('dns', [['1.1.1.1'], '1.1.1.1,8.8.8.8', '1.1.1.1  8.8.8.8', '', '1.1.1'])
def test_v3_command_table_takes_only_the_wire_form_of_dns(dns):
    with pytest.raises(InvalidParameter, match='dns must be one or more IPv4 addresses separated by single spaces'):
        v3commands.check_write('set.system.net_config', dict(ip=HOST, netmask='255.255.255.0', gateway='192.0.2.1',
                                                             dns=dns))


def test_v3_command_table_takes_space_separated_dns():
    param = dict(ip=HOST, netmask='255.255.255.0', gateway='192.0.2.1', dns='1.1.1.1 8.8.8.8')
    assert v3commands.check_write('set.system.net_config', param) == param


# --- whatsminer_pools: web_pools by the backend's table -------------------------------------

def test_v3_web_pools_already_set_is_not_sent():
    miner3 = Miner3(web_pool=0)
    result = pools.run(params_for(pools, web_pools=False), v3_device(miner3), False, True)
    assert result['changed'] is False and result['commands'] == [] and miner3.sent == []
    assert result['diff']['before']['web_pools'] is False and result['diff']['after']['web_pools'] is False
    assert 'warnings' not in result


def test_v3_web_pools_that_differs_is_sent_once_and_read_back():
    miner3 = Miner3(web_pool=1)
    result = pools.run(params_for(pools, web_pools=False), v3_device(miner3), False, True)
    assert result['changed'] is True and result['commands'] == ['set.system.webpools']
    assert miner3.sent == [('set.system.webpools', 'disable')] and miner3.web_pool == 0
    assert result['diff']['before']['web_pools'] is True and result['after']['web_pools'] is False
    again = pools.run(params_for(pools, web_pools=False), v3_device(miner3), False, True)
    assert again['changed'] is False and len(miner3.sent) == 1


def test_v3_web_pools_in_check_mode_is_planned_and_not_sent():
    miner3 = Miner3(web_pool=1)
    result = pools.run(params_for(pools, web_pools=False), v3_device(miner3, check_mode=True), True, True)
    assert result['changed'] is True and result['commands'] == ['set.system.webpools'] and miner3.sent == []
    assert result['diff']['before']['web_pools'] is True and result['diff']['after']['web_pools'] is False


def test_v3_web_pools_a_miner_does_not_report_is_sent_blind_with_a_warning():
    miner3 = Miner3(report_web_pool=False)
    result = pools.run(params_for(pools, web_pools=True), v3_device(miner3), False, True)
    assert result['changed'] is True and sent(miner3) == ['set.system.webpools']
    assert result['diff']['before']['web_pools'] == NOT_READABLE and result['after']['web_pools'] is True
    assert any('does not report its current value' in warning for warning in result['warnings'])


def test_v2_web_pools_is_still_sent_every_time():
    fake = FakeMiner()
    result = pools.run(params_for(pools, api_version='v2', web_pools=True), v2_device(fake), False, True)
    assert result['changed'] is True and fake.write_names == ['enable_web_pools']
    assert result['diff']['before']['web_pools'] == NOT_READABLE and result['after']['web_pools'] is True


# --- whatsminer_pools on an idle miner (notes 4.2: pools alone is -1 there) ----------------

WANTED = [dict(url='stratum+tcp://b.example:3333', user='farm.b', password='pw')]
WAIT = dict(wait=True, wait_timeout=0.3, poll_interval=0.05)


def waits(wait):
    """The short waits of WAIT with ``wait`` as given."""
    options = dict(WAIT)
    options['wait'] = wait
    return options


def test_v3_pools_are_read_with_the_summary_never_alone():
    miner3 = Miner3(idle_hides_pools=True)
    assert v3_device(miner3).pools() == [dict(url='stratum+tcp://a.example:3333', user='farm.a')]
    assert miner3.status_reads == ['summary+pools']


def test_v3_an_idle_miner_that_leaves_pools_out_shows_none_and_does_not_fail():
    """Before the fix: get.miner.status 'pools' alone -> -1 -> CommandFailed, and every pools task failed."""
    miner3 = Miner3(mining=False, idle_hides_pools=True)
    assert v3_device(miner3).pools() is None
    assert 'pools' not in miner3.status_reads


def test_v3_a_mining_miner_that_leaves_pools_out_is_a_malformed_reply_not_no_pools():
    miner3 = Miner3(mining=True)
    miner3.pools = []
    assert v3_device(miner3).pools() == []        # it said: no pools
    device = v3_device(miner3)
    device.backend.api._status = lambda param: {'summary': {'hash-realtime': 90.0}}
    with pytest.raises(MalformedReply, match='without pools'):
        device.pools()


@pytest.mark.parametrize('wait', [True, False])
def test_v3_pools_on_an_idle_miner_are_sent_once_and_reported_unconfirmed(wait):
    miner3 = Miner3(mining=False, idle_hides_pools=True)
    params = params_for(pools, pools=WANTED, **waits(wait))
    result = pools.run(params, v3_device(miner3), False, True)
    assert result['changed'] is True and sent(miner3) == ['set.miner.pools']     # sent once, never repeated
    assert result['diff']['before']['pools'] == NOT_READABLE                        # not claimed to be "none"
    assert result['pools'] == [dict(url=WANTED[0]['url'], user='farm.b')]
    assert len(result['warnings']) == 1 and 'cannot be read back or confirmed' in result['warnings'][0]
    assert miner3.status_reads == ['summary+pools']      # no read-back waited for: it could never show them


def test_v3_pools_on_an_idle_miner_in_check_mode_send_nothing():
    miner3 = Miner3(mining=False, idle_hides_pools=True)
    result = pools.run(params_for(pools, pools=WANTED, **WAIT), v3_device(miner3, check_mode=True), True, True)
    assert result['changed'] is True and result['commands'] == ['set.miner.pools'] and miner3.sent == []
    assert 'would be sent' in result['warnings'][0]


def test_v3_web_pools_alone_on_an_idle_miner_reports_the_pools_unknown():
    miner3 = Miner3(web_pool=0, mining=False, idle_hides_pools=True)
    result = pools.run(params_for(pools, web_pools=False), v3_device(miner3), False, True)
    assert result['changed'] is False and miner3.sent == []
    assert result['pools'] is None and result['diff']['before']['pools'] == NOT_READABLE


def test_v3_pools_a_miner_stops_showing_after_the_write_fail_with_wait_and_warn_without():
    """The miner showed its pools, took the write and went idle: not confirmed, and said so; sent once."""
    miner3 = Miner3(idle_hides_pools=True)
    miner3.stops_after_pools = True
    with pytest.raises(TaskFailed, match='does not show them while it does not mine') as caught:
        pools.run(params_for(pools, pools=WANTED, **WAIT), v3_device(miner3), False, True)
    assert caught.value.extra['commands'] == ['set.miner.pools'] and sent(miner3) == ['set.miner.pools']

    miner3 = Miner3(idle_hides_pools=True)
    miner3.stops_after_pools = True
    result = pools.run(params_for(pools, pools=WANTED, **waits(False)), v3_device(miner3), False, True)
    assert result['changed'] is True and sent(miner3) == ['set.miner.pools']
    assert any('does not show its pools now' in warning and 'not confirmed' in warning for warning in result['warnings'])


def test_v3_pools_unanswered_on_an_idle_miner_are_never_sent_again_and_the_outcome_is_unknown():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ReadTimeout
    miner3 = Miner3(mining=False, idle_hides_pools=True)
    device = v3_device(miner3)
    write = device.backend.api.write

    def silent(command, param=None):
        write(command, param)                       # applied, and the reply never comes
        raise ReadTimeout('no reply', HOST, 4433)
    device.backend.api.write = silent
    with pytest.raises(TaskFailed, match='outcome is unknown') as caught:
        pools.run(params_for(pools, pools=WANTED, **WAIT), device, False, True)
    assert 'does not show them while it does not mine' in caught.value.msg
    assert sent(miner3) == ['set.miner.pools']      # never repeated


# --- whatsminer_password: the default password and the password tests ------------------------

def test_v3_unset_password_is_the_account_default_not_admin():
    """A miner still on super/super: new_password super is the current password, so no change is sent."""
    miner3 = Miner3(password='super')
    result = password.run(params_for(password, new_password='super'), v3_device(miner3), False, False)
    assert result['changed'] is False and result['outcome'] == password.CURRENT
    assert result['commands'] == [PROBE] and miner3.sent == [(PROBE, 'test')]     # the test, and nothing else


def test_v3_unset_password_with_new_password_admin_is_a_rotation_attempt():
    miner3 = Miner3(password='Sup3rPw')
    with pytest.raises(TaskFailed) as caught:
        password.run(params_for(password, new_password='admin'), v3_device(miner3), False, False)
    assert 'accepts neither password nor new_password' in caught.value.msg
    assert caught.value.extra['commands'] == [PROBE, PROBE] and sent(miner3) == [PROBE, PROBE]


def test_v3_connection_password_follows_the_account():
    miner = v3_device(Miner3())
    assert password.connection_password(params_for(password, new_password='x1'), miner) == 'super'
    assert password.connection_password(params_for(password, new_password='x1', account='user2'), miner) == 'user2'
    assert password.connection_password(params_for(password, new_password='x1', password='Given9'), miner) == 'Given9'
    assert password.connection_password(params_for(password, new_password='x1'), v2_device(FakeMiner())) == 'admin'


def test_v3_password_tests_are_listed_in_commands():
    miner3 = Miner3(password='Old_pw1')
    result = password.run(params_for(password, password='Old_pw1', new_password='New_pw2'), v3_device(miner3, 'Old_pw1'),
                          False, False)
    assert result['outcome'] == password.ROTATED and miner3.passwords['super'] == 'New_pw2'
    assert result['commands'] == [PROBE, PROBE, PROBE] == sent(miner3)       # test old, change, test new
    miner3.sent = []
    again = password.run(params_for(password, password='Old_pw1', new_password='New_pw2'), v3_device(miner3, 'Old_pw1'),
                         False, False)
    assert again['changed'] is False and again['outcome'] == password.ALREADY_ROTATED
    assert again['commands'] == [PROBE, PROBE] == sent(miner3)               # test old (refused), test new


@pytest.mark.parametrize('new', ['New_pw2', 'super'])
def test_v3_check_mode_sends_no_password_test(new):
    miner3 = Miner3(password='super')
    result = password.run(params_for(password, new_password=new), v3_device(miner3, check_mode=True), True, False)
    assert miner3.sent == []
    if new == 'super':
        assert result['outcome'] == password.CURRENT and result['commands'] == [] and result['changed'] is False
    else:
        assert result['outcome'] == password.WOULD_ROTATE and result['commands'] == [PROBE]   # the change it would send
    assert 'check mode never does' in result['warnings'][0]


def test_v2_password_tests_are_reads_and_not_listed():
    fake = FakeMiner()
    result = password.run(params_for(password, api_version='v2', new_password='admin'), v2_device(fake), False, False)
    assert result['outcome'] == password.CURRENT and result['commands'] == [] and fake.writes == []
    assert fake.reads == ['status (encrypted)']


@pytest.mark.parametrize('account', ['super', 'user1'])
def test_a_refused_v3_password_check_is_said_in_v3_words(account):
    """v3 folds a wrong password, write access off and a missing permission into one -4: say so, not v2's story."""
    miner3 = Miner3()
    handle = Miner(V3Backend(FakeApiV3(miner3, 'wrong-one', account)))
    cause = silent_write_cause(handle)
    assert 'signed password check was refused with "no permission"' in cause and 'decrypt' not in cause
    assert ('account user1 may not change its password' in cause) is (account == 'user1')
    assert 'wrong-one' not in cause
    v2_cause = silent_write_cause(v2_device(FakeMiner(password_right=False)))
    assert 'could not decrypt an encrypted status read' in v2_cause
