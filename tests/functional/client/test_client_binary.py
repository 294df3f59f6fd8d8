# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two binary flows through the client: firmware upload (+ reboot window + new version) and log download.

The log archive is compared byte for byte with what the simulator sends, including when
the header arrives split or glued to the archive; the failure faults raise the typed errors.
"""

from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from client_rig import check_error, wait_for_reboot
from whatsminer_sim.binary_flows import log_archive

BLOCK = 62
IMAGE = b'\x7fELF' + bytes(range(256)) * 300 + b'\nFW_VERSION=20250301.7.Rel\n' + b'\x00' * 4000


@pytest.fixture
def rig(make_rig):
    return make_rig(BLOCK)


@pytest.mark.parametrize('source', ['stream', 'path'])
def test_update_firmware_then_reboot_window_then_new_version(rig, tmp_path, source):
    old = rig.client.get_version().data['fw_ver']
    if source == 'path':
        image = tmp_path / 'firmware.bin'
        image.write_bytes(IMAGE)
    else:
        image = io.BytesIO(IMAGE)
    reply = rig.client.update_firmware(image)
    assert reply.ok and reply.msg == 'ready' and reply.encrypted
    version, refused = wait_for_reboot(rig.client, rig.miner.reboot_seconds)
    assert refused, 'the port should refuse while the miner flashes and reboots'
    assert old == '20220125.13.Rel' != version.data['fw_ver'] == '20250301.7.Rel'
    assert rig.client.summary().data[0]['Firmware Version'] == '20250301.7.Rel'
    assert rig.miner.uploads == [len(IMAGE)]
    assert rig.miner.write_log == [('update_firmware', {})]


@pytest.mark.parametrize('size', [100, len(IMAGE)])
def test_upload_cut_short_is_an_unknown_outcome_and_the_version_stays(rig, size):
    # Small images are fully buffered before the miner aborts: the abort must still reach the client as a
    # reset (not the clean close that follows a good upload), or the client would report success.
    rig.miner.set_faults('upload_cut_short')
    with pytest.raises(errors.OutcomeUnknown) as caught:
        rig.client.update_firmware(io.BytesIO(IMAGE[:size]))
    text = check_error(caught.value, rig.client)
    assert 'verify the firmware version' in text and not caught.value.retryable
    rig.miner.clear_faults()
    assert rig.client.get_version().data['fw_ver'] == '20220125.13.Rel'
    assert rig.miner.uploads == []


def test_update_firmware_refuses_an_empty_image_before_sending(rig):
    with pytest.raises(errors.InvalidParameter):
        rig.client.update_firmware(io.BytesIO(b''))
    assert rig.miner.write_log == []


@pytest.mark.parametrize('fault', [None, 'log_header_split', 'log_glued', 'log_header_plain'])
def test_download_logs_is_byte_exact(rig, fault):
    if fault:
        rig.miner.set_faults(fault)
    expected = log_archive(rig.miner.state)
    sink = io.BytesIO()
    assert rig.client.download_logs(sink) == len(expected)
    assert sink.getvalue() == expected
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(sink.getvalue()))) as archive:
        assert sorted(archive.getnames()) == ['api.log', 'miner.log']
    assert rig.miner.write_log == [('download_logs', {})]


def test_log_truncated(rig):
    rig.miner.set_faults('log_truncated')
    expected = log_archive(rig.miner.state)
    sink = io.BytesIO()
    with pytest.raises(errors.LogArchiveTruncated) as caught:
        rig.client.download_logs(sink, timeout=3)
    text = check_error(caught.value, rig.client)
    assert 'got %d of %d bytes' % (len(expected) // 2, len(expected)) in text
    assert caught.value.received == len(expected) // 2
    assert sink.getvalue() == expected[:len(expected) // 2]


def test_download_logs_size_cap(rig):
    sink = io.BytesIO()
    with pytest.raises(errors.ReplyTooLarge) as caught:
        rig.client.download_logs(sink, max_bytes=100)
    check_error(caught.value, rig.client)
    assert sink.getvalue() == b''


@pytest.mark.parametrize('flow', ['update_firmware', 'download_logs'])
def test_binary_flows_need_write_access(rig, flow):
    rig.miner.state.write_access = False
    with pytest.raises(errors.WriteAccessDisabled) as caught:
        if flow == 'update_firmware':
            rig.client.update_firmware(io.BytesIO(IMAGE))
        else:
            rig.client.download_logs(io.BytesIO())
    assert 'WhatsMinerTool' in check_error(caught.value, rig.client)
    assert rig.miner.uploads == [] and rig.miner.write_log == []


@pytest.mark.parametrize('flow', ['update_firmware', 'download_logs'])
def test_binary_flows_are_not_plain_writes(rig, flow):
    with pytest.raises(errors.UnsupportedCommand, match=flow):
        rig.client.write(flow)
    assert rig.miner.write_log == []
