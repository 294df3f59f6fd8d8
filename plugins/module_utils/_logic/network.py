# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_network: DHCP, or a static address with netmask, gateway and DNS servers.

The network settings are readable, so nothing is sent when the miner already has them.
A change reboots the miner, and a new address means it answers somewhere else
afterwards: so a change of the address the miner answers on is refused unless
``allow_address_change`` is true, and with ``wait`` the module waits for the miner where
it will be (``miner.at(new)``) until it is back from its reboot (the uptime starts again,
the MAC is the same) and confirms the settings there. It never sends the change twice:
a miner that does not come back is an unknown outcome, for the operator to look at.

API v2 sets the host name together with a static address, so the module sends the
current host name along when ``hostname`` is not given (the operation's value always
carries one; a backend that does not need it ignores it).
"""

from __future__ import annotations

import ipaddress
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import UNANSWERED, silent_write_cause, wait_until
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import (
    WAIT_OPTIONS,
    address,
    check_hostname,
    check_ipv4,
    check_wait_options,
    input_error,
    port_shown,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.reboot import wait_for_reboot

FIELDS = ('mode', 'address', 'netmask', 'gateway', 'dns', 'hostname')
STATIC_ONLY = ('netmask', 'gateway', 'dns', 'hostname')
#: seconds to get one reading of the settings once the miner is back
READ_BACK_SECONDS = 30.0

ARGUMENT_SPEC = connection_argument_spec(dict(
    mode=dict(type='str', required=True, choices=['dhcp', 'static']),
    address=dict(type='str'),
    netmask=dict(type='str'),
    gateway=dict(type='str'),
    dns=dict(type='list', elements='str'),
    hostname=dict(type='str'),
    allow_address_change=dict(type='bool', default=False),
    **WAIT_OPTIONS
))
REQUIRED_IF = [['mode', 'static', ['address', 'netmask', 'gateway', 'dns']]]


# --- input -----------------------------------------------------------------------

def _netmask(params, value):
    mask = check_ipv4(params, 'netmask', value)
    try:
        ipaddress.IPv4Network('0.0.0.0/%s' % mask)
    except ValueError:
        raise input_error(params, 'netmask must be an IPv4 netmask like 255.255.255.0, got %r' % value[:40]) from None
    return mask


def check_params(params):
    """The wanted settings, normalised; every mistake fails here, before any traffic, naming the option."""
    check_wait_options(params)
    if params['mode'] == 'dhcp':
        given = [name for name in STATIC_ONLY if params.get(name) is not None]
        if given:
            raise input_error(params, '%s only go%s with mode=static; with DHCP the DHCP server sets them'
                              % (', '.join(given), 'es' if len(given) == 1 else ''))
        expected = params.get('address')
        return dict(mode='dhcp', address=None if expected is None else check_ipv4(params, 'address', expected))
    wanted = dict(mode='static', address=check_ipv4(params, 'address', params['address']),
                  netmask=_netmask(params, params['netmask']), gateway=check_ipv4(params, 'gateway', params['gateway']))
    servers = [server for server in params['dns'] if server is not None and server.strip()]
    if not servers:
        raise input_error(params, 'dns must name at least one DNS server with mode=static')
    wanted['dns'] = [check_ipv4(params, 'dns', server) for server in servers]
    network = ipaddress.IPv4Network('%s/%s' % (wanted['address'], wanted['netmask']), strict=False)
    if ipaddress.IPv4Address(wanted['gateway']) not in network:
        raise input_error(params, 'gateway %s is not in the network of address %s/%s: the miner would be cut off'
                          % (wanted['gateway'], wanted['address'], wanted['netmask']))
    if ipaddress.IPv4Address(wanted['address']) in (network.network_address, network.broadcast_address) \
            and network.prefixlen < 31:
        raise input_error(params, 'address %s is the network or broadcast address of %s' % (wanted['address'], network))
    if params.get('hostname') is not None:
        wanted['hostname'] = check_hostname(params, 'hostname', params['hostname'])
    return wanted


# --- planning --------------------------------------------------------------------

def shown(network, hostname):
    """The settings as the result shows them (before, after, diff)."""
    network = network or {}
    return dict(mode=network.get('mode'), address=network.get('address'), netmask=network.get('netmask'),
                gateway=network.get('gateway'), dns=list(network.get('dns') or []), hostname=hostname)


def matches(wanted, current):
    """True when the miner (``current``: the shown form) already has what is wanted."""
    if wanted['mode'] == 'dhcp':
        return current['mode'] == 'dhcp'
    return all(current[name] == wanted[name] for name in wanted)


def destination(params, wanted, current):
    """(where the miner answers after the change, whether that is another address than now).

    The miner's own report of its address is what it answers on now; Ansible may reach it
    under another name or through NAT, so an unchanged address keeps ``host``.
    """
    now = current['address'] or params['host']
    if wanted['mode'] == 'static':
        moves = wanted['address'] != now
        return (wanted['address'] if moves else params['host']), moves
    if current['mode'] == 'dhcp':
        return params['host'], False
    expected = wanted['address']
    if expected is not None and expected == now:
        return params['host'], False
    return (expected or params['host']), True


def refuse_address_change(params, wanted, current, target):
    now = current['address'] or params['host']
    if wanted['mode'] == 'static':
        what = 'changes the address the miner answers on from %s to %s' % (now, target)
    elif wanted['address'] is not None:
        what = 'switches the miner to DHCP, which gives it the address %s instead of %s' % (target, now)
    else:
        what = ('switches the miner to DHCP, so the DHCP server chooses its address (it answers on %s now); set '
                'address to the address it will get (a DHCP reservation) if you know it' % now)
    raise input_error(params, 'this %s; set allow_address_change: true to do that, and afterwards point ansible_host '
                              'at the new address (see the module notes); nothing was sent' % what)


def planned(wanted, before):
    """What the settings will be, as far as the module can know it beforehand."""
    if wanted['mode'] == 'dhcp':
        return dict(mode='dhcp', address=wanted['address'], netmask=None, gateway=None, dns=[],
                    hostname=before['hostname'])
    after = dict(before)
    after.update(wanted)
    return after


# --- applying --------------------------------------------------------------------

def _fail(params, result, message):
    raise TaskFailed('%s: %s' % (address(params), message), **result)


def apply(params, miner, value, target, moves, result):
    """Send the change once, wait for the miner at ``target`` and read it there; fills ``result``."""
    try:
        uptime_before = miner.uptime()
    except WhatsminerError:
        uptime_before = None
    mac = miner.read('identity').get('mac')
    started = time.monotonic()
    timed_out = False
    try:
        reply = miner.set('network', value)
    except UNANSWERED:
        reply, timed_out = None, True
    if not params['wait']:
        result['warnings'].append('wait=false: the miner reboots to apply the network settings; they were not '
                                  'confirmed by reading')
        return None
    there = miner.at(target) if moves else miner
    back = wait_for_reboot(there.uptime, uptime_before, params['wait_timeout'], params['poll_interval'])
    if not back.ok:
        cause = ''
        if not back.went_down and not moves:
            cause = silent_write_cause(miner) if reply is None else None
            cause = cause or '; it never went down, so the change may not have been applied'
        hint = ''
        if moves or params['mode'] == 'dhcp':
            hint = ('; it may answer on another address (a DHCP address, or the old one if the change was refused): '
                    'find it with the inventory plugin')
        _fail(params, result, 'sent the network change%s, but the miner was not back from its reboot at %s:%s within '
                              '%ss (wait_timeout)%s%s; the outcome is unknown, so it was not sent again'
              % (' (no usable reply)' if timed_out else '', target, port_shown(params), params['wait_timeout'], cause, hint))
    ok, reading, error = wait_until(lambda: there.settings(['network', 'hostname']), lambda _reading: True,
                                    max(params['poll_interval'], READ_BACK_SECONDS), params['poll_interval'])
    if not ok:
        _fail(params, result, 'the miner came back at %s:%s but its network settings could not be read (%s)'
              % (target, port_shown(params), error.reason if error is not None else 'no answer'))
    result['downtime'] = round(time.monotonic() - started, 3)
    seen_mac = there.read('identity').get('mac')
    if mac is not None and seen_mac is not None and seen_mac != mac:
        _fail(params, result, 'another device answers at %s:%s (MAC %s, the miner has %s): an address conflict?'
              % (target, port_shown(params), seen_mac, mac))
    return reading


def run(params, miner, check_mode, diff_mode):
    wanted = check_params(params)
    reading = miner.settings(['network', 'hostname'])
    if reading.get('network') is None:
        raise TaskFailed('%s: the miner does not report its network settings, so they cannot be compared; nothing was '
                         'sent' % address(params), commands=list(miner.commands))
    before = shown(reading['network'], reading.get('hostname'))
    result = dict(changed=False, before=before, after=before, network=before, host=params['host'],
                  address_changed=False, downtime=None, commands=miner.commands, warnings=[])
    if not matches(wanted, before):
        send(params, miner, check_mode, wanted, before, result)
    if diff_mode:
        result['diff'] = dict(before=before, after=result['after'])
    if not result['warnings']:
        del result['warnings']
    return result


def send(params, miner, check_mode, wanted, before, result):
    target, moves = destination(params, wanted, before)
    if moves and not params['allow_address_change']:
        refuse_address_change(params, wanted, before, target)
    if wanted.get('hostname') not in (None, before['hostname']) and not miner.network_sets_hostname:
        raise input_error(params, 'API %s sets no host name with the network settings, so hostname=%s cannot be '
                                  'applied here (the miner is %s): leave hostname out, or set it with '
                                  'minerops.whatsminer.whatsminer_system; nothing was sent'
                          % (miner.api_version, wanted['hostname'], before['hostname']))
    if wanted['mode'] == 'static':
        hostname = wanted.get('hostname') or before['hostname']
        if not hostname:
            raise input_error(params, 'the miner does not report its host name, and a static address is set together '
                                      'with one: set hostname; nothing was sent')
        value = dict(wanted, hostname=hostname)
    else:
        value = dict(mode='dhcp')
    after = planned(wanted, before)
    result.update(changed=True, after=after, network=after, host=target, address_changed=moves)
    if check_mode:
        miner.set('network', value)   # recorded in commands and validated; the guard sends nothing
        return
    reading = apply(params, miner, value, target, moves, result)
    if reading is None:
        return
    seen = shown(reading['network'], reading.get('hostname'))
    result.update(after=seen, network=seen)
    if not matches(value, seen):
        _fail(params, result, 'the miner is back at %s:%s but reports %s, not %s'
              % (target, port_shown(params), _text(seen), _text(value)))
    if moves:
        result['warnings'].append('the miner now answers on %s, not %s: ansible_host in the inventory is stale; set it '
                                  'with ansible.builtin.set_fact (ansible_host: "{{ result.host }}") for the rest of '
                                  'the play, and update the inventory (or re-run discovery)'
                                  % (target, params['host']))


def _text(settings):
    return ', '.join('%s=%s' % (name, settings[name]) for name in FIELDS if settings.get(name) not in (None, []))


TASK = Task(ArgumentSpec(ARGUMENT_SPEC, required_if=REQUIRED_IF), run)
