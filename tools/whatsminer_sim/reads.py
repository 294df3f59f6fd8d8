# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read commands (spec section 4): reply documents computed from the miner's state.

Each handler is ``handler(miner, now, request) -> dict``; the dict is the whole reply.
Field names, types and order follow the spec's examples and what btminer really
sends (numbers as numbers in cgminer-style reads, strings in get_psu).
"""

from __future__ import annotations

import time

from whatsminer_sim import envelopes as env
from whatsminer_sim.models import model_spec

#: Reads that may be joined with ``+`` (the cgminer-style ones).
JOINABLE = ('summary', 'pools', 'edevs', 'devs', 'devdetails')


def _new_firmware(miner):
    """Newer v2 firmware, and the reduced v2 that v3 firmware keeps on 4028 (native envelopes, no devdetails)."""
    return miner.has_fault('new_firmware') or miner.api == 'v3'


def _summary_record(miner, now):
    state = miner.state
    rate = state.hash_rate_mhs(now)
    spec = model_spec(state.model)
    chip_min, chip_max, chip_avg = state.chip_temps(now)
    fan_in, fan_out = state.fan_speeds(now)
    power = state.power(now)
    elapsed = state.elapsed(now)
    accepted = elapsed // 3 if rate else 0
    record = {
        'Elapsed': elapsed,
        'MHS av': round(rate * 0.998, 2),
        'MHS 5s': round(rate * 1.004, 2),
        'MHS 1m': round(rate * 1.001, 2),
        'MHS 5m': round(rate * 0.999, 2),
        'MHS 15m': round(rate * 0.9985, 2),
        'HS RT': round(rate * 0.999, 2),
        'Accepted': accepted,
        'Rejected': 0,
        'Total MH': round(rate * elapsed, 4),
        'Temperature': round(chip_avg - 9.6, 2),
        'freq_avg': state.target_freq() if rate else 0,
        'Fan Speed In': fan_in,
        'Fan Speed Out': fan_out,
        'Power': power,
        'Power Rate': round(power / (rate / 1e6), 2) if rate else 0.0,
        'Pool Rejected%': 0.0,
        'Pool Stale%': 0.0,
        'Last getwork': int(now) if rate else 0,
        'Uptime': state.uptime(now),
        'Security Mode': 0,
        'Hash Stable': bool(rate) and elapsed > 60,
        'Hash Stable Cost Seconds': min(elapsed, 17569),
        'Hash Deviation%': 0.1398,
        'Target Freq': state.target_freq(),
        'Target MHS': round(rate * 0.9, 0),
        'Env Temp': 32.0,
        'Power Mode': state.power_mode,
        'Factory GHS': spec.factory_ghs,
        'Power Limit': state.power_limit,
        'Chip Temp Min': chip_min,
        'Chip Temp Max': chip_max,
        'Chip Temp Avg': chip_avg,
        'Debug': '-0.0_100.0_354',
        'Btminer Fast Boot': 'enable' if state.fast_boot else 'disable',
        'Upfreq Complete': 1 if rate else 0,
        'Power Fanspeed': 6976 if power else 0,
        'Firmware Version': "'%s'" % state.firmware if miner.quote_firmware else state.firmware,
        'MAC': state.mac,
        'Error Code Count': len(state.errors),
    }
    for index, code in enumerate(sorted(state.errors, key=_code_order)):
        record['Error Code %d' % index] = int(code) if str(code).isdigit() else code
    if _new_firmware(miner):
        del record['MHS 5s']
        del record['Target MHS']
        record['Elapsed'] = float(elapsed) + 0.5
        record['Hash Stable'] = 'true' if record['Hash Stable'] else 'false'
    return record


def _code_order(code):
    text = str(code)
    return (0, int(text)) if text.isdigit() else (1, text)


def summary(miner, now, request):
    record = _summary_record(miner, now)
    if _new_firmware(miner):
        return env.native(now, record)
    return env.cgminer(now, 11, 'Summary', 'SUMMARY', [record])


def _pool_records(miner, now):
    state = miner.state
    hashing = state.hashing(now)
    records = []
    for index, pool in enumerate(state.pools):
        if not pool.url:
            continue
        host = pool.url.split('://', 1)[-1].rsplit(':', 1)[0]
        active = hashing and not records
        records.append({
            'POOL': index + 1, 'URL': pool.url, 'Status': 'Alive' if hashing else 'Dead',
            'Priority': index, 'Quota': 1, 'Long Poll': 'N', 'Getworks': 1 if active else 0,
            'Accepted': state.elapsed(now) // 3 if active else 0, 'Rejected': 0, 'Works': 0,
            'Discarded': 0, 'Stale': 0, 'Get Failures': 0, 'Remote Failures': 0,
            'User': pool.user, 'Last Share Time': int(now) if active else 0, 'Diff1 Shares': 0,
            'Proxy Type': '', 'Proxy': '', 'Difficulty Accepted': 0.0, 'Difficulty Rejected': 0.0,
            'Difficulty Stale': 0.0, 'Last Share Difficulty': 0.0, 'Work Difficulty': 0.0,
            'Has Stratum': 1, 'Stratum Active': active, 'Stratum URL': host,
            'Stratum Difficulty': 65536.0 if active else 0.0, 'Best Share': 0,
            'Pool Rejected%': 0.0, 'Pool Stale%': 0.0, 'Bad Work': 0,
            'Current Block Height': 0, 'Current Block Version': 536870916,
        })
    return records


def pools(miner, now, request):
    records = _pool_records(miner, now)
    if _new_firmware(miner):
        return env.native(now, {'pools': records})
    return env.cgminer(now, 7, '%d Pool(s)' % len(records), 'POOLS', records)


def _board_records(miner, now):
    state = miner.state
    spec = model_spec(state.model)
    rate = state.hash_rate_mhs(now)
    chip_min, chip_max, chip_avg = state.chip_temps(now)
    records = []
    for slot in range(spec.boards):
        share = rate / spec.boards * (1.0 + (slot - 1) * 0.003)
        records.append({
            'ASC': slot, 'Slot': slot, 'Enabled': 'Y', 'Status': 'Alive',
            'Temperature': round(chip_avg - 9.6 + slot * 0.5, 2), 'Chip Frequency': state.target_freq(),
            'MHS av': round(share * 0.998, 2), 'MHS 5s': round(share * 1.004, 2),
            'MHS 1m': round(share * 1.001, 2), 'MHS 5m': round(share * 0.999, 2),
            'MHS 15m': round(share * 0.9985, 2), 'HS RT': round(share * 0.999, 2),
            'HS Factory': spec.factory_ghs // spec.boards, 'Accepted': state.elapsed(now) // 9, 'Rejected': 0,
            'Last Valid Work': int(now), 'Upfreq Complete': 1, 'Effective Chips': spec.chips,
            'PCB SN': state.board_sns[slot], 'Chip Data': spec.chip_data,
            'Chip Temp Min': round(chip_min + slot * 0.4, 2), 'Chip Temp Max': round(chip_max + slot * 0.3, 2),
            'Chip Temp Avg': round(chip_avg + slot * 0.35, 2), 'chip_vol_diff': 9,
        })
    return records


def edevs(miner, now, request):
    """Hash boards. While mining is off btminer has no devices: an empty list."""
    records = _board_records(miner, now) if miner.state.hashing(now) else []
    if _new_firmware(miner):
        return env.native(now, {'DEVS': records})
    return env.cgminer(now, 9, '%d ASC(s)' % len(records), 'DEVS', records)


def devdetails(miner, now, request):
    """Board details; deprecated on new firmware, "No devices" while mining is off."""
    if _new_firmware(miner):
        return env.native_error(now, env.CMD_ERROR, 'This command is deprecated.')
    state = miner.state
    if not state.hashing(now):
        return env.cgminer_error(now, 10, 'No devices')
    records = [{'DEVDETAILS': slot, 'Name': 'SM', 'ID': slot, 'Driver': 'bitmicro', 'Kernel': '',
                'Model': state.model} for slot in range(model_spec(state.model).boards)]
    return env.cgminer(now, 69, 'Device Details', 'DEVDETAILS', records, description='btminer')


def uses_vendor_key(miner):
    """Newer firmware spells the PSU key ``vendor``; older firmware ``vender``."""
    if _new_firmware(miner):
        return True
    version = miner.state.firmware
    return len(version) >= 8 and version[:8].isdigit() and version[:8] >= '20230101'


def get_psu(miner, now, request):
    state = miner.state
    power = state.power(now) or 20
    psu = {
        'name': 'P221B', 'hw_version': 'V01.00', 'sw_version': 'V01.00.V01.03', 'model': 'P221B',
        'iin': str(int(power * 1000 / 224)), 'vin': '22400', 'fan_speed': '6976' if state.power(now) else '0',
        'version': '-1', 'serial_no': state.power_sn,
    }
    psu['vendor' if uses_vendor_key(miner) else 'vender'] = '7'
    psu['temp0'] = '%.1f' % (30.0 + power / 1000.0)
    return env.native(now, psu)


def get_version(miner, now, request):
    state = miner.state
    return env.native(now, {'api_ver': state.api_version, 'fw_ver': state.firmware, 'platform': state.platform,
                            'chip': model_spec(state.model).chip_data})


def status(miner, now, request):
    state = miner.state
    off = not state.hashing(now)
    return env.native(now, {
        'btmineroff': 'true' if off else 'false',
        'Firmware Version': "'%s'" % state.firmware if miner.quote_firmware else state.firmware,
        'power_mode': state.power_mode,
        'hash_percent': str(state.target_freq_percent),
    })


MINER_INFO_FIELDS = ('ip', 'proto', 'netmask', 'gateway', 'dns', 'hostname', 'mac', 'ledstat', 'minersn', 'powersn')


def get_miner_info(miner, now, request):
    """The fields named in ``info`` (comma separated); all of them when ``info`` is absent."""
    state = miner.state
    values = dict(state.net)
    values.update({'hostname': state.hostname, 'mac': state.mac, 'minersn': state.miner_sn,
                   'powersn': state.power_sn, 'ledstat': 'auto' if state.led.get('mode') == 'auto' else 'manual'})
    wanted = request.get('info')
    if isinstance(wanted, str) and wanted.strip():
        names = [name.strip() for name in wanted.split(',') if name.strip()]
    else:
        names = list(MINER_INFO_FIELDS)
    return env.native(now, {name: values[name] for name in names if name in values})


def error_list(miner):
    return [{str(code): stamp} for code, stamp in sorted(miner.state.errors.items(), key=lambda item: _code_order(item[0]))]


def get_error_code(miner, now, request):
    return env.native(now, {'error_code': error_list(miner)})


def format_stamp(epoch):
    return time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(epoch))


READS = {
    'summary': summary,
    'pools': pools,
    'edevs': edevs,
    'devs': edevs,
    'devdetails': devdetails,
    'get_psu': get_psu,
    'get_version': get_version,
    'status': status,
    'get_miner_info': get_miner_info,
    'get_error_code': get_error_code,
}


def joined(miner, now, names):
    """``summary+pools+edevs``: one key per command, each a list holding that command's full reply."""
    return {name: [READS[name](miner, now, {})] for name in names}
