# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The result limits build a path only for what they cut; the paths read as before."""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._task import bounds
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.bounds import bounded

LONG = 'y' * (bounds.MAX_TEXT_CHARS + 1)


def test_nested_cut_paths_name_keys_and_indexes():
    out = bounded({'pools': [{'url': 'ok'}, {'url': LONG}], 'a': {'b': {'c': LONG}}, 7: [[LONG]]})
    assert out['truncated'] == ['7[0][0]', 'a.b.c', 'pools[1].url']
    assert out['pools'][0] == {'url': 'ok'}


def test_long_containers_are_named_by_their_own_path():
    out = bounded({'x': {'y': list(range(bounds.MAX_ITEMS + 2))}})
    assert out['truncated'] == ['x.y']


def test_subclasses_and_other_values_keep_the_old_treatment():
    class Text(str):
        pass

    class Flag(int):
        pass

    out = bounded({'t': Text('abc'), 'f': Flag(3), 'b': True, 'n': None, 'o': ValueError('why')})
    assert out['t'].__class__ is Text and out['f'].__class__ is Flag and out['b'] is True and out['n'] is None
    assert out['o'] == 'why'


def test_the_total_budget_counts_plain_strings():
    count = bounds.MAX_TOTAL_CHARS // 1000 + 5
    out = bounded({'items': ['z' * 1000] * count})
    cut = [item for item in out['items'] if item != 'z' * 1000]
    assert cut and out['truncated'][0].startswith('items[')
    assert sum(len(item) for item in out['items'] if item == 'z' * 1000) <= bounds.MAX_TOTAL_CHARS
