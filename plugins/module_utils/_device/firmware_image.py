# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Firmware image files on the controller: checksum, combined-image slices, streaming.

MicroBT ships "combined" images that hold one package per control-board platform
(protocol-notes, "Firmware images"): six little-endian u32 (the package count at byte
20, at most 64), then from byte 24 one 104-byte record per package: chip name and
platform name (16 bytes each, NUL padded), offset and size (u32). A file without a valid
header (count 0 or over 64, a record whose slice lies outside the file) is one image and
is sent whole. Only the slice for the miner's platform may be sent; a combined image
without one is never sent. The same format serves every API version.

Some files are refused although the field rule would send them whole, because no miner
can want them: a combined image cut short (a header whose records all name a chip and a
platform, with a slice past the end of the file: an interrupted download), and a file
that is all text (an HTML or JSON error page saved in place of the image). In a header
whose records are all named, a record of size 0 means that platform has nothing in the
file, not that the file has no header.

Everything here reads the file in chunks: a 32 MiB image is never held in memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from typing import BinaryIO, NamedTuple

HEADER_BYTES = 24
RECORD_BYTES = 104
MAX_PACKAGES = 64
CHUNK = 1 << 20
#: a file this small or smaller is read whole to see whether it is text; firmware is tens of MiB
MAX_TEXT_BYTES = 1 << 20
#: a chip or platform name as the records hold it: printable, NUL padded
_NAME_FIELD = re.compile(rb'\A[A-Za-z0-9._+-]{1,16}\x00*\Z')


class Package(NamedTuple):
    """One package of a combined image (``offset``/``size`` in bytes from the start of the file)."""

    chip: str
    platform: str
    offset: int
    size: int


class Slice(NamedTuple):
    """What is sent to one miner: the whole file (``package`` None) or one package of it."""

    path: str
    offset: int
    size: int
    package: Package | None


class ImageError(ValueError):
    """The file cannot be used for this miner; the message says why and names the file."""


def _name(raw: bytes) -> str:
    return raw.split(b'\x00', 1)[0].decode('ascii', 'replace').strip()


def packages(path: str) -> list[Package] | None:
    """The packages of a combined image, or None when the file has no valid combined header.

    ``ImageError`` when the header is a combined image's but the file ends before its slices do.
    """
    size = os.path.getsize(path)
    with open(path, 'rb') as handle:
        head = handle.read(HEADER_BYTES + MAX_PACKAGES * RECORD_BYTES)
    if len(head) < HEADER_BYTES:
        return None
    count = struct.unpack_from('<I', head, 20)[0]
    table_end = HEADER_BYTES + count * RECORD_BYTES
    if not 0 < count <= MAX_PACKAGES or len(head) < table_end:
        return None
    found = []
    for index in range(count):
        base = HEADER_BYTES + index * RECORD_BYTES
        offset, length = struct.unpack_from('<II', head, base + 32)
        found.append(Package(_name(head[base:base + 16]), _name(head[base + 16:base + 32]), offset, length))
    beyond = [package for package in found if package.offset + package.size > size]
    empty = any(package.size == 0 for package in found)
    if not beyond and not empty:
        return found
    if not _records_are_named(head, table_end, found):
        return None   # the field rule: no valid header, one image
    if beyond:
        last = max(package.offset + package.size for package in found)
        raise ImageError('%s is a combined image cut short: its header places the %s package up to byte %d, but the '
                         'file has %d bytes (an interrupted download?); fetch it again and check its SHA-256'
                         % (path, beyond[0].platform, last, size))
    return found   # a named record of size 0: that platform has nothing here, the others their slices


def _records_are_named(head: bytes, table_end: int, found: list[Package]) -> bool:
    """Every record names a chip and a platform, and its slice starts after the records: no chance bytes do that."""
    for index, package in enumerate(found):
        base = HEADER_BYTES + index * RECORD_BYTES
        if not (_NAME_FIELD.match(head[base:base + 16]) and _NAME_FIELD.match(head[base + 16:base + 32])):
            return False
        if package.offset < table_end:
            return False
    return True


def text_instead_of_image(path: str) -> bool:
    """True for a small file that is all UTF-8 text: an error page saved as the image, not firmware."""
    if os.path.getsize(path) > MAX_TEXT_BYTES:
        return False
    with open(path, 'rb') as handle:
        data = handle.read(MAX_TEXT_BYTES + 1)
    if b'\x00' in data:
        return False
    try:
        data.decode('utf-8')
    except UnicodeDecodeError:
        return False
    return True


def slice_for(path: str, platform: str | None) -> Slice:
    """The bytes to send to a miner of ``platform``; ``ImageError`` when the image has none for it."""
    found = packages(path)
    if found is None:
        return Slice(path, 0, os.path.getsize(path), None)
    held = ', '.join(package.platform or '(unnamed)' for package in found)
    if not platform:
        raise ImageError('%s is a combined image (platforms %s) and the miner does not report its platform, so the '
                         'slice to send cannot be chosen' % (path, held))
    for package in found:
        if package.platform.lower() == platform.lower():
            if package.size == 0:
                raise ImageError('%s holds an empty package for platform %s, so there is nothing to send to it'
                                 % (path, platform))
            return Slice(path, package.offset, package.size, package)
    raise ImageError('%s holds no firmware for platform %s (it holds: %s)' % (path, platform, held))


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


class SliceReader:
    """A read-only file object over ``[offset, offset + size)`` of a file, read in chunks."""

    def __init__(self, part: Slice) -> None:
        self._handle: BinaryIO = open(part.path, 'rb')  # pylint: disable=consider-using-with
        self._handle.seek(part.offset)
        self._left = part.size
        self.size = part.size

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b''
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._handle.read(wanted)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> SliceReader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
