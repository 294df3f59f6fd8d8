# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The facts schema, the v2 backend's facts and the facts module's RETURN docs: one set of keys and types."""

from __future__ import annotations

import os
import sys

import yaml

from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import facts as v2_facts
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import gather as v2_gather
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import schema, subsets
from ansible_collections.minerops.whatsminer.plugins.modules import whatsminer_facts

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '_device', 'v2'))

import replies as samples  # noqa: E402  pylint: disable=wrong-import-position


def documented(options):
    """RETURN ``contains`` -> the schema's notation (``'int'``, ``'list:str'``, ``(type, {...})``)."""
    tree = {}
    for key, doc in options.items():
        kind = doc['type'] if doc['type'] != 'list' else 'list:%s' % doc.get('elements', '')
        tree[key] = (kind, documented(doc['contains'])) if 'contains' in doc else kind
    return tree


def return_docs():
    docs = yaml.safe_load(whatsminer_facts.RETURN)
    return documented(docs['ansible_facts']['contains']['whatsminer']['contains'])


def keys_of(value, spec):
    """The keys ``value`` has, in the shape of ``spec`` (elements of lists of dicts by their first item)."""
    tree = {}
    for key, kind in spec.items():
        assert key in value, 'the v2 facts lack %r' % key
        if isinstance(kind, tuple):
            inner = value[key]
            if isinstance(inner, list):
                assert inner, 'the sample replies give no %s to compare' % key
                inner = inner[0]
            tree[key] = (kind[0], keys_of(inner, kind[1]))
            assert sorted(inner) == sorted(kind[1]), '%s: extra keys %s' % (key, sorted(set(inner) - set(kind[1])))
        else:
            tree[key] = kind
    assert sorted(value) == sorted(spec), 'extra keys %s' % sorted(set(value) - set(spec))
    return tree


def test_return_docs_list_exactly_the_schema():
    expected = dict(schema.GATHERED, **schema.BOOKKEEPING)
    assert return_docs() == expected


def test_v2_facts_fill_exactly_the_schema():
    built = v2_facts.build(samples.spec_replies(), host='192.0.2.10', port=4028)
    assert keys_of(built, schema.GATHERED) == schema.GATHERED


def test_v2_facts_from_nothing_still_have_every_key():
    built = v2_facts.build({}, host='192.0.2.10', port=4028)
    for section, kind in schema.GATHERED.items():
        assert section in built
        if isinstance(kind, tuple) and kind[0] == 'dict':
            assert sorted(built[section]) == sorted(kind[1])


def test_v2_serves_every_documented_subset():
    assert tuple(v2_gather.SUBSET_COMMANDS) == subsets.SUBSETS
