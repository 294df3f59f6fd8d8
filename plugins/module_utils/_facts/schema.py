# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``ansible_facts.whatsminer`` schema, as data: every key, its type, in order.

One schema for every API version: each backend fills exactly these keys (units in the
names: ``_ths``, ``_w``, ``_c``, ``_s``, ``_rpm``), and the facts module's RETURN
documentation lists exactly these keys with these types. Tests hold all three in step
(``tests/unit/plugins/module_utils/_facts/test_schema_contract.py``), the way
community.routeros keeps its docs in step with its API data.

A type is ``'int'``, ``'float'``, ``'str'``, ``'bool'``, ``'dict'``, ``'list:<elements>'``,
or a tuple ``(type, {key: type})`` for a dict or a list of dicts with known keys.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

IDENTITY = {
    'host': 'str', 'port': 'int', 'ip': 'str', 'mac': 'str', 'hostname': 'str', 'model': 'str', 'serial': 'str',
    'psu_serial': 'str', 'api_version': 'str', 'firmware_version': 'str', 'platform': 'str', 'chip': 'str',
    'network_mode': 'str', 'netmask': 'str', 'gateway': 'str', 'dns': 'list:str', 'led_mode': 'str',
}
MINING = {
    'is_mining': 'bool', 'power_mode': 'str', 'hashrate_ths': 'float', 'hashrate_5s_ths': 'float',
    'hashrate_1m_ths': 'float', 'hashrate_5m_ths': 'float', 'hashrate_15m_ths': 'float', 'hashrate_avg_ths': 'float',
    'hashrate_realtime_ths': 'float', 'factory_hashrate_ths': 'float', 'target_hashrate_ths': 'float',
    'hash_percent': 'float', 'hash_stable': 'bool', 'hash_stable_cost_s': 'int', 'hash_deviation_percent': 'float',
    'uptime_s': 'int', 'elapsed_s': 'int', 'accepted': 'int', 'rejected': 'int', 'pool_rejected_percent': 'float',
    'pool_stale_percent': 'float', 'frequency_avg_mhz': 'float', 'target_frequency_mhz': 'float', 'fast_boot': 'bool',
}
PSU = {
    'name': 'str', 'model': 'str', 'hw_version': 'str', 'sw_version': 'str', 'version': 'str', 'serial': 'str',
    'vendor': 'str', 'input_current_a': 'float', 'input_voltage_v': 'float', 'input_current_raw': 'int',
    'input_voltage_raw': 'int', 'fan_rpm': 'int', 'temp_c': 'float',
}
POWER = {'power_w': 'float', 'power_limit_w': 'float', 'efficiency_j_per_th': 'float', 'psu': ('dict', PSU)}
THERMAL = {
    'temp_env_c': 'float', 'temp_c': 'float', 'chip_temp_min_c': 'float', 'chip_temp_max_c': 'float',
    'chip_temp_avg_c': 'float', 'board_temps_c': 'list:float', 'fan_in_rpm': 'int', 'fan_out_rpm': 'int',
    'psu_fan_rpm': 'int', 'psu_temp_c': 'float',
}
BOARD = {
    'slot': 'int', 'asc': 'int', 'enabled': 'bool', 'status': 'str', 'model': 'str', 'effective_chips': 'int',
    'frequency_mhz': 'float', 'temp_c': 'float', 'chip_temp_min_c': 'float', 'chip_temp_max_c': 'float',
    'chip_temp_avg_c': 'float', 'hashrate_ths': 'float', 'hashrate_5s_ths': 'float', 'hashrate_1m_ths': 'float',
    'hashrate_5m_ths': 'float', 'hashrate_15m_ths': 'float', 'hashrate_avg_ths': 'float',
    'factory_hashrate_ths': 'float', 'accepted': 'int', 'rejected': 'int', 'upfreq_complete': 'bool',
    'pcb_serial': 'str', 'chip_data': 'str',
}
POOL = {
    'number': 'int', 'priority': 'int', 'url': 'str', 'user': 'str', 'status': 'str', 'active': 'bool',
    'stratum_url': 'str', 'accepted': 'int', 'rejected': 'int', 'stale': 'int', 'rejected_percent': 'float',
    'stale_percent': 'float', 'stratum_difficulty': 'float', 'last_share_time': 'int', 'get_failures': 'int',
    'remote_failures': 'int',
}
ERROR = {'code': 'int', 'time': 'str', 'reason': 'str'}

#: what a backend's facts carry (the miner's own data)
GATHERED = {
    'schema_version': 'int',
    'collected': 'list:str',
    'identity': ('dict', IDENTITY),
    'mining': ('dict', MINING),
    'power': ('dict', POWER),
    'thermal': ('dict', THERMAL),
    'boards': ('list:dict', BOARD),
    'pools': ('list:dict', POOL),
    'active_pool': 'str',
    'errors': ('list:dict', ERROR),
    'error_count': 'int',
}

#: what the facts module adds about the gathering itself
BOOKKEEPING = {
    'gathered_subsets': 'list:str',
    'failed_subsets': 'list:str',
    'unsupported_subsets': 'list:str',
    'raw': 'dict',
}

#: sections a backend can be asked to read one at a time (``Miner.read``)
SECTIONS = ('identity', 'mining', 'power', 'thermal', 'boards', 'pools', 'errors')
