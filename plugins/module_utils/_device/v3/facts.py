# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 replies -> the same facts schema v2 fills (``_facts/schema.py``).

A pure function of three messages: ``get.device.info`` (identity, PSU, network, error
codes), ``get.miner.status`` (summary, pools, boards) and ``get.miner.setting`` (power
mode). v3 already reports hash rates in TH/s and PSU current in A and voltage in V, so
nothing is scaled here except ``vout`` (hundredths of a volt). What v3 does not report
(share counts, 5 s and 5 min rates, the chip type) stays None, as the schema promises
for any key a firmware leaves out. An unknown factory hash is reported as a negative
number (-0.001 per board, notes 4.2) and becomes None.

The power mode and a pool's status are spelt as v2 spells them and the facts module
documents them (``Low``, ``Normal``, ``High``; ``Alive``, ``Dead``; v3 sends them in lower
case), so one template serves a mixed fleet. A board's ``temp_c`` is its slot's entry of
``summary.board-temperature`` (the board temperature), never its chips' maximum. The PSU's
``*_raw`` fields stay None: they are v2's fixed-point integers (mA, 0.01 V), and v3 sends
amps and volts, which are the converted fields already. An idle miner can leave its pools
out of a status reply (MDKW, notes 4.2): :func:`is_idle` tells that case from a reply that
lost them, and the pools are then none, never guessed.
``bootup-time`` is seconds since boot on most firmware and a Unix time on some: the
reply's ``when`` (the miner's clock) turns the latter into seconds, as ``uptime()`` does.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import cut_text
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import first, to_bool, to_float, to_int, to_str
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import error_codes
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.derived import active_pool, squeeze
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.schema import SCHEMA_VERSION

# What the facts keep of a miner's lists (v2's facts keep the same): what is beyond is left
# out. MAX_POOLS is what is kept of a read, not the write limit of three in backend.py.
MAX_BOARDS = 64
MAX_POOLS = 64
MAX_ERRORS = 256
#: a ``bootup-time`` at least this large is a Unix time (2001-09-09), not seconds since boot
EPOCH_FLOOR = 10 ** 9
#: v3's power-mode words (notes: get.miner.setting, set.miner.power_mode) -> v2's, the documented spelling
POWER_MODES = {'low': 'Low', 'normal': 'Normal', 'high': 'High'}
#: v3's pool status words (notes 4.2: ``alive``, ...) -> v2's (cgminer's) spelling, the documented one
POOL_STATUSES = {'alive': 'Alive', 'dead': 'Dead', 'rejecting': 'Rejecting', 'disabled': 'Disabled', 'unknown': 'Unknown'}


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _hash(value):
    rate = to_float(value, 3)
    return None if rate is None or rate < 0 else rate


def _working(text):
    value = (to_str(text) or '').lower()
    return True if value == 'true' else False if value == 'false' else None


def is_idle(summary):
    """True when a ``summary`` says the miner hashes nothing (stopped, curtailed, btminer restarting).

    Such a miner may leave ``pools`` out of a ``get.miner.status`` reply that succeeds
    (MDKW, notes 4.2), and then it has no pools to show. A summary without any hash rate
    says nothing, so it is not idle: pools missing beside it are a reply that lost them.
    """
    summary = _dict(summary)
    rates = [to_float(summary.get(key)) for key in ('hash-realtime', 'hash-1min', 'hash-average')]
    rate = first(*rates)
    return rate is not None and rate <= 0


def is_whatsminer(device_info):
    """``get.device.info`` of a Whatsminer names its model and its API."""
    miner = device_info.get('miner') if isinstance(device_info, dict) else None
    system = device_info.get('system') if isinstance(device_info, dict) else None
    return isinstance(miner, dict) and isinstance(system, dict) and bool(to_str(miner.get('type')) or to_str(system.get('api')))


