# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The firmware image builder and parser: the combined-image layout byte by byte, and the
rules by which a file has no valid header (then it is a single image, sent whole).

The layout is checked with ``struct`` directly, not only through the parser, so a parser
and builder that agree on a wrong layout cannot pass.
"""

from __future__ import annotations

import hashlib
import struct

import pytest

from whatsminer_sim import firmware_image as fw
from whatsminer_sim.binary_flows import firmware_version_of

SLICES = {
    'H6OS': fw.build_single('20240101.1.Rel', 'H6OS', size=3000),
    'h616': fw.build_single('20240101.2.Rel', 'h616', size=5000),
    'zynq': fw.build_single('20240101.3.Rel', 'zynq', size=100),
}


def combined():
    return fw.build_combined(SLICES, chip={'H6OS': 'K88Z347', 'h616': 'K89Z101'})


def test_combined_layout_byte_by_byte():
    image = combined()
    header = struct.unpack_from('<6I', image, 0)
    assert header[:4] == (0, 0, 0, 0)
    assert header[4] == sum(len(data) for data in SLICES.values())       # data size, offset 16
    assert header[5] == 3                                                # package count, offset 20
    offset = 24 + 3 * 104
    for index, (platform, data) in enumerate(SLICES.items()):
        record = image[24 + index * 104:24 + (index + 1) * 104]
        chip = {'H6OS': 'K88Z347', 'h616': 'K89Z101'}.get(platform, fw.DEFAULT_CHIP)
        assert record[:16] == chip.encode('ascii').ljust(16, b'\x00')
        assert record[16:32] == platform.encode('ascii').ljust(16, b'\x00')
        assert struct.unpack_from('<II', record, 32) == (offset, len(data))
        assert record[40:] == b'\x00' * 64
        assert image[offset:offset + len(data)] == data
        offset += len(data)
    assert len(image) == offset


def test_parse_round_trip_and_case_insensitive_lookup():
    image = combined()
    packages = fw.parse_combined(image)
    assert [(item.chip, item.platform, item.size) for item in packages] == [
        ('K88Z347', 'H6OS', 3000), ('K89Z101', 'h616', 5000), ('btminer', 'zynq', 100)]
    for package in packages:
        data = image[package.offset:package.offset + package.size]
        assert data == SLICES[package.platform]
    assert fw.find_package(packages, 'h6os').platform == 'H6OS'
    assert fw.find_package(packages, 'H616').platform == 'h616'
    assert fw.find_package(packages, 'h6') is None
    assert fw.find_package(None, 'h6') is None


def test_parse_from_the_head_of_a_file():
    """A client streaming from disk reads only the head; the result is the same."""
    image = combined()
    head = image[:fw.MAX_HEADER_BYTES]
    assert fw.parse_combined(head, file_size=len(image)) == fw.parse_combined(image)
    assert fw.parse_combined(image[:24 + 104], file_size=len(image)) is None   # the table is not all there


def test_the_largest_valid_combined_image_has_64_packages():
    slices = {'p%d' % index: b'FW_VERSION=%d\n' % index for index in range(64)}
    assert len(fw.parse_combined(fw.build_combined(slices))) == 64
    with pytest.raises(ValueError):
        fw.build_combined(dict(slices, extra=b'x'))
    with pytest.raises(ValueError):
        fw.build_combined({})


def _with_count(image, count):
    data = bytearray(image)
    struct.pack_into('<I', data, 20, count)
    return bytes(data)


def _with_record(image, index, offset=None, size=None):
    data = bytearray(image)
    old_offset, old_size = struct.unpack_from('<II', data, 24 + index * 104 + 32)
    struct.pack_into('<II', data, 24 + index * 104 + 32, old_offset if offset is None else offset,
                     old_size if size is None else size)
    return bytes(data)


@pytest.mark.parametrize('case', ['count 0', 'count 65', 'count 2**32-1', 'table past the end', 'slice past the end',
                                  'offset past the end', 'offset+size wraps', 'shorter than a header'])
def test_no_valid_header(case):
    image = combined()
    broken = {
        'count 0': lambda: _with_count(image, 0),
        'count 65': lambda: _with_count(image + b'\x00' * 104 * 70, 65),
        'count 2**32-1': lambda: _with_count(image, 2 ** 32 - 1),
        'table past the end': lambda: image[:24 + 2 * 104],
        'slice past the end': lambda: _with_record(image, 2, size=101),
        'offset past the end': lambda: _with_record(image, 0, offset=len(image) + 1, size=0),
        'offset+size wraps': lambda: _with_record(image, 1, offset=2 ** 32 - 8, size=16),
        'shorter than a header': lambda: image[:23],
    }[case]()
    assert fw.parse_combined(broken) is None


def test_a_slice_ending_exactly_at_the_end_is_valid():
    image = combined()
    assert fw.parse_combined(_with_record(image, 2, offset=len(image) - 100, size=100)) is not None
    assert fw.parse_combined(_with_record(image, 2, offset=len(image), size=0)) is not None


def test_single_images():
    image = fw.build_single('20250301.7.Rel', 'h616', size=10000)
    assert len(image) == 10000 and fw.parse_combined(image) is None      # package count 0: sent whole
    assert firmware_version_of(image) == '20250301.7.Rel'
    assert fw.declared_platform(image) == 'h616'
    assert fw.build_single('20250301.7.Rel', 'h616', size=10000) == image  # deterministic
    assert fw.build_single('20250301.7.Rel', 'h6', size=10000) != image
    plain = fw.build_single('1.0', size=10)
    assert fw.declared_platform(plain) is None and firmware_version_of(plain) == '1.0' and len(plain) > 10
    with pytest.raises(ValueError):
        fw.build_single('bad version')
    with pytest.raises(ValueError):
        fw.build_single('1.0', platform='x' * 17)


def test_builder_refuses_bad_names():
    with pytest.raises(ValueError, match='twice'):
        fw.build_combined({'h6': b'a', 'H6': b'b'})
    with pytest.raises(ValueError):
        fw.build_combined({'': b'a'})
    with pytest.raises(ValueError):
        fw.build_combined({'h6': b'a'}, chip='c' * 17)


def test_version_and_platform_lines_are_whole_lines_within_bounds():
    data = b'xxFW_VERSION=9.9\nFW_PLATFORM=h6 junk\n' + b'\n' + b'FW_VERSION=1.0\r\nFW_PLATFORM=zynq\n'
    assert firmware_version_of(data) == '1.0'
    assert fw.declared_platform(data) == 'zynq'
    cut = data.index(b'FW_VERSION=1.0')
    assert fw.declared_platform(data, 0, cut) is None
    assert firmware_version_of(data, 0, cut) == 'sim-' + hashlib.sha256(data[:cut]).hexdigest()[:8]
    # a slice starts a line: KEY= at its first byte counts
    assert firmware_version_of(data, cut, len(data)) == '1.0'
    assert fw.declared_platform(b'FW_PLATFORM=' + b'p' * 17 + b'\n') is None   # longer than a platform name
