# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the client-vs-simulator tests (helpers in client_rig.py): ``WhatsminerClient`` over real sockets."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from client_rig import rig_factory  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def make_rig(sim_fleet):
    """``make_rig(block, count=1, timeout=2.0, **fleet_options)`` -> ``client_rig.Rig`` on 127.0.<block>.x."""
    return rig_factory(sim_fleet)
