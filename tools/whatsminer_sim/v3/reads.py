# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 reads: ``msg`` objects computed from the miner's state, in the shapes of the real captures.

Values are strings where real firmware sends strings (most of ``get.device.info``), hash
rates in TH/s, pools without share counts, error codes as ``[{code: time, reason}]``.
Each handler is ``handler(miner, now, param) -> (code, msg)``.
"""

from __future__ import annotations

from whatsminer_sim.models import model_spec
from whatsminer_sim.reads import format_stamp
from whatsminer_sim.v3.auth import ACCOUNTS

SECTIONS = ('network', 'miner', 'system', 'power', 'salt', 'error-code')
STATUS_PARTS = ('summary', 'pools', 'edevs')
COMMAND_FAILED = -1
INVALID_COMMAND = -2
INVALID_JSON = -3
#: what the v3_error_code_text fault sends as error-code (the bare string PYASIC's tests are robust against)
ERROR_CODE_TEXT = 'btminer process is down err'


def _network(miner, now):
    state = miner.state
    net = state.net
    return {'ip': net['ip'], 'proto': net['proto'], 'netmask': net['netmask'], 'dns': net['dns'],
            'mac': state.mac, 'gateway': net['gateway'], 'hostname': state.hostname}


def _miner(miner, now):
    state = miner.state
    spec = model_spec(state.model)
    section = {
        'working': 'true' if state.hashing(now) else 'false', 'type': state.model, 'hash-board': 'HB%s' % spec.chip_data[:3],
        'board-num': str(spec.boards), 'miner-sn': state.miner_sn,
        'detect-hash-rate': ':'.join('%.2f' % (spec.factory_ghs / 1000.0 / spec.boards) for _slot in range(spec.boards)),
        'cointype': state.cointype, 'pool-strategy': 'FAILOVER', 'heatmode': state.heat_mode,
        'hash-percent': str(state.power_percent), 'fast-boot': 'enable' if state.fast_boot else 'disable',
        'power-limit-set': str(state.power_limit), 'UpfreqSpeed': str(state.upfreq_speed),
        'web-pool': 1 if state.web_pools else 0,
        'permission': ' '.join('%s=%s' % (account, 255 if account == 'super' else len(state.permissions.get(account, ())))
                               for account in ACCOUNTS),
    }
    for slot in range(spec.boards):
        section['chipdata%d' % slot] = spec.chip_data
        section['pcbsn%d' % slot] = state.board_sns[slot]
    return section


def _system(miner, now):
    state = miner.state
    return {'api': miner.v3_api, 'platform': state.platform, 'fwversion': state.firmware,
            'control-board-version': 'CB6V10', 'btrom': '1', 'apiswitch': '1' if miner.writes_allowed() else '0',
            'ledstatus': 'auto' if state.led.get('mode') == 'auto' else 'manual'}


def _power(miner, now):
    state = miner.state
    power = state.power(now) or 20
    return {'type': 'P221B', 'mode': '1', 'hwversion': 'V01.00', 'swversion': 'V01.00.V01.03', 'model': 'P221B',
            'sn': state.power_sn, 'vendor': '7', 'iin': round(power / 224.0, 2), 'vin': 224.0, 'vout': 1209,
            'pin': power, 'fanspeed': 6976 if state.power(now) else 0, 'temp0': round(30.0 + power / 1000.0, 1)}


#: the firmware's own words for the codes the simulator raises (v3 replies carry a reason; v2 only the code)
_REASONS = {
    '329': 'Control board temperature sensor read failed.',
    '2010': 'All pools are disabled.',
    '531': 'Slot1 not found.',
    '8410': 'Software version does not match the hardware.',
}


def _errors(miner):
    """The ``error-code`` value: a list of ``{code: time, reason}``, or the bare text of v3_error_code_text."""
    from whatsminer_sim.reads import error_list  # pylint: disable=import-outside-toplevel
    if miner.has_fault('v3_error_code_text'):
        return ERROR_CODE_TEXT
    entries = []
    for entry in error_list(miner):
        for code, stamp in entry.items():
            entries.append({code: stamp, 'reason': _REASONS.get(code, 'error %s' % code)})
    return entries


def device_info(miner, now, param):
    builders = {'network': _network, 'miner': _miner, 'system': _system, 'power': _power}
    if param in (None, ''):
        msg = dict((name, build(miner, now)) for name, build in builders.items())
        msg['salt'] = miner.v3_salt
        msg['error-code'] = _errors(miner)
        return 0, msg
    if param not in SECTIONS:
        return INVALID_COMMAND, 'invalid param'
    if param == 'salt':
        return 0, {'salt': miner.v3_salt}
    if param == 'error-code':
        return 0, {'error-code': _errors(miner)}
    return 0, {param: builders[param](miner, now)}


def _summary(miner, now):
    state = miner.state
    spec = model_spec(state.model)
    rate = state.hash_rate_mhs(now) / 1e6
    chip_min, chip_max, chip_avg = state.chip_temps(now)
    fan_in, fan_out = state.fan_speeds(now)
    power = state.power(now)
    return {
        'elapsed': state.elapsed(now), 'bootup-time': state.uptime(now), 'freq-avg': state.target_freq() if rate else 0,
        'target-freq': state.target_freq(), 'factory-hash': round(spec.factory_ghs / 1000.0, 2),
        'hash-average': round(rate * 0.998, 3), 'hash-1min': round(rate * 1.001, 3), 'hash-15min': round(rate * 0.9985, 3),
        'hash-realtime': round(rate * 0.999, 3), 'power-rate': round(power / rate, 2) if rate else 0.0,
        'power-5min': power, 'power-realtime': power, 'environment-temperature': 24.5,
        'board-temperature': [round(chip_avg - 9.6 + slot * 0.5, 2) for slot in range(spec.boards)],
        'chip-temp-min': chip_min, 'chip-temp-avg': chip_avg, 'chip-temp-max': chip_max,
        'power-limit': state.power_limit, 'up-freq-finish': 1 if rate else 0, 'fan-speed-in': fan_in,
        'fan-speed-out': fan_out,
    }


def _pools(miner, now):
    state = miner.state
    hashing = state.hashing(now)
    records = []
    for index, pool in enumerate(state.pools):
        if not pool.url:
            continue
        active = hashing and not records
        records.append({'id': index + 1, 'url': pool.url, 'status': 'alive' if hashing else 'dead', 'account': pool.user,
                        'stratum-active': active, 'stratum-diff': 65536 if active else 0, 'reject-rate': 0.0,
                        'last-share-time': int(now) if active else 0})
    return records


def _edevs(miner, now):
    state = miner.state
    spec = model_spec(state.model)
    if not state.hashing(now):
        return []
    rate = state.hash_rate_mhs(now) / 1e6
    chip_min, chip_max, chip_avg = state.chip_temps(now)
    return [{'id': slot, 'slot': slot, 'freq': state.target_freq(), 'hash-average': round(rate / spec.boards, 3),
             'factory-hash': round(spec.factory_ghs / 1000.0 / spec.boards, 3), 'effective-chips': spec.chips,
             'chip-temp-min': chip_min, 'chip-temp-avg': chip_avg, 'chip-temp-max': chip_max}
            for slot in range(spec.boards)]


def miner_status(miner, now, param):
    if param in (None, ''):
        return INVALID_JSON, 'param item is null'
    parts = str(param).split('+')
    if any(part not in STATUS_PARTS for part in parts):
        return INVALID_COMMAND, 'invalid param'
    if _hides_pools(miner, now):
        if parts == ['pools']:
            return COMMAND_FAILED, 'failed'
        parts = [part for part in parts if part != 'pools']
    builders = {'summary': _summary, 'pools': _pools, 'edevs': _edevs}
    return 0, dict((part, builders[part](miner, now)) for part in parts)


def _hides_pools(miner, now):
    """v3_idle_pools_refused: an idle miner (not hashing: stopped, or btminer restarting) does not show its pools.

    Real firmware (MDKW, notes 4.2) refuses ``pools`` alone with -1 then and leaves the
    pools out of a combined read that succeeds; a mining miner answers as usual.
    """
    return miner.has_fault('v3_idle_pools_refused') and not miner.state.hashing(now)


def miner_setting(miner, now, param):
    state = miner.state
    return 0, {'power-limit': state.power_limit, 'upfreq-speed': state.upfreq_speed,
               'power-mode': state.power_mode.lower(), 'fast-boot': 'enable' if state.fast_boot else 'disable',
               'target-freq': state.target_freq_percent, 'fast-mining': 0, 'power': state.power_target or 0,
               'power-percent': state.power_percent, 'heat-mode': state.heat_mode, 'fast-hash': state.fast_hash}


def system_setting(miner, now, param):
    state = miner.state
    msg = {'web-pool': 1 if state.web_pools else 0, 'timezone': state.timezone, 'zonename': state.zonename,
           'hostname': state.hostname, 'time-randomized': dict(state.time_randomized),
           'ntp-server': list(state.ntp_servers)}
    if state.log_server:
        msg['log-upload'] = {'ip': state.log_server['ip'], 'port': str(state.log_server['port']),
                             'proto': state.log_server['proto']}
    return 0, msg


def fan_setting(miner, now, param):
    state = miner.state
    return 0, {'fan-poweroff-cool': int(state.poweroff_cool), 'fan-zero-speed': int(state.fan_zero_speed),
               'fan-temp-offset': state.temp_offset}


def custom_data(miner, now, param):
    return 0, dict(miner.state.custom_data)


def miner_history(miner, now, param):
    return 0, '%d,%.3f,%d' % (int(now), miner.state.hash_rate_mhs(now) / 1e6, miner.state.power(now))


READS = {
    'get.device.info': device_info,
    'get.miner.status': miner_status,
    'get.miner.setting': miner_setting,
    'get.system.setting': system_setting,
    'get.fan.setting': fan_setting,
    'get.device.custom_data': custom_data,
    'get.miner.history': miner_history,
}


def stamp(now):
    return format_stamp(now)