def build(device_info, status, miner_setting, host=None, port=None, collected=(), when=None):
    """The ``whatsminer`` facts dict; any argument may be None (not read, or the read failed).

    ``when``: the ``when`` of the reply that carried the summary (``Gathered.when``), the
    miner's clock, which a ``bootup-time`` given as a Unix time is taken against.
    """
    info = _dict(device_info)
    status = _dict(status)
    setting = _dict(miner_setting)
    miner = _dict(info.get('miner'))
    summary = _dict(status.get('summary'))
    power = _dict(info.get('power'))
    reported = summary.get('board-temperature')
    board_temps = reported[:MAX_BOARDS] if isinstance(reported, list) else []
    boards = [board_facts(index, record, miner, board_temps)
              for index, record in enumerate(_list(status.get('edevs'))[:MAX_BOARDS])]
    pools = [pool_facts(index, record) for index, record in enumerate(_list(status.get('pools'))[:MAX_POOLS])]
    errors = error_facts(info.get('error-code'))
    return {
        'schema_version': SCHEMA_VERSION,
        'identity': identity_facts(host, port, info),
        'mining': mining_facts(summary, miner, setting, when),
        'power': power_facts(summary, power),
        'thermal': thermal_facts(summary, boards, power),
        'boards': boards,
        'pools': pools,
        'active_pool': active_pool(pools),
        'errors': errors,
        'error_count': len(errors),
        'collected': sorted(collected),
    }


def identity_facts(host, port, info):
    network = _dict(info.get('network'))
    system = _dict(info.get('system'))
    miner = _dict(info.get('miner'))
    power = _dict(info.get('power'))
    dns = to_str(network.get('dns'))
    mac = to_str(network.get('mac'))
    return {
        'host': to_str(host),
        'port': to_int(port),
        'ip': first(to_str(network.get('ip')), to_str(host)),
        'mac': mac.upper() if mac else None,
        'hostname': to_str(network.get('hostname')),
        'model': to_str(miner.get('type')),
        'serial': to_str(miner.get('miner-sn')),
        'psu_serial': to_str(power.get('sn')),
        'api_version': to_str(system.get('api')),
        'firmware_version': to_str(system.get('fwversion')),
        'platform': to_str(system.get('platform')),
        'chip': None,
        'network_mode': to_str(network.get('proto')),
        'netmask': to_str(network.get('netmask')),
        'gateway': to_str(network.get('gateway')),
        'dns': dns.replace(',', ' ').split() if dns else [],
        'led_mode': to_str(system.get('ledstatus')),
    }


def mining_facts(summary, miner, setting, when=None):
    working = _working(miner.get('working'))
    realtime = _hash(summary.get('hash-realtime'))
    if working is None and realtime is not None:
        working = realtime > 0
    return {
        'is_mining': working,
        'power_mode': power_mode(setting.get('power-mode')),
        'hashrate_ths': first(realtime, _hash(summary.get('hash-1min')), _hash(summary.get('hash-average'))),
        'hashrate_5s_ths': None,
        'hashrate_1m_ths': _hash(summary.get('hash-1min')),
        'hashrate_5m_ths': None,
        'hashrate_15m_ths': _hash(summary.get('hash-15min')),
        'hashrate_avg_ths': _hash(summary.get('hash-average')),
        'hashrate_realtime_ths': realtime,
        'factory_hashrate_ths': _hash(summary.get('factory-hash')),
        'target_hashrate_ths': None,
        'hash_percent': to_float(miner.get('hash-percent')),
        'hash_stable': to_bool(summary.get('up-freq-finish')),
        'hash_stable_cost_s': None,
        'hash_deviation_percent': None,
        'uptime_s': uptime_seconds(summary.get('bootup-time'), when),
        'elapsed_s': to_int(summary.get('elapsed')),
        'accepted': None,
        'rejected': None,
        'pool_rejected_percent': None,
        'pool_stale_percent': None,
        'frequency_avg_mhz': to_float(summary.get('freq-avg')),
        'target_frequency_mhz': to_float(summary.get('target-freq')),
        'fast_boot': _enabled(first(to_str(setting.get('fast-boot')), to_str(miner.get('fast-boot')))),
    }


