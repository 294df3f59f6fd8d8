# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The facts schema -> the inventory's ``whatsminer`` host variable (and its flat twins).

One mapping per host instead of 21 flat variables: Ansible costs about 15 us of CPU per
host variable it stores (it visits and tags every value), which at 10,000 miners is a
second of an inventory that has to be fast. The mapping is a projection of the same
schema the facts module returns, so the two never disagree on what "hash rate" means.
``compose``, ``groups`` and ``keyed_groups`` see the flat ``whatsminer_*`` names as well
(:func:`flat`), and ``flat_vars`` sets them as host variables for playbooks written
against them.

Every value comes from a miner, so every text is capped (:data:`MAX_TEXT`): the default
groups and ``keyed_groups`` name groups after these values, and a hostile miner's
4 MiB "model" must not become a 4 MiB group name on every run.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import cut_text

#: the longest text the variable keeps whole: a host name's 253 characters and room to spare;
#: no real miner reports a model, firmware, serial or pool URL near it
MAX_TEXT = 255

# key of the ``whatsminer`` variable -> (section, key) in the facts schema; section None = top level
BASIC = (
    ('model', 'identity', 'model'),
    ('firmware', 'identity', 'firmware_version'),
    ('mac', 'identity', 'mac'),
    ('hostname', 'identity', 'hostname'),
    ('serial', 'identity', 'serial'),
    ('is_mining', 'mining', 'is_mining'),
    ('power_mode', 'mining', 'power_mode'),
    ('hashrate_ths', 'mining', 'hashrate_ths'),
    ('hashrate_avg_ths', 'mining', 'hashrate_avg_ths'),
    ('factory_hashrate_ths', 'mining', 'factory_hashrate_ths'),
    ('uptime_s', 'mining', 'uptime_s'),
    ('power_w', 'power', 'power_w'),
    ('power_limit_w', 'power', 'power_limit_w'),
    ('temp_env_c', 'thermal', 'temp_env_c'),
    ('chip_temp_max_c', 'thermal', 'chip_temp_max_c'),
    ('chip_temp_avg_c', 'thermal', 'chip_temp_avg_c'),
    ('fan_in_rpm', 'thermal', 'fan_in_rpm'),
    ('fan_out_rpm', 'thermal', 'fan_out_rpm'),
    ('pool', None, 'active_pool'),
    ('error_count', None, 'error_count'),
)
#: the keys of :func:`summary`, in order
KEYS = tuple(key for key, _section, _field in BASIC) + ('error_codes',)
FLAT_NAMES = tuple(('whatsminer_' + key, key) for key in KEYS)


def summary(facts, cut=None):
    """The ``whatsminer`` variable: the basic facts of one miner, flat keys, JSON values.

    A text longer than :data:`MAX_TEXT` is cut (ending in ``...``) and its key appended to
    ``cut``, when given, so the caller can say which miner sent it.
    """
    result = {}
    for key, section, field in BASIC:
        source = facts if section is None else facts.get(section) or {}
        value = source.get(field)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            value = cut_text(value, MAX_TEXT)
            if cut is not None:
                cut.append(key)
        result[key] = value
    result['error_codes'] = [error['code'] for error in facts.get('errors') or ()]
    return result


def flat(basic):
    """``{'model': ...}`` -> ``{'whatsminer_model': ...}``: the names compose and older playbooks use."""
    return dict((name, basic.get(key)) for name, key in FLAT_NAMES)
