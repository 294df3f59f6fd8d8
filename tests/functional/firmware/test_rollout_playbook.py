# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/firmware_rollout.yml (role minerops.whatsminer.firmware_rollout) against simulated miners.

Addresses 127.0.73.x on port 14073; each test has its own range of that block, so xdist
workers never share a miner. The simulator's ``upload_log`` (one record per upload that
started to flow) and ``write_log`` are the proof of what reached a miner: empty means
nothing was sent. Images are a few KB, reboots 0.3 s and polls 0.1-0.2 s, so every wait
is real but short.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os

from whatsminer_sim import firmware_image as fw

PORT = 14073
OLD = '20220125.13.Rel'
NEW = '20250301.16.Rel'
PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'playbooks', 'firmware_rollout.yml')
FAST = dict(port=PORT, firmware=OLD, reboot_seconds=0.3, restart_seconds=0.3, preheat_seconds=0.3)
WAITS = dict(firmware_rollout_wait_timeout=5, firmware_rollout_poll_interval=0.1, firmware_rollout_settle_timeout=3,
             firmware_rollout_settle_poll_interval=0.2)
PREFLIGHT = 'Read the miner before flashing'
FLASH = 'Flash the firmware'
FAIL = 'Fail the miners that did not pass'
SHOW = 'Show the report'
STAMP = '2026-01-02 03:04:05'


# -- helpers ---------------------------------------------------------------------------

def image(tmp_path, name, data):
    """Write an image next to the test; -> (path, sha256)."""
    path = tmp_path / name
    path.write_bytes(data)
    return str(path), hashlib.sha256(data).hexdigest()


def entry(path_and_sha, version=NEW, match=None):
    path, sha256 = path_and_sha
    item = dict(src=path, version=version, sha256=sha256)
    if match is not None:
        item['match'] = match
    return item


def rollout(run_playbook, tmp_path, hosts, images, check=False, verbosity=0, **variables):
    with open(PLAYBOOK, encoding='utf-8') as stream:
        text = stream.read()
    extra = dict(WAITS, firmware_rollout_hosts='all', whatsminer_port=PORT, firmware_rollout_images=images,
                 firmware_rollout_report_dir=str(tmp_path / 'report'))
    extra.update(variables)
    return run_playbook(text, hosts, check=check, extra_vars=extra, timeout=300, verbosity=verbosity)


def names(fleet, prefix='m', **per_host):
    """host name -> host vars for every miner of the fleet (m01, m02, ...); ``per_host`` adds vars by name."""
    hosts = {}
    for index, address in enumerate(fleet.addresses, 1):
        name = '%s%02d' % (prefix, index)
        hosts[name] = dict(ansible_host=address, **per_host.get(name, {}))
    return hosts


def records(run, task):
    return [record for record in run.records if record.task.endswith(': ' + task) or record.task == task]


def result(run, host, task):
    found = [record for record in records(run, task) if record.host == host]
    assert len(found) == 1, 'expected one %r result for %s:\n%s' % (task, host, run.describe())
    return found[0]


def batches(run, task):
    """Hosts of ``task`` grouped by batch: a batch ends where records of other tasks come between."""
    groups, current, last_index = [], [], None
    for index, record in enumerate(run.records):
        if not (record.task.endswith(': ' + task) or record.task == task):
            continue
        if last_index is not None and index != last_index + 1:
            groups.append(current)
            current = []
        current.append(record.host)
        last_index = index
    if current:
        groups.append(current)
    return [sorted(group) for group in groups]


def report(tmp_path, check=False):
    """(JSON document, CSV rows as dicts) of the report files, checked against each other."""
    base = tmp_path / 'report' / ('firmware_rollout-check' if check else 'firmware_rollout')
    document = json.loads((base.parent / (base.name + '.json')).read_text(encoding='utf-8'))
    with open(str(base) + '.csv', encoding='utf-8', newline='') as stream:
        rows = list(csv.DictReader(stream))
    assert [row['host'] for row in rows] == [row['host'] for row in document['rows']]
    assert [row['outcome'] for row in rows] == [row['outcome'] for row in document['rows']]
    assert [row['reason'] for row in rows] == [row['reason'] for row in document['rows']]
    return document, rows


