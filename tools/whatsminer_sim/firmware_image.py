# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Firmware image files as MicroBT ships them: single images and "combined" multi-platform images.

Tests, benchmarks and the simulated miner all need the same idea of a combined image, so
the layout lives here once (protocol-notes, "Firmware images"):

* a header of six little-endian u32: bytes 0-15 are not described by the notes (zero
  here, ignored by the parser), the data size at offset 16, the package count (1..64)
  at offset 20;
* from offset 24, one 104-byte record per package: chip name (16 bytes, NUL padded),
  platform name (16 bytes, NUL padded), offset (u32, from the start of the file), size
  (u32), then 64 bytes of padding;
* the package data after the records.

A file has NO valid header (it is a single image, to be sent whole) when the count is 0
or over 64, or when any record, or its slice, lies outside the file.

A simulated image announces what it is in text lines that the miner looks for:
``FW_VERSION=<version>`` (the version the miner reports after flashing it) and,
optionally, ``FW_PLATFORM=<platform>`` (the control-board platform it is built for).
Pure standard library, so benchmarks can import it without the collection.
"""

from __future__ import annotations

import random
import re
import struct
from collections import namedtuple

HEADER_BYTES = 24
RECORD_BYTES = 104
NAME_BYTES = 16
MAX_PACKAGES = 64
#: Enough of a file's head to parse any valid header (what a streaming client reads first).
MAX_HEADER_BYTES = HEADER_BYTES + RECORD_BYTES * MAX_PACKAGES

DEFAULT_CHIP = 'btminer'
DEFAULT_SINGLE_BYTES = 4096

_HEADER = struct.Struct('<6I')
_RECORD = struct.Struct('<%ds%dsII%dx' % (NAME_BYTES, NAME_BYTES, RECORD_BYTES - 2 * NAME_BYTES - 8))
_SINGLE_MAGIC = b'WMSIMFW\x00'
_VERSION_TEXT = re.compile(r'[A-Za-z0-9._+-]{1,64}')
_PLATFORM_LINE = re.compile(rb'FW_PLATFORM=([A-Za-z0-9._+-]{1,%d})\s*$' % NAME_BYTES, re.M)

#: One package of a combined image; ``offset`` and ``size`` locate its slice in the file.
Package = namedtuple('Package', 'chip platform offset size')


def _name(value, what):
    raw = value.encode('ascii') if isinstance(value, str) else bytes(value)
    if not raw or len(raw) > NAME_BYTES or b'\x00' in raw:
        raise ValueError('%s name must be 1 to %d ASCII bytes without NUL, got %r' % (what, NAME_BYTES, value))
    return raw


def build_combined(slices, chip=DEFAULT_CHIP):
    """``{platform: slice bytes}`` (in file order) -> one combined image.

    ``chip`` is one chip name for every record or a ``{platform: chip}`` mapping. The
    slices are usually :func:`build_single` images, so each carries its own version line.
    """
    if not 0 < len(slices) <= MAX_PACKAGES:
        raise ValueError('a combined image holds 1 to %d packages, got %d' % (MAX_PACKAGES, len(slices)))
    seen = set()
    for platform in slices:
        if str(platform).lower() in seen:
            raise ValueError('platform %r appears twice (platforms compare case-insensitively)' % platform)
        seen.add(str(platform).lower())
    offset = HEADER_BYTES + RECORD_BYTES * len(slices)
    records = []
    for platform, data in slices.items():
        chip_name = chip.get(platform, DEFAULT_CHIP) if isinstance(chip, dict) else chip
        records.append(_RECORD.pack(_name(chip_name, 'chip'), _name(platform, 'platform'), offset, len(data)))
        offset += len(data)
    data_size = sum(len(data) for data in slices.values())
    header = _HEADER.pack(0, 0, 0, 0, data_size, len(slices))
    return b''.join([header] + records + [bytes(data) for data in slices.values()])


def build_single(version, platform=None, size=DEFAULT_SINGLE_BYTES):
    """A single (not combined) image of ``size`` bytes declaring ``version`` and, if given, ``platform``.

    Its header fields are zero, so the package count is 0 and no parser mistakes it for a
    combined image. The rest is deterministic filler (same arguments, same bytes), so a
    test can predict its SHA-256. ``size`` grows to fit the text lines if it is smaller.
    """
    if not _VERSION_TEXT.fullmatch(version):
        raise ValueError('version must be 1 to 64 of [A-Za-z0-9._+-], got %r' % version)
    text = b'\nFW_VERSION=%s\n' % version.encode('ascii')
    if platform is not None:
        text += b'FW_PLATFORM=%s\n' % _name(platform, 'platform')
    head = _SINGLE_MAGIC + bytes(HEADER_BYTES - len(_SINGLE_MAGIC)) + text
    filler = max(0, size - len(head))
    seed = '%s/%s/%d' % (version, platform, size)
    return head + random.Random(seed).randbytes(filler)


def parse_combined(data, file_size=None):
    """The packages of a combined image, or None when ``data`` has no valid header.

    ``data`` is the whole file, or (with ``file_size``) just its head: the first
    :data:`MAX_HEADER_BYTES` are always enough, so a client can check a large image
    streamed from disk without reading all of it.
    """
    view = memoryview(data)
    if file_size is None:
        file_size = len(view)
    if len(view) < HEADER_BYTES:
        return None
    count = _HEADER.unpack_from(view, 0)[5]
    table_end = HEADER_BYTES + RECORD_BYTES * count
    if not 0 < count <= MAX_PACKAGES or table_end > min(file_size, len(view)):
        return None
    packages = []
    for index in range(count):
        chip, platform, offset, size = _RECORD.unpack_from(view, HEADER_BYTES + RECORD_BYTES * index)
        if offset + size > file_size:
            return None
        packages.append(Package(_text(chip), _text(platform), offset, size))
    return packages


def _text(field):
    return field.split(b'\x00', 1)[0].decode('ascii', 'replace')


def find_package(packages, platform):
    """The package for ``platform`` (compared lower-case, as MicroBT's fleet worker does), else None."""
    wanted = str(platform).lower()
    for package in packages or ():
        if package.platform.lower() == wanted:
            return package
    return None


def line_value(image, pattern, start=0, end=None):
    """The first ``KEY=value`` line in ``image[start:end]`` that ``pattern`` matches, else None.

    ``pattern`` is compiled with re.M, begins with the literal ``KEY=`` and has no ``^``.
    Same result as a ``(?m)^KEY=...`` search, but it jumps between occurrences of
    ``KEY=`` with ``find``: a regex scan of a 32 MiB image blocks the simulator's event
    loop (every miner) for a fifth of a second, ``find`` for a few milliseconds. The
    bounds let a caller look into one package of a combined image without copying it.
    """
    end = len(image) if end is None else end
    key = pattern.pattern.split(b'=', 1)[0] + b'='
    position = image.find(key, start, end)
    while position >= 0:
        if position == start or image[position - 1] == 10:
            match = pattern.match(image, position, end)
            if match:
                return match.group(1).decode('ascii')
        position = image.find(key, position + 1, end)
    return None


def declared_platform(image, start=0, end=None):
    """The ``FW_PLATFORM=`` an image (or the slice ``image[start:end]``) declares, else None."""
    return line_value(image, _PLATFORM_LINE, start, end)
