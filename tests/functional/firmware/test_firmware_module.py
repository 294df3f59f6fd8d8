# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_firmware through ansible-playbook against simulated miners (127.0.48.x, port 14048).

The simulator's upload log is the proof of what reached a miner: empty means nothing was
uploaded. Each outcome of the module is driven by the simulator's firmware behaviours.
"""

from __future__ import annotations

import hashlib
import os

import pytest

from whatsminer_sim import firmware_image as fw
from whatsminer_sim import flashing

PORT = 14048
OLD = '20220125.13.Rel'
NEW = '20250301.16.Rel'
FAST = dict(port=PORT, firmware=OLD, reboot_seconds=0.3, idle_timeout=3.0)
WAITS = dict(wait_timeout=10, poll_interval=0.1)


def first_address(offset=0):
    """127.0.48.x, a range of 40 addresses per pytest-xdist worker."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.48.%d' % (1 + 40 * (index % 6) + offset)


def play(args, name='Firmware'):
    return [dict(
        name='Upgrade', hosts='all', gather_facts=False,
        module_defaults={'group/minerops.whatsminer.whatsminer': dict(host='{{ ansible_host }}', port=PORT, timeout=3)},
        tasks=[{'name': name, 'minerops.whatsminer.whatsminer_firmware': args}],
    )]


@pytest.fixture
def workdir(ansible_runner):
    return str(ansible_runner.workdir)


def image(workdir, name, data):
    path = os.path.join(workdir, name)
    with open(path, 'wb') as handle:
        handle.write(data)
    return path


def mining(miner):
    return miner.state.mining and not miner.has_fault('bad_firmware')


def test_upgrade_is_confirmed_then_idempotent(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(0), **FAST)
    miner = fleet.miners[0]
    data = fw.build_single(NEW, size=200000)
    path = image(workdir, 'single.bin', data)
    args = dict(src=path, version=NEW, sha256=hashlib.sha256(data).hexdigest(), **WAITS)
    run = run_playbook(play(args), {'m1': miner.address}, diff=True)
    record = run.result('m1', 'Firmware')
    assert record.status == 'ok' and record.changed, run.describe()
    result = record.result
    assert (result['outcome'], result['version_before'], result['version_after']) == ('upgraded', OLD, NEW)
    assert result['bytes_sent'] == len(data) and result['image']['slice'] is None
    assert result['image']['sha256'] == hashlib.sha256(data).hexdigest()
    assert result['upload_seconds'] >= 0 and result['reboot_seconds'] >= 0.25
    assert result['commands'] == ['update_firmware'] and record.diff == dict(before=dict(version=OLD), after=dict(version=NEW))
    assert miner.state.firmware == NEW and [item.outcome for item in miner.upload_log] == [flashing.FLASHED]

    again = run_playbook(play(args), {'m1': miner.address})
    record = again.result('m1', 'Firmware')
    assert record.status == 'ok' and not record.changed and record.result['outcome'] == 'current', again.describe()
    assert len(miner.upload_log) == 1 and record.result['commands'] == []


def test_check_mode_names_the_slice_and_sends_nothing(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(1), **FAST)
    miner = fleet.miners[0]
    combined = fw.build_combined({'h616': fw.build_single(NEW, 'h616'), 'h6os': fw.build_single(NEW, 'h6os')})
    path = image(workdir, 'combined.bin', combined)
    run = run_playbook(play(dict(src=path, version=NEW, **WAITS)), {'m1': miner.address}, check=True, diff=True)
    record = run.result('m1', 'Firmware')
    assert record.status == 'ok' and record.changed, run.describe()
    assert record.result['outcome'] == 'would_upgrade' and record.result['version_before'] == OLD
    assert record.result['image']['slice']['platform'] == 'h6os' and record.result['commands'] == ['update_firmware']
    assert miner.upload_log == [] and miner.state.firmware == OLD


def test_combined_image_sends_only_the_miners_slice_from_the_playbook_directory(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(2), **FAST)
    miner = fleet.miners[0]
    slices = {'h616': fw.build_single('20250301.616.Rel', 'h616', size=50000),
              'h6os': fw.build_single(NEW, 'h6os', size=70000)}
    combined = fw.build_combined(slices)
    image(workdir, 'relative.bin', combined)
    run = run_playbook(play(dict(src='relative.bin', version=NEW, **WAITS)), {'m1': miner.address})
    record = run.result('m1', 'Firmware')
    assert record.status == 'ok' and record.result['outcome'] == 'upgraded', run.describe()
    assert record.result['bytes_sent'] == len(slices['h6os'])
    assert record.result['image']['path'] == os.path.join(workdir, 'relative.bin')
    assert [item.size for item in miner.upload_log] == [len(slices['h6os'])] and miner.state.firmware == NEW