def power_mode(value):
    """``low``/``normal``/``high`` -> ``Low``/``Normal``/``High``, as v2 and the facts module's docs spell them.

    Matched without regard to case (``to_str`` strips the blanks); any other word (a newer
    firmware's) is kept as the miner sent it, so nothing it says is lost or guessed at.
    """
    text = to_str(value)
    return POWER_MODES.get(text.lower(), text) if text else text


def pool_status(value):
    """``alive``/``dead``/... -> ``Alive``/``Dead``/..., as v2 sends them and the facts module documents them.

    The same rule as :func:`power_mode`: known words matched without regard to case, any
    other text kept exactly as the miner sent it.
    """
    text = to_str(value)
    return POOL_STATUSES.get(text.lower(), text) if text else text


def uptime_seconds(bootup_time, when):
    """Seconds since boot from ``bootup-time``: that itself on most firmware, ``when - bootup-time`` on some.

    Some firmware reports the boot as a Unix time (>= EPOCH_FLOOR); then the reply's
    ``when`` gives the miner's own clock to take it against (the controller's could be
    off), and without ``when``, or with a clock behind the boot, the uptime is unknown.
    """
    boot = to_int(bootup_time)
    if boot is not None and boot >= EPOCH_FLOOR:
        now = to_int(when)
        return None if now is None or now < boot else now - boot
    return boot


def _enabled(text):
    value = (text or '').lower()
    return True if value in ('enable', 'enabled', 'true') else False if value in ('disable', 'disabled', 'false') else None


def power_facts(summary, power):
    return {
        'power_w': to_float(first(summary.get('power-realtime'), summary.get('power-5min'), power.get('pin'))),
        'power_limit_w': to_float(summary.get('power-limit')),
        'efficiency_j_per_th': to_float(summary.get('power-rate')),
        'psu': psu_facts(power),
    }


def psu_facts(power):
    return {
        'name': to_str(power.get('type')),
        'model': to_str(power.get('model')),
        'hw_version': to_str(power.get('hwversion')),
        'sw_version': to_str(power.get('swversion')),
        'version': None,
        'serial': to_str(power.get('sn')),
        'vendor': to_str(power.get('vendor')),
        'input_current_a': to_float(power.get('iin'), 3),
        'input_voltage_v': to_float(power.get('vin'), 2),
        'input_current_raw': None,     # v2's mA; v3 sends amps, input_current_a holds them as sent
        'input_voltage_raw': None,     # v2's 0.01 V; v3 sends volts, input_voltage_v holds them as sent
        'fan_rpm': to_int(power.get('fanspeed')),
        'temp_c': to_float(power.get('temp0')),
    }


def thermal_facts(summary, boards, power):
    reported = summary.get('board-temperature')
    board_temps = [to_float(value) for value in reported[:MAX_BOARDS]] if isinstance(reported, list) else []
    board_temps = [value for value in board_temps if value is not None]
    return {
        'temp_env_c': to_float(summary.get('environment-temperature')),
        'temp_c': max(board_temps) if board_temps else None,
        'chip_temp_min_c': to_float(summary.get('chip-temp-min')),
        'chip_temp_max_c': to_float(summary.get('chip-temp-max')),
        'chip_temp_avg_c': to_float(summary.get('chip-temp-avg')),
        'board_temps_c': board_temps,
        'fan_in_rpm': to_int(summary.get('fan-speed-in')),
        'fan_out_rpm': to_int(summary.get('fan-speed-out')),
        'psu_fan_rpm': to_int(power.get('fanspeed')),
        'psu_temp_c': to_float(power.get('temp0')),
    }


