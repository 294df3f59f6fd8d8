# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v2's settings table: for each setting, where v2 shows it and which write sets it.

A row is (read, write, effect, sources): ``read`` takes the records of the reads named
in ``sources`` (``status``, ``summary``, ``miner_info``) and returns the current value,
or None when this firmware leaves it out (``None`` as the read itself means v2 cannot
show the setting at all); ``write`` turns a value into ``(command, params)``. A new setting is a new row here plus an :class:`Operation` entry
in the backend, not new code in a module. Mode switches, target frequency and power
limit restart btminer and may get no reply (spec 3.8, 3.16, 3.26), fast boot shows only
after the next btminer restart (spec 3.14/3.15), host name and time zone only after the
network restarts (spec 3.18/3.19).
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_int, to_str
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.operations import (
    NEXT_NETWORK_RESTART,
    NEXT_RESTART,
    NO_EFFECT,
    REBOOTS,
    RESTARTS_MINING,
)

PERCENT_COMMANDS = dict(fast='set_power_pct', normal='set_power_pct_v2')
MODES = ('low', 'normal', 'high')
STATES = ('on', 'off')


def _text(value):
    """A reported scalar as stripped lower-case text; '' when missing or not a scalar."""
    return (to_str(value) or '').lower()


def mining_state(records):
    """'on', 'off' or None from ``status`` (``btmineroff`` on older firmware, ``mineroff`` on newer)."""
    for key in ('btmineroff', 'mineroff'):
        value = _text(records['status'].get(key))
        if value in ('true', 'false'):
            return 'off' if value == 'true' else 'on'
    return None


def power_mode(records):
    """'low', 'normal', 'high' (or another word the firmware uses), None when neither read says."""
    return _text(records['status'].get('power_mode')) or _text(records['summary'].get('Power Mode')) or None


def power_limit(records):
    limit = to_int(records['summary'].get('Power Limit'))
    return to_int(records['status'].get('power_limit_set')) if limit is None else limit


def target_freq(records):
    """``hash_percent``: None when the firmware leaves it empty."""
    return to_int(records['status'].get('hash_percent'))


def fast_boot(records):
    value = _text(records['summary'].get('Btminer Fast Boot'))
    if value in ('enable', 'enabled', 'true', '1'):
        return True
    if value in ('disable', 'disabled', 'false', '0'):
        return False
    return None


def hostname(records):
    return to_str(records['miner_info'].get('hostname'))


def led(records):
    """'auto', or 'manual' while a blink pattern runs; None when not reported."""
    value = _text(records['miner_info'].get('ledstat'))
    return value or None


def network(records):
    """``{mode, address, netmask, gateway, dns}`` from get_miner_info; None when it reports no mode."""
    info = records['miner_info']
    mode = _text(info.get('proto'))
    if not mode:
        return None
    dns = to_str(info.get('dns'))
    return dict(mode=mode, address=to_str(info.get('ip')), netmask=to_str(info.get('netmask')),
                gateway=to_str(info.get('gateway')), dns=dns.split() if dns else [])


def _choice(name, value, choices):
    if not isinstance(value, str) or value not in choices:
        raise InvalidParameter('%s must be one of %s, got %r' % (name, ', '.join(choices), value))
    return value


def _flag(name, command_on, command_off):
    def write(value):
        if not isinstance(value, bool):
            raise InvalidParameter('%s must be true or false, got %r' % (name, value))
        return (command_on if value else command_off), {}
    return write


def _number(command, param):
    return lambda value: (command, {param: value})


def _led(value):
    if value == 'auto':
        return 'set_led', {'param': 'auto'}
    return 'set_led', dict((key, value[key]) for key in ('color', 'period', 'duration', 'start'))


def _fields(name, value, fields):
    """The fields of a dict-valued setting, all required."""
    if not isinstance(value, dict):
        raise InvalidParameter('%s must be a dict with %s' % (name, ', '.join(fields)))
    missing = [field for field in fields if value.get(field) in (None, '')]
    if missing:
        raise InvalidParameter('%s needs %s' % (name, ', '.join(missing)))
    return [value[field] for field in fields]