@pytest.mark.parametrize('case, offset', [('sha256', 3), ('no_slice', 4), ('cut_short', 9), ('error_page', 10)])
def test_bad_images_fail_before_any_traffic(sim_fleet, run_playbook, workdir, case, offset):
    fleet = sim_fleet(first_address(offset), **FAST)
    miner = fleet.miners[0]
    if case == 'sha256':
        path = image(workdir, 'tampered.bin', fw.build_single(NEW))
        args = dict(src=path, version=NEW, sha256='0' * 64, **WAITS)
        expected = 'src: %s has SHA-256' % path
    elif case == 'no_slice':
        other = fw.build_combined({'h616': fw.build_single(NEW, 'h616'), 'zynq': fw.build_single(NEW, 'zynq')})
        path = image(workdir, 'other.bin', other)
        args = dict(src=path, version=NEW, **WAITS)
        expected = '%s holds no firmware for platform H6OS (it holds: h616, zynq); nothing was sent' % path
    elif case == 'cut_short':
        # the field rule sends a file whose slice lies past its end whole; this one is a combined image cut short
        whole = fw.build_combined({'h6os': fw.build_single(NEW, 'h6os'), 'h616': fw.build_single(NEW, 'h616')})
        path = image(workdir, 'partial.bin', whole[:-1000])
        args = dict(src=path, version=NEW, **WAITS)
        expected = '%s is a combined image cut short' % path
    else:
        path = image(workdir, 'saved-page.bin', b'<html><body>404 Not Found</body></html>\n')
        args = dict(src=path, version=NEW, **WAITS)
        expected = 'src: %s is a text file, not a firmware image' % path
    run = run_playbook(play(args), {'m1': miner.address})
    record = run.result('m1', 'Firmware')
    assert record.failed and expected in record.msg and record.msg.startswith('%s:%d: ' % (miner.address, PORT)), \
        run.describe()
    assert record.result['outcome'] == 'failed' and record.result['bytes_sent'] == 0 and record.result['commands'] == []
    assert miner.upload_log == [] and miner.write_log == [] and miner.state.firmware == OLD and mining(miner)


@pytest.mark.parametrize('fault, outcome, words', [
    ('stays_on_old_version', 'failed', 'came back on version %s, not %s' % (OLD, NEW)),
    ('upload_cut_short', 'unknown', 'the outcome is unknown, so the image was not sent again'),
    ('wrong_platform', 'failed', 'refused the upgrade to %s and keeps version %s' % (NEW, OLD)),
])
def test_failed_upgrades_say_what_happened_and_the_miner_keeps_mining(
        sim_fleet, run_playbook, workdir, fault, outcome, words):
    offset = dict(stays_on_old_version=5, upload_cut_short=6, wrong_platform=7)[fault]
    faults = () if fault == 'wrong_platform' else (fault,)
    fleet = sim_fleet(first_address(offset), faults=faults, **FAST)
    miner = fleet.miners[0]
    path = image(workdir, 'img-%s.bin' % fault,
                 fw.build_single(NEW, 'zynq' if fault == 'wrong_platform' else None, size=100000))
    args = dict(src=path, version=NEW, wait_timeout=3 if fault == 'upload_cut_short' else 10, poll_interval=0.1)
    run = run_playbook(play(args), {'m1': miner.address})
    record = run.result('m1', 'Firmware')
    assert record.failed and record.result['outcome'] == outcome and words in record.msg, run.describe()
    assert record.result['version_before'] == OLD and len(miner.upload_log) == 1
    assert 'uptime_before' not in record.result and 'upload_error' not in record.result
    sent = dict(stays_on_old_version=100000, upload_cut_short=None, wrong_platform=100000)[fault]
    assert record.result['bytes_sent'] == sent
    assert miner.state.firmware == OLD and mining(miner)


def test_unreachable_miner_is_refused_before_upload(run_playbook, workdir):
    path = image(workdir, 'unused.bin', fw.build_single(NEW))
    run = run_playbook(play(dict(src=path, version=NEW, **WAITS)), {'m1': first_address(39)})
    record = run.result('m1', 'Firmware')
    assert record.failed and record.result['outcome'] == 'failed', run.describe()
    assert 'cannot read the firmware version before upgrading: ' in record.msg and record.msg.endswith('; nothing was sent')
    assert (record.result['bytes_sent'], record.result['version_before'], record.result['commands']) == (0, None, [])


def test_the_plain_module_path_upgrades_too(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(8), **FAST)
    miner = fleet.miners[0]
    path = image(workdir, 'module.bin', fw.build_single(NEW, size=50000))
    run = run_playbook(play(dict(src=path, version=NEW, **WAITS)), {'m1': miner.address}, verbosity=3,
                       env={'MINEROPS_WHATSMINER_FORCE_MODULE': '1'})
    record = run.result('m1', 'Firmware')
    assert record.status == 'ok' and record.result['outcome'] == 'upgraded', run.describe()
    assert 'AnsiballZ_whatsminer_firmware' in run.stdout and miner.state.firmware == NEW
