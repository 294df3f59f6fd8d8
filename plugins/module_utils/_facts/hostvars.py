# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The facts schema -> flat ``whatsminer_*`` host variables for the inventory plugin.

Flat names are what ``keyed_groups``, ``compose`` and ``--limit`` patterns want; they
are a projection of the same schema the facts module returns, so the two never
disagree on what "hash rate" means.
"""

from __future__ import annotations

# host variable -> (section, key) in the facts schema; section None = top level
BASIC = (
    ('whatsminer_model', 'identity', 'model'),
    ('whatsminer_firmware', 'identity', 'firmware_version'),
    ('whatsminer_mac', 'identity', 'mac'),
    ('whatsminer_hostname', 'identity', 'hostname'),
    ('whatsminer_serial', 'identity', 'serial'),
    ('whatsminer_is_mining', 'mining', 'is_mining'),
    ('whatsminer_power_mode', 'mining', 'power_mode'),
    ('whatsminer_hashrate_ths', 'mining', 'hashrate_ths'),
    ('whatsminer_hashrate_avg_ths', 'mining', 'hashrate_avg_ths'),
    ('whatsminer_factory_hashrate_ths', 'mining', 'factory_hashrate_ths'),
    ('whatsminer_uptime_s', 'mining', 'uptime_s'),
    ('whatsminer_power_w', 'power', 'power_w'),
    ('whatsminer_power_limit_w', 'power', 'power_limit_w'),
    ('whatsminer_temp_env_c', 'thermal', 'temp_env_c'),
    ('whatsminer_chip_temp_max_c', 'thermal', 'chip_temp_max_c'),
    ('whatsminer_chip_temp_avg_c', 'thermal', 'chip_temp_avg_c'),
    ('whatsminer_fan_in_rpm', 'thermal', 'fan_in_rpm'),
    ('whatsminer_fan_out_rpm', 'thermal', 'fan_out_rpm'),
    ('whatsminer_pool', None, 'active_pool'),
    ('whatsminer_error_count', None, 'error_count'),
)


def host_vars(facts, level):
    """``whatsminer_*`` variables for ``facts`` at ``level`` (none, basic or full)."""
    if level == 'none':
        return {}
    result = {}
    for name, section, key in BASIC:
        source = facts if section is None else facts.get(section, {})
        result[name] = source.get(key)
    result['whatsminer_error_codes'] = [error['code'] for error in facts.get('errors', [])]
    if level == 'full':
        result['whatsminer_facts'] = facts
    return result
