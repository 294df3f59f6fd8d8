# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command table of API v2.0.5: every read and write, its parameters and wire form.

Validation happens here, before anything is sent, so a typo in a playbook never reaches
a miner. Wire forms follow what real firmware accepts: numbers as strings where the spec
shows "str", all nine pool keys in ``update_pools``.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter, UnsupportedCommand

MINER_INFO_FIELDS = ('ip', 'proto', 'netmask', 'gateway', 'dns', 'hostname', 'mac', 'ledstat', 'minersn', 'powersn')
PRE_POWER_ON_MESSAGES = ('wait for adjust temp', 'adjust complete', 'adjust continue')
#: wire parameters that carry secrets (masked in anything built from a reply)
SECRET_PARAMS = ('passwd1', 'passwd2', 'passwd3', 'old', 'new')
POOL_KEYS = tuple('%s%d' % (kind, slot) for slot in (1, 2, 3) for kind in ('pool', 'worker', 'passwd'))
PASSWORD_PATTERN = re.compile(r'^[A-Za-z0-9_]{1,8}$')
HOSTNAME_LABEL = re.compile(r'^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$')
ZONE_PATTERN = re.compile(r'^[A-Za-z0-9_+\-/:<>,.]{1,64}$')


class CommandSpec:
    """What the library knows about one command.

    ``reply``: 'cgminer' (STATUS list + records), 'native' (STATUS string + Msg), 'maybe'
    (a write that may legitimately never answer because the miner restarts something),
    'binary' (a flow with binary data on the same socket: use the client's dedicated method).
    """

    __slots__ = ('name', 'privileged', 'reply', 'joinable', 'encode')

    def __init__(self, name, privileged, reply, joinable=False, encode=None):
        self.name = name
        self.privileged = privileged
        self.reply = reply
        self.joinable = joinable
        self.encode = encode or _no_params

    @property
    def may_not_answer(self):
        return self.reply == 'maybe'

    def __repr__(self):
        return 'CommandSpec(%r, privileged=%r, reply=%r)' % (self.name, self.privileged, self.reply)


# --- value checks ----------------------------------------------------------------

def _take(params, name, command):
    if name not in params:
        raise InvalidParameter('%s needs the parameter %r' % (command, name))
    return params.pop(name)


def _integer(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidParameter('%s must be an integer from %d to %d, got %s' % (name, low, high, type(value).__name__))
    if isinstance(value, str):
        text = value.strip()
        if not re.match(r'^[+-]?\d{1,9}$', text):
            raise InvalidParameter('%s must be an integer from %d to %d, got %r' % (name, low, high, value[:20]))
        value = int(text)
    if not low <= value <= high:
        raise InvalidParameter('%s must be an integer from %d to %d, got %d' % (name, low, high, value))
    return value


def _flag(name, value):
    """0/1 or a bool -> "0"/"1" (the spec's "type: bool, range: [0,1]")."""
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, int) and value in (0, 1):
        return str(value)
    if isinstance(value, str) and value.strip() in ('0', '1'):
        return value.strip()
    raise InvalidParameter('%s must be true/false or 0/1, got %r' % (name, value if not isinstance(value, str) else value[:20]))


