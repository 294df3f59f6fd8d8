# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reboot windows, firmware upload and log download, including their field faults."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import socket
import struct
import tarfile
import time

import pytest

from sim_client import Session, firmware_upload, plain, read_all, read_json_object, refused, wait_until

BLOCK = 24


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK, reboot_seconds=0.5)
    address = fleet.addresses[0]
    return fleet, fleet.miner(address), Session(address, fleet.port), address, fleet.port


def test_reboot_never_answers_then_refuses_then_recovers(rig):
    _fleet, miner, session, address, port = rig
    sock = session.open('reboot')
    started = time.monotonic()
    assert read_all(sock) == b''
    sock.close()
    assert refused(address, port)
    assert wait_until(lambda: not refused(address, port), timeout=3)
    assert 0.4 < time.monotonic() - started < 3
    assert miner.write_log[-1] == ('reboot', {})
    assert plain(address, port, 'summary')['SUMMARY'][0]['Uptime'] < 5
    reply, _encrypted = session.call('status')      # tokens do not survive a reboot
    assert reply['Code'] == 135


def test_firmware_upload_installs_the_version_in_the_image(rig):
    _fleet, miner, session, address, port = rig
    image = b'\x7fELF' + b'\x00' * 1000 + b'\nFW_VERSION=20240101.22.Rel\n' + bytes(range(256)) * 400
    assert firmware_upload(session, image) == b''
    assert wait_until(lambda: refused(address, port), timeout=2)
    assert miner.state.firmware == '20220125.13.Rel'     # still rebooting
    assert wait_until(lambda: not refused(address, port), timeout=3)
    assert plain(address, port, 'get_version')['Msg']['fw_ver'] == '20240101.22.Rel'
    assert plain(address, port, 'summary')['SUMMARY'][0]['Firmware Version'] == '20240101.22.Rel'
    assert miner.uploads == [len(image)]


def test_firmware_without_version_line_gets_a_hash_version(rig):
    _fleet, _miner, session, address, port = rig
    image = b'random image bytes' * 100
    firmware_upload(session, image)
    expected = 'sim-' + hashlib.sha256(image).hexdigest()[:8]
    assert wait_until(lambda: not refused(address, port) and
                      plain(address, port, 'get_version')['Msg']['fw_ver'] == expected, timeout=4)


def test_upload_cut_short_leaves_the_version(rig):
    _fleet, miner, session, address, port = rig
    miner.set_faults('upload_cut_short')
    image = b'FW_VERSION=20990101.1.Rel\n' + b'\xaa' * (8 * 1024 * 1024)
    sock = session.open('update_firmware')
    header, _rest = read_json_object(sock)
    assert session.decode(header)[0]['Msg'] == 'ready'
    with pytest.raises(OSError):
        sock.sendall(struct.pack('<I', len(image)) + image)
        read_all(sock)
    sock.close()
    time.sleep(0.3)
    assert not refused(address, port)
    assert plain(address, port, 'get_version')['Msg']['fw_ver'] == '20220125.13.Rel'
    assert miner.uploads == []


def download(session, pause_check=False):
    sock = session.open('download_logs')
    try:
        header, rest = read_json_object(sock)
        reply, encrypted = session.decode(header)
        length = int(reply['Msg']['logfilelen'])
        return reply, encrypted, length, rest, read_all(sock)
    finally:
        sock.close()


def unpack(archive):
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive))) as tar:
        return sorted(tar.getnames())


def test_download_logs_header_then_archive(rig):
    _fleet, _miner, session, _address, _port = rig
    reply, encrypted, length, rest, tail = download(session)
    assert encrypted and reply['STATUS'] == 'S' and isinstance(reply['Msg']['logfilelen'], str)
    archive = rest + tail
    assert rest == b''     # the archive comes ~10 ms after the header, in its own write
    assert len(archive) == length
    assert unpack(archive) == ['api.log', 'miner.log']
    assert download(session)[3:] == (rest, tail)   # deterministic


def test_log_header_plain(rig):
    _fleet, miner, session, _address, _port = rig
    miner.set_faults('log_header_plain')
    reply, encrypted, length, rest, tail = download(session)
    assert not encrypted and reply['STATUS'] == 'S' and int(reply['Msg']['logfilelen']) == length
    assert unpack(rest + tail) == ['api.log', 'miner.log']


def test_log_glued(rig):
    _fleet, miner, session, _address, _port = rig
    miner.set_faults('log_glued')
    sock = session.open('download_logs')
    time.sleep(0.2)
    data = read_all(sock)
    sock.close()
    header, rest = read_json_object(None, data)
    length = int(session.decode(header)[0]['Msg']['logfilelen'])
    assert len(rest) == length and unpack(rest)


def test_log_header_split(rig):
    _fleet, miner, session, _address, _port = rig
    miner.set_faults('log_header_split')
    sock = session.open('download_logs')
    first = sock.recv(65536)
    assert first and not first.rstrip().endswith(b'}')
    rest = read_all(sock)
    sock.close()
    header, archive = read_json_object(None, first + rest)
    assert len(archive) == int(session.decode(header)[0]['Msg']['logfilelen'])


def test_log_truncated(rig):
    _fleet, miner, session, _address, _port = rig
    miner.set_faults('log_truncated')
    _reply, _encrypted, length, rest, tail = download(session)
    assert 0 < len(rest + tail) < length


def test_download_logs_needs_write_access(make_fleet):
    fleet = make_fleet(BLOCK, write_access=False)
    session = Session(fleet.addresses[0], fleet.port)
    raw = session.open('download_logs')
    data = read_all(raw)
    raw.close()
    assert json.loads(data)['Msg'] == "can't access write cmd"


def test_firmware_upload_is_refused_in_plaintext(rig):
    _fleet, _miner, _session, address, port = rig
    with socket.create_connection((address, port), timeout=5) as sock:
        sock.sendall(b'{"cmd":"update_firmware"}')
        assert json.loads(read_all(sock))['Code'] == 45
