# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A RAM fact cache whose hosts share one copy of every repeated string.

Ansible keeps every host's facts in the controller and forks the controller once per
host-task, and a fork costs time in proportion to the controller's memory. Each host's
facts arrive from its worker unpickled with their own copies of every key and of values
such as the model, firmware or pool URL, so ten thousand hosts hold ten thousand copies.
This cache stores one: the same facts in about half the memory
(``benchmarks/README.md``, "A fact cache for fleets").
"""

from __future__ import annotations

DOCUMENTATION = r'''
name: fleet_memory
short_description: RAM-backed fact cache that stores repeated strings once across hosts
version_added: 0.1.0
author:
  - minerops.whatsminer contributors (@minerops)
description:
  - Like P(ansible.builtin.memory#cache), not persistent and without options, but the facts of
    all hosts share one copy of each key and string value of up to 64 characters, such as a
    model, a firmware version or a pool URL.
  - Ansible forks the controller for every host-task, and a fork costs time in proportion to the
    controller's memory, which holds every host's facts. With
    M(minerops.whatsminer.whatsminer_facts) on thousands of miners this cache halves the memory
    the facts take, and every later task of the run forks faster.
  - Enable it with C(fact_caching = minerops.whatsminer.fleet_memory) in the C([defaults]) section
    of C(ansible.cfg), or C(ANSIBLE_CACHE_PLUGIN=minerops.whatsminer.fleet_memory).
  - The facts themselves do not change. Only plain dicts, lists and strings are shared; a value
    of any other type, and everything inside it, is stored as it came.
  - The strings seen during a run stay in the cache until the run ends or the cache is flushed,
    including those of facts that were replaced since.
seealso:
  - plugin: ansible.builtin.memory
    plugin_type: cache
  - ref: ansible_collections.minerops.whatsminer.docsite.guide_scaling
    description: Running the collection on large fleets.
'''

from ansible.plugins.cache import BaseCacheModule

#: longer strings are rarely the same on two hosts, and each one seen would stay in the table
MAX_SHARED_LENGTH = 64
#: nesting below this depth is stored as it came, so a deep value cannot exhaust the stack
MAX_DEPTH = 64


class CacheModule(BaseCacheModule):
    """The memory cache's contract (``get`` returns the object ``set`` stored), with strings shared."""

    _persistent = False  # values stay Python objects: no JSON round trip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cache = {}
        self._strings = {}

    def _share(self, value, depth):
        """Swap the strings in ``value`` for the table's copies, in place.

        In place, because the worker's result that brought these facts still holds the same
        dicts until the task has run on every host: a copy would hold both until then, and
        the allocator keeps that peak for the rest of the run.
        """
        kind = type(value)
        if kind is str:
            return self._strings.setdefault(value, value) if len(value) <= MAX_SHARED_LENGTH else value
        if depth >= MAX_DEPTH:
            return value
        if kind is dict:
            items = [(self._share(key, depth), self._share(item, depth + 1)) for key, item in value.items()]
            value.clear()
            value.update(items)
        elif kind is list:
            value[:] = [self._share(item, depth + 1) for item in value]
        return value

    def get(self, key):
        return self._cache[key]

    def set(self, key, value):
        self._cache[key] = self._share(value, 0)

    def keys(self):
        return self._cache.keys()

    def contains(self, key):
        return key in self._cache

    def delete(self, key):
        del self._cache[key]

    def flush(self):
        self._cache = {}
        self._strings = {}
