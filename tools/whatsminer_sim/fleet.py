# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fleet of simulated miners in one asyncio loop, each on its own loopback address.

``Fleet`` runs its loop in a background thread so a test (or the CLI) keeps its own
thread free; tests read and change ``miner.state`` directly.
"""

from __future__ import annotations

import asyncio
import resource
import threading

from whatsminer_sim.addresses import fleet_addresses
from whatsminer_sim.clock import SimClock
from whatsminer_sim.faults import DEFAULT_SLOW_REPLY_SECONDS, parse_faults
from whatsminer_sim.miner import Miner
from whatsminer_sim.models import DEFAULT_API_VERSION, DEFAULT_FIRMWARE, DEFAULT_MODEL
from whatsminer_sim.server import MinerListener
from whatsminer_sim.state import DEFAULT_PREHEAT_SECONDS, DEFAULT_RESTART_SECONDS

#: Options a single miner may override (``overrides={address: {option: value}}``).
MINER_OPTIONS = ('password', 'firmware', 'model', 'write_access', 'faults', 'api_version', 'reboot_seconds',
                 'idle_timeout', 'restart_seconds', 'preheat_seconds', 'slow_reply_seconds', 'quote_firmware',
                 'platform', 'flash_seconds', 'api', 'v3_port', 'v3_password', 'v3_api', 'v3_ts_window')


class FleetError(RuntimeError):
    pass


def raise_fd_limit():
    """Lift the soft open-file limit to the hard one: each miner holds a listening socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def split_faults(faults):
    """``NAME`` applies to every miner, ``NAME@ADDRESS`` to one: -> (common, {address: [names]})."""
    common, per_address = [], {}
    for item in faults:
        name, _sep, address = str(item).partition('@')
        if address:
            per_address.setdefault(address.strip(), []).append(name)
        else:
            common.append(name)
    parse_faults(common)
    for names in per_address.values():
        parse_faults(names)
    return common, per_address


class Fleet:
    """``with Fleet(first_address, count, ...) as fleet:`` serves ``count`` miners until the block ends."""

    def __init__(self, first_address='127.0.10.1', count=1, port=4028, password='admin',
                 firmware=DEFAULT_FIRMWARE, model=DEFAULT_MODEL, reboot_seconds=5.0, faults=(),
                 write_access=True, idle_timeout=10.0, restart_seconds=DEFAULT_RESTART_SECONDS,
                 preheat_seconds=DEFAULT_PREHEAT_SECONDS, slow_reply_seconds=DEFAULT_SLOW_REPLY_SECONDS,
                 api_version=DEFAULT_API_VERSION, quote_firmware=False, platform=None, flash_seconds=0.0,
                 overrides=None, api='v2', v3_port=4433, v3_password=None):
        """``platform`` None: each miner reports its model's platform (``models.default_platform``).
        ``flash_seconds``: how much longer than ``reboot_seconds`` the port stays closed after a
        firmware upload (the flash itself). ``api``: ``v2``, ``v3`` (v3 on ``v3_port`` and the reduced
        v2 of v3 firmware on ``port``; ``v3_password`` is the super account's password) or ``mixed``
        (every second miner, from the second one, on v3)."""
        self.addresses = fleet_addresses(first_address, count)
        self.port = port
        self.clock = SimClock()
        common_faults, address_faults = split_faults(faults)
        unknown = set(address_faults) - set(self.addresses)
        overrides = dict(overrides or {})
        unknown |= set(overrides) - set(self.addresses)
        if unknown:
            raise FleetError('not in this fleet: %s' % ', '.join(sorted(unknown)))
        defaults = dict(password=password, firmware=firmware, model=model, write_access=write_access,
                        api_version=api_version, reboot_seconds=reboot_seconds, idle_timeout=idle_timeout,
                        restart_seconds=restart_seconds, preheat_seconds=preheat_seconds,
                        slow_reply_seconds=slow_reply_seconds, quote_firmware=quote_firmware, platform=platform,
                        flash_seconds=flash_seconds, v3_port=v3_port, v3_password=v3_password)
        if api not in ('v2', 'v3', 'mixed'):
            raise FleetError('api must be v2, v3 or mixed, got %r' % (api,))
        self.miners = []
        self._by_address = {}
        for position, address in enumerate(self.addresses):
            options = dict(defaults)
            options['api'] = api if api != 'mixed' else ('v3' if position % 2 else 'v2')
            options['faults'] = tuple(common_faults) + tuple(address_faults.get(address, ()))
            extra = overrides.get(address, {})
            bad = set(extra) - set(MINER_OPTIONS)
            if bad:
                raise FleetError('unknown miner option(s) for %s: %s' % (address, ', '.join(sorted(bad))))
            options.update(extra)
            miner = Miner(address, port, self.clock, **options)
            self.miners.append(miner)
            self._by_address[address] = miner
        self._loop = None
        self._thread = None
        self._listeners = []

    # -- access ---------------------------------------------------------------------

    def miner(self, address):
        """The miner that answers on ``address`` now, else the one started there.

        A miner moved by ``net_config`` to another loopback address is found by either:
        ``fleet.addresses`` keeps the addresses the miners were started on.
        """
        miner = self._by_address.get(address)
        if miner is not None and miner.address == address:
            return miner
        for other in self.miners:
            if other.address == address:
                return other
        if miner is not None:
            return miner
        raise FleetError('%s is not in this fleet' % address)

    def advance_time(self, seconds):
        """Move the fleet's clock forward: tokens age, uptimes grow, warm-ups finish."""
        self.clock.advance(seconds)

    # -- running --------------------------------------------------------------------

    def start(self, timeout=60.0):
        if self._thread is not None:
            return self
        raise_fd_limit()
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure = []

        def run():
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._listen(loop))
            except Exception as exc:  # reported to the starting thread
                failure.append(exc)
                started.set()
                loop.run_until_complete(self._close_listeners())
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._close_listeners())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name='whatsminer-sim', daemon=True)
        self._thread.start()
        if not started.wait(timeout):
            raise FleetError('the fleet did not start within %.0f s' % timeout)
        if failure:
            self._thread.join()
            self._thread = None
            self._loop = None
            raise FleetError('cannot start the fleet: %s' % failure[0]) from failure[0]
        return self

    async def _listen(self, loop):
        for miner in self.miners:
            listener = MinerListener(miner, loop)
            try:
                await listener.start()
            except OSError as exc:
                raise FleetError('cannot listen on %s:%d: %s' % (miner.address, miner.port, exc.strerror or exc))
            self._listeners.append(listener)

    async def _close_listeners(self):
        for listener in self._listeners:
            listener.stop()
        self._listeners = []
        await asyncio.sleep(0)

    def stop(self):
        if self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
        self._thread = None
        self._loop = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
