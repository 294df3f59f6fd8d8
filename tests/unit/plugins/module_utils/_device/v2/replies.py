# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reply data as the spec shows it and as newer firmware sends it, for schema tests."""

from __future__ import annotations

SPEC_SUMMARY = [{
    'Elapsed': 2648, 'MHS av': 84983730.62, 'MHS 5s': 102423869.64, 'MHS 1m': 86361423.06,
    'MHS 5m': 84941366.02, 'MHS 15m': 84969424.09, 'HS RT': 84941366.02, 'Accepted': 804,
    'Rejected': 0, 'Total MH': 225043191209.0, 'Temperature': 80.0, 'freq_avg': 646,
    'Fan Speed In': 4530, 'Fan Speed Out': 4530, 'Power': 3593, 'Power Rate': 42.31,
    'Pool Rejected%': 0.0, 'Pool Stale%': 0.0, 'Last getwork': 0, 'Uptime': 20507,
    'Security Mode': 0, 'Hash Stable': True, 'Hash Stable Cost Seconds': 17569,
    'Hash Deviation%': 0.1398, 'Target Freq': 574, 'Target MHS': 76157172, 'Env Temp': 32.0,
    'Power Mode': 'Normal', 'Factory GHS': 84773, 'Power Limit': 3600, 'Chip Temp Min': 75.17,
    'Chip Temp Max': 101.25, 'Chip Temp Avg': 89.6, 'Debug': '-0.0_100.0_354',
    'Btminer Fast Boot': 'disable',
}]

# Newer firmware: native shape, some fields missing, Elapsed a float, Hash Stable a string.
NEW_SUMMARY = [{
    'Elapsed': 2648.0, 'MHS av': '84983730.62', 'MHS 1m': 86361423.06, 'MHS 5m': 84941366.02,
    'MHS 15m': 84969424.09, 'HS RT': 84941366.02, 'Accepted': 804, 'Rejected': 0,
    'Power': 3593, 'Env Temp': 32.0, 'Power Mode': 'Normal', 'Factory GHS': 84773,
    'Hash Stable': 'false', 'Uptime': 20507.5, 'Chip Temp Max': float('nan'),
}]

SPEC_POOLS = [
    {'POOL': 1, 'URL': 'stratum+tcp://btc.ss.poolin.com:443', 'Status': 'Alive', 'Priority': 0,
     'Accepted': 10, 'Rejected': 1, 'Stale': 2, 'User': 'microbtinitial', 'Last Share Time': 0,
     'Stratum Active': True, 'Stratum URL': 'btc-vip-3dcoa7jxu.ss.poolin.com',
     'Stratum Difficulty': 65536.0, 'Pool Rejected%': 0.5, 'Pool Stale%': 0.25},
    {'POOL': 2, 'URL': 'stratum+tcp://btc.ss.poolin.com:1883', 'Status': 'Alive', 'Priority': 1,
     'User': 'microbtinitial', 'Stratum Active': False},
]

SPEC_EDEVS = [
    {'ASC': 0, 'Slot': 0, 'Enabled': 'Y', 'Status': 'Alive', 'Temperature': 80.0, 'Chip Frequency': 587,
     'MHS av': 10342284.80, 'MHS 5s': 5298845.66, 'MHS 1m': 8508905.30, 'MHS 5m': 10351110.56,
     'MHS 15m': 10296867.74, 'HS RT': 10351110.56, 'HS Factory': 28836, 'Accepted': 18, 'Rejected': 0,
     'Upfreq Complete': 0, 'Effective Chips': 156, 'PCB SN': 'HEM1EP9C400929K60003',
     'Chip Data': 'K88Z347-2039   BINV01-195001D', 'Chip Temp Min': 80.56, 'Chip Temp Max': 97.0,
     'Chip Temp Avg': 89.89},
    {'ASC': 1, 'Slot': 1, 'Enabled': 'Y', 'Status': 'Alive', 'Temperature': 79.0, 'Chip Frequency': 590,
     'HS RT': 10441143.92, 'Effective Chips': 155, 'PCB SN': 'HEM1EP9C400929K60001'},
]

SPEC_DEVDETAILS = [
    {'DEVDETAILS': 0, 'Name': 'SM', 'ID': 0, 'Driver': 'bitmicro', 'Kernel': '', 'Model': 'M30S+VE40'},
    {'DEVDETAILS': 1, 'Name': 'SM', 'ID': 1, 'Driver': 'bitmicro', 'Kernel': '', 'Model': 'M30S+VE40'},
]

SPEC_PSU = {
    'name': 'P221B', 'hw_version': 'V01.00', 'sw_version': 'V01.00.V01.03', 'model': 'P221B',
    'iin': '8718', 'vin': '22400', 'fan_speed': '6976', 'version': '-1',
    'serial_no': 'A1232B0120100049', 'vendor': '7', 'temp0': '33.5',
}

SPEC_VERSION = {'api_ver': '2.0.3', 'fw_ver': '20220125.13.Rel', 'platform': 'H6OS',
                'chip': 'K88Z001-2039  BINV01-195001B'}

SPEC_STATUS = {'btmineroff': 'false', 'Firmware Version': "'20220125.13.Rel'", 'power_mode': 'Normal',
               'hash_percent': '100'}

SPEC_MINER_INFO = {'ip': '192.168.2.16', 'proto': 'dhcp', 'netmask': '255.255.255.0', 'dns': '114.114.114.114 8.8.8.8',
                   'mac': 'c6:07:20:00:1e:c2', 'ledstat': 'auto', 'gateway': '192.168.2.1', 'hostname': 'rack1-m01',
                   'minersn': 'HTM3X10C4000933K60003', 'powersn': 'A1232B0120100049'}

SPEC_ERRORS = {'error_code': [{'329': '2022-01-17 11:28:11'}, {'111': '2022-01-17 11:30:00'}]}


def spec_replies():
    return {
        'summary': SPEC_SUMMARY, 'pools': SPEC_POOLS, 'edevs': SPEC_EDEVS, 'devdetails': SPEC_DEVDETAILS,
        'get_psu': SPEC_PSU, 'get_version': SPEC_VERSION, 'status': SPEC_STATUS,
        'get_miner_info': SPEC_MINER_INFO, 'get_error_code': SPEC_ERRORS,
    }
