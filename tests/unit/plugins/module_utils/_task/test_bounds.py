# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The result limits: what a hostile miner's data becomes in a task result."""

from __future__ import annotations

import json

from ansible_collections.minerops.whatsminer.plugins.module_utils._task import bounds
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.bounds import bounded


def test_a_small_result_is_returned_equal_and_unmarked():
    result = dict(changed=False, facts=dict(pools=[dict(url='stratum+tcp://a:3333', priority=0)], temp=61.5, ok=True,
                                            none=None), warnings=['w'])
    out = bounded(result)
    assert out == result
    assert 'truncated' not in out


def test_a_long_string_is_cut_with_a_marker_and_its_path_listed():
    out = bounded(dict(reply=dict(Msg=dict(Description='\n' * (3 << 20)))))
    text = out['reply']['Msg']['Description']
    assert text.startswith('\n' * bounds.MAX_TEXT_CHARS)
    assert text.endswith('...[cut: %d more characters]' % ((3 << 20) - bounds.MAX_TEXT_CHARS))
    assert out['truncated'] == ['reply.Msg.Description']
    assert 'reply.Msg.Description' in out['warnings'][-1]


def test_long_lists_and_mappings_are_cut_and_marked():
    out = bounded(dict(data=list(range(10000)), keys=dict(('k%d' % i, i) for i in range(5000))))
    assert len(out['data']) == bounds.MAX_ITEMS + 1
    assert out['data'][-1] == '[cut: %d more items]' % (10000 - bounds.MAX_ITEMS)
    assert out['keys']['...'] == '[cut: %d more keys]' % (5000 - bounds.MAX_ITEMS)
    assert set(out['truncated']) == {'data', 'keys'}


def test_deep_nesting_becomes_a_marker_never_a_recursion_error():
    deep = []
    for _level in range(5000):
        deep = [deep]
    out = bounded(dict(data=deep))
    json.dumps(out)   # serialisable: the callback will not lose the output
    node, depth = out['data'], 1
    while isinstance(node, list):
        node, depth = node[0], depth + 1
    assert node == '[cut: nested deeper than %d levels]' % bounds.MAX_DEPTH
    assert depth == bounds.MAX_DEPTH
    assert out['truncated'][0].startswith('data[0][0]')


def test_the_total_budget_bounds_many_medium_strings():
    out = bounded(dict(items=['x' * 10000] * 1000))
    total = sum(len(item) for item in out['items'])
    assert total < bounds.MAX_TOTAL_CHARS + 1000 * 40
    assert len(out['truncated']) == bounds.MAX_PATHS_LISTED
    assert 'and ' in out['warnings'][-1] and 'more' in out['warnings'][-1]


def test_existing_warnings_are_kept_before_the_cut_warning():
    out = bounded(dict(warnings=['first'], data='y' * (bounds.MAX_TEXT_CHARS + 1)))
    assert out['warnings'][0] == 'first'
    assert len(out['warnings']) == 2


def test_non_json_values_become_text_and_keys_become_strings():
    out = bounded({1: b'raw', 'set': (1, 2)})
    assert out == {'1': "b'raw'", 'set': [1, 2]}
