# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for tests against simulated miners and real Ansible runs.

``sim_fleet(first_address='127.0.x.1', count=1, **kw)``
    Starts a ``whatsminer_sim.Fleet`` (keyword arguments as in docs/architecture.md)
    and returns it running; every fleet started in a test is stopped at teardown.
    Give each test its own address block so xdist workers never collide.

``ansible_runner``
    An ``ansible_harness.AnsibleRunner`` working in the test's ``tmp_path``.

``run_playbook(playbook, hosts, check=False, diff=False, extra_vars=None, env=None, timeout=120)``
    Shortcut for ``ansible_runner.playbook(...)``; returns an ``AnsibleRun``
    (``rc``, ``stdout``, ``stderr``, ``result(host, task)`` -> ``TaskRecord``).
"""

from __future__ import annotations

import contextlib
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ansible_harness import AnsibleRunner  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def sim_fleet():
    from whatsminer_sim import Fleet  # pylint: disable=import-outside-toplevel  # imported late: tools/ is put on sys.path by the root conftest

    with contextlib.ExitStack() as stack:
        def start(first_address, count=1, **kwargs):
            return stack.enter_context(Fleet(first_address=first_address, count=count, **kwargs))
        yield start


@pytest.fixture
def ansible_runner(tmp_path):
    return AnsibleRunner(tmp_path)


@pytest.fixture
def run_playbook(ansible_runner):  # pylint: disable=redefined-outer-name
    return ansible_runner.playbook
