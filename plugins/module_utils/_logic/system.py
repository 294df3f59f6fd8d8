# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_system: the miner's host name, time zone, NTP servers and remote syslog server.

Three rows of the miner's settings table, through the generic loop in ``_task/sync.py``:
the host name can be read back, so it is written only when it differs and confirmed by
reading; the time zone (a POSIX TZ string plus the zone name, one setting) and the
syslog server cannot be read on API v2, so they are sent whenever given and reported as
changed. The miner stores a new host name and time zone at once but applies them only
at its next network restart or reboot (v2 spec 3.18/3.19; the v3 notes say the same of
the host name): the result lists the settings sent in this run that wait for one.
On API v3 every one of them can be read back, so all are idempotent there; NTP servers
exist only on API v3 and fail naming the API on a v2 miner, before any traffic.
"""

from __future__ import annotations

import re

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.operations import NEXT_NETWORK_RESTART
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import check_hostname, check_ipv4, input_error
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.sync import sync_settings

#: in the order they are applied
SETTINGS = ('hostname', 'timezone', 'ntp_servers', 'syslog')

# a POSIX TZ string (CST-8, UTC0, CET-1CEST,M3.5.0,M10.5.0/3, <+05>-5) or a zone name (Asia/Shanghai)
ZONE_TEXT = re.compile(r'\A[A-Za-z0-9_+\-/:<>,.]{1,64}\Z')

# a host name or IPv4 address; the miner joins the list with commas, so none may hold one
NTP_SERVER = re.compile(r'\A[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\Z')

ARGUMENT_SPEC = connection_argument_spec(dict(
    hostname=dict(type='str'),
    timezone=dict(type='str'),
    zonename=dict(type='str'),
    ntp_servers=dict(type='list', elements='str'),
    syslog=dict(type='dict', options=dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=514),
        protocol=dict(type='str', choices=['udp', 'tcp'], default='udp'),
    )),
))
REQUIRED_ONE_OF = [['hostname', 'timezone', 'ntp_servers', 'syslog']]
REQUIRED_TOGETHER = [['timezone', 'zonename']]


def check_params(params):
    """Every input error, before any traffic, naming the miner and the option."""
    if params.get('hostname') is not None:
        check_hostname(params, 'hostname', params['hostname'])
    for name, example in (('timezone', 'CST-8 or UTC0'), ('zonename', 'Asia/Shanghai')):
        value = params.get(name)
        if value is not None and not ZONE_TEXT.match(value):
            raise input_error(params, '%s must look like %s (letters, digits and _ + - / : < > , . only, up to 64 '
                                      'characters), got %r' % (name, example, value[:80]))
    servers = params.get('ntp_servers')
    if servers is not None:
        if not servers:
            raise input_error(params, 'ntp_servers must name at least one server')
        for server in servers:
            if not NTP_SERVER.match(server.strip()):
                raise input_error(params, 'ntp_servers: %r is not a host name or IPv4 address' % server[:80])
    syslog = params.get('syslog')
    if syslog is not None:
        check_ipv4(params, 'syslog.host', syslog['host'], ' (the miner takes no host name here)')
        if not 1 <= syslog['port'] <= 65535:
            raise input_error(params, 'syslog.port must be between 1 and 65535, got %s' % syslog['port'])


def wanted(params):
    """The module options as the values of the settings rows (None: not given)."""
    servers = params.get('ntp_servers')
    values = dict(hostname=params.get('hostname'), timezone=None, syslog=None,
                  ntp_servers=None if servers is None else [server.strip() for server in servers])
    if params.get('timezone') is not None:
        values['timezone'] = dict(timezone=params['timezone'], zonename=params['zonename'])
    if params.get('syslog') is not None:
        syslog = params['syslog']
        values['syslog'] = dict(host=syslog['host'].strip(), port=syslog['port'], protocol=syslog['protocol'])
    return values


def check_values(params, miner, values):
    """Let the miner's API validate each value without sending it, so nothing it would refuse is read for."""
    for name in SETTINGS:
        if values[name] is None:
            continue
        try:
            miner.command_for(name, values[name])
        except InvalidParameter as err:
            raise input_error(params, '%s: %s' % (name, err.reason)) from None


def run(params, miner, check_mode, diff_mode):
    check_params(params)
    values = wanted(params)
    check_values(params, miner, values)
    settings = dict(params, **values)
    result = sync_settings(miner, settings, SETTINGS, check_mode, diff_mode)
    # sent (or, in check mode, to be sent) and in effect only after the network restarts
    result['pending_restart'] = [name for name in SETTINGS if name in result['before']
                                 and result['before'][name] != result['after'].get(name)
                                 and miner.operation(name).effect == NEXT_NETWORK_RESTART]
    return result


TASK = Task(ArgumentSpec(ARGUMENT_SPEC, required_one_of=REQUIRED_ONE_OF, required_together=REQUIRED_TOGETHER), run)
