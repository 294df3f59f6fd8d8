# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Firmware upload and log download: same-socket binary data after a JSON header."""

from __future__ import annotations

import io
import json
import os
import socket
import struct
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto, errors, transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.fakeminer import native, reset_connection

IMAGE = os.urandom(300000)
ARCHIVE = b'\x1f\x8b' + os.urandom(200000)


def recv_exactly(conn, count, initial=b''):
    data = initial
    while len(data) < count:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def firmware_handler(after='close'):
    def handle(miner, conn, _inner, rest):
        miner.send(conn, native('ready'), encrypted=True)
        head = recv_exactly(conn, 4, rest)
        size = struct.unpack('<I', head[:4])[0]
        if after == 'reset_midway':
            recv_exactly(conn, 1000, head[4:])
            reset_connection(conn)
            return
        miner.firmware = recv_exactly(conn, size, head[4:])
        if after == 'error':
            miner.send(conn, native('upgrade failed', code=132, status='E'))
        elif after == 'ok':
            miner.send(conn, native('upgrading', code=131), encrypted=True)
    return handle


def client_for(miner, cache, timeout=2.0):
    return WhatsminerClient(miner.host, miner.port, timeout=timeout, token_cache=cache)


def test_firmware_upload_from_path(fake_miner, token_cache, tmp_path):
    miner = fake_miner('127.0.1.70')
    miner.handlers['update_firmware'] = firmware_handler()
    image = tmp_path / 'fw.bin'
    image.write_bytes(IMAGE)
    reply = client_for(miner, token_cache).update_firmware(str(image))
    assert reply.msg == 'ready' and miner.firmware == IMAGE


def test_firmware_upload_from_stream_with_final_reply(fake_miner, token_cache):
    miner = fake_miner('127.0.1.71')
    miner.handlers['update_firmware'] = firmware_handler('ok')
    stream = io.BytesIO(b'skip' + IMAGE)
    stream.read(4)
    reply = client_for(miner, token_cache).update_firmware(stream)
    assert reply.msg == 'upgrading' and miner.firmware == IMAGE


def test_failure_after_the_image_flowed_is_an_unknown_outcome(fake_miner, token_cache):
    miner = fake_miner('127.0.1.72')
    miner.handlers['update_firmware'] = firmware_handler('reset_midway')
    with pytest.raises(errors.OutcomeUnknown) as info:
        client_for(miner, token_cache).update_firmware(io.BytesIO(IMAGE * 20))
    assert 'verify the firmware version' in str(info.value) and str(info.value).startswith('127.0.1.72:')


def test_an_error_reply_after_the_image_is_the_miners_refusal(fake_miner, token_cache):
    """The miner said no in words (wrong platform, bad image): a definite failure, not an unknown outcome."""
    miner = fake_miner('127.0.1.72')
    miner.handlers['update_firmware'] = firmware_handler('error')
    with pytest.raises(errors.ImageRefused) as info:
        client_for(miner, token_cache).update_firmware(io.BytesIO(IMAGE * 20))
    assert not isinstance(info.value, errors.OutcomeUnknown) and info.value.code == 132
    assert str(info.value).startswith('127.0.1.72:%d: the miner refused the firmware image after it was sent (%d bytes)'
                                      % (miner.port, len(IMAGE * 20))) and 'upgrade failed' in str(info.value)


def test_image_shorter_than_announced(fake_miner, token_cache):
    miner = fake_miner('127.0.1.73')
    miner.handlers['update_firmware'] = firmware_handler()
    with pytest.raises(errors.OutcomeUnknown, match='ended after 1000 of 5000 bytes'):
        client_for(miner, token_cache, timeout=0.5).update_firmware(io.BytesIO(IMAGE[:1000]), size=5000)


