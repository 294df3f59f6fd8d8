# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write commands (spec section 3): each checks its parameters and changes the miner's state.

A handler is ``handler(miner, now, request) -> (document, action)``. ``document`` is the
reply (None when there is none); ``action`` names what the connection does besides
replying: None, ``'reboot_after'`` (reply, then the miner reboots), ``'reboot_now'``
(close without a reply, then reboot), ``'silent'``, ``'upload'`` or ``'logs'``.
Bad parameters get Code 132 with a message naming the parameter, before anything changes.
"""

from __future__ import annotations

import ipaddress
import re

from whatsminer_sim import envelopes as env
from whatsminer_sim.models import model_spec
from whatsminer_sim.state import Pool


#: what the simulated farm's DHCP server hands out besides the address (the factory network settings)
DHCP_NETMASK = '255.255.255.0'
DHCP_DNS = '114.114.114.114'


class ParamError(ValueError):
    pass


def _ok(now, msg=env.WRITE_OK_MSG):
    return env.native(now, msg), None


def _text(request, key, required=True):
    value = request.get(key)
    if value is None:
        if required:
            raise ParamError('missing param: %s' % key)
        return ''
    if not isinstance(value, str):
        raise ParamError('invalid param: %s' % key)
    return value


def _number(request, key, low, high):
    value = request.get(key)
    if isinstance(value, bool) or value is None:
        raise ParamError('missing param: %s' % key if value is None else 'invalid param: %s' % key)
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r'-?\d+', text):
            raise ParamError('invalid param: %s' % key)
        value = int(text)
    if not isinstance(value, int) or not low <= value <= high:
        raise ParamError('%s out of range %d ~ %d' % (key, low, high))
    return value


def update_pools(miner, now, request):
    keys = ['%s%d' % (name, slot) for slot in (1, 2, 3) for name in ('pool', 'worker', 'passwd')]
    missing = [key for key in keys if key not in request]
    if missing:
        raise ParamError('API parse pools param error')
    for key in keys:
        if request[key] is not None and not isinstance(request[key], str):
            raise ParamError('API parse pools param error')
    miner.state.pools = [Pool(request['pool%d' % slot] or '', request['worker%d' % slot] or '',
                              request['passwd%d' % slot] or '') for slot in (1, 2, 3)]
    return _ok(now)


def restart_btminer(miner, now, request):
    miner.state.restart_btminer(now)
    return _ok(now)


def power_off(miner, now, request):
    miner.state.mining = False
    if miner.has_fault('power_off_no_reply'):
        return None, 'silent'
    return _ok(now)


def power_on(miner, now, request):
    state = miner.state
    if not state.mining:
        state.mining = True
        state.preheat_started = None
        state.btminer_started = now
    return _ok(now)


def set_led(miner, now, request):
    if request.get('param') == 'auto':
        miner.state.led = {'mode': 'auto'}
        return _ok(now)
    color = request.get('color')
    if color not in ('red', 'green'):
        raise ParamError('invalid param: color')
    led = {'mode': 'manual', 'color': color}
    for key in ('period', 'duration', 'start'):
        led[key] = _number(request, key, 0, 100000)
    miner.state.led = led
    return _ok(now)


def _power_mode(mode):
    def switch(miner, now, request):
        if miner.has_fault('mode_switch_ignored'):
            return None, 'silent_unapplied'
        miner.state.power_mode = mode
        miner.state.restart_btminer(now)
        if miner.has_fault('mode_switch_no_reply'):
            return None, 'silent'
        return _ok(now)
    switch.__name__ = 'set_%s_power' % mode.lower()
    return switch


def update_firmware(miner, now, request):
    return env.native(now, 'ready'), 'upload'


def _rebooting(miner):
    """Every command that reboots the board calls this once its parameters are good (fault reboot_uptime_late)."""
    if miner.has_fault('reboot_uptime_late') and miner.listener is not None:
        miner.listener.late_uptime_after_reboot(miner.state.boot_time)


def _listen_after_reboot(miner, address):
    """The miner answers on ``address`` after the reboot, when the simulator can listen there.

    That is a loopback address (127.0.0.0/8): the miner then no longer answers on its old
    one. Any other address (192.0.2.10, ...) cannot be listened on here, so the miner stays
    where it is and only reports the new address.
    """
    if miner.listener is None or address == miner.address:
        return
    try:
        loopback = ipaddress.IPv4Address(address).is_loopback
    except ValueError:
        return
    if loopback:
        miner.listener.move_after_reboot(address)


def reboot(miner, now, request):
    _rebooting(miner)
    return None, 'reboot_now'


def factory_reset(miner, now, request):
    miner.factory_reset(now)
    _listen_after_reboot(miner, miner.state.net['ip'])   # DHCP again: back on the fleet address
    _rebooting(miner)
    return env.native(now, env.WRITE_OK_MSG), 'reboot_after'


_PASSWORD = re.compile(r'[A-Za-z0-9_]{1,8}')


def update_pwd(miner, now, request):
    old = _text(request, 'old')
    new = _text(request, 'new')
    if old != miner.state.password:
        raise ParamError('old password error')
    if not _PASSWORD.fullmatch(new):
        raise ParamError('new password must be 1 to 8 of letters, numbers and underline')
    miner.change_password(new)
    return _ok(now)


def net_config(miner, now, request):
    """Answers, then reboots; after the reboot the miner answers on its new address (see _listen_after_reboot).

    DHCP gives the miner its fleet address (``state.address``) and the fleet network's
    netmask, gateway and DNS server (the factory values), as the farm's DHCP server would.
    """
    state = miner.state
    if request.get('param') == 'dhcp':
        state.net = {'proto': 'dhcp', 'ip': state.address, 'netmask': DHCP_NETMASK,
                     'gateway': '.'.join(state.address.split('.')[:3] + ['1']), 'dns': DHCP_DNS}
        _listen_after_reboot(miner, state.address)
        _rebooting(miner)
        return env.native(now, env.WRITE_OK_MSG), 'reboot_after'
    values = {key: _text(request, key) for key in ('ip', 'mask', 'gate', 'dns', 'host')}
    for key in ('ip', 'mask', 'gate'):
        if not re.fullmatch(r'\d{1,3}(\.\d{1,3}){3}', values[key]):
            raise ParamError('invalid param: %s' % key)
    state.net = {'proto': 'static', 'ip': values['ip'], 'netmask': values['mask'], 'gateway': values['gate'],
                 'dns': values['dns']}
    state.hostname = values['host'] or state.hostname
    _listen_after_reboot(miner, values['ip'])
    _rebooting(miner)
    return env.native(now, env.WRITE_OK_MSG), 'reboot_after'


def download_logs(miner, now, request):
    return None, 'logs'


def set_target_freq(miner, now, request):
    percent = _number(request, 'percent', -100, 100)
    if percent > 0 and model_spec(miner.state.model).cooling == 'air':
        raise ParamError('fan-cooled miners only support underclocking (percent <= 0)')
    miner.state.target_freq_percent = percent
    miner.state.restart_btminer(now)
    return _ok(now)


def _flag(attribute, value):
    def handler(miner, now, request):
        setattr(miner.state, attribute, value)
        return _ok(now)
    return handler


def _fast_boot(enabled):
    def handler(miner, now, request):
        miner.state.set_fast_boot(enabled)
        return _ok(now)
    handler.__name__ = '%s_btminer_fast_boot' % ('enable' if enabled else 'disable')
    return handler


def set_hostname(miner, now, request):
    hostname = _text(request, 'hostname')
    if not re.fullmatch(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,62}', hostname):
        raise ParamError('invalid param: hostname')
    miner.state.hostname = hostname
    return _ok(now)


def set_zone(miner, now, request):
    timezone = _text(request, 'timezone')
    zonename = _text(request, 'zonename')
    if not timezone or not zonename:
        raise ParamError('invalid param: timezone/zonename')
    miner.state.timezone = timezone
    miner.state.zonename = zonename
    return _ok(now)


def load_log(miner, now, request):
    ip = _text(request, 'ip')
    port = _number(request, 'port', 1, 65535)
    proto = _text(request, 'proto')
    if proto not in ('tcp', 'udp'):
        raise ParamError('invalid param: proto')
    miner.state.log_server = {'ip': ip, 'port': port, 'proto': proto}
    return _ok(now)


def set_power_pct(miner, now, request):
    miner.state.power_percent = _number(request, 'percent', 0, 100)
    return _ok(now)


def set_power_pct_v2(miner, now, request):
    percent = _number(request, 'percent', 0, 100)
    if model_spec(miner.state.model).cooling == 'air' and miner.state.power_mode == 'High':
        raise ParamError('set_power_pct_v2 is only permitted in normal or low power mode on fan-cooled miners')
    miner.state.power_percent = percent
    return _ok(now)


def pre_power_on(miner, now, request):
    state = miner.state
    if state.mining:
        raise ParamError('btminer is running, power_off first')
    if state.preheat_started is None:
        state.preheat_started = now
        return env.native(now, {'complete': False, 'msg': 'wait for adjust temp'}), None
    complete, message = state.preheat_status(now)
    return env.native(now, {'complete': complete, 'msg': message}), None


def set_temp_offset(miner, now, request):
    miner.state.temp_offset = _number(request, 'temp_offset', -30, 0)
    return _ok(now)


def adjust_power_limit(miner, now, request):
    miner.state.power_limit = _number(request, 'power_limit', 0, 99999)
    miner.state.restart_btminer(now)
    return _ok(now)


def adjust_upfreq_speed(miner, now, request):
    miner.state.upfreq_speed = _number(request, 'upfreq_speed', 0, 9)
    return _ok(now)


def set_poweroff_cool(miner, now, request):
    miner.state.poweroff_cool = _number(request, 'poweroff_cool', 0, 1)
    return _ok(now)


def set_fan_zero_speed(miner, now, request):
    miner.state.fan_zero_speed = _number(request, 'fan_zero_speed', 0, 1)
    return _ok(now)


WRITES = {
    'update_pools': update_pools,
    'restart_btminer': restart_btminer,
    'power_off': power_off,
    'power_on': power_on,
    'set_led': set_led,
    'set_low_power': _power_mode('Low'),
    'set_normal_power': _power_mode('Normal'),
    'set_high_power': _power_mode('High'),
    'update_firmware': update_firmware,
    'reboot': reboot,
    'factory_reset': factory_reset,
    'update_pwd': update_pwd,
    'net_config': net_config,
    'download_logs': download_logs,
    'set_target_freq': set_target_freq,
    'enable_btminer_fast_boot': _fast_boot(True),
    'disable_btminer_fast_boot': _fast_boot(False),
    'enable_web_pools': _flag('web_pools', True),
    'disable_web_pools': _flag('web_pools', False),
    'set_hostname': set_hostname,
    'set_zone': set_zone,
    'load_log': load_log,
    'set_power_pct': set_power_pct,
    'set_power_pct_v2': set_power_pct_v2,
    'pre_power_on': pre_power_on,
    'set_temp_offset': set_temp_offset,
    'adjust_power_limit': adjust_power_limit,
    'adjust_upfreq_speed': adjust_upfreq_speed,
    'set_poweroff_cool': set_poweroff_cool,
    'set_fan_zero_speed': set_fan_zero_speed,
}

_SECRET_KEYS = ('old', 'new', 'token', 'password')


def loggable_params(request):
    """The request's parameters without the command, token and any password."""
    return {key: value for key, value in request.items()
            if key not in ('cmd', 'command') and key not in _SECRET_KEYS and not key.startswith('passwd')}