def board_facts(index, record, miner, board_temps=()):
    """One ``edevs`` entry; the board's serial and chip data come from ``get.device.info``.

    ``board_temps`` is ``summary.board-temperature``, one per slot: the board's own
    temperature. edevs carry only chip temperatures, and a board without its entry has
    ``temp_c`` None rather than a chip maximum passed off as the board temperature.
    """
    slot = to_int(first(record.get('slot'), record.get('id')))
    slot = index if slot is None else slot
    status = to_str(record.get('status'))
    return {
        'slot': slot,
        'asc': to_int(record.get('id')),
        'enabled': None if status is None else status.lower() in ('alive', 'enable', 'enabled', 'running'),
        'status': status,
        'model': None,
        'effective_chips': to_int(record.get('effective-chips')),
        'frequency_mhz': to_float(record.get('freq')),
        'temp_c': to_float(board_temps[slot]) if 0 <= slot < len(board_temps) else None,
        'chip_temp_min_c': to_float(record.get('chip-temp-min')),
        'chip_temp_max_c': to_float(record.get('chip-temp-max')),
        'chip_temp_avg_c': to_float(record.get('chip-temp-avg')),
        'hashrate_ths': first(_hash(record.get('hash-realtime')), _hash(record.get('hash-average'))),
        'hashrate_5s_ths': None,
        'hashrate_1m_ths': None,
        'hashrate_5m_ths': None,
        'hashrate_15m_ths': None,
        'hashrate_avg_ths': _hash(record.get('hash-average')),
        'factory_hashrate_ths': _hash(record.get('factory-hash')),
        'accepted': None,
        'rejected': None,
        'upfreq_complete': None,
        'pcb_serial': to_str(miner.get('pcbsn%d' % slot)),
        'chip_data': squeeze(to_str(miner.get('chipdata%d' % slot))),
    }


def pool_facts(index, record):
    """One pool; v3 has no share counts (notes 4.2), and some firmware has ``pool-priority`` and no ``id``."""
    number = to_int(record.get('id'))
    priority = to_int(record.get('pool-priority'))
    return {
        'number': index + 1 if number is None else number,
        'priority': first(priority, None if number is None else number - 1, index),
        'url': to_str(record.get('url')),
        'user': to_str(record.get('account')),
        'status': pool_status(record.get('status')),
        'active': bool(to_bool(record.get('stratum-active'))),
        'stratum_url': None,
        'accepted': None,
        'rejected': None,
        'stale': None,
        'rejected_percent': to_float(first(record.get('reject-rate'), record.get('reject-percent'))),
        'stale_percent': None,
        'stratum_difficulty': to_float(record.get('stratum-diff')),
        'last_share_time': to_int(record.get('last-share-time')),
        'get_failures': None,
        'remote_failures': None,
    }


def error_facts(value):
    """``[{"531": "2025-03-12 14:52:35", "reason": "Slot1 not found."}]``; odd shapes give what they can.

    Firmware also sends ints, strings and null (notes 4.1a), and a broken miner a bare text
    such as ``"btminer process is down err"`` in place of the list: text that is no code is
    an error all the same, so it becomes one entry with code None and the text (cut to
    length, as every text the library quotes) as its reason, never an empty list.
    At most MAX_ERRORS errors: one entry can hold any number of codes, so the list made is
    capped, not only the entries read.
    """
    if isinstance(value, (dict, str)):
        value = [value]
    if not isinstance(value, list):
        return []
    result = []
    for entry in value[:MAX_ERRORS]:
        for error in _entry_errors(entry):
            if len(result) >= MAX_ERRORS:
                return result
            result.append(error)
    return result


def _entry_errors(entry):
    """The errors of one ``error-code`` entry, lazily (the caller stops at MAX_ERRORS)."""
    if isinstance(entry, dict):
        reason = to_str(entry.get('reason'))
        codes = [code for code in entry if code != 'reason']
        for code in codes:
            number = to_int(code)
            yield dict(code=number if number is not None else to_str(code), time=to_str(entry[code]),
                       reason=reason or error_codes.describe(code))
        if not codes and reason:
            yield text_error(reason)
    elif to_int(entry) is not None:
        yield dict(code=to_int(entry), time=None, reason=error_codes.describe(entry))
    elif isinstance(entry, str) and entry.strip():
        yield text_error(entry)


def text_error(text):
    """An error the miner reports only in words: code and time unknown (None), the text its reason."""
    return dict(code=None, time=None, reason=cut_text(text.strip()))
