# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v2 replies -> the facts schema (``_facts/schema.py``): units normalised once, here.

A pure function of what the miner said, so it is tested with reply dicts alone and
shared by the facts module and the inventory plugin through the v2 backend. v2 gives
hash rates in MH/s (boards' factory figure in GH/s), so they become TH/s here. Every
key of the schema is always present: a figure the miner did not give (older or newer
firmware, a subset not gathered, a command that failed) is ``None`` and lists are
empty, so templates over a mixed fleet never trip over a missing key (``build(basic=True)``,
discovery's, is the one exception: only what the inventory's ``whatsminer`` variable shows).

Units assumed for the PSU figures (they come as strings in fixed-point units): ``iin``
is milliamps (``"8718"`` -> 8.718 A) and ``vin`` hundredths of a volt (``"22400"`` ->
224.0 V). The raw integers are kept beside them (``input_current_raw``,
``input_voltage_raw``) for PSUs that scale differently.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import (
    first,
    ghs_to_ths,
    mhs_to_ths,
    scaled,
    to_bool,
    to_float,
    to_int,
    to_str,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import error_codes
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.derived import active_pool, squeeze
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.schema import SCHEMA_VERSION

PSU_CURRENT_DIVISOR = 1000.0   # iin in mA
PSU_VOLTAGE_DIVISOR = 100.0    # vin in 1/100 V

# What the facts keep of a miner's lists, the same figures as v3's facts: no miner has more
# than a handful of boards or three pools, and a hostile reply of up to 4 MiB must not become
# megabytes of facts. What is beyond a cap is left out, as on v3. MAX_POOLS here is what is
# kept of a read, not the write limit of three in backend.py.
MAX_BOARDS = 64
MAX_POOLS = 64
MAX_ERRORS = 256

# Fields only btminer puts in its summary: how a scan tells a Whatsminer from another cgminer.
WHATSMINER_SUMMARY_KEYS = frozenset((
    'Power Mode', 'Factory GHS', 'Env Temp', 'Chip Temp Avg', 'Btminer Fast Boot', 'Power Limit',
    'Hash Stable', 'Power Rate', 'Upfreq Complete', 'Security Mode',
))
WHATSMINER_DRIVER = 'bitmicro'


def data_of(value):
    """A Reply's ``data``, or the value itself when it already is data."""
    return getattr(value, 'data', value)


def records(value):
    """cgminer-style data -> list of dicts, whatever shape it came in."""
    value = data_of(value)
    if isinstance(value, dict):
        lists = [item for item in value.values() if isinstance(item, list)]
        if len(value) == 1 and lists:
            return [record for record in lists[0] if isinstance(record, dict)]
        return [value]
    if isinstance(value, list):
        return [record for record in value if isinstance(record, dict)]
    return []


def message(value):
    """Native-shape data (the ``Msg`` object) -> dict, or {} when absent or not an object."""
    value = data_of(value)
    if isinstance(value, dict):
        if 'Msg' in value and 'STATUS' in value:
            value = value['Msg']
        return value if isinstance(value, dict) else {}
    return {}


def is_whatsminer(replies):
    """True when the replies carry btminer's own summary fields or name its driver."""
    summary = records(replies.get('summary'))
    if summary and WHATSMINER_SUMMARY_KEYS.intersection(summary[0]):
        return True
    return any(str(record.get('Driver', '')).lower() == WHATSMINER_DRIVER
               for record in records(replies.get('devdetails')))


def build(replies, host=None, port=None, basic=False):
    """``{command: Reply or data}`` -> the ``whatsminer`` facts dict.

    ``replies`` keys are API command names (``summary``, ``pools``, ``edevs``,
    ``devdetails``, ``get_psu``, ``get_version``, ``status``, ``get_miner_info``,
    ``get_error_code``); missing ones simply leave their facts at None.

    ``basic``: only the fields the inventory's ``whatsminer`` variable shows
    (``_facts/hostvars.BASIC``), with the same values, in the same sections. Discovery
    keeps nothing else of a miner at ``facts: basic``, and the whole schema (about 200
    values, 48 of them for three pools) was a fifth of a 10,000-miner scan's CPU.
    """
    summary = (records(replies.get('summary')) or [{}])[0]
    details = records(replies.get('devdetails'))
    pools_raw = records(replies.get('pools'))[:MAX_POOLS]
    status = message(replies.get('status'))
    version = message(replies.get('get_version'))
    info = message(replies.get('get_miner_info'))
    errors = error_facts(data_of(replies.get('get_error_code')), summary)
    if basic:
        return {
            'identity': _identity_basic(summary, details, version, status, info),
            'mining': _mining_basic(summary, status),
            'power': _power_basic(summary),
            'thermal': _thermal_basic(summary),
            'active_pool': active_pool([_pool_basic(record) for record in pools_raw]),
            'errors': errors,
            'error_count': len(errors),
        }
    boards_raw = records(replies.get('edevs') if replies.get('edevs') is not None else replies.get('devs'))[:MAX_BOARDS]
    psu = message(replies.get('get_psu'))
    by_ident = detail_index(details)
    boards = [board_facts(record, by_ident) for record in boards_raw]
    pools = [pool_facts(record) for record in pools_raw]
    return {
        'schema_version': SCHEMA_VERSION,
        'identity': identity_facts(host, port, summary, details, version, status, info, psu),
        'mining': mining_facts(summary, status),
        'power': power_facts(summary, psu),
        'thermal': thermal_facts(summary, boards, psu),
        'boards': boards,
        'pools': pools,
        'active_pool': active_pool(pools),
        'errors': errors,
        'error_count': len(errors),
        'collected': sorted(name for name, value in replies.items() if value is not None),
    }


def _identity_basic(summary, details, version, status, info):
    model = first(*(to_str(record.get('Model')) for record in details))
    return {
        'mac': _mac(first(to_str(info.get('mac')), to_str(summary.get('MAC')))),
        'hostname': to_str(info.get('hostname')),
        'model': first(model, to_str(summary.get('Model')), to_str(version.get('model'))),
        'serial': first(to_str(info.get('minersn')), to_str(summary.get('Miner SN'))),
        'firmware_version': firmware_text(first(
            to_str(version.get('fw_ver')),
            to_str(status.get('Firmware Version')),
            to_str(summary.get('Firmware Version')),
        )),
    }


def identity_facts(host, port, summary, details, version, status, info, psu):
    basic = _identity_basic(summary, details, version, status, info)
    dns = to_str(info.get('dns'))
    return {
        'host': to_str(host),
        'port': to_int(port),
        'ip': first(to_str(info.get('ip')), to_str(host)),
        'mac': basic['mac'],
        'hostname': basic['hostname'],
        'model': basic['model'],
        'serial': basic['serial'],
        'psu_serial': first(to_str(info.get('powersn')), to_str(psu.get('serial_no'))),
        'api_version': to_str(version.get('api_ver')),
        'firmware_version': basic['firmware_version'],
        'platform': to_str(version.get('platform')),
        'chip': to_str(version.get('chip')),
        'network_mode': to_str(info.get('proto')),
        'netmask': to_str(info.get('netmask')),
        'gateway': to_str(info.get('gateway')),
        'dns': dns.split() if dns else [],
        'led_mode': to_str(info.get('ledstat')),
    }


def _mining_basic(summary, status):
    btminer_off = to_bool(status.get('btmineroff'))
    if btminer_off is None:
        btminer_off = to_bool(status.get('mineroff'))
    hashrate_now = first(mhs_to_ths(summary.get('HS RT')), mhs_to_ths(summary.get('MHS 5s')),
                         mhs_to_ths(summary.get('MHS 1m')))
    if btminer_off is not None:
        is_mining = not btminer_off
    elif hashrate_now is not None:
        is_mining = hashrate_now > 0
    else:
        is_mining = None
    return {
        'is_mining': is_mining,
        'power_mode': first(to_str(summary.get('Power Mode')), to_str(status.get('power_mode'))),
        'hashrate_ths': first(hashrate_now, mhs_to_ths(summary.get('MHS av'))),
        'hashrate_avg_ths': mhs_to_ths(summary.get('MHS av')),
        'factory_hashrate_ths': ghs_to_ths(summary.get('Factory GHS')),
        'uptime_s': to_int(summary.get('Uptime')),
    }


def mining_facts(summary, status):
    basic = _mining_basic(summary, status)
    return {
        'is_mining': basic['is_mining'],
        'power_mode': basic['power_mode'],
        'hashrate_ths': basic['hashrate_ths'],
        'hashrate_5s_ths': mhs_to_ths(summary.get('MHS 5s')),
        'hashrate_1m_ths': mhs_to_ths(summary.get('MHS 1m')),
        'hashrate_5m_ths': mhs_to_ths(summary.get('MHS 5m')),
        'hashrate_15m_ths': mhs_to_ths(summary.get('MHS 15m')),
        'hashrate_avg_ths': basic['hashrate_avg_ths'],
        'hashrate_realtime_ths': mhs_to_ths(summary.get('HS RT')),
        'factory_hashrate_ths': basic['factory_hashrate_ths'],
        'target_hashrate_ths': mhs_to_ths(summary.get('Target MHS')),
        'hash_percent': to_float(status.get('hash_percent')),
        'hash_stable': to_bool(summary.get('Hash Stable')),
        'hash_stable_cost_s': to_int(summary.get('Hash Stable Cost Seconds')),
        'hash_deviation_percent': to_float(summary.get('Hash Deviation%')),
        'uptime_s': basic['uptime_s'],
        'elapsed_s': to_int(summary.get('Elapsed')),
        'accepted': to_int(summary.get('Accepted')),
        'rejected': to_int(summary.get('Rejected')),
        'pool_rejected_percent': to_float(summary.get('Pool Rejected%')),
        'pool_stale_percent': to_float(summary.get('Pool Stale%')),
        'frequency_avg_mhz': to_float(summary.get('freq_avg')),
        'target_frequency_mhz': to_float(summary.get('Target Freq')),
        'fast_boot': to_bool(summary.get('Btminer Fast Boot')),
    }


def _power_basic(summary):
    return {
        'power_w': to_float(summary.get('Power')),
        'power_limit_w': to_float(summary.get('Power Limit')),
    }


def power_facts(summary, psu):
    basic = _power_basic(summary)
    return {
        'power_w': basic['power_w'],
        'power_limit_w': basic['power_limit_w'],
        'efficiency_j_per_th': to_float(summary.get('Power Rate')),
        'psu': psu_facts(psu),
    }


def psu_facts(psu):
    return {
        'name': to_str(psu.get('name')),
        'model': to_str(psu.get('model')),
        'hw_version': to_str(psu.get('hw_version')),
        'sw_version': to_str(psu.get('sw_version')),
        'version': to_str(psu.get('version')),
        'serial': to_str(psu.get('serial_no')),
        'vendor': to_str(first(psu.get('vendor'), psu.get('vender'))),
        'input_current_a': scaled(psu.get('iin'), PSU_CURRENT_DIVISOR),
        'input_voltage_v': scaled(psu.get('vin'), PSU_VOLTAGE_DIVISOR, 2),
        'input_current_raw': to_int(psu.get('iin')),
        'input_voltage_raw': to_int(psu.get('vin')),
        'fan_rpm': to_int(psu.get('fan_speed')),
        'temp_c': to_float(psu.get('temp0')),
    }


def _thermal_basic(summary):
    return {
        'temp_env_c': to_float(summary.get('Env Temp')),
        'chip_temp_max_c': to_float(summary.get('Chip Temp Max')),
        'chip_temp_avg_c': to_float(summary.get('Chip Temp Avg')),
        'fan_in_rpm': to_int(summary.get('Fan Speed In')),
        'fan_out_rpm': to_int(summary.get('Fan Speed Out')),
    }


def thermal_facts(summary, boards, psu):
    basic = _thermal_basic(summary)
    board_temps = [board['temp_c'] for board in boards if board['temp_c'] is not None]
    return {
        'temp_env_c': basic['temp_env_c'],
        'temp_c': to_float(summary.get('Temperature')),
        'chip_temp_min_c': to_float(summary.get('Chip Temp Min')),
        'chip_temp_max_c': basic['chip_temp_max_c'],
        'chip_temp_avg_c': basic['chip_temp_avg_c'],
        'board_temps_c': board_temps,
        'fan_in_rpm': basic['fan_in_rpm'],
        'fan_out_rpm': basic['fan_out_rpm'],
        'psu_fan_rpm': first(to_int(psu.get('fan_speed')), to_int(summary.get('Power Fanspeed'))),
        'psu_temp_c': to_float(psu.get('temp0')),
    }


def board_facts(record, by_ident):
    """One ``edevs`` record; ``by_ident`` is :func:`detail_index` of ``devdetails``, built once for all boards."""
    slot = to_int(first(record.get('Slot'), record.get('ASC')))
    detail = _detail_for(record, by_ident)
    return {
        'slot': slot,
        'asc': to_int(record.get('ASC')),
        'enabled': to_bool(record.get('Enabled')),
        'status': to_str(record.get('Status')),
        'model': to_str(detail.get('Model')),
        'effective_chips': to_int(record.get('Effective Chips')),
        'frequency_mhz': to_float(record.get('Chip Frequency')),
        'temp_c': to_float(record.get('Temperature')),
        'chip_temp_min_c': to_float(record.get('Chip Temp Min')),
        'chip_temp_max_c': to_float(record.get('Chip Temp Max')),
        'chip_temp_avg_c': to_float(record.get('Chip Temp Avg')),
        'hashrate_ths': first(mhs_to_ths(record.get('HS RT')), mhs_to_ths(record.get('MHS 5s'))),
        'hashrate_5s_ths': mhs_to_ths(record.get('MHS 5s')),
        'hashrate_1m_ths': mhs_to_ths(record.get('MHS 1m')),
        'hashrate_5m_ths': mhs_to_ths(record.get('MHS 5m')),
        'hashrate_15m_ths': mhs_to_ths(record.get('MHS 15m')),
        'hashrate_avg_ths': mhs_to_ths(record.get('MHS av')),
        'factory_hashrate_ths': ghs_to_ths(record.get('HS Factory')),
        'accepted': to_int(record.get('Accepted')),
        'rejected': to_int(record.get('Rejected')),
        'upfreq_complete': to_bool(record.get('Upfreq Complete')),
        'pcb_serial': to_str(record.get('PCB SN')),
        'chip_data': squeeze(to_str(record.get('Chip Data'))),
    }


def _pool_basic(record):
    """What ``active_pool`` decides by."""
    return {
        'priority': to_int(record.get('Priority')),
        'url': to_str(record.get('URL')),
        'status': to_str(record.get('Status')),
        'active': bool(to_bool(record.get('Stratum Active'))),
    }


def pool_facts(record):
    basic = _pool_basic(record)
    return {
        'number': to_int(record.get('POOL')),
        'priority': basic['priority'],
        'url': basic['url'],
        'user': to_str(record.get('User')),
        'status': basic['status'],
        'active': basic['active'],
        'stratum_url': to_str(record.get('Stratum URL')),
        'accepted': to_int(record.get('Accepted')),
        'rejected': to_int(record.get('Rejected')),
        'stale': to_int(record.get('Stale')),
        'rejected_percent': to_float(record.get('Pool Rejected%')),
        'stale_percent': to_float(record.get('Pool Stale%')),
        'stratum_difficulty': to_float(record.get('Stratum Difficulty')),
        'last_share_time': to_int(record.get('Last Share Time')),
        'get_failures': to_int(record.get('Get Failures')),
        'remote_failures': to_int(record.get('Remote Failures')),
    }


def error_facts(error_reply, summary):
    """``get_error_code`` (or summary ``Error Code N`` fields) -> [{code, time, reason}], at most MAX_ERRORS.

    One entry of the reply can hold any number of codes, so the cap is on the distinct
    errors kept, and the pairs are walked lazily: the walk stops once the list is full.
    Without the read the summary's fields stand in (``_error_pairs(None)`` yields nothing).
    """
    pairs = _error_pairs(error_reply) if error_reply is not None else _summary_error_pairs(summary)
    result = []
    seen = set()
    for code, when in pairs:
        if len(result) >= MAX_ERRORS:
            break
        number = to_int(code)
        when = to_str(when)
        key = (number if number is not None else to_str(code), when)
        if key in seen:
            continue
        seen.add(key)
        result.append({
            'code': number if number is not None else to_str(code),
            'time': when,
            'reason': error_codes.describe(code),
        })
    return result


def _error_pairs(reply):
    """Every shape seen: ``{"error_code": [{"329": "time"}]}``, a bare list, a dict of code: time."""
    msg = message(reply) if isinstance(data_of(reply), dict) else data_of(reply)
    if isinstance(msg, dict):
        msg = msg.get('error_code', msg.get('Error Code', msg if _looks_like_codes(msg) else []))
    if isinstance(msg, dict):
        msg = [msg]
    if not isinstance(msg, list):
        return
    for entry in msg:
        if isinstance(entry, dict):
            for code, when in entry.items():
                yield code, when
        elif to_int(entry) is not None:
            yield entry, None


def _summary_error_pairs(summary):
    count = to_int(summary.get('Error Code Count')) or 0
    for index in range(min(count, 64)):
        entry = summary.get('Error Code %d' % index)
        if isinstance(entry, dict):
            for code, when in entry.items():
                yield code, when
        elif entry is not None:
            yield entry, None


def _looks_like_codes(mapping):
    return bool(mapping) and all(to_int(key) is not None for key in mapping)


def detail_index(details):
    """``devdetails`` records by their id (``ID``, else ``DEVDETAILS``, as an int or None), the first of equal ids.

    Built once per reply: matching each board by scanning the whole list cost boards x
    details, hours for a hostile 4 MiB reply that arrived well within the deadline. A record
    without a usable id is kept under None, which a board without one matches, as the scan did.
    """
    index = {}
    for detail in details:
        index.setdefault(to_int(first(detail.get('ID'), detail.get('DEVDETAILS'))), detail)
    return index


def _detail_for(record, by_ident):
    """The detail of one board: its ``ID``, else ``ASC``, else ``Slot``, looked up in :func:`detail_index`."""
    return by_ident.get(to_int(first(record.get('ID'), record.get('ASC'), record.get('Slot'))), {})


def _mac(value):
    return value.upper() if value else None


def firmware_text(value):
    """A version as text; some firmware wraps it in quotes: ``'20220125.13.Rel'``."""
    value = to_str(value)
    return value.strip('\'"').strip() or None if value else value