def by_host(document):
    return {row['host']: row for row in document['rows']}


def untouched(miner):
    return miner.upload_log == [] and miner.uploads == [] and miner.write_log == []


def max_overlap(windows):
    events = sorted([(start, 1) for start, _end in windows] + [(end, -1) for _start, end in windows],
                    key=lambda event: (event[0], event[1]))
    level = peak = 0
    for _when, step in events:
        level += step
        peak = max(peak, level)
    return peak


def shown_table(run):
    shows = records(run, SHOW)
    shown = [record for record in shows if record.status == 'ok']
    assert shown, run.describe()
    return '\n'.join(shown[-1].result['msg'])


# -- a fleet upgraded in batches; check mode and the second run send nothing ---------------

def test_fleet_rollout_in_batches_check_mode_and_resume(sim_fleet, run_playbook, tmp_path):
    overrides = {'127.0.73.19': dict(model='M50VH50'), '127.0.73.20': dict(model='M50VH50'),
                 '127.0.73.21': dict(model='M53VH30')}
    fleet = sim_fleet('127.0.73.1', count=21, flash_seconds=0.3, overrides=overrides, **FAST)
    slices = {platform: fw.build_single(NEW, platform, size=6000) for platform in ('h6os', 'h616')}
    combined = image(tmp_path, 'combined.bin', fw.build_combined(slices))
    m50 = image(tmp_path, 'm50.bin', fw.build_single(NEW, 'H616', size=5000))
    images = [entry(combined, match=r'^M30S\+'), entry(m50, match='^M50')]
    hosts = names(fleet)
    variables = dict(firmware_rollout_serial=[1, 5, 10], firmware_rollout_max_parallel_uploads=3)

    # check mode first (one batch, to keep the test short): every miner read and judged, nothing sent
    dry = rollout(run_playbook, tmp_path, hosts, images, check=True, firmware_rollout_serial=[21])
    assert dry.rc == 0, dry.describe()
    assert all(untouched(miner) for miner in fleet.miners)
    assert all(miner.state.firmware == OLD for miner in fleet.miners)
    assert not (tmp_path / 'report' / 'firmware_rollout.json').exists()
    document, _rows = report(tmp_path, check=True)
    rows = by_host(document)
    assert document['check_mode'] is True and document['complete'] is True
    assert document['outcomes'] == {'would_upgrade': 20, 'skipped': 1}
    assert 'slice h6os' in rows['m01']['reason'] and 'combined.bin' in rows['m01']['reason']
    assert rows['m19']['reason'] == 'would upgrade from %s to %s with %s' % (OLD, NEW, m50[0])
    assert rows['m21']['outcome'] == 'skipped' and 'M53VH30 matches no entry' in rows['m21']['reason']

    # the rollout: a canary, then 5, then 10 at a time, at most 3 miners flashing at once
    run = rollout(run_playbook, tmp_path, hosts, images, **variables)
    assert run.rc == 0, run.describe()
    order = sorted(hosts)
    assert batches(run, PREFLIGHT) == [order[:1], order[1:6], order[6:16], order[16:]]
    assert batches(run, FLASH) == [order[:1], order[1:6], order[6:16], order[16:20]]   # m21: no image, skipped
    for miner in fleet.miners[:20]:
        assert [record.outcome for record in miner.upload_log] == ['flashed'], miner
        assert miner.state.firmware == NEW and miner.state.mining
    sent = fleet.miners[0].upload_log[0]        # only the miner's slice of the combined image goes out
    assert (sent.size, sent.sha256) == (len(slices['h6os']), hashlib.sha256(slices['h6os']).hexdigest())
    assert fleet.miners[18].upload_log[0].sha256 == m50[1]
    assert untouched(fleet.miners[20]) and fleet.miners[20].state.firmware == OLD
    down = fleet.miners[0].flash_seconds + fleet.miners[0].reboot_seconds
    third_batch = [record.when for miner in fleet.miners[6:16] for record in miner.upload_log]
    assert 2 <= max_overlap([(when, when + down) for when in third_batch]) <= 3

    document, csv_rows = report(tmp_path)
    rows = by_host(document)
    assert document['complete'] is True and document['outcomes'] == {'upgraded': 20, 'skipped': 1}
    for name in order[:20]:
        row = rows[name]
        assert (row['version_before'], row['version_after'], row['target_version']) == (OLD, NEW, NEW)
        assert row['upload_seconds'] > 0 and row['reboot_seconds'] >= 0.3 and row['seconds'] > 0
        assert row['started'] <= row['finished'] and row['hashrate_after_ths'] >= 0.9 * row['hashrate_before_ths']
        assert row['reason'] == '' and row['restored'] == []
    assert csv_rows[0]['outcome'] == 'upgraded' and csv_rows[0]['version_after'] == NEW
    table = shown_table(run)
    assert '21 miners: 20 upgraded, 1 skipped' in table

    # the same rollout again (in two batches) resumes: upgraded miners are skipped, nothing is uploaded
    logs = [(len(miner.upload_log), len(miner.write_log)) for miner in fleet.miners]
    again = rollout(run_playbook, tmp_path, hosts, images, firmware_rollout_serial=[11])
    assert again.rc == 0, again.describe()
    assert [(len(miner.upload_log), len(miner.write_log)) for miner in fleet.miners] == logs
    assert all(record.status == 'skipped' or not record.changed for record in records(again, FLASH))
    document, _rows = report(tmp_path)
    assert document['outcomes'] == {'current': 20, 'skipped': 1}
    assert by_host(document)['m05']['reason'] == 'already on the target version ' + NEW