def test_firmware_not_ready(fake_miner, token_cache):
    miner = fake_miner('127.0.1.74')
    with pytest.raises(errors.MalformedReply, match='instead of "ready"'):
        client_for(miner, token_cache).update_firmware(io.BytesIO(IMAGE))
    with pytest.raises(errors.InvalidParameter):
        client_for(miner, token_cache).update_firmware(io.BytesIO(b''))


def logs_handler(mode, archive=ARCHIVE, announced=None):
    announced = len(archive) if announced is None else announced

    def handle(miner, conn, _inner, _rest):
        header = json.dumps(native({'logfilelen': str(announced)})).encode()
        if mode == 'encrypted':
            header = json.dumps({'enc': crypto.encrypt(miner.aeskey, header)}).encode()
        if mode == 'glued':
            conn.sendall(header + archive[:5000])
            conn.sendall(archive[5000:])
        elif mode == 'split':
            conn.sendall(header[:7])
            time.sleep(0.02)
            conn.sendall(header[7:30])
            time.sleep(0.02)
            conn.sendall(header[30:])
            time.sleep(0.01)
            conn.sendall(archive)
        else:
            conn.sendall(header)
            time.sleep(0.01)
            conn.sendall(archive)
    return handle


@pytest.mark.parametrize('mode', ['plain', 'encrypted', 'glued', 'split'])
def test_log_download(fake_miner, token_cache, mode):
    miner = fake_miner('127.0.1.75')
    miner.handlers['download_logs'] = logs_handler(mode)
    dest = io.BytesIO()
    assert client_for(miner, token_cache).download_logs(dest) == len(ARCHIVE)
    assert dest.getvalue() == ARCHIVE


def test_log_archive_truncated(fake_miner, token_cache):
    miner = fake_miner('127.0.1.76')
    miner.handlers['download_logs'] = logs_handler('plain', announced=len(ARCHIVE) + 10)
    with pytest.raises(errors.LogArchiveTruncated, match='log archive truncated: got %d of %d bytes'
                       % (len(ARCHIVE), len(ARCHIVE) + 10)):
        client_for(miner, token_cache).download_logs(io.BytesIO())


def test_log_archive_cap_and_bad_header(fake_miner, token_cache):
    miner = fake_miner('127.0.1.77')
    miner.handlers['download_logs'] = logs_handler('plain')
    with pytest.raises(errors.ReplyTooLarge, match='limit'):
        client_for(miner, token_cache).download_logs(io.BytesIO(), max_bytes=1000)

    def bad_header(miner, conn, _inner, _rest):
        miner.send(conn, native({'logfilelen': 'lots'}), encrypted=True)
    miner.handlers['download_logs'] = bad_header
    with pytest.raises(errors.MalformedReply, match='logfilelen'):
        client_for(miner, token_cache).download_logs(io.BytesIO())


def test_a_peer_that_reads_slowly_cannot_stretch_an_upload(fake_miner, token_cache, monkeypatch):
    """Each send makes progress, so only the overall deadline (derived from the size) stops it."""
    monkeypatch.setattr(transport, 'MIN_TRANSFER_BYTES_PER_SECOND', 4 * 1024 * 1024)

    def trickle(miner, conn, _inner, _rest):
        miner.send(conn, native('ready'), encrypted=True)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            while conn.recv(4096):
                time.sleep(0.004)         # about 1 MiB/s: each 1 MiB send within the 2 s timeout, the whole far too slow
        except OSError:
            pass

    miner = fake_miner('127.0.1.74')
    miner.handlers['update_firmware'] = trickle
    client = WhatsminerClient(miner.host, miner.port, timeout=2.0, token_cache=token_cache)
    image = io.BytesIO(b'\x00' * (8 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(errors.OutcomeUnknown, match='did not finish within 2.0 s'):
        client.update_firmware(image)
    assert time.monotonic() - started < 5.0
    assert transport.transfer_seconds(32 << 20, 10) == 10.0 and transport.transfer_seconds(4 << 30, 10) == 1024.0
