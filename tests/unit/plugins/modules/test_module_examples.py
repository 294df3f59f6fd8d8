# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module's EXAMPLES use only options the modules have, with values they accept.

An example is what an operator copies first; one that names an option or a choice that
does not exist fails at once on a real farm. Values with Jinja are left to run time.
"""

from __future__ import annotations

import glob
import importlib
import os

import pytest
import yaml

from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import subsets

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
MODULES = sorted(os.path.basename(path)[:-3] for path in glob.glob(os.path.join(REPO, 'plugins', 'modules', '*.py')))
PREFIX = 'minerops.whatsminer.'


def tasks_of(items):
    for item in items or ():
        if not isinstance(item, dict):
            continue
        if 'hosts' in item:
            for key in ('pre_tasks', 'tasks', 'post_tasks', 'handlers'):
                yield from tasks_of(item.get(key))
        elif 'block' in item:
            for key in ('block', 'rescue', 'always'):
                yield from tasks_of(item.get(key))
        else:
            yield item


def calls():
    """(example's module, the module it calls, its arguments) for every collection task in EXAMPLES."""
    found = []
    for name in MODULES:
        module = importlib.import_module('ansible_collections.minerops.whatsminer.plugins.modules.' + name)
        for task in tasks_of(yaml.safe_load(module.EXAMPLES)):
            for key, args in task.items():
                if key.startswith(PREFIX):
                    found.append(pytest.param(name, key[len(PREFIX):], args or {}, id='%s:%s' % (name, task.get('name'))))
    return found


def spec_of(module_name):
    module = importlib.import_module('ansible_collections.minerops.whatsminer.plugins.modules.' + module_name)
    return module.logic.ARGUMENT_SPEC


def templated(value):
    return isinstance(value, str) and ('{{' in value or '{%' in value)


@pytest.mark.parametrize('example, called, args', calls())
def test_example_options_exist_and_literal_choices_are_valid(example, called, args):
    spec = spec_of(called)
    names = dict((alias, name) for name, option in spec.items() for alias in [name] + option.get('aliases', []))
    assert isinstance(args, dict), '%s: %s is called with free-form arguments' % (example, called)
    for key, value in args.items():
        assert key in names, '%s: %s has no option %s' % (example, called, key)
        choices = spec[names[key]].get('choices')
        if choices and not templated(value):
            for item in value if isinstance(value, list) else [value]:
                assert item in choices, '%s: %s=%r is not one of %s' % (example, key, item, choices)
    if called == 'whatsminer_facts' and not templated(args.get('gather_subset')):
        assert subsets.resolve_subsets(args.get('gather_subset'))


def test_every_module_has_examples_that_call_it():
    called = set(param.values[1] for param in calls())
    assert len(MODULES) >= 13 and called >= set(MODULES)
