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
after the next btminer restart (spec 3.14/3.15).
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_int, to_str
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.operations import (
    NEXT_RESTART,
    NO_EFFECT,
    REBOOTS,
    RESTARTS_MINING,
)

PERCENT_COMMANDS = dict(fast='set_power_pct', normal='set_power_pct_v2')


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


def _flag(command_on, command_off):
    return lambda value: (command_on if value else command_off, {})


def _number(command, param):
    return lambda value: (command, {param: value})


def _led(value):
    if value == 'auto':
        return 'set_led', {'param': 'auto'}
    return 'set_led', dict((key, value[key]) for key in ('color', 'period', 'duration', 'start'))


def _network(value):
    if value['mode'] == 'dhcp':
        return 'net_config', {'param': 'dhcp'}
    return 'net_config', dict(ip=value['address'], mask=value['netmask'], gate=value['gateway'], dns=value['dns'],
                              host=value['hostname'])


def _syslog(value):
    return 'load_log', dict(ip=value['host'], port=value['port'], proto=value['protocol'])


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
    'state': Row(mining_state, lambda value: ('power_on' if value == 'on' else 'power_off', {}), RESTARTS_MINING,
                 may_not_answer=True),
    'mode': Row(power_mode, lambda value: ('set_%s_power' % value, {}), RESTARTS_MINING, may_not_answer=True,
                sources=STATUS_SUMMARY),
    'power_limit': Row(power_limit, _number('adjust_power_limit', 'power_limit'), RESTARTS_MINING,
                       may_not_answer=True, sources=STATUS_SUMMARY),
    'percent': Row(None, None),   # the method picks the command: see wire_write
    'target_freq': Row(target_freq, _number('set_target_freq', 'percent'), RESTARTS_MINING, may_not_answer=True),
    'fast_boot': Row(fast_boot, _flag('enable_btminer_fast_boot', 'disable_btminer_fast_boot'), NEXT_RESTART,
                     sources=STATUS_SUMMARY),
    'upfreq_speed': Row(None, _number('adjust_upfreq_speed', 'upfreq_speed')),
    'temp_offset': Row(None, _number('set_temp_offset', 'temp_offset')),
    'poweroff_cool': Row(None, _number('set_poweroff_cool', 'poweroff_cool')),
    'fan_zero_speed': Row(None, _number('set_fan_zero_speed', 'fan_zero_speed')),
    'web_pools': Row(None, _flag('enable_web_pools', 'disable_web_pools')),
    'hostname': Row(hostname, lambda value: ('set_hostname', {'hostname': value}), sources=MINER_INFO),
    'timezone': Row(None, lambda value: ('set_zone', dict(timezone=value['timezone'], zonename=value['zonename']))),
    'syslog': Row(None, _syslog),
    'led': Row(led, _led, sources=MINER_INFO),
    'network': Row(network, _network, REBOOTS, may_not_answer=True, sources=MINER_INFO),
}


def wire_write(name, value, method='normal'):
    """``(command, params)`` for one setting."""
    if name == 'percent':
        return PERCENT_COMMANDS[method], {'percent': value}
    return ROWS[name].write(value)
