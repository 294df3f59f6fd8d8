# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 writes: each changes the miner's shared state, so the reduced v2 and later v3 reads show it.

Each handler is ``handler(miner, now, param) -> (code, msg, action)``: ``action`` None
(answer and go on), ``'restart'`` (answer, btminer restarts), ``'reboot'`` (answer, then
the board reboots), ``'silent_reboot'`` (no answer, reboot), ``'upload'`` (answer
"ready", then the image). A bad parameter is -3 or -2 with the words mocks use.
Object params are taken as objects and as JSON strings of objects (DEMO sends those).
"""

from __future__ import annotations

import json
import re

from whatsminer_sim.models import model_spec
from whatsminer_sim.state import Pool
from whatsminer_sim.v3.auth import ACCOUNTS
from whatsminer_sim.writes import DHCP_DNS, DHCP_NETMASK, _listen_after_reboot, _rebooting

OK = 'ok'
BAD = -3
IPV4 = re.compile(r'\d{1,3}(\.\d{1,3}){3}')


class ParamError(ValueError):
    pass


def _object(param, *keys):
    if isinstance(param, str):
        try:
            param = json.loads(param)
        except ValueError:
            raise ParamError('invalid json') from None
    if not isinstance(param, dict) or any(key not in param for key in keys):
        raise ParamError('param item is null')
    return param


def _int(value, low, high):
    if isinstance(value, str) and re.fullmatch(r'-?\d+', value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParamError('invalid param')
    return value


def _choice(value, *choices):
    if value not in choices:
        raise ParamError('invalid param')
    return value


def service(miner, now, param):
    state = miner.state
    _choice(param, 'start', 'stop', 'restart', 'enable', 'disable')
    if param in ('enable', 'disable'):
        state.autostart = param == 'enable'
        return 0, OK, None
    if param == 'stop':
        state.mining = False
        return 0, OK, None
    state.mining = True
    return 0, OK, 'restart'


def power_mode(miner, now, param):
    miner.state.power_mode = _choice(param, 'low', 'normal', 'high').capitalize()
    return 0, OK, 'restart'


def power_limit(miner, now, param):
    miner.state.power_limit = _int(param, 0, 99999)
    return 0, OK, 'restart'


def power(miner, now, param):
    miner.state.power_target = _int(param, 0, 99999)
    return 0, OK, None


def power_percent(miner, now, param):
    """As the v3 notes have it from the clients that drove real firmware, not as the vendor's docs say.

    The firmware reads ``percent`` as a string (cJSON ``valuestring``), so a number is no
    value; above 100 only liquid-cooled models take it; and ``mode: normal`` on an
    air-cooled unit only in normal or low power mode.
    """
    param = _object(param, 'percent', 'mode')
    _choice(param['mode'], 'fast', 'normal')
    if not isinstance(param['percent'], str):
        raise ParamError('invalid param')
    air = model_spec(miner.state.model).cooling == 'air'
    percent = _int(param['percent'], 0, 100 if air else 200)
    if air and param['mode'] == 'normal' and miner.state.power_mode == 'High':
        raise ParamError('invalid param')
    miner.state.power_percent = percent
    return 0, OK, None


def target_freq(miner, now, param):
    miner.state.target_freq_percent = _int(param, -100, 100)
    return 0, OK, 'restart'


def attribute(name, check):
    def handler(miner, now, param):
        setattr(miner.state, name, check(param))
        return 0, OK, None
    return handler


def fastboot(miner, now, param):
    miner.state.set_fast_boot(_choice(param, 'enable', 'disable') == 'enable')
    return 0, OK, None


def cointype(miner, now, param):
    miner.state.cointype = _choice(_object(param, 'cointype')['cointype'], 'BTC', 'BCH', 'BSV', 'DCR', 'HC', 'DGB',
                                   'SHA256')
    return 0, OK, None


def pools(miner, now, param):
    """``param`` is already decrypted: a list of up to 3 {pool, worker, passwd}."""
    if not isinstance(param, list) or not 1 <= len(param) <= 3:
        raise ParamError('invalid param')
    entries = []
    for item in param:
        if not isinstance(item, dict) or not all(isinstance(item.get(key), str) for key in ('pool', 'worker', 'passwd')):
            raise ParamError('param item is null')
        entries.append(Pool(item['pool'], item['worker'], item['passwd']))
    miner.state.pools = entries
    return 0, OK, None


def restore_setting(miner, now, param):
    miner.state.reset_mining_settings()
    return 0, OK, 'restart'


def report(miner, now, param):
    miner.state.report_gap = _int(_object(param, 'gap')['gap'], 0, 285)
    return 0, OK, None


def reboot(miner, now, param):
    _rebooting(miner)
    return 0, OK, 'silent_reboot' if miner.has_fault('v3_reboot_no_reply') else 'reboot'


def factory_reset(miner, now, param):
    miner.factory_reset(now)
    _listen_after_reboot(miner, miner.state.net['ip'])
    _rebooting(miner)
    return 0, OK, 'reboot'


def hostname(miner, now, param):
    name = _object(param, 'hostname')['hostname']
    if not isinstance(name, str) or not re.fullmatch(r'[A-Za-z0-9-]{1,63}', name):
        raise ParamError('invalid param')
    miner.state.hostname = name
    return 0, OK, None


def net_config(miner, now, param):
    state = miner.state
    if param == 'dhcp':
        state.net = {'proto': 'dhcp', 'ip': state.address, 'netmask': DHCP_NETMASK,
                     'gateway': '.'.join(state.address.split('.')[:3] + ['1']), 'dns': DHCP_DNS}
        _listen_after_reboot(miner, state.address)
    else:
        param = _object(param, 'ip', 'netmask', 'gateway', 'dns')
        if not all(IPV4.fullmatch(str(param[key])) for key in ('ip', 'netmask', 'gateway')):
            raise ParamError('invalid param')
        state.net = {'proto': 'static', 'ip': param['ip'], 'netmask': param['netmask'], 'gateway': param['gateway'],
                     'dns': str(param['dns'])}
        _listen_after_reboot(miner, param['ip'])
    _rebooting(miner)
    return 0, OK, 'reboot'


def led(miner, now, param):
    if param == 'auto':
        miner.state.led = {'mode': 'auto'}
        return 0, OK, None
    if not isinstance(param, list) or not param or not all(isinstance(item, dict) for item in param):
        raise ParamError('invalid param')
    first = param[0]
    led_state = {'mode': 'manual', 'color': _choice(first.get('color'), 'red', 'green')}
    for key in ('period', 'duration', 'start'):
        led_state[key] = _int(first.get(key), 0, 3600000)
    miner.state.led = led_state
    return 0, OK, None


def timezone(miner, now, param):
    param = _object(param, 'timezone', 'zonename')
    miner.state.timezone, miner.state.zonename = str(param['timezone']), str(param['zonename'])
    return 0, OK, None


def ntp_server(miner, now, param):
    if not isinstance(param, str) or not param.strip():
        raise ParamError('invalid param')
    miner.state.ntp_servers = [part.strip() for part in param.split(',') if part.strip()]
    return 0, OK, None


def time_randomized(miner, now, param):
    param = _object(param, 'start', 'stop')
    miner.state.time_randomized = {'start': _int(param['start'], 0, 120), 'stop': _int(param['stop'], 0, 120)}
    return 0, OK, None


def webpools(miner, now, param):
    miner.state.web_pools = _choice(param, 'enable', 'disable') == 'enable'
    return 0, OK, None


def log_upload(miner, now, param):
    param = _object(param, 'ip', 'port', 'proto')
    if not IPV4.fullmatch(str(param['ip'])):
        raise ParamError('invalid param')
    miner.state.log_server = {'ip': param['ip'], 'port': _int(param['port'], 1, 65535),
                              'proto': _choice(param['proto'], 'tcp', 'udp')}
    return 0, OK, None


def update_firmware(miner, now, param):
    return 0, 'ready', 'upload'


def change_passwd(miner, now, param):
    """``param`` is already decrypted: {account, old, new}; the old password must be the account's."""
    if not isinstance(param, dict) or param.get('account') not in ACCOUNTS:
        raise ParamError('param item is null')
    account = param['account']
    if param.get('old') != miner.v3_passwords[account]:
        return -4, 'no permission', None
    new = param.get('new')
    if not isinstance(new, str) or not 1 <= len(new) <= 64:
        raise ParamError('invalid param')
    miner.v3_passwords[account] = new
    return 0, OK, None