# -- a bad canary stops the rollout; the report is right when the play stops early --------

def test_bad_firmware_canary_stops_the_rollout(sim_fleet, run_playbook, tmp_path):
    fleet = sim_fleet('127.0.73.31', count=4, faults=('bad_firmware@127.0.73.31',), **FAST)
    images = [entry(image(tmp_path, 'new.bin', fw.build_single(NEW, 'H6OS', size=4096)), match=r'^M30S\+V')]
    run = rollout(run_playbook, tmp_path, names(fleet), images)
    assert run.rc == 2, run.describe()
    canary, rest = fleet.miners[0], fleet.miners[1:]
    assert [record.outcome for record in canary.upload_log] == ['bad_firmware']
    assert all(untouched(miner) and miner.state.firmware == OLD for miner in rest)
    assert [record.host for record in records(run, PREFLIGHT)] == ['m01']
    failed = result(run, 'm01', FAIL)
    assert failed.status == 'failed' and 'does not mine' in failed.msg and '8410' in failed.msg

    document, csv_rows = report(tmp_path)
    rows = by_host(document)
    assert document['complete'] is False and document['outcomes'] == {'failed': 1, 'not_reached': 3}
    assert rows['m01']['outcome'] == 'failed' and rows['m01']['version_after'] == NEW
    assert 'health gates not passed within 3' in rows['m01']['reason']
    assert '8410 (software version does not match this model' in rows['m01']['reason']
    assert [row['outcome'] for row in csv_rows[1:]] == ['not_reached'] * 3
    assert 'no batch got to it' in rows['m04']['reason']
    assert '4 miners: 1 failed, 3 not_reached' in shown_table(run)

    # run again: the canary no longer mines, so it reports no model to match; it must stop the
    # rollout again, not be skipped so that the next batch flashes the same firmware
    again = rollout(run_playbook, tmp_path, names(fleet), images)
    assert again.rc == 2, again.describe()
    failed = result(again, 'm01', FAIL)
    assert failed.status == 'failed' and 'model is not reported' in failed.msg and '8410' in failed.msg, \
        again.describe()
    assert all(untouched(miner) and miner.state.firmware == OLD for miner in rest)
    assert len(canary.upload_log) == 1