def _boolean(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ('true', 'false'):
        return value.strip().lower() == 'true'
    raise InvalidParameter('%s must be true or false, got %r' % (name, value if not isinstance(value, str) else value[:20]))


def _text(name, value, allow_empty=False):
    if value is None and allow_empty:
        return ''
    if not isinstance(value, str):
        raise InvalidParameter('%s must be a string, got %s' % (name, type(value).__name__))
    if not value and not allow_empty:
        raise InvalidParameter('%s must not be empty' % name)
    if any(ord(char) < 32 for char in value):
        raise InvalidParameter('%s must not contain control characters' % name)
    return value


def _choice(name, value, choices):
    if value not in choices:
        raise InvalidParameter('%s must be one of %s, got %r' % (name, ', '.join(choices), value))
    return value


def _ipv4(name, value):
    try:
        return str(ipaddress.IPv4Address(_text(name, value).strip()))
    except ipaddress.AddressValueError:
        raise InvalidParameter('%s must be an IPv4 address like 192.168.1.10, got %r' % (name, value[:40])) from None


def _netmask(name, value):
    address = _ipv4(name, value)
    try:
        ipaddress.IPv4Network('0.0.0.0/%s' % address)
    except ValueError:
        raise InvalidParameter('%s must be an IPv4 netmask like 255.255.255.0, got %r' % (name, value[:40])) from None
    return address


def _hostname(name, value):
    value = _text(name, value)
    if len(value) > 253 or not all(HOSTNAME_LABEL.match(label) for label in value.split('.')):
        raise InvalidParameter('%s must be a host name of letters, digits and "-" (labels up to 63 characters), got %r'
                               % (name, value[:70]))
    return value


def _finish(command, params, wire):
    if params:
        raise InvalidParameter('%s does not take the parameter(s): %s' % (command, ', '.join(sorted(params))))
    return wire


# --- encoders: validated params -> wire params -----------------------------------

def _no_params(command, params):
    return _finish(command, params, {})


def _miner_info(command, params):
    fields = params.pop('info', None)
    if fields is None:
        fields = list(MINER_INFO_FIELDS)
    elif isinstance(fields, str):
        fields = [field.strip() for field in fields.split(',') if field.strip()]
    if not isinstance(fields, (list, tuple)) or not fields:
        raise InvalidParameter('info must be a list of fields from: %s' % ', '.join(MINER_INFO_FIELDS))
    for field in fields:
        _choice('info', field, MINER_INFO_FIELDS)
    return _finish(command, params, {'info': ','.join(fields)})


def _update_pools(command, params):
    wire = {}
    for key in POOL_KEYS:
        wire[key] = _text(key, params.pop(key, ''), allow_empty=True)
    for slot in (1, 2, 3):
        if not wire['pool%d' % slot] and (wire['worker%d' % slot] or wire['passwd%d' % slot]):
            raise InvalidParameter('pool%d is empty but worker%d/passwd%d are set' % (slot, slot, slot))
    return _finish(command, params, wire)


def _power_off(command, params):
    wire = {}
    if 'respbefore' in params:
        wire['respbefore'] = 'true' if _boolean('respbefore', params.pop('respbefore')) else 'false'
    return _finish(command, params, wire)


def _set_led(command, params):
    if 'param' in params:
        _choice('param', params.pop('param'), ('auto',))
        return _finish(command, params, {'param': 'auto'})
    color = _choice('color', _take(params, 'color', command), ('red', 'green'))
    period = _integer('period', _take(params, 'period', command), 0, 60000)
    duration = _integer('duration', _take(params, 'duration', command), 0, period)
    start = _integer('start', _take(params, 'start', command), 0, period)
    return _finish(command, params, {'color': color, 'period': period, 'duration': duration, 'start': start})


def _update_pwd(command, params):
    old = _text('old', _take(params, 'old', command))
    new = _take(params, 'new', command)
    if not isinstance(new, str) or not PASSWORD_PATTERN.match(new):
        raise InvalidParameter('new password must be 1 to 8 characters of letters, digits and "_"')
    return _finish(command, params, {'old': old, 'new': new})


def _net_config(command, params):
    if 'param' in params:
        _choice('param', params.pop('param'), ('dhcp',))
        return _finish(command, params, {'param': 'dhcp'})
    wire = {
        'ip': _ipv4('ip', _take(params, 'ip', command)),
        'mask': _netmask('mask', _take(params, 'mask', command)),
        'gate': _ipv4('gate', _take(params, 'gate', command)),
    }
    dns = _take(params, 'dns', command)
    if isinstance(dns, str):
        dns = dns.split()
    if not isinstance(dns, (list, tuple)) or not dns:
        raise InvalidParameter('dns must be one or more IPv4 addresses')
    wire['dns'] = ' '.join(_ipv4('dns', server) for server in dns)
    wire['host'] = _hostname('host', _take(params, 'host', command))
    return _finish(command, params, wire)


def _number_as_text(field, low, high):
    def encode(command, params):
        value = _integer(field, _take(params, field, command), low, high)
        return _finish(command, params, {field: str(value)})
    return encode


def _flag_as_text(field):
    def encode(command, params):
        return _finish(command, params, {field: _flag(field, _take(params, field, command))})
    return encode


def _set_hostname(command, params):
    return _finish(command, params, {'hostname': _hostname('hostname', _take(params, 'hostname', command))})


def _set_zone(command, params):
    wire = {}
    for field in ('timezone', 'zonename'):
        value = _text(field, _take(params, field, command))
        if not ZONE_PATTERN.match(value):
            raise InvalidParameter('%s must look like "CST-8" / "Asia/Shanghai", got %r' % (field, value[:70]))
        wire[field] = value
    return _finish(command, params, wire)


def _load_log(command, params):
    wire = {
        'ip': _ipv4('ip', _take(params, 'ip', command)),
        'port': str(_integer('port', _take(params, 'port', command), 1, 65535)),
        'proto': _choice('proto', _take(params, 'proto', command), ('tcp', 'udp')),
    }
    return _finish(command, params, wire)


def _pre_power_on(command, params):
    complete = _boolean('complete', _take(params, 'complete', command))
    message = _choice('msg', _take(params, 'msg', command), PRE_POWER_ON_MESSAGES)
    return _finish(command, params, {'complete': 'true' if complete else 'false', 'msg': message})


# --- the table -------------------------------------------------------------------

def _build_table():
    table = {}

    def add(name, privileged, reply, joinable=False, encode=None):
        table[name] = CommandSpec(name, privileged, reply, joinable, encode)

    for name in ('summary', 'pools', 'edevs', 'devs', 'devdetails'):
        add(name, False, 'cgminer', joinable=True)
    for name in ('get_psu', 'get_version', 'get_token', 'status', 'get_error_code'):
        add(name, False, 'native')
    add('get_miner_info', False, 'native', encode=_miner_info)

    add('update_pools', True, 'native', encode=_update_pools)
    add('restart_btminer', True, 'maybe')
    add('power_off', True, 'maybe', encode=_power_off)
    add('power_on', True, 'native')
    add('set_led', True, 'native', encode=_set_led)
    for name in ('set_low_power', 'set_normal_power', 'set_high_power'):
        add(name, True, 'maybe')
    add('update_firmware', True, 'binary')
    add('reboot', True, 'maybe')
    add('factory_reset', True, 'maybe')
    add('update_pwd', True, 'native', encode=_update_pwd)
    add('net_config', True, 'maybe', encode=_net_config)
    add('download_logs', True, 'binary')
    add('set_target_freq', True, 'maybe', encode=_number_as_text('percent', -100, 100))
    for name in ('enable_btminer_fast_boot', 'disable_btminer_fast_boot', 'enable_web_pools', 'disable_web_pools'):
        add(name, True, 'native')
    add('set_hostname', True, 'native', encode=_set_hostname)
    add('set_zone', True, 'native', encode=_set_zone)
    add('load_log', True, 'native', encode=_load_log)
    add('set_power_pct', True, 'native', encode=_number_as_text('percent', 0, 100))
    add('set_power_pct_v2', True, 'native', encode=_number_as_text('percent', 0, 100))
    add('pre_power_on', True, 'native', encode=_pre_power_on)
    add('set_temp_offset', True, 'native', encode=_number_as_text('temp_offset', -30, 0))
    add('adjust_power_limit', True, 'maybe', encode=_number_as_text('power_limit', 0, 99999))
    add('adjust_upfreq_speed', True, 'native', encode=_number_as_text('upfreq_speed', 0, 9))
    add('set_poweroff_cool', True, 'native', encode=_flag_as_text('poweroff_cool'))
    add('set_fan_zero_speed', True, 'native', encode=_flag_as_text('fan_zero_speed'))
    return table


COMMANDS = _build_table()
READ_COMMANDS = tuple(name for name, spec in COMMANDS.items() if not spec.privileged)
WRITE_COMMANDS = tuple(name for name, spec in COMMANDS.items() if spec.privileged)


def spec_for(name):
    """The :class:`CommandSpec` of a known command; ``UnsupportedCommand`` otherwise."""
    try:
        return COMMANDS[name]
    except (KeyError, TypeError):
        raise UnsupportedCommand('unknown Whatsminer API command %r' % (name,)) from None


def build_params(name, **params):
    """Validate ``params`` for command ``name`` and return its wire parameters.

    Raises ``InvalidParameter`` naming the parameter and the allowed values, or
    ``UnsupportedCommand`` for a command not in the table. Nothing is sent.
    """
    spec = spec_for(name)
    return spec.encode(name, dict(params))


def request(name, wire_params=None):
    """The plaintext request object: ``{"cmd": name, **wire_params}``."""
    body = {'cmd': name}
    if wire_params:
        body.update(wire_params)
    return body


def is_joined(command):
    return isinstance(command, str) and '+' in command


def joined_names(commands):
    """Validate a joined read (list or "a+b") and return its command names."""
    names = commands.split('+') if isinstance(commands, str) else list(commands)
    if len(names) < 2:
        raise InvalidParameter('a joined read needs at least two commands, got %r' % (names,))
    for name in names:
        spec = COMMANDS.get(name)
        if spec is None or not spec.joinable:
            raise InvalidParameter('%r cannot be part of a joined read (only %s can)'
                                   % (name, ', '.join(n for n, s in COMMANDS.items() if s.joinable)))
    if len(set(names)) != len(names):
        raise InvalidParameter('a joined read names a command twice: %r' % (names,))
    return names
