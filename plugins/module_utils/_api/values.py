# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Values as miners send them -> plain numbers, booleans and strings: the one set of parsers.

Every figure a miner sends that the collection turns into a number goes through this
file (facts, settings read back, pool priorities, error codes, binary-flow sizes), so a
hostile or broken value has one bounded treatment everywhere. Firmware is inconsistent: the same figure arrives as an int, a float, a numeric
string (``"8718"``), a float where an int was expected (``Elapsed`` 2648.0 on newer
firmware), ``"false"`` for a boolean, or ``inf``/``nan`` after JSON repair. Facts must
be stable and JSON-safe, so every conversion returns a clean value or None.
"""

from __future__ import annotations

import math

MHS_PER_THS = 1e6
GHS_PER_THS = 1e3

TRUE_WORDS = frozenset(('true', 'yes', 'y', 'on', 'enable', 'enabled', '1'))
FALSE_WORDS = frozenset(('false', 'no', 'n', 'off', 'disable', 'disabled', '0'))


_isfinite = math.isfinite
#: ints within this magnitude are exact as floats, so to_int may return them as they are
_EXACT_INT = 2 ** 53


def to_float(value, ndigits=None):
    """A finite float, or None when ``value`` is missing, not numeric, inf, nan or too large.

    A JSON integer of hundreds of digits is valid JSON: ``float()`` raises OverflowError
    on it, which must not crash the facts of a whole fleet. Plain floats and ints take
    the first branches: a 10,000-miner scan converts about 800,000 values.
    """
    kind = type(value)
    if kind is float:
        number = value
    elif kind is int:
        try:
            number = float(value)
        except OverflowError:
            return None
    else:
        return _other_float(value, ndigits)
    if not _isfinite(number):
        return None
    if ndigits is not None:
        number = round(number, ndigits)
        return number if _isfinite(number) else None
    return number


def _other_float(value, ndigits):
    """``to_float`` for numeric strings, subclasses of int and float, and everything else."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            text = value.strip().rstrip('%').strip()
            if not text:
                return None
            number = float(text)
        else:
            return None
        if not _isfinite(number):
            return None
        if ndigits is not None:
            number = round(number, ndigits)
    except (ValueError, TypeError, OverflowError):
        return None
    return number if _isfinite(number) else None


def to_int(value):
    """An int (rounded from a float or numeric string), or None."""
    kind = type(value)
    if kind is int and -_EXACT_INT < value < _EXACT_INT:
        return value
    number = to_float(value)
    if number is None:
        return None
    try:
        return int(round(number))
    except (ValueError, OverflowError):
        return None


def to_bool(value):
    """True/False from bools, 0/1 and the words firmware uses; None when unknown."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def to_str(value):
    """A stripped string, or None for missing/empty values; numbers become text.

    An integer too long for ``str()`` (Python caps int -> str conversion) is None.
    """
    kind = type(value)
    if kind is str:
        return value.strip() or None
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer():
            value = int(value)
    try:
        text = str(value).strip()
    except (ValueError, TypeError):
        return None
    return text or None


def mhs_to_ths(value):
    """cgminer MH/s figures -> TH/s, 3 decimals (1 GH/s resolution)."""
    number = to_float(value)
    return None if number is None else round(number / MHS_PER_THS, 3)


def ghs_to_ths(value):
    """Factory GH/s figures -> TH/s, 3 decimals."""
    number = to_float(value)
    return None if number is None else round(number / GHS_PER_THS, 3)


def scaled(value, divisor, ndigits=3):
    """A numeric string in fixed-point units (``"22400"`` centivolts) -> a float."""
    number = to_float(value)
    return None if number is None else round(number / divisor, ndigits)


MAX_COUNT_DIGITS = 12


def to_count(value, limit):
    """A byte count or similar exact whole number in 0..``limit``, or None.

    For sizes that decide how much to read (``logfilelen``), rounding is wrong and a
    float is suspect: only an int or a short string of ASCII digits counts. A string of
    thousands of digits is refused before ``int()`` sees it (Python refuses to convert
    such strings and would raise ``ValueError``).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > MAX_COUNT_DIGITS or not (text.isascii() and text.isdecimal()):
            return None
        number = int(text)
    else:
        return None
    return number if 0 <= number <= limit else None


def first(*values):
    """The first value that is not None."""
    for value in values:
        if value is not None:
            return value
    return None
