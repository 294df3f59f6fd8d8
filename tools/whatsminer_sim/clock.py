# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet's clock: wall time plus an offset that tests can push forward.

Token lifetimes, uptimes and the pre-power-on warm-up are measured on this clock, so
a test can age a token by 30 minutes without sleeping (``Fleet.advance_time``).
"""

from __future__ import annotations

import time


class SimClock:
    """Seconds since the epoch as the simulated miners see them."""

    __slots__ = ('offset',)

    def __init__(self):
        self.offset = 0.0

    def now(self):
        return time.time() + self.offset

    def advance(self, seconds):
        self.offset += float(seconds)
