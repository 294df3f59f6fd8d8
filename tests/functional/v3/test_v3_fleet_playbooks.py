# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The site playbooks, unchanged, over a mixed fleet: two v2 miners and two v3 miners (127.0.87.x).

Each host carries what the inventory plugin would set (``whatsminer_api_version``,
``whatsminer_port``, ``whatsminer_v3_port``), so the plays use each miner's API without
probing. Curtail and restore, log collection, the drift report and the firmware rollout
must treat both alike.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os

from whatsminer_sim import firmware_image as fw
from whatsminer_sim.state import Pool

PORT = 14087
V3_PORT = 14487
PASSWORD = 'Fleet123'
PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'playbooks')


def first_address():
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.87.%d' % (1 + 10 * (index % 20))


def mixed(sim_fleet, **options):
    fleet = sim_fleet(first_address(), 4, port=PORT, v3_port=V3_PORT, api='mixed', password=PASSWORD,
                      v3_password=PASSWORD, idle_timeout=3.0, restart_seconds=0.1, reboot_seconds=0.3, **options)
    hosts = {}
    for index, sim in enumerate(fleet.miners):
        variables = dict(ansible_host=sim.address, whatsminer_password=PASSWORD, whatsminer_port=PORT,
                         whatsminer_api_version=sim.api)
        if sim.api == 'v3':
            variables['whatsminer_v3_port'] = V3_PORT
        hosts['m%d' % index] = variables
    return fleet, hosts


def playbook(name):
    with open(os.path.join(PLAYBOOKS, name), encoding='utf-8') as stream:
        return stream.read()


def test_curtail_and_restore_a_mixed_fleet(sim_fleet, run_playbook):
    fleet, hosts = mixed(sim_fleet)
    waits = dict(curtail_hosts='all', curtail_wait_timeout=10, curtail_poll_interval=0.1)
    curtail = dict(waits, curtail_action='curtail', curtail_percent=50)
    curtailed = run_playbook(playbook('curtail.yml'), hosts, extra_vars=curtail)
    assert curtailed.rc == 0, curtailed.output
    assert [sim.state.power_percent for sim in fleet.miners] == [50, 50, 50, 50]
    assert {entry[0] for sim in fleet.miners if sim.api == 'v3' for entry in sim.write_log} == {'set.miner.power_percent'}
    restored = run_playbook(playbook('curtail.yml'), hosts, extra_vars=dict(waits, curtail_action='restore'))
    assert restored.rc == 0, restored.output
    assert [sim.state.power_percent for sim in fleet.miners] == [100, 100, 100, 100]
    assert all(sim.state.mining for sim in fleet.miners)


def test_collect_logs_and_drift_report_over_a_mixed_fleet(sim_fleet, run_playbook, tmp_path):
    fleet, hosts = mixed(sim_fleet)
    collect = dict(collect_logs_hosts='all', collect_logs_dir=str(tmp_path / 'logs'))
    logs = run_playbook(playbook('collect_logs.yml'), hosts, extra_vars=collect)
    assert logs.rc == 0, logs.output
    archives = sorted(name for name in os.listdir(tmp_path / 'logs') if name.endswith('.tar.gz'))
    assert len(archives) == 4 and all(os.path.getsize(tmp_path / 'logs' / name) > 0 for name in archives)

    report = tmp_path / 'drift.csv'
    written = [len(sim.write_log) for sim in fleet.miners]    # v2 log downloads are privileged commands
    drift = run_playbook(playbook('drift_report.yml'), hosts, extra_vars=dict(
        drift_report_hosts='all', drift_report_csv=str(report), drift_report_power=dict(mode='normal'),
        drift_report_tuning=dict(upfreq_speed=0)))
    assert drift.rc == 0, drift.output
    assert [len(sim.write_log) for sim in fleet.miners] == written      # the drift report never writes
    with open(report, encoding='utf-8') as stream:
        rows = list(csv.DictReader(stream))
    by_host = {}
    for row in rows:
        by_host.setdefault(row['host'], []).append(row)
    assert sorted(by_host) == sorted(hosts)
    for name, variables in hosts.items():
        tuning = [row for row in by_host[name] if row.get('section') == 'tuning']
        # upfreq speed: v2 cannot read it back, v3 can (and it matches)
        expected = 'not_readable' if variables['whatsminer_api_version'] == 'v2' else 'in_sync'
        assert tuning and tuning[0]['status'] == expected, (name, by_host[name])


def test_firmware_rollout_over_a_mixed_fleet_restores_what_the_upgrade_reset(sim_fleet, run_playbook, tmp_path):
    """A canary then a batch of three, two v2 and two v3 miners, each upgrade resetting the settings.

    The v2 miners are flashed with ``update_firmware`` and get their pools back with
    ``update_pools``; the v3 miners with ``set.system.update_firmware`` and ``set.miner.pools``
    (encrypted parameters); one report covers both, and the pool password appears nowhere.
    """
    old, new, secret = '20240710.11.Rel', '20260101.16.Rel', 'Pool-Sekr3t-87'
    fleet, hosts = mixed(sim_fleet, firmware=old, faults=('upgrade_resets_settings',), preheat_seconds=0.3)
    farm = [Pool('stratum+tcp://btc.farm.example:3333', 'farm1.rack7', secret),
            Pool('stratum+tcp://backup.farm.example:443', 'farm1.backup', 'x')]
    for sim in fleet.miners:
        sim.state.pools = list(farm)
    platforms = sorted({sim.state.platform for sim in fleet.miners})
    data = fw.build_combined({platform: fw.build_single(new, platform, size=3000) for platform in platforms})
    path = tmp_path / 'combined.bin'
    path.write_bytes(data)
    extra = dict(firmware_rollout_hosts='all', firmware_rollout_serial=[1, 3],
                 firmware_rollout_images=[dict(src=str(path), version=new, sha256=hashlib.sha256(data).hexdigest())],
                 firmware_rollout_pool_passwords={farm[0].url: secret},
                 firmware_rollout_report_dir=str(tmp_path / 'report'), firmware_rollout_wait_timeout=8,
                 firmware_rollout_poll_interval=0.1, firmware_rollout_settle_timeout=5,
                 firmware_rollout_settle_poll_interval=0.2)
    run = run_playbook(playbook('firmware_rollout.yml'), hosts, extra_vars=extra, timeout=300, verbosity=2)
    assert run.rc == 0, run.describe()
    for sim in fleet.miners:
        assert [record.outcome for record in sim.upload_log] == ['flashed'], sim
        assert sim.state.firmware == new and sim.state.mining, sim
        assert [pool for pool in sim.state.pools if pool.url] == farm, sim
        commands = [entry[0] for entry in sim.write_log]
        expected = ['set.system.update_firmware', 'set.miner.pools'] if sim.api == 'v3' else ['update_firmware', 'update_pools']
        assert commands == expected, commands
    with open(tmp_path / 'report' / 'firmware_rollout.json', encoding='utf-8') as stream:
        document = json.load(stream)
    assert document['complete'] is True and document['outcomes'] == {'upgraded': 4}
    assert [row['restored'] for row in document['rows']] == [['pools']] * 4
    assert [(row['version_before'], row['version_after']) for row in document['rows']] == [(old, new)] * 4
    texts = [run.output, json.dumps([record.result for record in run.records])]
    texts += [item.read_text(encoding='utf-8') for item in (tmp_path / 'report').iterdir()]
    assert all(secret not in text for text in texts)
