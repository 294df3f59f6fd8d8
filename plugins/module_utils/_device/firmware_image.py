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

Everything here reads the file in chunks: a 32 MiB image is never held in memory.
"""

from __future__ import annotations

import hashlib
import os
import struct
from typing import BinaryIO, NamedTuple

HEADER_BYTES = 24
RECORD_BYTES = 104
MAX_PACKAGES = 64
CHUNK = 1 << 20


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
    """The packages of a combined image, or None when the file has no valid combined header."""
    size = os.path.getsize(path)
    with open(path, 'rb') as handle:
        head = handle.read(HEADER_BYTES + MAX_PACKAGES * RECORD_BYTES)
    if len(head) < HEADER_BYTES:
        return None
    count = struct.unpack_from('<I', head, 20)[0]
    if not 0 < count <= MAX_PACKAGES or len(head) < HEADER_BYTES + count * RECORD_BYTES:
        return None
    found = []
    for index in range(count):
        base = HEADER_BYTES + index * RECORD_BYTES
        offset, length = struct.unpack_from('<II', head, base + 32)
        if length == 0 or offset + length > size:
            return None
        found.append(Package(_name(head[base:base + 16]), _name(head[base + 16:base + 32]), offset, length))
    return found


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
