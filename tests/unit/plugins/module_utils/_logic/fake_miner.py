# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An in-memory stand-in for WhatsminerClient, for the compare/plan logic of the config modules.

It keeps the few settings the pools/power/tuning logic reads, answers reads in the
library's Reply shape (``data``), and records writes, so unit tests can check exactly
which writes a plan sends without sockets. The logic talks to it through the real
device layer and v2 backend (``device()``), so these tests cover the logic and the v2
settings table together; the real protocol is covered by the functional tests
against the simulator.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv2 import ApiV2
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend


def device(fake, check_mode=False):
    """The Miner a module's logic gets, over the v2 backend, over ``fake``."""
    return Miner(V2Backend(fake), check_mode)


class FakeReply:
    """A protocol reply as the backends read it (v2 and v3): its data, its message, no miner clock."""

    def __init__(self, data, msg=None):
        self.data = data
        self.msg = msg if msg is not None else data
        self.when = None


class FakeMiner:
    """Settings plus the behaviour a test switches on (writes that change nothing, ...)."""

    host = '192.0.2.10'
    port = 4028
    password = 'admin'
    # validation only: the backend prepares each write with the real v2 command table
    protocol = ApiV2(host, port, 1.0, 1.0, None)

    def __init__(self, **settings):
        self.pools = [dict(url='stratum+tcp://a.example:3333', user='farm.a')]
        self.mining = True
        self.mode = 'Normal'
        self.power_limit = 3600
        self.hash_percent = '0'
        self.fast_boot = 'disable'
        self.ignore = set()       # commands accepted but without effect
        self.acknowledge = set()  # commands answered "ok" but without effect
        self.reads = []
        self.writes = []
        self.preheat_asks = 0
        self.password_right = True
        self.omit = set()         # reply fields this firmware leaves out ('hash_percent', 'btmineroff', 'Power Limit', ...)
        for name, value in settings.items():
            setattr(self, name, value)

    # --- reads -------------------------------------------------------------------
    def read(self, command):
        self.reads.append(command)
        if command == 'pools':
            return FakeReply([dict(POOL=index + 1, Priority=index, URL=pool['url'], User=pool['user'])
                              for index, pool in enumerate(self.pools)])
        if command == 'status':
            return FakeReply(self._without(dict(btmineroff='false' if self.mining else 'true', power_mode=self.mode,
                                                hash_percent=self.hash_percent)))
        if command == 'summary':
            return FakeReply([self._without({'Power Mode': self.mode, 'Power Limit': self.power_limit,
                                             'Btminer Fast Boot': self.fast_boot})])
        raise AssertionError('unexpected read %s' % command)

    def _without(self, record):
        return dict((key, value) for key, value in record.items() if key not in self.omit)

    # --- writes ------------------------------------------------------------------
    def write(self, command, **params):
        self.writes.append((command, params))
        if command in self.ignore:
            return None
        if command in self.acknowledge:
            return FakeReply(None, msg='ok')
        if command == 'update_pools':
            self.pools = [dict(url=params['pool%d' % slot], user=params['worker%d' % slot])
                          for slot in (1, 2, 3) if params['pool%d' % slot]]
        elif command in ('power_on', 'power_off'):
            self.mining = command == 'power_on'
        elif command.startswith('set_') and command.endswith('_power'):
            self.mode = command[4:-6].capitalize()
            return None
        elif command == 'adjust_power_limit':
            self.power_limit = int(params['power_limit'])
        elif command == 'set_target_freq':
            self.hash_percent = str(params['percent'])
        elif command in ('enable_btminer_fast_boot', 'disable_btminer_fast_boot'):
            self.fast_boot = command.split('_')[0]
        elif command == 'pre_power_on':
            self.preheat_asks += 1
            done = self.preheat_asks >= 3
            return FakeReply(None, msg=dict(complete='true' if done else 'false',
                                            msg='adjust complete' if done else 'adjust continue'))
        return FakeReply(None, msg='ok')

    def check_password(self):
        self.reads.append('status (encrypted)')
        return self.password_right

    @property
    def write_names(self):
        return [command for command, _params in self.writes]
