# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``gather_subset``: which facets of a miner to read, as the facts module documents them.

The names are the module's option values; which reads serve each subset is the
backend's business (``_device/v2/gather.py`` for API v2).
"""

from __future__ import annotations

SUBSETS = ('summary', 'pools', 'devs', 'devdetails', 'psu', 'version', 'status', 'miner_info', 'error_code')


class SubsetError(ValueError):
    """``gather_subset`` names something that is not a subset."""


def resolve_subsets(requested):
    """``['all', '!psu']`` -> the ordered subset names to gather.

    ``all`` means every subset; ``!name`` removes one (a list of only exclusions starts
    from ``all``). Unknown names raise :class:`SubsetError` naming the valid ones.
    """
    requested = list(requested or ['all'])
    chosen = []
    include_all = False
    excluded = set()
    for item in requested:
        name = str(item).strip()
        negate = name.startswith('!')
        if negate:
            name = name[1:].strip()
        if name != 'all' and name not in SUBSETS:
            raise SubsetError('unknown gather_subset %r; choose from all, %s (prefix ! to exclude)'
                              % (str(item), ', '.join(SUBSETS)))
        if negate:
            excluded.update(SUBSETS if name == 'all' else [name])
        elif name == 'all':
            include_all = True
        elif name not in chosen:
            chosen.append(name)
    if include_all or not chosen:
        chosen = list(SUBSETS) if (include_all or excluded) else chosen
    return [name for name in SUBSETS if name in chosen and name not in excluded]
