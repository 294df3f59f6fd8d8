# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Firmware upload like real firmware, over real sockets: platforms, combined images, refusals, faults.

What a rollout must be able to prove against the simulator: which bytes a miner flashed
(``miner.upload_log``), that a refused image leaves it mining on the old version without
a reboot, that "bad firmware" and "stays on the old version" look the way they do in the
field, and how long the port stays closed.
"""

from __future__ import annotations

import hashlib
import io
import os
import selectors
import signal
import struct
import subprocess
import sys
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import TokenCache
from sim_client import SIM_PORT, Session, firmware_upload, plain, read_all, read_json_object, reboot_window, worker_base
from whatsminer_sim import firmware_image as fw
from whatsminer_sim import flashing
from whatsminer_sim.faults import UnknownFault, parse_faults
from whatsminer_sim.fleet import Fleet, FleetError

BLOCK = 25
PORT = SIM_PORT + 3     # block 25 lies in the thousand-miner test's range on SIM_PORT: a port of its own keeps them apart
OLD = '20220125.13.Rel'
NEW = '20250301.7.Rel'
REBOOT = 0.4


@pytest.fixture
def rig(make_fleet):
    fleet = make_fleet(BLOCK, port=PORT, reboot_seconds=REBOOT)
    address = fleet.addresses[0]
    return fleet.miner(address), Session(address, fleet.port), address, fleet.port


def mining(address, port):
    record = plain(address, port, 'summary')['SUMMARY'][0]
    return record['MHS av'] > 0 and plain(address, port, 'status')['Msg']['btmineroff'] == 'false'


def uptime(address, port):
    return plain(address, port, 'summary')['SUMMARY'][0]['Uptime']


def version(address, port):
    return plain(address, port, 'get_version')['Msg']['fw_ver']


def error_codes(address, port):
    return [code for entry in plain(address, port, 'get_error_code')['Msg']['error_code'] for code in entry]


# -- platforms ------------------------------------------------------------------------

def test_platform_per_model_and_per_miner(make_fleet):
    first = '127.0.%d.%d' % (BLOCK, worker_base())
    third = '127.0.%d.%d' % (BLOCK, worker_base() + 2)
    fleet = make_fleet(BLOCK, count=3, port=PORT, overrides={
        '127.0.%d.%d' % (BLOCK, worker_base() + 1): {'model': 'M50VH50'},
        third: {'model': 'M50VH50', 'platform': 'zynq'}})
    reported = [plain(address, fleet.port, 'get_version')['Msg']['platform'] for address in fleet.addresses]
    assert reported == ['H6OS', 'H616', 'zynq']
    assert fleet.miner(first).state.platform == 'H6OS'


def test_fleet_wide_platform(make_fleet):
    fleet = make_fleet(BLOCK, count=2, port=PORT, platform='h616', model='M30S++VH30')
    assert {plain(address, fleet.port, 'get_version')['Msg']['platform'] for address in fleet.addresses} == {'h616'}


def test_unknown_miner_option_is_still_refused():
    with pytest.raises(FleetError, match='unknown miner option'):
        Fleet('127.0.%d.%d' % (BLOCK, worker_base()), 1, overrides={
            '127.0.%d.%d' % (BLOCK, worker_base()): {'plattform': 'h6'}})


# -- accepted images --------------------------------------------------------------------

def test_matching_image_reboots_for_reboot_seconds_into_the_new_version(rig):
    miner, session, address, port = rig
    image = fw.build_single(NEW, 'h6os', size=200000)        # platform names compare case-insensitively
    before = uptime(address, port)
    assert before > 3000 and mining(address, port)
    assert firmware_upload(session, image) == b''              # accepted: no reply, the miner closes
    down = reboot_window(address, port)
    assert down is not None and REBOOT - 0.05 <= down < REBOOT + 2
    assert version(address, port) == NEW
    assert uptime(address, port) < 5 and mining(address, port)
    assert miner.uploads == [len(image)]
    assert miner.upload_log == [flashing.UploadRecord(
        miner.upload_log[0].when, len(image), hashlib.sha256(image).hexdigest(), flashing.FLASHED, OLD, NEW, NEW,
        None, '')]
    assert miner.write_log == [('update_firmware', {})]
    assert session.call('status')[0]['Code'] == 135            # tokens do not survive the reboot


def test_flash_seconds_lengthen_the_window(make_fleet):
    # the window is measured from when the upload returns, which a loaded machine delays:
    # a flash time well above that delay still shows in the window
    fleet = make_fleet(BLOCK, port=PORT, reboot_seconds=0.3, flash_seconds=1.5)
    address = fleet.addresses[0]
    firmware_upload(Session(address, fleet.port), fw.build_single(NEW))
    assert 1.4 <= reboot_window(address, fleet.port) < 4
    assert version(address, fleet.port) == NEW


def test_combined_image_flashes_the_miners_own_package(rig):
    miner, session, address, port = rig
    image = fw.build_combined({'h616': fw.build_single('20250301.616.Rel', 'h616'),
                               'h6os': fw.build_single('20250301.6.Rel', 'H6OS'),
                               'zynq': fw.build_single('20250301.9.Rel', 'zynq')})
    assert firmware_upload(session, image) == b''
    assert reboot_window(address, port) is not None
    assert version(address, port) == '20250301.6.Rel' and mining(address, port)
    record = miner.upload_log[0]
    assert (record.size, record.sha256, record.package, record.outcome) == (
        len(image), hashlib.sha256(image).hexdigest(), 'h6os', flashing.FLASHED)


def test_the_library_client_flashes_a_slice(rig):
    """What MicroBT's worker does: upload only the miner's package, through the collection's client."""
    miner, _session, address, port = rig
    image = fw.build_combined({'h616': fw.build_single('20250301.616.Rel', 'h616'),
                               'H6OS': fw.build_single(NEW, 'H6OS', size=300000)})
    client = WhatsminerClient(address, port=port, password='admin', timeout=3, token_cache=TokenCache())
    package = fw.find_package(fw.parse_combined(image), client.get_version().data['platform'])
    data = image[package.offset:package.offset + package.size]
    assert client.update_firmware(io.BytesIO(data), size=len(data)).msg == 'ready'
    assert reboot_window(address, port) is not None
    assert client.get_version().data['fw_ver'] == NEW
    assert miner.upload_log[0].sha256 == hashlib.sha256(data).hexdigest() and miner.upload_log[0].package is None


