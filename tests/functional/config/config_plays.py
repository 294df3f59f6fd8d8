# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fleets and play builders shared by the pools/power/tuning integration tests.

Starting a fleet costs little, but each test file shares one (module scope), and each
test uses its own miner of it, so tests stay independent without a fleet per test.
Addresses: 127.0.50.x - 127.0.59.x (this suite's block). btminer restarts and preheating
take 0.3 s in these fleets and waits poll every 0.1 s, so waits are real but short.
"""

from __future__ import annotations

import os


FAST = dict(restart_seconds=0.3, preheat_seconds=0.3, reboot_seconds=0.5)
WAITS = dict(wait_timeout=5, poll_interval=0.1)
#: Where nothing listens: proves a task failed before any traffic (it would fail to connect otherwise).
NOWHERE = '127.0.56.200'


def first_address(block):
    """First miner address in 127.0.<block>.x, distinct per pytest-xdist worker.

    Module-scoped fleets are started once per worker, so two workers running tests of
    the same file would otherwise listen on the same addresses.
    """
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.%d.%d' % (block, 1 + 20 * (index % 12))


def start_fleet(first_address, count, **options):
    from whatsminer_sim import Fleet  # pylint: disable=import-outside-toplevel  # tools/ is put on sys.path by the root conftest

    settings = dict(FAST)
    settings.update(options)
    return Fleet(first_address=first_address, count=count, **settings)


def play(tasks, name='Configure miners', hosts='all', **extra):
    """One play with the connection set once for the whole action group."""
    document = dict(
        name=name,
        hosts=hosts,
        gather_facts=False,
        module_defaults={'group/minerops.whatsminer.whatsminer': dict(
            host='{{ ansible_host }}', password="{{ whatsminer_password | default('admin') }}", timeout=3)},
        tasks=tasks,
    )
    document.update(extra)
    return [document]


def task(module, name='Apply', **args):
    return {'name': name, 'minerops.whatsminer.%s' % module: args}
