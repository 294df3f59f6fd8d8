# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Nameplate figures per miner model, so readings look like the machine they claim to be.

Figures follow the spec's examples (an M30S+VE40: three boards of 156 chips, ~85 TH/s,
~3.6 kW); models not in the table get the same figures under their own name.
"""

from __future__ import annotations

from collections import namedtuple

DEFAULT_MODEL = 'M30S+VE40'
DEFAULT_FIRMWARE = '20220125.13.Rel'
DEFAULT_API_VERSION = '2.0.5'

ModelSpec = namedtuple('ModelSpec', 'boards chips factory_ghs power freq cooling chip_data')

_MODELS = {
    'M30S+VE40': ModelSpec(3, 156, 84773, 3400, 587, 'air', 'K88Z347-2039 BINV01-195001D'),
    'M30S++VH30': ModelSpec(3, 117, 106000, 3472, 600, 'air', 'K88Z347-2039 BINV01-195001D'),
    'M50VH50': ModelSpec(3, 105, 118000, 3306, 520, 'air', 'K89Z101-2206 BINV02-195002A'),
    'M53VH30': ModelSpec(4, 128, 226000, 6554, 550, 'hydro', 'K89Z101-2206 BINV02-195002A'),
}


# Control-board platform per model, as ``get_version`` ``Msg.platform`` reports it: the
# M30S family runs on an Allwinner H6 board ("H6OS", the spec's example), the M50/M53
# generation on an H616 board. Combined images name their packages by platform;
# MicroBT's fleet worker compares the names lower-case. Any other string (``zynq``, ...)
# can be given per miner with the ``platform`` option.
DEFAULT_PLATFORM = 'H6OS'
_PLATFORMS = {
    'M30S+VE40': 'H6OS',
    'M30S++VH30': 'H6OS',
    'M50VH50': 'H616',
    'M53VH30': 'H616',
}


def default_platform(model):
    """The control-board platform a miner of ``model`` reports unless told otherwise."""
    return _PLATFORMS.get(model, DEFAULT_PLATFORM)


def model_spec(model):
    """Figures for ``model``; unknown models borrow the default model's figures."""
    return _MODELS.get(model, _MODELS[DEFAULT_MODEL])


# Hash rate and power relative to Normal mode.
MODE_FACTORS = {
    'Low': (0.80, 0.72),
    'Normal': (1.00, 1.00),
    'High': (1.12, 1.18),
}