# -- refused images ---------------------------------------------------------------------

def assert_refused_and_untouched(miner, session, address, port, reply_bytes, before_uptime, words):
    reply, encrypted = session.decode(reply_bytes)
    assert encrypted and reply['STATUS'] == 'E' and reply['Code'] == flashing.REFUSED_CODE, reply
    for word in words:
        assert word in reply['Msg']
    assert reboot_window(address, port) is None                # never went down
    assert version(address, port) == OLD and mining(address, port)
    assert uptime(address, port) >= before_uptime              # no reboot
    assert session.call('status')[0]['STATUS'] == 'S'          # the token is still good
    assert miner.state.firmware == OLD and miner.pending_firmware is None
    assert miner.upload_log[-1].outcome == flashing.REFUSED
    assert miner.upload_log[-1].version_after == OLD


def test_wrong_platform_image_is_refused_after_the_upload(rig):
    miner, session, address, port = rig
    image = fw.build_single(NEW, 'h616', size=100000)
    before = uptime(address, port)
    reply = firmware_upload(session, image)
    assert_refused_and_untouched(miner, session, address, port, reply, before, ['h616', 'H6OS'])
    assert miner.uploads == [len(image)]
    assert miner.upload_log[0].sha256 == hashlib.sha256(image).hexdigest()
    assert miner.upload_log[0].image_version == NEW


def test_combined_image_without_the_miners_platform_is_refused(rig):
    miner, session, address, port = rig
    image = fw.build_combined({'h616': fw.build_single(NEW, 'h616'), 'zynq': fw.build_single(NEW, 'zynq')})
    before = uptime(address, port)
    reply = firmware_upload(session, image)
    assert_refused_and_untouched(miner, session, address, port, reply, before, ['H6OS', 'h616, zynq'])
    assert miner.upload_log[0].image_version is None


def test_combined_image_whose_package_is_built_for_another_platform_is_refused(rig):
    miner, session, address, port = rig
    image = fw.build_combined({'H6OS': fw.build_single(NEW, 'h616')})
    before = uptime(address, port)
    reply = firmware_upload(session, image)
    assert_refused_and_untouched(miner, session, address, port, reply, before, ['h616'])
    assert miner.upload_log[0].package == 'H6OS'


def test_the_library_client_sees_the_refusal(rig):
    miner, _session, address, port = rig
    client = WhatsminerClient(address, port=port, password='admin', timeout=3, token_cache=TokenCache())
    with pytest.raises(errors.WhatsminerError, match='platform'):
        client.update_firmware(io.BytesIO(fw.build_single(NEW, 'zynq')))
    assert client.get_version().data['fw_ver'] == OLD and mining(address, port)
    assert miner.upload_log[0].outcome == flashing.REFUSED


# -- faults -----------------------------------------------------------------------------

