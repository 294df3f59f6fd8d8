# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The API v3 command table: every documented read and write, and the checks on each parameter.

v3 has one ``param`` per request (a string, number, list or object). A write's param is
checked here before anything is sent, so check mode and plans refuse what the miner
would. The ranges are the vendor reference's (notes 4.4/4.5). ``percent`` goes as a
string because the firmware reads it as one whatever the reference says.
"""

from __future__ import annotations

import math
import re

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter, UnsupportedCommand

READS = ('get.device.info', 'get.device.custom_data', 'get.fan.setting', 'get.log.download', 'get.miner.history',
         'get.miner.setting', 'get.miner.status', 'get.system.setting')
#: the two params v3 encrypts (AES-256-ECB with the request's digest)
ENCRYPTED = ('set.miner.pools', 'set.user.change_passwd')
#: binary flows on the same connection; only their own methods run them
BINARY = ('get.log.download', 'set.system.update_firmware')
#: writes whose reply may never come: btminer restarts, the network changes or the control board reboots
MAY_NOT_ANSWER = ('set.system.reboot', 'set.system.factory_reset', 'set.system.net_config', 'set.miner.power_limit',
                  'set.miner.target_freq', 'set.miner.power_mode', 'set.system.update_firmware')
#: set.miner.service values that stop or restart btminer (enable/disable only change autostart)
SERVICE_RESTARTS = ('start', 'stop', 'restart')
#: keys whose values are secrets, wherever they appear in a param
SECRET_PARAMS = ('passwd', 'old', 'new')
DEVICE_SECTIONS = ('miner', 'system', 'power', 'network', 'salt', 'error-code')
STATUS_PARTS = ('summary', 'pools', 'edevs')
ACCOUNTS = ('super', 'user1', 'user2', 'user3')
CUSTOM_KEYS = ('CustomerSn',) + tuple('msg%d' % number for number in range(10))
COINS = ('BTC', 'BCH', 'BSV', 'DCR', 'HC', 'DGB', 'SHA256')
HOSTNAME = re.compile(r'\A[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z')
SERVER_NAME = re.compile(r'\A(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\Z')
IPV4 = re.compile(r'\A(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\Z')
PRINTABLE = re.compile(r'\A[\x20-\x7e]*\Z')
MAX_PASSWORD = 64
MAX_POOLS = 3
#: get.miner.history covers at most one day per request (notes 4.2)
MAX_HISTORY_SECONDS = 24 * 3600


def _fail(command, text):
    raise InvalidParameter('%s: %s' % (command, text))


def _shown(value):
    return repr(value)[:80]


def _choice(*choices):
    def check(command, param):
        if isinstance(param, bool) or param not in choices:
            _fail(command, 'must be one of %s, got %s' % (', '.join(str(choice) for choice in choices), _shown(param)))
        return param
    return check


def _whole(command, value, low, high, what='the value'):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _fail(command, '%s must be a whole number from %d to %d, got %s' % (what, low, high, _shown(value)))
    return value


def _integer(low, high):
    def check(command, param):
        return _whole(command, param, low, high)
    return check


def _number(low, high):
    def check(command, param):
        if isinstance(param, bool) or not isinstance(param, (int, float)) or \
                (isinstance(param, float) and not math.isfinite(param)) or not low <= param <= high:
            _fail(command, 'must be a number from %s to %s, got %s' % (low, high, _shown(param)))
        return param
    return check


def _none(command, param):
    if param is not None:
        _fail(command, 'takes no parameter, got %s' % _shown(param))
    return None


def _keys(command, param, *keys):
    """``param`` must be an object with exactly ``keys``; a copy of it."""
    if not isinstance(param, dict) or sorted(param) != sorted(keys):
        _fail(command, 'must be an object with exactly %s, got %s'
              % (', '.join(keys), ', '.join(sorted(str(key) for key in param)) if isinstance(param, dict) else _shown(param)))
    return dict(param)


def _text(command, value, what, pattern=PRINTABLE, limit=128, empty=False):
    """Printable text under ``limit`` bytes (``empty`` allows ``""``)."""
    if not isinstance(value, str) or (not value and not empty) or len(value.encode('utf-8')) >= limit \
            or not pattern.match(value):
        _fail(command, '%s must be printable text under %d bytes, got %s' % (what, limit, _shown(value)))
    return value


def _digits(command, value, low, high, what):
    """A whole number given as int or decimal text -> its decimal text (what the firmware reads)."""
    if isinstance(value, str) and value.isascii() and value.isdecimal() and len(value) <= 10:
        value = int(value)
    _whole(command, value, low, high, what)
    return str(value)


def _pools(command, param):
    if not isinstance(param, list) or not 1 <= len(param) <= MAX_POOLS:
        got = 'a list of %d' % len(param) if isinstance(param, list) else _shown(param)
        _fail(command, 'must be a list of 1 to %d pools, got %s' % (MAX_POOLS, got))
    wire = []
    for index, pool in enumerate(param, 1):
        if not isinstance(pool, dict) or sorted(pool) != ['passwd', 'pool', 'worker']:
            _fail(command, 'pool %d must be an object with exactly pool, worker and passwd' % index)
        _text(command, pool['pool'], 'pool %d url' % index, limit=256)
        _text(command, pool['worker'], 'pool %d worker' % index, limit=256)
        if not isinstance(pool['passwd'], str) or not PRINTABLE.match(pool['passwd']) or len(pool['passwd']) > 128:
            _fail(command, 'pool %d passwd must be printable text of at most 128 characters' % index)
        wire.append(dict(pool=pool['pool'], worker=pool['worker'], passwd=pool['passwd']))
    return wire


def _percent(command, param):
    wire = _keys(command, param, 'percent', 'mode')
    wire['percent'] = _digits(command, param['percent'], 0, 200, 'percent')
    _choice('fast', 'normal')(command, param['mode'])
    return wire


def _hostname(command, param):
    wire = _keys(command, param, 'hostname')
    if not isinstance(param['hostname'], str) or not HOSTNAME.match(param['hostname']):
        _fail(command, 'hostname must be letters, digits and inner hyphens (at most 63), got %s'
              % _shown(param['hostname']))
    return wire


def _ipv4(command, value, what):
    if not isinstance(value, str) or not IPV4.match(value):
        _fail(command, '%s must be an IPv4 address, got %s' % (what, _shown(value)))
    return value


def _net_config(command, param):
    if param == 'dhcp':
        return param
    wire = _keys(command, param, 'ip', 'netmask', 'gateway', 'dns')
    for key in ('ip', 'netmask', 'gateway'):
        _ipv4(command, param[key], key)
    # the wire form is one string, the servers separated by single spaces (notes 4.1a: the miner
    # reports network.dns that way, and v2's net_config took the same "divide by space" string)
    dns = param['dns']
    servers = dns.split(' ') if isinstance(dns, str) else []
    if not servers or not all(IPV4.match(server) for server in servers):
        _fail(command, 'dns must be one or more IPv4 addresses separated by single spaces, got %s' % _shown(dns))
    return wire


def _led(command, param):
    if param == 'auto':
        return param
    if not isinstance(param, list) or not param:
        _fail(command, 'must be "auto" or a list of {color, period, duration, start}, got %s' % _shown(param))
    wire = []
    for item in param:
        entry = _keys(command, item, 'color', 'period', 'duration', 'start')
        _choice('red', 'green')(command, item['color'])
        for key in ('period', 'duration', 'start'):
            _whole(command, item[key], 0, 3600000, key + ' (ms)')
        wire.append(entry)
    return wire


def _log_upload(command, param):
    wire = _keys(command, param, 'ip', 'port', 'proto')
    _ipv4(command, param['ip'], 'ip')
    wire['port'] = _digits(command, param['port'], 1, 65535, 'port')
    _choice('tcp', 'udp')(command, param['proto'])
    return wire


def _ntp(command, param):
    servers = param.split(',') if isinstance(param, str) else []
    if not servers or not all(SERVER_NAME.match(part) for part in servers):
        _fail(command, 'must be NTP server names or addresses separated by commas, got %s' % _shown(param))
    return param


def _time_randomized(command, param):
    wire = _keys(command, param, 'start', 'stop')
    for key in ('start', 'stop'):
        _whole(command, param[key], 0, 120, key + ' (seconds)')
    return wire


def _custom_data(command, param):
    wire = _keys(command, param, 'key', 'value')
    _choice(*CUSTOM_KEYS)(command, param['key'])
    _text(command, param['value'], 'value', empty=True)
    return wire


def _password(command, param):
    wire = _keys(command, param, 'account', 'new', 'old')
    _choice(*ACCOUNTS)(command, param['account'])
    for key in ('new', 'old'):
        value = param[key]
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_PASSWORD or not PRINTABLE.match(value):
            _fail(command, 'the %s password must be printable text of 1 to %d characters' % (key, MAX_PASSWORD))
    return wire


def _permission(command, param):
    wire = _keys(command, param, 'user', 'permission')
    _choice('user1', 'user2', 'user3')(command, param['user'])
    names = param['permission'].split(',') if isinstance(param['permission'], str) else []
    if not names:
        _fail(command, 'permission must be write command names separated by commas')
    for name in names:
        if name.strip() not in WRITES:
            _fail(command, 'permission names an unknown write %s' % _shown(name.strip()))
    return wire


def _cointype(command, param):
    wire = _keys(command, param, 'cointype')
    _choice(*COINS)(command, param['cointype'])
    return wire


def _report(command, param):
    wire = _keys(command, param, 'gap')
    _whole(command, param['gap'], 0, 285, 'gap (seconds, 0 = off)')
    return wire


def _timezone(command, param):
    wire = _keys(command, param, 'timezone', 'zonename')
    for key in ('timezone', 'zonename'):
        _text(command, param[key], key, re.compile(r'\A[A-Za-z0-9_+\-/:<>,.]{1,64}\Z'), 65)
    return wire


FLAG = _choice(0, 1)
ENABLE = _choice('enable', 'disable')

#: write -> param check (returns the param as it goes on the wire)
WRITES = {
    'set.device.custom_data': _custom_data,
    'set.fan.poweroff_cool': FLAG,
    'set.fan.temp_offset': _integer(-30, 0),
    'set.fan.zero_speed': FLAG,
    'set.log.upload': _log_upload,
    'set.miner.cointype': _cointype,
    'set.miner.fast_hash': FLAG,
    'set.miner.fastboot': ENABLE,
    'set.miner.heat_mode': _choice('heating', 'normal', 'anti-freezing'),
    'set.miner.pools': _pools,
    'set.miner.power': _number(0, 99999),
    'set.miner.power_limit': _integer(0, 99999),
    'set.miner.power_mode': _choice('low', 'normal', 'high'),
    'set.miner.power_percent': _percent,
    'set.miner.report': _report,
    'set.miner.restore_setting': _none,
    'set.miner.service': _choice('start', 'stop', 'restart', 'enable', 'disable'),
    'set.miner.target_freq': _integer(-100, 100),
    'set.miner.upfreq_speed': _integer(0, 10),
    'set.system.factory_reset': _none,
    'set.system.hostname': _hostname,
    'set.system.led': _led,
    'set.system.net_config': _net_config,
    'set.system.ntp_server': _ntp,
    'set.system.reboot': _none,
    'set.system.time_randomized': _time_randomized,
    'set.system.timezone': _timezone,
    'set.system.update_firmware': _none,
    'set.system.webpools': ENABLE,
    'set.user.change_passwd': _password,
    'set.user.permission': _permission,
}


def may_not_answer(command, param=None):
    """True when the miner may act without a reply (it restarts btminer, its network or itself)."""
    if command == 'set.miner.service':
        return param in SERVICE_RESTARTS
    return command in MAY_NOT_ANSWER


def _history(command, param):
    wire = _keys(command, param, 'begin', 'end')
    begin = _digits(command, param['begin'], 0, 2 ** 32 - 1, 'begin (Unix seconds)')
    end = _digits(command, param['end'], 0, 2 ** 32 - 1, 'end (Unix seconds)')
    if not 0 <= int(end) - int(begin) <= MAX_HISTORY_SECONDS:
        _fail(command, 'end must be from begin to 24 hours after it')
    wire.update(begin=begin, end=end)
    return wire


def _named(err, host, port):
    return InvalidParameter(err.reason, host, port) if host is not None else err


def check_read(command, param=None, host=None, port=None):
    """A read's param as it is sent; UnsupportedCommand for a name that is no v3 read, else InvalidParameter."""
    if command not in READS:
        raise UnsupportedCommand('%s is not an API v3 read (reads are %s)' % (_shown(command), ', '.join(READS)),
                                 host, port)
    try:
        if command == 'get.device.info':
            if param is not None and param not in DEVICE_SECTIONS:
                _fail(command, 'section must be one of %s, got %s' % (', '.join(DEVICE_SECTIONS), _shown(param)))
            return param
        if command == 'get.miner.status':
            parts = param.split('+') if isinstance(param, str) else []
            if not parts or any(part not in STATUS_PARTS for part in parts) or len(set(parts)) != len(parts):
                _fail(command, 'needs summary, pools and/or edevs joined with +, got %s' % _shown(param))
            return param
        if command == 'get.miner.history':
            return _history(command, param)
        return _none(command, param)
    except InvalidParameter as err:
        raise _named(err, host, port) from None


def check_write(command, param=None, host=None, port=None):
    """A write's param as it is sent; UnsupportedCommand for a name that is no v3 write, else InvalidParameter."""
    check = WRITES.get(command) if isinstance(command, str) else None
    if check is None:
        raise UnsupportedCommand('%s is not an API v3 write' % _shown(command), host, port)
    try:
        return check(command, param)
    except InvalidParameter as err:
        raise _named(err, host, port) from None
