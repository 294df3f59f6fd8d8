# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whatsminer error codes -> what they mean, in an operator's words.

Miners report bare numbers (``get_error_code`` gives ``[{"329": "2022-01-17 11:28:11"}]``);
a farm hand needs "control board temperature sensor cannot be read". The numbers follow
a pattern: the leading digits name a family (1 fans, 2 power supply, 3 temperature, 4
board EEPROM, 5 hash boards, 6 environment, 7 control board, 8 software checksums, 20x
pools, 23x hash rate, 50x-56x per-chip faults, 8xxx factory checks), the next digit a
kind of fault, and the last digit often the hash board slot. So the table holds exact
codes where the vendor gave each its own meaning and per-slot templates where the last
digit is a slot; anything else falls back to its family, never to nothing.

The wording is ours, written from the public descriptions of the codes.
"""

from __future__ import annotations

import math

MAX_CODE_DIGITS = 12

# Codes with a meaning of their own.
EXACT = {
    # fans
    100: 'fan state unknown',
    110: 'intake fan speed cannot be detected',
    111: 'exhaust fan speed cannot be detected',
    120: 'intake fan speed off target by more than 2000 RPM',
    121: 'exhaust fan speed off target by more than 2000 RPM',
    130: 'intake fan speed off target by more than 3000 RPM',
    131: 'exhaust fan speed off target by more than 3000 RPM',
    140: 'fan speed too high (check the ambient temperature)',
    # power supply
    200: 'no power supply found (check the PSU ribbon cable, update firmware or replace the PSU)',
    201: 'power supply does not match the configuration (mixed PSU types?)',
    202: 'power supply output voltage wrong',
    203: 'power supply protecting itself (ambient temperature too high)',
    204: 'power supply current protection (ambient temperature too high)',
    205: 'power supply current wrong',
    206: 'power supply input voltage too low',
    207: 'power supply input current protection (bad input power)',
    208: 'power supply power reading wrong',
    209: 'power supply voltage offset wrong',
    210: 'power supply fault',
    211: 'power supply output current wrong: reboot the miner',
    212: 'power supply output voltage outside its allowed range',
    213: 'power supply input does not match its output',
    214: 'power supply enable pin did not change',
    215: 'power supply refused the output voltage setting',
    216: 'power supply readings frozen for a long time',
    217: 'power supply could not be enabled',
    218: 'input voltage below 230 V, too low for high power mode',
    219: 'power supply input current wrong',
    233: 'power supply output over-temperature protection',
    234: 'power supply output over-temperature protection',
    235: 'power supply output over-temperature protection',
    236: 'power supply output over-current protection',
    237: 'power supply output over-current protection',
    238: 'power supply output over-current protection',
    239: 'power supply output over-voltage protection',
    240: 'power supply output under-voltage protection',
    241: 'power supply output current imbalance',
    243: 'power supply input over-temperature protection',
    244: 'power supply input over-temperature protection',
    245: 'power supply input over-temperature protection',
    246: 'power supply input over-voltage protection',
    247: 'power supply input over-voltage protection',
    248: 'power supply input over-current protection',
    249: 'power supply input over-current protection',
    250: 'power supply input under-voltage protection',
    251: 'power supply input under-voltage protection',
    253: 'power supply fan fault',
    254: 'power supply fan fault',
    255: 'power supply output over-power protection',
    256: 'power supply output over-power protection',
    257: 'power supply primary-side input over-current protection',
    263: 'power supply communication warning',
    264: 'power supply communication failure',
    265: 'power supply unknown fault',
    266: 'power supply unknown fault',
    267: 'power supply watchdog tripped',
    268: 'power supply output over-current',
    269: 'power supply input over-current',
    270: 'power supply input over-voltage',
    271: 'power supply input under-voltage',
    272: 'power supply output power too high (warning)',
    273: 'power supply input power too high (warning)',
    274: 'power supply fan warning',
    275: 'power supply temperature high (warning)',
    # temperature
    329: 'control board temperature sensor cannot be read',
    360: 'hash board temperature too high',
    361: 'hash board temperature too high',
    362: 'hash board temperature too high',
    363: 'hash board temperature too high',
    370: 'ambient temperature swings too much',
    380: 'humidity sensor not found',
    381: 'humidity sensor cannot be read',
    382: 'humidity sensor cannot be read',
    383: 'humidity protection',
    # EEPROM / boards
    400: 'hash board EEPROM unknown fault',
    500: 'hash board unknown fault',
    # environment
    600: 'ambient temperature too high',
    610: 'ambient temperature too high for high power mode',
    # control board
    700: 'control board MAC address not valid',
    701: 'control board does not support this chip',
    710: 'control board restarted unexpectedly',
    711: 'control board restarted unexpectedly and lowered its CPU clock: upgrade the firmware',
    712: 'control board restarted unexpectedly',
    713: 'network unstable: system time changed',
    714: 'control board unknown fault',
    # software checksums
    800: 'mining software (cgminer) checksum wrong: reinstall the firmware',
    801: 'system monitor checksum wrong: reinstall the firmware',
    802: 'remote daemon checksum wrong: reinstall the firmware',
    810: 'air-to-liquid conversion PCB serial number does not match',
    900: 'unknown fault',
    901: 'power rate wrong',
    902: 'unknown fault',
    # pools
    2000: 'no pool configured',
    2010: 'every pool is disabled',
    2030: 'pool rejection rate too high',
    2040: 'pool does not support AsicBoost',
    # hash rate
    2310: 'hash rate too low',
    2320: 'hash rate too low',
    2330: 'hash rate loss too high',
    2340: 'hash rate loss too high',
    2350: 'hash rate loss',
    5080: 'chip temperature calibration failed: restore factory settings',
    # factory and software checks
    8000: 'factory tool version too old',
    8010: 'frequency too low (factory check)',
    8020: 'hash rate too low (factory check)',
    8035: 'ambient temperature too high (factory check)',
    8100: 'chip data wrong',
    8200: 'power supply version wrong',
    8210: 'miner type wrong',
    8220: 'version information wrong',
    8300: 'frequency level table empty',
    8400: 'firmware too old',
    8410: 'software version does not match this model (wrong firmware for the hardware?)',
    8600: 'product serial number missing',
    8610: 'product type missing',
    8620: 'miner serial number missing',
    8621: 'miner serial number has the wrong length',
    8630: 'power supply serial number missing',
    8631: 'power supply serial number wrong',
    8632: 'miner serial number faulty',
    8640: 'power supply model missing',
    8641: 'power supply model name wrong',
    8642: 'power supply model output voltage wrong',
    8643: 'power supply model rating wrong',
    8644: 'power supply model format wrong',
    8650: 'hash board structure wrong',
    8660: 'cooling type wrong',
    8670: 'PCB serial number missing',
    8700: 'miner power does not match',
    9000: 'mining process exited on a signal',
    9010: 'mining process exited on a signal',
    9999: 'unknown miner fault',
    100001: 'security check failed (signature): upgrade the firmware',
    100002: 'security check failed (init scripts): upgrade the firmware',
    100003: 'security check failed (partition digest): upgrade the firmware',
    1000000: 'security library fault: upgrade the firmware',
    1001000: 'mining software removed by the security check: upgrade the firmware',
    1100000: 'illegal file found by the security check: upgrade the firmware',
    1100001: 'malware removed by the security check: upgrade the firmware',
}

# Codes whose last digit is a hash board slot: the leading digits -> the fault.
PER_SLOT = {
    30: 'hash board {slot}: temperature sensor not detected',
    32: 'hash board {slot}: temperature cannot be read',
    35: 'hash board {slot}: temperature protection',
    41: 'hash board {slot}: EEPROM not detected',
    42: 'hash board {slot}: EEPROM data cannot be parsed',
    43: 'hash board {slot}: chip bin type wrong',
    44: 'hash board {slot}: EEPROM chip count wrong',
    45: 'hash board {slot}: EEPROM transfer failed',
    51: 'hash board {slot}: miner type wrong',
    52: 'hash board {slot}: bin type wrong',
    53: 'hash board {slot}: not found',
    54: 'hash board {slot}: chip IDs cannot be read',
    55: 'hash board {slot}: bad chips',
    56: 'hash board {slot}: loss of balance',
    57: 'hash board {slot}: chip transfer failed',
    58: 'hash board {slot}: reset failed',
    59: 'hash board {slot}: frequency too low',
    72: 'control board: frame error on slot {slot}',
    202: 'pool {slot}: connection failed',
    211: 'hash board {slot}: factory test step failed',
    501: 'hash board {slot}: chip voltage too low',
    502: 'hash board {slot}: chip voltage changed',
    503: 'hash board {slot}: chip temperature spread too large',
    504: 'hash board {slot}: hottest chip temperature spread too large',
    505: 'hash board {slot}: stopped hashing, chip temperature protection',
    507: 'hash board {slot}: water flow abnormal',
    509: 'hash board {slot}: chip temperature calibration unbalanced',
    511: 'hash board {slot}: frequency ramp-up timed out',
    512: 'hash board {slot}: too many CRC errors',
    513: 'hash board {slot}: unstable',
    517: 'hash board {slot}: frequency ramp-up timed out',
}

# Per-chip codes: family, then the slot digit, then the chip number.
PER_CHIP = {
    52: 'hash board {slot}, chip {chip}: wrong nonces',
    53: 'hash board {slot}, chip {chip}: too few nonces',
    54: 'hash board {slot}, chip {chip}: temperature protection',
    55: 'hash board {slot}, chip {chip}: was reset',
    56: 'hash board {slot}, chip {chip}: no nonces',
}

# Substandard grades from the factory check: 85 <level> <what>.
SUBSTANDARD = {
    0: 'hash rate below grade L{level}',
    1: 'power consumption below grade L{level}',
    2: 'fan speed below grade L{level}',
    3: 'fan speed below grade L{level}',
    4: 'voltage below grade L{level}',
}

FAMILIES = (
    # (lowest code, highest code, family) searched in order
    (100, 199, 'fan fault'),
    (200, 299, 'power supply fault'),
    (300, 399, 'temperature fault'),
    (400, 499, 'hash board EEPROM fault'),
    (500, 599, 'hash board fault'),
    (600, 699, 'ambient temperature fault'),
    (700, 799, 'control board fault'),
    (800, 899, 'software checksum fault'),
    (900, 999, 'power rate fault'),
    (2000, 2099, 'pool fault'),
    (2100, 2199, 'factory test fault'),
    (2300, 2399, 'hash rate fault'),
    (5000, 5099, 'hash board voltage or temperature fault'),
    (5100, 5199, 'hash board frequency fault'),
    (5200, 5699, 'hash board chip fault'),
    (8000, 8999, 'factory check fault'),
    (9000, 9999, 'process fault'),
    (52000, 56999, 'hash board chip fault'),
    (100000, 1199999, 'security check fault: upgrade the firmware'),
)

UNKNOWN = 'unknown error code'


def describe(code):
    """The reason for ``code`` (int or numeric string) in words; never raises."""
    number = _as_int(code)
    if number is None:
        return '%s %s' % (UNKNOWN, _shown(code))
    if number in EXACT:
        return EXACT[number]
    text = str(number)
    per_chip = _per_chip(text)
    if per_chip:
        return per_chip
    prefix, slot = divmod(number, 10)
    if prefix in PER_SLOT:
        return PER_SLOT[prefix].format(slot=slot)
    if len(text) == 4 and text.startswith('85'):
        return SUBSTANDARD.get(number % 10, 'substandard grade L{level}').format(level=text[2])
    for low, high, family in FAMILIES:
        if low <= number <= high:
            return '%s (code %d)' % (family, number)
    return '%s %d' % (UNKNOWN, number)


def _per_chip(text):
    """52-56 family codes of 4 or more digits: <family><slot><chip...>."""
    if len(text) < 4 or not text[:2].isdigit():
        return None
    family = int(text[:2])
    if family not in PER_CHIP or len(text) > 6:
        return None
    slot = int(text[2])
    chip = int(text[3:])
    return PER_CHIP[family].format(slot=slot, chip=chip)


def _as_int(code):
    """An error code as an int, or None; miner values never raise here.

    ``str.isdigit`` accepts ``'²'`` and other digits ``int()`` refuses, so only ASCII
    decimal text counts; codes beyond any real table (over 12 digits) are not codes.
    """
    if isinstance(code, bool):
        return None
    number = None
    if isinstance(code, int):
        number = code
    elif isinstance(code, float) and math.isfinite(code) and code.is_integer():
        number = int(code)
    elif isinstance(code, str):
        text = code.strip()
        if text.isascii() and text.isdecimal() and len(text) <= MAX_CODE_DIGITS:
            number = int(text)
    if number is None or not 0 <= number < 10 ** MAX_CODE_DIGITS:
        return None
    return number


def _shown(code):
    """A short, printable form of an unusable code for the reason text."""
    if code is None:
        return 'None'
    if isinstance(code, str):
        return repr(code[:40])
    if isinstance(code, (int, float)):
        try:
            text = repr(code)
        except ValueError:   # an int too long for repr
            return 'of %d bits' % code.bit_length()
        return text if len(text) <= 40 else '%s... (%d digits)' % (text[:20], len(text))
    return '(%s)' % type(code).__name__