def test_the_canary_is_a_miner_that_needs_the_rollout_whatever_the_inventory_order(sim_fleet, run_playbook, tmp_path):
    """The first two miners of the inventory need nothing (another model, already current): the canary
    batch must still flash one miner alone, not flash nothing and then five at once."""
    overrides = {'127.0.73.81': dict(model='M50VH50'), '127.0.73.82': dict(firmware=NEW)}
    fleet = sim_fleet('127.0.73.81', count=7, overrides=overrides, **FAST)
    images = [entry(image(tmp_path, 'new.bin', fw.build_single(NEW, 'H6OS', size=4096)), match=r'^M30S\+V')]
    run = rollout(run_playbook, tmp_path, names(fleet), images)
    assert run.rc == 0, run.describe()
    assert batches(run, FLASH) == [['m03'], ['m04', 'm05', 'm06', 'm07']], run.describe()
    assert [len(miner.upload_log) for miner in fleet.miners] == [0, 0, 1, 1, 1, 1, 1]
    document, _rows = report(tmp_path)
    assert document['complete'] is True and document['outcomes'] == {'upgraded': 5, 'skipped': 1, 'current': 1}
    assert sorted(row['host'] for row in document['rows']) == ['m0%d' % index for index in range(1, 8)]


def test_failure_in_a_later_batch_keeps_every_record(sim_fleet, run_playbook, tmp_path):
    """The host that fails and the others of its batch are all in the report, written before the stop."""
    fleet = sim_fleet('127.0.73.41', count=7, faults=('bad_firmware@127.0.73.43',), **FAST)
    images = [entry(image(tmp_path, 'new.bin', fw.build_single(NEW, 'H6OS', size=4096)))]
    run = rollout(run_playbook, tmp_path, names(fleet), images, firmware_rollout_serial=[1, 3])
    assert run.rc == 2, run.describe()
    assert batches(run, PREFLIGHT) == [['m01'], ['m02', 'm03', 'm04']]
    assert [miner.state.firmware for miner in fleet.miners] == [NEW] * 4 + [OLD] * 3
    assert all(untouched(miner) for miner in fleet.miners[4:])
    document, _rows = report(tmp_path)
    assert [row['outcome'] for row in document['rows']] == ['upgraded', 'upgraded', 'failed', 'upgraded'] + ['not_reached'] * 3
    assert document['outcomes'] == {'upgraded': 3, 'failed': 1, 'not_reached': 3}
    # the report of the first batch was written too, then regenerated after the second
    assert [record.status for record in records(run, 'Write the report as JSON')] == ['ok', 'ok']


# -- each way an upgrade can go wrong: its outcome, its message, the miner mines on ---------

