# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each role's argument specs document exactly its defaults.

Ansible takes a role variable's value from ``defaults/main.yml``; the ``default`` of
``meta/argument_specs.yml`` is what ``ansible-doc`` shows. Nothing in Ansible keeps the two
equal, so this does: every default is documented with its value, and an option without
a default in the spec has none in ``defaults/main.yml``.
"""

from __future__ import annotations

import glob
import os

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES = sorted(os.path.basename(path) for path in glob.glob(os.path.join(REPO, 'roles', '*')))


def _load(role, *parts):
    with open(os.path.join(REPO, 'roles', role, *parts), encoding='utf-8') as stream:
        return yaml.safe_load(stream) or {}


def test_the_collection_has_roles():
    assert 'firmware_rollout' in ROLES


@pytest.mark.parametrize('role', ROLES)
def test_every_default_is_documented_with_its_value(role):
    defaults = _load(role, 'defaults', 'main.yml')
    entry_points = _load(role, 'meta', 'argument_specs.yml')['argument_specs']
    documented = {}
    for entry_point, body in entry_points.items():
        for name, option in (body.get('options') or {}).items():
            documented.setdefault(name, []).append((entry_point, option))
    assert sorted(set(defaults) - set(documented)) == []
    for name, places in documented.items():
        for entry_point, option in places:
            if name in defaults:
                assert 'default' in option, '%s: %s has a default, not documented' % (entry_point, name)
                assert option['default'] == defaults[name], (entry_point, name)
            else:
                assert option.get('default') is None, '%s: %s documents a default it does not have' % (entry_point, name)