def permission(miner, now, param):
    param = _object(param, 'user', 'permission')
    _choice(param['user'], 'user1', 'user2', 'user3')
    miner.state.permissions[param['user']] = [name.strip() for name in str(param['permission']).split(',') if name.strip()]
    return 0, OK, None


def custom_data_write(miner, now, param):
    param = _object(param, 'key', 'value')
    if param['key'] not in miner.state.custom_data or not isinstance(param['value'], str) or len(param['value']) >= 128:
        raise ParamError('invalid param')
    miner.state.custom_data[param['key']] = param['value']
    return 0, OK, None


def _flag(value):
    return _int(value, 0, 1)


WRITES = {
    'set.device.custom_data': custom_data_write,
    'set.fan.poweroff_cool': attribute('poweroff_cool', _flag),
    'set.fan.temp_offset': attribute('temp_offset', lambda value: _int(value, -30, 0)),
    'set.fan.zero_speed': attribute('fan_zero_speed', _flag),
    'set.log.upload': log_upload,
    'set.miner.cointype': cointype,
    'set.miner.fast_hash': attribute('fast_hash', _flag),
    'set.miner.fastboot': fastboot,
    'set.miner.heat_mode': attribute('heat_mode', lambda value: _choice(value, 'heating', 'normal', 'anti-freezing')),
    'set.miner.pools': pools,
    'set.miner.power': power,
    'set.miner.power_limit': power_limit,
    'set.miner.power_mode': power_mode,
    'set.miner.power_percent': power_percent,
    'set.miner.report': report,
    'set.miner.restore_setting': restore_setting,
    'set.miner.service': service,
    'set.miner.target_freq': target_freq,
    'set.miner.upfreq_speed': attribute('upfreq_speed', lambda value: _int(value, 0, 10)),
    'set.system.factory_reset': factory_reset,
    'set.system.hostname': hostname,
    'set.system.led': led,
    'set.system.net_config': net_config,
    'set.system.ntp_server': ntp_server,
    'set.system.reboot': reboot,
    'set.system.time_randomized': time_randomized,
    'set.system.timezone': timezone,
    'set.system.update_firmware': update_firmware,
    'set.system.webpools': webpools,
    'set.user.change_passwd': change_passwd,
    'set.user.permission': permission,
}
ENCRYPTED = ('set.miner.pools', 'set.user.change_passwd')
SECRET_KEYS = ('passwd', 'old', 'new')


def loggable(param):
    """A param as the write log keeps it: secret values masked."""
    if isinstance(param, dict):
        return dict((key, '********' if key in SECRET_KEYS else loggable(value)) for key, value in param.items())
    if isinstance(param, list):
        return [loggable(item) for item in param]
    return param