def test_each_failed_upgrade_has_its_outcome_and_the_miner_keeps_mining(sim_fleet, run_playbook, tmp_path):
    overrides = {
        '127.0.73.51': dict(faults=('stays_on_old_version',)),
        '127.0.73.52': dict(faults=('upload_cut_short',)),
        '127.0.73.53': dict(model='M30S++VH30'),                      # its image entry has the wrong sha256
        '127.0.73.54': dict(model='M50VH50', platform='zynq'),        # combined image without a zynq slice
        '127.0.73.55': dict(model='M53VH30', platform='zynq'),        # single image built for h616
    }
    fleet = sim_fleet('127.0.73.51', count=5, overrides=overrides, **FAST)
    m30 = image(tmp_path, 'm30.bin', fw.build_single(NEW, 'H6OS', size=4096))
    combined = image(tmp_path, 'combined.bin', fw.build_combined(
        {platform: fw.build_single(NEW, platform, size=3000) for platform in ('h6os', 'h616')}))
    h616 = image(tmp_path, 'h616.bin', fw.build_single(NEW, 'h616', size=4096))
    images = [entry((m30[0], '0' * 64), match=r'^M30S\+\+'), entry(m30, match=r'^M30S\+V'),
              entry(combined, match='^M50'), entry(h616, match='^M53')]
    run = rollout(run_playbook, tmp_path, names(fleet), images, firmware_rollout_serial=[5],
                  firmware_rollout_max_fail_percentage=100, firmware_rollout_wait_timeout=1.5)
    assert run.rc == 2, run.describe()
    document, _rows = report(tmp_path)
    rows = by_host(document)
    for name in ('m01', 'm02', 'm03', 'm04', 'm05'):
        assert result(run, name, FAIL).status == 'failed'
        assert rows[name]['version_after'] == OLD, rows[name]
    for miner in fleet.miners:                 # every one still mines on its old firmware
        assert miner.state.firmware == OLD and miner.state.mining, miner

    # comes back on the old version: failed, with both versions
    assert rows['m01']['outcome'] == 'failed'
    assert 'came back on version %s, not %s' % (OLD, NEW) in rows['m01']['reason']
    assert [record.outcome for record in fleet.miners[0].upload_log] == ['stayed_on_old_version']
    # cut short: unknown, never sent again
    assert rows['m02']['outcome'] == 'unknown'
    assert 'connection was lost after the image started to flow' in rows['m02']['reason']
    assert 'within 1.5s (wait_timeout); the outcome is unknown, so the image was not sent again' in rows['m02']['reason']
    assert [record.outcome for record in fleet.miners[1].upload_log] == ['cut_short']
    # wrong sha256: failed before any traffic, naming the file
    assert rows['m03']['outcome'] == 'failed'
    assert 'src: %s has SHA-256 %s, not the expected %s; nothing was sent' % (m30[0], m30[1], '0' * 64) in rows['m03']['reason']
    assert untouched(fleet.miners[2])
    # combined image without the miner's platform: failed before the upload, naming the slices
    assert rows['m04']['outcome'] == 'failed'
    assert 'holds no firmware for platform zynq (it holds: h6os, h616); nothing was sent' in rows['m04']['reason']
    assert untouched(fleet.miners[3])
    # single image for another platform: the miner refuses it after the upload, no reboot
    assert rows['m05']['outcome'] == 'failed'
    assert 'refused the upgrade to %s and keeps version %s' % (NEW, OLD) in rows['m05']['reason']
    assert 'firmware is for platform h616, this miner is zynq' in rows['m05']['reason']
    assert [record.outcome for record in fleet.miners[4].upload_log] == ['refused']


def test_preflight_refusals_flash_nothing(sim_fleet, run_playbook, tmp_path):
    fleet = sim_fleet('127.0.73.61', count=5, **FAST)
    fleet.miners[0].state.mining = False
    fleet.miners[1].state.errors = {'360': STAMP, '2010': STAMP}      # 360 blocks, 2010 does not
    fleet.miners[3].state.errors = {'2010': STAMP}
    fleet.miners[4].state.firmware = NEW                               # on the target, but not mining
    fleet.miners[4].state.mining = False
    hosts = names(fleet, m03=dict(firmware_rollout_max_chip_temp_c=80))   # the simulated chips run at ~91 C
    images = [entry(image(tmp_path, 'new.bin', fw.build_single(NEW, 'H6OS', size=4096)))]
    run = rollout(run_playbook, tmp_path, hosts, images, firmware_rollout_serial=[5],
                  firmware_rollout_max_fail_percentage=100)
    assert run.rc == 2, run.describe()
    rows = by_host(report(tmp_path)[0])
    assert [rows[name]['outcome'] for name in sorted(rows)] == ['refused', 'refused', 'refused', 'upgraded', 'failed']
    assert rows['m01']['reason'] == 'not flashed, because it does not mine'
    assert rows['m02']['reason'] == 'not flashed, because it reports blocking error codes 360 (hash board temperature too high)'
    assert rows['m03']['reason'].startswith('not flashed, because its hottest chip is at 9')
    assert 'above firmware_rollout_max_chip_temp_c (80 C)' in rows['m03']['reason']
    assert rows['m05']['reason'].startswith('already on the target version %s, but it does not mine' % NEW)
    for index in (0, 1, 2, 4):
        assert untouched(fleet.miners[index])
    assert fleet.miners[3].state.firmware == NEW      # a non-blocking code does not stop the upgrade
    assert records(run, FLASH) and [record.host for record in records(run, FLASH)] == ['m04']


