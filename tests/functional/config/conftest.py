# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A module-scoped Ansible runner for the pools/power/tuning integration tests (helpers in config_plays.py)."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ansible_harness import AnsibleRunner  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='module')
def runner(tmp_path_factory):
    return AnsibleRunner(tmp_path_factory.mktemp('ansible'))
