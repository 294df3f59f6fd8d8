# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Combined firmware images on the controller: header rules, slice choice, streaming, checksum.

The images here are built byte by byte with ``struct`` from protocol-notes' description,
independently of the reader under test and of the simulator's builder.
"""

from __future__ import annotations

import hashlib
import struct

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._device import firmware_image as images


def record(chip, platform, offset, size):
    return chip.encode().ljust(16, b'\x00') + platform.encode().ljust(16, b'\x00') + struct.pack('<II', offset, size) \
        + b'\x00' * 64


def combined(parts, count=None):
    """``parts``: [(chip, platform, data)] -> header, records, then the data in order."""
    offset = 24 + 104 * len(parts)
    records, body = b'', b''
    for chip, platform, data in parts:
        records += record(chip, platform, offset + len(body), len(data))
        body += data
    header = struct.pack('<IIIIII', 0, 0, 0, 0, len(body), len(parts) if count is None else count)
    return header + records + body


def write(tmp_path, data, name='fw.bin'):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_combined_image_lists_its_packages_and_slices_by_platform(tmp_path):
    data = combined([('btminer', 'h616', b'A' * 1000), ('btminer', 'H6OS', b'B' * 3000)])
    path = write(tmp_path, data)
    assert images.packages(path) == [images.Package('btminer', 'h616', 232, 1000),
                                     images.Package('btminer', 'H6OS', 1232, 3000)]
    part = images.slice_for(path, 'h6os')
    assert (part.offset, part.size, part.package.platform) == (1232, 3000, 'H6OS')
    with images.SliceReader(part) as stream:
        chunks = [stream.read(700) for _index in range(6)]
    assert b''.join(chunks) == b'B' * 3000 and chunks[-1] == b''


@pytest.mark.parametrize('data', [
    b'short',
    combined([('c', 'h6os', b'x' * 10)], count=0),
    combined([('c', 'h6os', b'x' * 10)], count=65),
    combined([('c', 'h6os', b'x' * 10)], count=3),            # records past the end of the file
    combined([('c', 'h6\x01os', b'x' * 10)])[:-1],           # a slice outside the file, a name no record has
    combined([('c', 'h6os', b'x' * 10)])[:24] + record('c', 'h6os', 20, 1000),  # a slice from inside the records
    b'\x00' * 20 + struct.pack('<I', 1) + b'\x00' * 2000,    # an unnamed record of size 0
], ids=['short', 'count-0', 'count-65', 'records-past-end', 'slice-outside-unnamed', 'slice-in-records',
        'empty-slice'])
def test_a_file_without_a_valid_header_is_sent_whole(tmp_path, data):
    path = write(tmp_path, data)
    assert images.packages(path) is None
    assert images.slice_for(path, 'h6os') == images.Slice(path, 0, len(data), None)


def test_a_named_record_of_size_0_leaves_only_its_platform_without_firmware(tmp_path):
    """Not "no header, send it whole": the other platforms keep their slices, the empty one gets nothing."""
    data = combined([('btminer', 'h616', b''), ('btminer', 'h6', b'B' * 5000)])
    path = write(tmp_path, data)
    assert images.slice_for(path, 'h6').size == 5000
    with pytest.raises(images.ImageError, match='holds an empty package for platform h616'):
        images.slice_for(path, 'h616')
    with pytest.raises(images.ImageError, match='holds no firmware for platform H3'):
        images.slice_for(path, 'H3')


def test_a_combined_image_cut_short_is_refused_not_sent_whole(tmp_path):
    """Named records and a slice past the end: an interrupted download, which the field rule would send whole."""
    data = combined([('btminer', 'h616', b'A' * 1000), ('btminer', 'H6OS', b'B' * 3000)])
    path = write(tmp_path, data[:-1000])
    with pytest.raises(images.ImageError) as caught:
        images.slice_for(path, 'h616')
    assert str(caught.value) == ('%s is a combined image cut short: its header places the H6OS package up to byte '
                                 '4232, but the file has 3232 bytes (an interrupted download?); fetch it again and '
                                 'check its SHA-256' % path)


@pytest.mark.parametrize('data, text', [
    (b'<html><body><h1>404 Not Found</h1></body></html>\n', True),
    ('{"error": "quota exceeded", "détail": "réessayez"}'.encode('utf-8'), True),
    (b'#!/bin/sh\nexit 0\n' + b'\x00\x01payload', False),    # a script with a binary payload
    (b'\xff\xfe not utf-8', False),
], ids=['html', 'json', 'script-with-payload', 'not-utf8'])
def test_a_file_that_is_all_text_is_not_an_image(tmp_path, data, text):
    assert images.text_instead_of_image(write(tmp_path, data)) is text


def test_a_large_file_is_never_read_whole_for_the_text_check(tmp_path):
    path = write(tmp_path, b'a' * (images.MAX_TEXT_BYTES + 1))
    assert images.text_instead_of_image(path) is False


def test_no_slice_for_the_platform_names_the_file_the_platform_and_what_it_holds(tmp_path):
    path = write(tmp_path, combined([('c', 'h616', b'x'), ('c', 'zynq', b'y')]))
    with pytest.raises(images.ImageError) as caught:
        images.slice_for(path, 'H6OS')
    assert str(caught.value) == '%s holds no firmware for platform H6OS (it holds: h616, zynq)' % path
    with pytest.raises(images.ImageError, match='does not report its platform'):
        images.slice_for(path, None)


def test_sha256_is_of_the_whole_file(tmp_path):
    data = bytes(range(256)) * 5000
    assert images.sha256_of(write(tmp_path, data)) == hashlib.sha256(data).hexdigest()