# -- settings an upgrade reset are put back, and the report says so; no password leaks -------

def test_settings_reset_by_the_upgrade_are_restored_and_reported(sim_fleet, run_playbook, tmp_path):
    from whatsminer_sim.state import Pool  # pylint: disable=import-outside-toplevel  # tools/ is put on sys.path by the root conftest

    secret = 'Pool-Sekr3t-77'
    fleet = sim_fleet('127.0.73.71', count=2, faults=('upgrade_resets_settings',), **FAST)
    farm_pools = [Pool('stratum+tcp://btc.farm.example:3333', 'farm1.rack7', secret),
                  Pool('stratum+tcp://backup.farm.example:443', 'farm1.backup', 'x')]
    for miner in fleet.miners:
        miner.state.pools = list(farm_pools)
    fleet.miners[0].state.power_mode = 'High'
    fleet.miners[0].state.power_limit = 3300
    images = [entry(image(tmp_path, 'new.bin', fw.build_single(NEW, 'H6OS', size=4096)))]
    run = rollout(run_playbook, tmp_path, names(fleet), images, verbosity=2, firmware_rollout_serial=[2],
                  firmware_rollout_pool_passwords={'stratum+tcp://btc.farm.example:3333': secret})
    assert run.rc == 0, run.describe()
    first, second = fleet.miners
    for miner in fleet.miners:
        assert [record.message for record in miner.upload_log] == ['settings reset to defaults']
        assert miner.state.firmware == NEW and miner.state.mining
        # url, user and the password from firmware_rollout_pool_passwords (the third slot is sent empty)
        assert [pool for pool in miner.state.pools if pool.url] == farm_pools
    assert (first.state.power_mode, first.state.power_limit) == ('High', 3300)
    assert (second.state.power_mode, second.state.power_limit) == ('Normal', 3600)   # its own settings were the defaults
    assert [command for command, _params in first.write_log] == [
        'update_firmware', 'update_pools', 'set_high_power', 'adjust_power_limit']
    assert [command for command, _params in second.write_log] == ['update_firmware', 'update_pools']

    document, csv_rows = report(tmp_path)
    rows = by_host(document)
    assert rows['m01']['outcome'] == 'upgraded' and rows['m01']['restored'] == ['pools', 'power mode', 'power limit']
    assert rows['m01']['reason'] == (
        'the upgrade reset the pools (it came back with stratum+tcp://btc.ss.poolin.com:443 '
        'stratum+tcp://btc.ss.poolin.com:1883 stratum+tcp://btc.ss.poolin.com:25), '
        'the power mode (high, it came back normal), the power limit (3300 W, it came back 3600 W); put back')
    assert rows['m02']['restored'] == ['pools']
    assert csv_rows[0]['restored'] == 'pools power mode power limit'
    # the hash rate gate is read after the power mode is back (High: more than the Normal it came back in)
    assert rows['m01']['hashrate_after_ths'] >= 0.9 * rows['m01']['hashrate_before_ths']
    texts = [run.output, json.dumps([record.result for record in run.records])]
    texts += [path.read_text(encoding='utf-8') for path in (tmp_path / 'report').iterdir()]
    assert all(secret not in text for text in texts)
