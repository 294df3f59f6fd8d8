# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the v3 playbook tests share: a file's address block and ports, plays, tasks, host lists.

The simulated v3 miners listen on the site's v3 port with the reduced v2 of v3 firmware
on its v2 port, as real current firmware does. Each test file has its own address block
and ports, so xdist workers running different files never collide.
"""

from __future__ import annotations

import os

PASSWORD = 'Vq7pL2xw'
WAITS = dict(wait_timeout=10, poll_interval=0.1)
FAST = dict(idle_timeout=3.0, reboot_seconds=0.3, restart_seconds=0.2)


class V3Site:
    """127.0.<block>.x with 40 addresses per pytest-xdist worker, and the ports its miners use."""

    def __init__(self, block: int, port: int, v3_port: int) -> None:
        self.block = block
        self.port = port
        self.v3_port = v3_port

    def address(self, offset: int = 0) -> str:
        worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
        index = int(worker[2:]) if worker[2:].isdigit() else 0
        return '127.0.%d.%d' % (self.block, 1 + 40 * (index % 6) + offset)

    def fleet(self, sim_fleet, offset: int, count: int = 1, **options):
        settings = dict(FAST, port=self.port, v3_port=self.v3_port, api='v3', v3_password=PASSWORD)
        settings.update(options)
        return sim_fleet(self.address(offset), count, **settings)

    def play(self, tasks, ignore_errors: bool = False, **connection):
        defaults = dict(host='{{ ansible_host }}', port=self.port, v3_port=self.v3_port, timeout=3,
                        password='{{ whatsminer_password }}')
        defaults.update(connection)
        document = dict(name='Run', hosts='all', gather_facts=False,
                        module_defaults={'group/minerops.whatsminer.whatsminer': defaults}, tasks=tasks)
        if ignore_errors:
            document['ignore_errors'] = True
        return [document]


def task(module: str, name: str, **args):
    return {'name': name, 'minerops.whatsminer.%s' % module: args}


def hosts_of(fleet, password: str = PASSWORD, **extra):
    return dict(('m%d' % index, dict(ansible_host=miner.address, whatsminer_password=password, **extra))
                for index, miner in enumerate(fleet.miners))


def writes(miner):
    return [entry[0] for entry in miner.write_log]
