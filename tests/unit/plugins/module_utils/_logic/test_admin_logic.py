# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Input checks and planning of whatsminer_network, _password, _reboot and _factory_reset, without a miner.

Every input error must fail before any traffic: the logic runs over the real device layer
and v2 backend, on a client whose every request fails the test. The behaviour against a
miner is proven in tests/functional/admin/test_network_password_reboot.py.
"""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv2 import ApiV2
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import factory_reset, network, password, reboot
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

HOST = '192.0.2.10'
BASE = dict(host=HOST, port=4028, password='Old_pw1', timeout=1.0)


class Offline:
    """A client that validates like the real one and fails the test on any request."""

    host = HOST
    port = 4028
    password = 'Old_pw1'
    timeout = 1.0
    connect_timeout = None
    token_cache = None
    protocol = ApiV2(HOST, 4028, 1.0, 1.0, None)

    def __getattr__(self, name):
        raise AssertionError('the miner was asked (%s) although the input was invalid' % name)


def offline(check_mode=False):
    return Miner(V2Backend(Offline()), check_mode)


def params_for(logic, **given):
    params = dict((name, spec.get('default')) for name, spec in logic.ARGUMENT_SPEC.items())
    params.update(BASE)
    params.update(given)
    return params


def fails(logic, words, check_mode=False, **given):
    with pytest.raises(TaskFailed) as caught:
        logic.run(params_for(logic, **given), offline(check_mode), check_mode, False)
    assert caught.value.msg.startswith('%s:4028: ' % HOST), caught.value.msg
    assert words in caught.value.msg, caught.value.msg
    return caught.value.msg


# --- network -------------------------------------------------------------------------

STATIC = dict(mode='static', address='10.20.0.17', netmask='255.255.255.0', gateway='10.20.0.1',
              dns=['10.20.0.53', '1.1.1.1'])


def static(**change):
    """STATIC with some options changed."""
    given = dict(STATIC)
    given.update(change)
    return given


@pytest.mark.parametrize('change, words', [
    (dict(address='10.20.0.300'), 'address must be an IPv4 address'),
    (dict(netmask='255.0.255.0'), 'netmask must be an IPv4 netmask'),
    (dict(gateway='gw'), 'gateway must be an IPv4 address'),
    (dict(gateway='10.30.0.1'), 'gateway 10.30.0.1 is not in the network of address 10.20.0.17/255.255.255.0'),
    (dict(dns=['1.1.1']), 'dns must be an IPv4 address'),
    (dict(dns=['', ' ']), 'dns must name at least one DNS server'),
    (dict(address='10.20.0.255'), 'is the network or broadcast address'),
    (dict(hostname='-bad'), 'hostname must be a host name'),
    (dict(hostname='a' * 64), 'hostname must be a host name'),
    (dict(wait_timeout=0.0), 'wait_timeout must be a positive number'),
    (dict(poll_interval=-1.0), 'poll_interval must be a positive number'),
], ids=['address', 'netmask', 'gateway', 'gateway_elsewhere', 'dns', 'dns_empty', 'broadcast', 'hostname_dash',
        'hostname_long', 'wait_timeout', 'poll_interval'])
def test_network_bad_static_input_fails_before_any_traffic(change, words):
    fails(network, words, **static(**change))


@pytest.mark.parametrize('check_mode', [False, True])
def test_network_dhcp_takes_no_static_settings(check_mode):
    msg = fails(network, 'netmask, dns only go with mode=static', check_mode, mode='dhcp', netmask='255.255.255.0',
                dns=['1.1.1.1'])
    assert 'DHCP server sets them' in msg
    fails(network, 'hostname only goes with mode=static', check_mode, mode='dhcp', hostname='m1')
    fails(network, 'address must be an IPv4 address', check_mode, mode='dhcp', address='miner-7')


def test_network_input_is_normalised():
    given = static(address=' 10.20.0.17 ', dns=['1.1.1.1', ''], hostname=' rack-1.farm ')
    wanted = network.check_params(params_for(network, **given))
    assert wanted == dict(mode='static', address='10.20.0.17', netmask='255.255.255.0', gateway='10.20.0.1',
                          dns=['1.1.1.1'], hostname='rack-1.farm')
    assert network.check_params(params_for(network, mode='dhcp')) == dict(mode='dhcp', address=None)


def shown(mode='dhcp', address='10.20.0.17', hostname='WhatsMiner', **extra):
    settings = dict(mode=mode, address=address, netmask='255.255.255.0', gateway='10.20.0.1', dns=['10.20.0.53', '1.1.1.1'])
    settings.update(extra)
    return network.shown(settings, hostname)


def test_network_matches_compares_what_was_given():
    wanted = network.check_params(params_for(network, **STATIC))
    assert network.matches(wanted, shown(mode='static'))
    assert not network.matches(wanted, shown(mode='dhcp'))
    assert not network.matches(wanted, shown(mode='static', dns=['1.1.1.1', '10.20.0.53']))   # order counts
    assert network.matches(wanted, shown(mode='static', hostname='anything'))                 # not given: not compared
    assert not network.matches(dict(wanted, hostname='m7'), shown(mode='static'))
    assert network.matches(dict(mode='dhcp', address=None), shown(mode='dhcp', address='10.20.0.99'))


@pytest.mark.parametrize('host, wanted, current, expected', [
    # static: the miner's own report of its address decides; an unchanged address keeps host (a name, NAT)
    (HOST, dict(mode='static', address=HOST), shown(address=HOST), (HOST, False)),
    (HOST, dict(mode='static', address='192.0.2.11'), shown(address=HOST), ('192.0.2.11', True)),
    ('miner7.farm', dict(mode='static', address='10.20.0.17'), shown(address='10.20.0.17'), ('miner7.farm', False)),
    ('203.0.113.5', dict(mode='static', address='10.20.0.18'), shown(address='10.20.0.17'), ('10.20.0.18', True)),
    (HOST, dict(mode='static', address=HOST), shown(address=None), (HOST, False)),
    # dhcp: already dhcp never moves; from static the DHCP server decides unless the address it gives is named
    (HOST, dict(mode='dhcp', address=None), shown(mode='dhcp', address=HOST), (HOST, False)),
    (HOST, dict(mode='dhcp', address=None), shown(mode='static', address=HOST), (HOST, True)),
    (HOST, dict(mode='dhcp', address=HOST), shown(mode='static', address=HOST), (HOST, False)),
    (HOST, dict(mode='dhcp', address='192.0.2.50'), shown(mode='static', address=HOST), ('192.0.2.50', True)),
], ids=['same', 'new', 'name', 'nat_new', 'unreported', 'dhcp_dhcp', 'dhcp_unknown', 'dhcp_same', 'dhcp_named'])
def test_network_destination_and_address_change(host, wanted, current, expected):
    assert network.destination(dict(host=host), wanted, current) == expected


def test_network_refusal_names_the_option_and_both_addresses():
    params = params_for(network, **STATIC)
    with pytest.raises(TaskFailed) as caught:
        network.refuse_address_change(params, dict(mode='static', address='10.20.0.18'), shown(address=HOST), '10.20.0.18')
    assert caught.value.msg == ('%s:4028: this changes the address the miner answers on from %s to 10.20.0.18; set '
                                'allow_address_change: true to do that, and afterwards point ansible_host at the new '
                                'address (see the module notes); nothing was sent' % (HOST, HOST))
    with pytest.raises(TaskFailed) as caught:
        network.refuse_address_change(params, dict(mode='dhcp', address=None), shown(mode='static', address=HOST), HOST)
    assert 'the DHCP server chooses its address' in caught.value.msg and 'allow_address_change' in caught.value.msg


def test_network_planned_settings():
    before = shown(mode='static', address=HOST, hostname='m7')
    assert network.planned(dict(mode='dhcp', address=None), before) == dict(
        mode='dhcp', address=None, netmask=None, gateway=None, dns=[], hostname='m7')
    wanted = network.check_params(params_for(network, **static(address='192.0.2.11', gateway='192.0.2.1')))
    assert network.planned(wanted, before) == dict(wanted, hostname='m7')


# --- password ------------------------------------------------------------------------

def test_password_is_no_log_and_required():
    spec = password.ARGUMENT_SPEC['new_password']
    assert spec == dict(type='str', required=True, no_log=True)
    assert password.ARGUMENT_SPEC['password']['no_log'] is True


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('bad', ['nine_char', 'with-dash', 'sp ace', '', 'ümlaut'])
def test_password_new_password_is_checked_against_the_api_rule_before_any_traffic(bad, check_mode):
    msg = fails(password, 'new_password: ', check_mode, new_password=bad)
    assert '1 to 8 characters of letters, digits and "_"' in msg and 'nothing was sent' in msg
    if bad:
        assert bad not in msg


@pytest.mark.parametrize('good', ['a', 'Ab_12345', '________'])
def test_password_new_password_that_the_api_allows_passes_the_check(good):
    password.check_new_password(params_for(password, new_password=good), offline())


def test_password_check_does_not_touch_the_task_command_record():
    miner = offline()
    password.check_new_password(params_for(password, new_password='Ok_pw1'), miner)
    assert miner.commands == [] and miner.check_mode is False


# --- reboot and factory reset --------------------------------------------------------

@pytest.mark.parametrize('logic, extra', [(reboot, {}), (reboot, dict(scope='mining')), (factory_reset, dict(confirm=True))],
                         ids=['reboot', 'mining', 'factory_reset'])
@pytest.mark.parametrize('option', ['wait_timeout', 'poll_interval'])
def test_actions_reject_nonsense_waits_before_any_traffic(logic, extra, option):
    fails(logic, '%s must be a positive number of seconds, got 0.0' % option, **dict(extra, **{option: 0.0}))


@pytest.mark.parametrize('check_mode', [False, True])
def test_factory_reset_needs_confirm_before_any_traffic(check_mode):
    msg = fails(factory_reset, 'a factory reset needs confirm: true', check_mode)
    assert 'password back to the default' in msg and 'switches API write access off' in msg
    assert 'WhatsMinerTool' in msg and msg.endswith('nothing was sent')


def test_reboot_scopes_are_the_two_actions():
    assert reboot.SCOPES == dict(system='reboot', mining='restart_mining')
    assert reboot.ARGUMENT_SPEC['scope'] == dict(type='str', choices=['system', 'mining'], default='system')
    operations = V2Backend.OPERATIONS
    assert all(operations[name].kind == 'action' and operations[name].may_not_answer for name in reboot.SCOPES.values())
