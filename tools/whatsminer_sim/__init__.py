# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fleet of simulated Whatsminer miners speaking API V2.0.5 over real TCP sockets."""

from __future__ import annotations

import collection_path

collection_path.ensure_importable()

# pylint: disable=wrong-import-position
from whatsminer_sim.faults import FAULTS
from whatsminer_sim.fleet import Fleet, FleetError
from whatsminer_sim.miner import Miner

__all__ = ['FAULTS', 'Fleet', 'FleetError', 'Miner']
