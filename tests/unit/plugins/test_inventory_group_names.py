# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Default group names keep different models apart."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.inventory.whatsminer import InventoryModule


@pytest.mark.parametrize('prefix, value, expected', [
    ('model', 'M30S+VE40', 'model_m30splus_ve40'),
    ('model', 'M30S++VH30', 'model_m30splusplus_vh30'),
    ('model', 'M30SVE40', 'model_m30sve40'),
    ('firmware', '20220125.13.Rel', 'firmware_20220125_13_rel'),
    ('model', None, None),
    ('model', '', None),
])
def test_group_names(prefix, value, expected):
    assert InventoryModule._group(prefix, value) == expected  # pylint: disable=protected-access


def test_plus_and_plusplus_models_get_different_groups():
    assert InventoryModule._group('model', 'M30S+VH30') != InventoryModule._group('model', 'M30S++VH30')  # pylint: disable=protected-access
