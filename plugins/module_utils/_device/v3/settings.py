# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3's settings table: for each setting, which v3 read shows it and which write sets it.

The same shape as ``_device/v2/settings.py`` (a row is read, write, effect, sources), so
the logic's one plan/apply loop runs on either API. v3 can read back much more than v2:
every fan setting, upfreq speed, web pools, time zone, NTP servers and the syslog
target come back from ``get.*.setting``, so those settings are idempotent here while on
v2 they are sent every time. ``sources`` name the reads: ``miner`` (get.miner.setting),
``system`` (get.system.setting), ``fan`` (get.fan.setting), ``device`` (get.device.info).
Values come as strings even where they look numeric (notes 4.1a), so every read goes
through the library's one parser.
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

MODES = ('low', 'normal', 'high')
STATES = ('on', 'off')
PERCENT_METHODS = ('fast', 'normal')
HEAT_MODES = ('heating', 'normal', 'anti-freezing')
ENABLE = dict(((True, 'enable'), (False, 'disable')))
SOURCES = ('miner', 'system', 'fan', 'device')


def _text(value):
    return (to_str(value) or '').lower()


def _section(records, name):
    value = records['device'].get(name)
    return value if isinstance(value, dict) else {}


def _enabled(value):
    text = _text(value)
    if text in ('enable', 'enabled', 'true', '1', 'on'):
        return True
    if text in ('disable', 'disabled', 'false', '0', 'off'):
        return False
    return None


def mining_state(records):
    """``miner.working`` says whether btminer runs: 'on', 'off' or None."""
    value = _text(_section(records, 'miner').get('working'))
    if value in ('true', 'false'):
        return 'on' if value == 'true' else 'off'
    return None


def _miner_setting(key, parse=to_int):
    return lambda records: parse(records['miner'].get(key))


def _fan_setting(key, parse=to_int):
    return lambda records: parse(records['fan'].get(key))


def _fan_flag(key):
    def read(records):
        value = to_int(records['fan'].get(key))
        return None if value is None else value != 0
    return read


def power_mode(records):
    return _text(records['miner'].get('power-mode')) or None


def fast_boot(records):
    return _enabled(first_of(records['miner'].get('fast-boot'), _section(records, 'miner').get('fast-boot')))


def first_of(*values):
    for value in values:
        if value is not None:
            return value
    return None


def heat_mode(records):
    return _text(first_of(records['miner'].get('heat-mode'), _section(records, 'miner').get('heatmode'))) or None


def web_pools(records):
    value = to_int(records['system'].get('web-pool'))
    return None if value is None else value != 0


def hostname(records):
    return to_str(first_of(records['system'].get('hostname'), _section(records, 'network').get('hostname')))


def timezone(records):
    zone, name = to_str(records['system'].get('timezone')), to_str(records['system'].get('zonename'))
    if zone is None and name is None:
        return None
    return dict(timezone=zone, zonename=name)


def ntp_servers(records):
    """A list of servers; v3 sends an array (a comma string on some builds)."""
    value = records['system'].get('ntp-server')
    if isinstance(value, list):
        return [text for text in (to_str(item) for item in value) if text]
    text = to_str(value)
    if text is None:
        return None
    return [part.strip() for part in text.replace(' ', ',').split(',') if part.strip()]


def syslog(records):
    value = records['system'].get('log-upload')
    if not isinstance(value, dict) or not to_str(value.get('ip')):
        return None
    return dict(host=to_str(value.get('ip')), port=to_int(value.get('port')), protocol=_text(value.get('proto')) or None)


def led(records):
    return _text(_section(records, 'system').get('ledstatus')) or None


def network(records):
    info = _section(records, 'network')
    mode = _text(info.get('proto'))
    if not mode:
        return None
    dns = to_str(info.get('dns'))
    return dict(mode=mode, address=to_str(info.get('ip')), netmask=to_str(info.get('netmask')),
                gateway=to_str(info.get('gateway')), dns=dns.replace(',', ' ').split() if dns else [])


def _choice(name, value, choices):
    if not isinstance(value, str) or value not in choices:
        raise InvalidParameter('%s must be one of %s, got %r' % (name, ', '.join(choices), value))
    return value


def _bool(name, value):
    if not isinstance(value, bool):
        raise InvalidParameter('%s must be true or false, got %r' % (name, value))
    return value


def _fields(name, value, fields):
    if not isinstance(value, dict):
        raise InvalidParameter('%s must be a dict with %s' % (name, ', '.join(fields)))
    missing = [field for field in fields if value.get(field) in (None, '')]
    if missing:
        raise InvalidParameter('%s needs %s' % (name, ', '.join(missing)))
    return [value[field] for field in fields]


def _state(value):
    return 'set.miner.service', 'start' if _choice('state', value, STATES) == 'on' else 'stop'


def _led(value):
    if value == 'auto':
        return 'set.system.led', 'auto'
    color, period, duration, start = _fields('led', value, ('color', 'period', 'duration', 'start'))
    return 'set.system.led', [dict(color=color, period=period, duration=duration, start=start)]


