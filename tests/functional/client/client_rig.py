# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the client-vs-simulator tests: a rig (fleet + client), secret checks, reboot polling.

Each test file owns one block of 127.0.60.x-127.0.69.x and every pytest-xdist worker its
own host range inside it (``sim_client.worker_base``), so parallel runs never collide.
The miners use a distinctive password so the tests can prove it never leaks into an error.
"""

from __future__ import annotations

import os
import socket
import sys
import time

_SIM_TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'sim')
if _SIM_TESTS not in sys.path:
    sys.path.append(_SIM_TESTS)   # for sim_client.worker_base; appended so it shadows nothing

from sim_client import worker_base  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient  # noqa: E402
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (  # noqa: E402
    ConnectionRefused,
    ConnectionReset,
    NoReply,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import TokenCache  # noqa: E402

PORT = 14160
PASSWORD = 'Zq7_kW9x'
#: A short reboot keeps the suite fast; btminer restarts and warm-ups last long enough that a read right after
#: the write still sees them on a loaded machine (tests move the simulator's clock where they need the end).
FLEET_DEFAULTS = dict(port=PORT, password=PASSWORD, reboot_seconds=0.5, restart_seconds=5.0, preheat_seconds=30.0,
                      idle_timeout=3.0)


class Rig:
    """One running fleet, its first miner and a client with its own token cache."""

    def __init__(self, fleet, timeout):
        self.fleet = fleet
        self.address = fleet.addresses[0]
        self.port = fleet.port
        self.miner = fleet.miner(self.address)
        self.cache = TokenCache()
        self.client = self.new_client(timeout=timeout, token_cache=self.cache)

    def new_client(self, address=None, password=PASSWORD, timeout=2.0, token_cache=None):
        """Another client; a fresh token cache unless one is given."""
        return WhatsminerClient(address or self.address, port=self.port, password=password, timeout=timeout,
                                token_cache=TokenCache() if token_cache is None else token_cache)

    def live_tokens(self):
        """How many tokens the simulated miner holds live for this machine's address."""
        return self.miner.tokens.live_count(client_address(self.address, self.port), self.fleet.clock.now())


def client_address(address, port):
    """The source address the kernel uses to reach ``address`` (the miner books tokens per client IP)."""
    with socket.create_connection((address, port), timeout=2) as sock:
        return sock.getsockname()[0]


def secrets_of(client):
    """Everything secret the client holds: the password and its cached token's sign and AES key."""
    values = [client.password]
    token = client.token_cache.get(client.host, client.port, client.password)
    if token is not None:
        values += [token.sign, token.aeskey.hex()]
    return values


def check_error(err, client, extra_secrets=()):
    """An error names ``host:port`` first and carries no secret anywhere the user might see it."""
    text = str(err)
    assert text.startswith('%s:%s: ' % (client.host, client.port)), text
    assert err.host == client.host and err.port == client.port
    visible = ' '.join(str(part) for part in (text, repr(err), err.reason, err.api_msg, err.args))
    for secret in list(secrets_of(client)) + list(extra_secrets) + [PASSWORD]:
        assert secret not in visible, 'a secret leaked into: %s' % text
    return text


def wait_for_reboot(client, seconds, timeout=5.0):
    """Poll ``get_version`` through the client until the miner answers again.

    Returns (reply, refused): ``refused`` is True when at least one attempt met a refused port,
    i.e. the reboot window was seen through the client.
    """
    limit = max(timeout, seconds * 4)
    deadline = time.monotonic() + limit
    refused = False
    while True:
        try:
            return client.get_version(), refused
        except ConnectionRefused as exc:
            check_error(exc, client)
            assert exc.retryable
            refused = True
        except (ConnectionReset, NoReply) as exc:
            # A connection the kernel accepted just before the miner closed its listening socket.
            check_error(exc, client)
            assert not refused, 'the miner came back and then dropped a connection: %s' % exc
        if time.monotonic() > deadline:
            raise AssertionError('%s:%s did not come back within %.1f s' % (client.host, client.port, limit))
        time.sleep(0.05)


def rig_factory(sim_fleet):
    """``make(block, count=1, timeout=2.0, **fleet_options)`` -> :class:`Rig` on 127.0.<block>.x."""
    def make(block, count=1, timeout=2.0, **options):
        assert 60 <= block <= 69, 'client tests use 127.0.60.x-127.0.69.x'
        kwargs = dict(FLEET_DEFAULTS)
        kwargs.update(options)
        fleet = sim_fleet('127.0.%d.%d' % (block, worker_base()), count=count, **kwargs)
        return Rig(fleet, timeout)
    return make
