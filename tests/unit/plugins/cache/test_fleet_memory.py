# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet_memory fact cache: the same facts back, with repeated strings stored once."""

from __future__ import annotations

import pickle

import pytest

from ansible_collections.minerops.whatsminer.plugins.cache import fleet_memory
from ansible_collections.minerops.whatsminer.plugins.cache.fleet_memory import MAX_DEPTH, MAX_SHARED_LENGTH


def host_facts(number):
    """One host's facts as the controller gets them: unpickled, so with strings of their own."""
    facts = {'whatsminer': {
        'identity': {'model': 'M30S+VE40', 'ip': '10.0.0.%d' % number, 'dns': ['1.1.1.1', '8.8.8.8']},
        'pools': [{'url': 'stratum+tcp://pool.example:3333', 'accepted': 1000 + number, 'active': True},
                  {'url': 'stratum+tcp://backup.example:3333', 'accepted': 0, 'active': False}],
        'power': {'power_w': 3400.5 + number, 'psu': {'model': 'P221B'}},
        'note': 'x' * (MAX_SHARED_LENGTH + 1),
    }}
    return pickle.loads(pickle.dumps(facts))


def strings_of(value, path=()):
    """Every string in a value with where it is: keys as ``('key', path)``, values as ``('value', path)``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield ('key', path + (key,)), key
            yield from strings_of(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_of(item, path + (index,))
    elif isinstance(value, str):
        yield ('value', path), value


@pytest.fixture
def cache():
    return fleet_memory.CacheModule()


def test_get_gives_back_the_facts_it_was_given(cache):
    facts = host_facts(1)
    cache.set('m1', facts)
    # the same object, as ansible.builtin.memory gives it back, and equal to what came in
    assert cache.get('m1') is facts
    assert cache.get('m1') == host_facts(1)
    assert cache.contains('m1') and not cache.contains('m2')
    assert list(cache.keys()) == ['m1']


def test_two_hosts_share_every_key_and_short_string_value(cache):
    first, second = host_facts(1), host_facts(2)
    assert all(a is not b for (_where, a), (_w, b) in zip(strings_of(first), strings_of(second)))
    cache.set('m1', first)
    cache.set('m2', second)
    pairs = list(zip(strings_of(cache.get('m1')), strings_of(cache.get('m2'))))
    assert len(pairs) == len(list(strings_of(first))) > 20
    for (where, a), (_where, b) in pairs:
        if a == b and len(a) <= MAX_SHARED_LENGTH:
            assert a is b, where
    # a string longer than the limit is kept as it came, never put in the table
    long_a, long_b = cache.get('m1')['whatsminer']['note'], cache.get('m2')['whatsminer']['note']
    assert long_a == long_b and long_a is not long_b
    assert cache.get('m1')['whatsminer']['identity']['ip'] == '10.0.0.1'


def test_key_order_and_value_types_are_kept(cache):
    facts = host_facts(3)
    cache.set('m3', facts)
    stored = cache.get('m3')['whatsminer']
    assert list(stored) == list(facts['whatsminer'])
    assert list(stored['pools'][0]) == ['url', 'accepted', 'active']
    assert stored['pools'][0]['active'] is True and isinstance(stored['power']['power_w'], float)


class Tagged(str):
    """Stands for ansible-core's tagged strings, which carry data a plain copy would lose."""


class TaggedDict(dict):
    pass


def test_other_types_and_what_they_hold_are_stored_as_they_came(cache):
    tagged, inner = Tagged('M30S+VE40'), {'model': 'M30S+VE40'}
    holder = TaggedDict(inner=inner)
    frozen = ('a', 'b')
    cache.set('m1', {'tagged': tagged, 'holder': holder, 'frozen': frozen})
    cache.set('m2', {'plain': ''.join(['M30S', '+VE40'])})
    cache.set('m3', {'plain': ''.join(['M30S+', 'VE40'])})
    stored = cache.get('m1')
    assert stored['tagged'] is tagged and stored['holder'] is holder and stored['holder']['inner'] is inner
    assert stored['frozen'] is frozen
    # the plain string is shared, and not with the subclass instance
    assert cache.get('m3')['plain'] is cache.get('m2')['plain']
    assert cache.get('m2')['plain'] is not tagged and not isinstance(cache.get('m2')['plain'], Tagged)


def test_strings_are_swapped_in_place_so_the_result_holding_the_same_dicts_lets_its_copies_go(cache):
    result_of_first, result_of_second = host_facts(1), host_facts(2)
    first_pool = result_of_first['whatsminer']['pools'][0]
    cache.set('m1', dict(result_of_first))   # the strategy stores a shallow copy of the result's facts
    cache.set('m2', dict(result_of_second))
    # the worker's results now hold the shared strings too, not copies of their own
    assert result_of_first['whatsminer']['pools'][0] is first_pool
    second_pool = result_of_second['whatsminer']['pools'][0]
    assert second_pool['url'] is first_pool['url']
    assert next(key for key in second_pool if key == 'accepted') is next(key for key in first_pool if key == 'accepted')


def test_deep_nesting_is_stored_without_exhausting_the_stack(cache):
    cache.set('m0', {'name': 'level'})
    shared = cache.get('m0')['name']
    deep = inner = []
    for _level in range(20000):
        inner.append(''.join(['lev', 'el']))   # equal to the shared string, but its own object
        inner.append([])
        inner = inner[1]
    cache.set('m1', {'deep': deep})
    level, depth = cache.get('m1')['deep'], 1
    while level:
        # swapped down to the depth limit, stored as it came below it
        assert (level[0] is shared) == (depth < MAX_DEPTH), depth
        level, depth = level[1], depth + 1
    assert depth == 20001


def test_delete_and_flush(cache):
    cache.set('m1', host_facts(1))
    cache.set('m2', host_facts(2))
    cache.delete('m1')
    assert not cache.contains('m1') and cache.contains('m2')
    with pytest.raises(KeyError):
        cache.get('m1')
    shared = cache.get('m2')['whatsminer']['identity']['model']
    cache.flush()
    assert not list(cache.keys())
    cache.set('m3', host_facts(3))
    # the table went with the flush: a new host's strings are not the old host's
    assert cache.get('m3')['whatsminer']['identity']['model'] is not shared