def _dns(value):
    """The operator's DNS servers (a list, in order; one server as a string) -> the wire's space-separated string."""
    servers = [value] if isinstance(value, str) else value
    if not isinstance(servers, (list, tuple)) or not all(isinstance(server, str) for server in servers):
        raise InvalidParameter('network dns must be a list of IPv4 addresses, got %r' % (value,))
    servers = [server.strip() for server in servers if server.strip()]
    if not servers:
        raise InvalidParameter('network (static) needs dns')
    return ' '.join(servers)


def _network(value):
    """v3's net_config takes no host name (set it with the hostname setting); ``dns`` goes as one string."""
    if isinstance(value, dict) and value.get('mode') == 'dhcp':
        return 'set.system.net_config', 'dhcp'
    if not isinstance(value, dict) or value.get('mode') != 'static':
        raise InvalidParameter('network mode must be dhcp or static, got %r'
                               % (value.get('mode') if isinstance(value, dict) else value,))
    address, netmask, gateway, dns = _fields('network (static)', value, ('address', 'netmask', 'gateway', 'dns'))
    return 'set.system.net_config', dict(ip=address, netmask=netmask, gateway=gateway, dns=_dns(dns))


def _syslog(value):
    host, port, protocol = _fields('syslog', value, ('host', 'port', 'protocol'))
    return 'set.log.upload', dict(ip=host, port=str(port), proto=protocol)


def _timezone(value):
    zone, name = _fields('timezone', value, ('timezone', 'zonename'))
    return 'set.system.timezone', dict(timezone=zone, zonename=name)


def _ntp(value):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item.strip() for item in value):
        raise InvalidParameter('ntp_servers must be a non-empty list of host names, got %r' % (value,))
    return 'set.system.ntp_server', ','.join(item.strip() for item in value)


def _number(command):
    return lambda value: (command, value)


def _flag(command):
    return lambda value: (command, 1 if _bool(command, value) else 0)


class Row:
    __slots__ = ('read', 'write', 'effect', 'may_not_answer', 'sources')

    def __init__(self, read, write, effect=NO_EFFECT, may_not_answer=False, sources=('miner',)):
        self.read = read
        self.write = write
        self.effect = effect
        self.may_not_answer = may_not_answer
        self.sources = sources


DEVICE = ('device',)
SYSTEM = ('system',)
FAN = ('fan',)

ROWS = {
    'state': Row(mining_state, _state, RESTARTS_MINING, may_not_answer=True, sources=DEVICE),
    'mode': Row(power_mode, lambda value: ('set.miner.power_mode', _choice('mode', value, MODES)), RESTARTS_MINING,
                may_not_answer=True),
    'power_limit': Row(_miner_setting('power-limit'), _number('set.miner.power_limit'), RESTARTS_MINING,
                       may_not_answer=True),
    # not stored by the miner (lost at reboot, APIDOC) and not read back on any API 3.x here:
    # sent whenever given, as on v2; the method picks the mode (see wire_write)
    'percent': Row(None, None),
    'target_freq': Row(_miner_setting('target-freq'), _number('set.miner.target_freq'), RESTARTS_MINING,
                       may_not_answer=True),
    'fast_boot': Row(fast_boot, lambda value: ('set.miner.fastboot', ENABLE[_bool('fast_boot', value)]), NEXT_RESTART),
    'upfreq_speed': Row(_miner_setting('upfreq-speed'), _number('set.miner.upfreq_speed')),
    'heat_mode': Row(heat_mode, lambda value: ('set.miner.heat_mode', _choice('heat_mode', value, HEAT_MODES))),
    'fast_hash': Row(_miner_setting('fast-hash', _enabled), _flag('set.miner.fast_hash')),
    'temp_offset': Row(_fan_setting('fan-temp-offset'), _number('set.fan.temp_offset'), sources=FAN),
    'poweroff_cool': Row(_fan_flag('fan-poweroff-cool'), _flag('set.fan.poweroff_cool'), sources=FAN),
    'fan_zero_speed': Row(_fan_flag('fan-zero-speed'), _flag('set.fan.zero_speed'), sources=FAN),
    'web_pools': Row(web_pools, lambda value: ('set.system.webpools', ENABLE[_bool('web_pools', value)]), sources=SYSTEM),
    'hostname': Row(hostname, lambda value: ('set.system.hostname', dict(hostname=value)), NEXT_NETWORK_RESTART,
                    sources=SYSTEM + DEVICE),
    'timezone': Row(timezone, _timezone, NEXT_NETWORK_RESTART, sources=SYSTEM),
    'ntp_servers': Row(ntp_servers, _ntp, sources=SYSTEM),
    'syslog': Row(syslog, _syslog, sources=SYSTEM),
    'led': Row(led, _led, sources=DEVICE),
    'network': Row(network, _network, REBOOTS, may_not_answer=True, sources=DEVICE),
}

#: v2's names for the fan settings' values are 0/1 numbers; v3 reports them the same way
PERCENT_COMMAND = 'set.miner.power_percent'


def wire_write(name, value, method='normal'):
    """``(command, param)`` for one setting; ``InvalidParameter`` (without an address) for a bad value."""
    if name == 'percent':
        return PERCENT_COMMAND, dict(percent=str(value), mode=_choice('percent method', method, PERCENT_METHODS))
    row = ROWS.get(name)
    if row is None or row.write is None:
        raise InvalidParameter('%s is not a setting of API v3' % name)
    return row.write(value)