def test_bad_firmware_comes_back_on_the_new_version_but_does_not_mine(rig):
    miner, session, address, port = rig
    miner.set_faults('bad_firmware')
    assert firmware_upload(session, fw.build_single(NEW)) == b''
    assert reboot_window(address, port) is not None
    assert version(address, port) == NEW
    assert not mining(address, port)
    assert plain(address, port, 'edevs')['DEVS'] == []
    assert error_codes(address, port) == ['8410']
    assert uptime(address, port) < 5
    assert miner.upload_log[0].outcome == flashing.BAD_FIRMWARE and miner.upload_log[0].version_after == NEW
    # power_on does not help: the firmware is broken, not switched off
    Session(address, port).write('power_on')
    assert not mining(address, port)
    # a good image cures it
    miner.clear_faults()
    firmware_upload(Session(address, port), fw.build_single('20250401.1.Rel'))
    assert reboot_window(address, port) is not None
    assert version(address, port) == '20250401.1.Rel' and mining(address, port)
    assert error_codes(address, port) == []


def test_bad_firmware_with_its_own_error_code(rig):
    miner, session, address, port = rig
    miner.set_faults('bad_firmware=8220')
    firmware_upload(session, fw.build_single(NEW))
    assert reboot_window(address, port) is not None
    assert error_codes(address, port) == ['8220'] and not mining(address, port)


def test_factory_reset_does_not_repair_bad_firmware(rig):
    miner, session, address, port = rig
    miner.set_faults('bad_firmware')
    firmware_upload(session, fw.build_single(NEW))
    assert reboot_window(address, port) is not None
    Session(address, port).write('factory_reset')
    assert reboot_window(address, port) is not None
    assert version(address, port) == NEW and not mining(address, port) and error_codes(address, port) == ['8410']


def test_stays_on_old_version(rig):
    miner, session, address, port = rig
    miner.set_faults('stays_on_old_version')
    assert firmware_upload(session, fw.build_single(NEW)) == b''
    assert reboot_window(address, port) is not None           # it did reboot
    assert version(address, port) == OLD
    assert uptime(address, port) < 5 and mining(address, port)
    record = miner.upload_log[0]
    assert (record.outcome, record.image_version, record.version_after) == (flashing.STAYED_ON_OLD_VERSION, NEW, OLD)


def test_upload_cut_short_is_recorded_but_not_installed(rig):
    miner, session, address, port = rig
    miner.set_faults('upload_cut_short')
    image = fw.build_single(NEW, size=4 * 1024 * 1024)
    sock = session.open('update_firmware')
    read_json_object(sock)
    with pytest.raises(OSError):
        sock.sendall(struct.pack('<I', len(image)) + image)
        read_all(sock)
    sock.close()
    assert reboot_window(address, port) is None
    assert version(address, port) == OLD and mining(address, port)
    assert miner.uploads == []
    record = miner.upload_log[0]
    assert record.outcome == flashing.CUT_SHORT and 0 < record.size < len(image)


def test_an_upload_the_client_abandons_is_recorded_as_incomplete(rig):
    miner, session, address, port = rig
    sock = session.open('update_firmware')
    read_json_object(sock)
    sock.sendall(struct.pack('<I', 100000) + b'\xaa' * 1000)
    time.sleep(0.1)
    sock.close()
    assert reboot_window(address, port) is None
    assert version(address, port) == OLD and miner.uploads == []
    assert [(record.outcome, record.size) for record in miner.upload_log] == [(flashing.INCOMPLETE, 1000)]


def test_ready_without_an_image_records_no_upload(rig):
    miner, session, address, port = rig
    sock = session.open('update_firmware')
    read_json_object(sock)
    sock.close()
    time.sleep(0.1)
    assert miner.upload_log == [] and miner.uploads == []
    assert version(address, port) == OLD


def test_fault_values_are_checked():
    assert parse_faults(['bad_firmware=8220'])[1] == {'bad_firmware_code': 8220}
    with pytest.raises(UnknownFault):
        parse_faults(['bad_firmware=abc'])
    with pytest.raises(UnknownFault):
        parse_faults(['stays_on_old_version=1'])


# -- the executable ---------------------------------------------------------------------

def test_cli_platform_and_flash_seconds(tmp_path):
    sim = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'tools', 'whatsminer-sim')
    address = '127.0.%d.%d' % (BLOCK, worker_base() + 10)
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(sim), '--first-address', address, '--port', str(PORT),
         '--platform', 'zynq', '--reboot-seconds', '0.2', '--flash-seconds', '0.5', '--fault', 'bad_firmware=8220'],
        cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(20), 'no READY line from whatsminer-sim within 20 s'
        assert process.stdout.readline().startswith('READY 1 ')
        assert plain(address, PORT, 'get_version')['Msg']['platform'] == 'zynq'
        firmware_upload(Session(address, PORT), fw.build_single(NEW, 'ZYNQ'))
        assert 0.65 <= reboot_window(address, PORT) < 4
        assert version(address, PORT) == NEW and error_codes(address, PORT) == ['8220']
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
