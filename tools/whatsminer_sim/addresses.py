# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Consecutive IPv4 addresses for a fleet, skipping host octets 0 and 255.

All of 127.0.0.0/8 is loopback on Linux, so each simulated miner gets an address of its
own and every miner listens on the same port, as a real farm does.
"""

from __future__ import annotations

import ipaddress


def fleet_addresses(first, count):
    """``count`` addresses from ``first`` on, none ending in ``.0`` or ``.255``."""
    if count < 0:
        raise ValueError('count must not be negative')
    current = int(ipaddress.IPv4Address(first))
    result = []
    while len(result) < count:
        address = ipaddress.IPv4Address(current)
        if int(address) & 0xFF not in (0, 255):
            result.append(str(address))
        current += 1
        if current > 0xFFFFFFFF:
            raise ValueError('address range from %s runs past 255.255.255.255' % first)
    return result