def _network(value):
    """v2's net_config sets the host name with a static address, so a static value needs one."""
    if isinstance(value, dict) and value.get('mode') == 'dhcp':
        return 'net_config', {'param': 'dhcp'}
    if not isinstance(value, dict) or value.get('mode') != 'static':
        raise InvalidParameter('network mode must be dhcp or static, got %r' % (value.get('mode') if isinstance(value, dict) else value,))
    address, netmask, gateway, dns, host = _fields('network (static, on API v2)', value,
                                                   ('address', 'netmask', 'gateway', 'dns', 'hostname'))
    return 'net_config', dict(ip=address, mask=netmask, gate=gateway, dns=dns, host=host)


def _syslog(value):
    host, port, protocol = _fields('syslog', value, ('host', 'port', 'protocol'))
    return 'load_log', dict(ip=host, port=port, proto=protocol)


def _timezone(value):
    timezone, zonename = _fields('timezone', value, ('timezone', 'zonename'))
    return 'set_zone', dict(timezone=timezone, zonename=zonename)


class Row:
    __slots__ = ('read', 'write', 'effect', 'may_not_answer', 'sources')

    def __init__(self, read, write, effect=NO_EFFECT, may_not_answer=False, sources=('status',)):
        self.read = read
        self.write = write
        self.effect = effect
        self.may_not_answer = may_not_answer
        self.sources = sources


STATUS_SUMMARY = ('status', 'summary')
MINER_INFO = ('miner_info',)

ROWS = {
    'state': Row(mining_state, lambda value: ('power_%s' % _choice('state', value, STATES), {}), RESTARTS_MINING,
                 may_not_answer=True),
    'mode': Row(power_mode, lambda value: ('set_%s_power' % _choice('mode', value, MODES), {}), RESTARTS_MINING,
                may_not_answer=True, sources=STATUS_SUMMARY),
    'power_limit': Row(power_limit, _number('adjust_power_limit', 'power_limit'), RESTARTS_MINING,
                       may_not_answer=True, sources=STATUS_SUMMARY),
    'percent': Row(None, None),   # the method picks the command: see wire_write
    'target_freq': Row(target_freq, _number('set_target_freq', 'percent'), RESTARTS_MINING, may_not_answer=True),
    'fast_boot': Row(fast_boot, _flag('fast_boot', 'enable_btminer_fast_boot', 'disable_btminer_fast_boot'), NEXT_RESTART,
                     sources=STATUS_SUMMARY),
    'upfreq_speed': Row(None, _number('adjust_upfreq_speed', 'upfreq_speed')),
    'temp_offset': Row(None, _number('set_temp_offset', 'temp_offset')),
    'poweroff_cool': Row(None, _number('set_poweroff_cool', 'poweroff_cool')),
    'fan_zero_speed': Row(None, _number('set_fan_zero_speed', 'fan_zero_speed')),
    'web_pools': Row(None, _flag('web_pools', 'enable_web_pools', 'disable_web_pools')),
    'hostname': Row(hostname, lambda value: ('set_hostname', {'hostname': value}), NEXT_NETWORK_RESTART,
                    sources=MINER_INFO),   # spec 3.18
    'timezone': Row(None, _timezone, NEXT_NETWORK_RESTART),   # spec 3.19
    'syslog': Row(None, _syslog),
    'led': Row(led, _led, sources=MINER_INFO),
    'network': Row(network, _network, REBOOTS, may_not_answer=True, sources=MINER_INFO),
}


def wire_write(name, value, method='normal'):
    """``(command, params)`` for one setting; ``InvalidParameter`` (without an address) for a bad value."""
    if name == 'percent':
        return PERCENT_COMMANDS[_choice('percent method', method, tuple(PERCENT_COMMANDS))], {'percent': value}
    row = ROWS.get(name)
    if row is None or row.write is None:
        raise InvalidParameter('%s is not a setting of API v2' % name)
    return row.write(value)
