# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Facts derived from other facts of the schema, the same whichever API filled them."""

from __future__ import annotations


def active_pool(pools):
    """The pool the miner hashes on: the stratum-active one, else the best-priority alive one."""
    for pool in pools:
        if pool['active']:
            return pool['url']
    alive = [pool for pool in pools if (pool['status'] or '').lower() == 'alive' and pool['url']]
    if alive:
        return sorted(alive, key=lambda pool: (pool['priority'] is None, pool['priority']))[0]['url']
    return None


def squeeze(value):
    """Runs of whitespace as one space (chip data), None stays None."""
    return ' '.join(value.split()) if value else value
