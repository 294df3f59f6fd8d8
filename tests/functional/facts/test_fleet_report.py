# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/fleet_report.yml: discover with the inventory plugin, print a table, write a CSV (127.0.43.x)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import collection_path

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PORT = 14043


def run_report(tmp_path, *extra, networks='127.0.43.1-5'):
    config = tmp_path / 'farm.whatsminer.yml'
    config.write_text('plugin: minerops.whatsminer.whatsminer\nnetworks: [%s]\nport: %d\n'
                      'timeout: 1.0\nconnect_timeout: 0.5\n' % (networks, PORT))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_path.collections_root(),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
    report = tmp_path / 'fleet.csv'
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(config)]
    command += list(extra) + [os.path.join(REPO, 'playbooks', 'fleet_report.yml'), '-e', 'fleet_report_csv=%s' % report]
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, check=False, cwd=tmp_path)
    return completed, report


def test_report_table_and_csv(tmp_path, sim_fleet):
    fleet = sim_fleet('127.0.43.1', count=3, port=PORT)
    fleet.miners[1].state.errors = {'329': '2022-01-17 11:28:11'}
    fleet.miners[2].state.pools[0].url = 'stratum+tcp://pool,with"odd:3333'
    completed, report = run_report(tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with open(report, encoding='utf-8') as handle:
        rows = list(csv.DictReader(handle))
    assert [row['host'] for row in rows] == ['127.0.43.1', '127.0.43.2', '127.0.43.3']
    first = rows[0]
    assert first['model'] == 'M30S+VE40' and first['firmware'] == '20220125.13.Rel'
    assert 50 < float(first['hashrate_ths']) < 120 and float(first['power_w']) > 1000
    assert float(first['temp_env_c']) == 32.0 and float(first['chip_temp_max_c']) > 50
    assert first['pool'] == 'stratum+tcp://btc.ss.poolin.com:443' and first['errors'] == ''
    assert rows[1]['errors'] == '329 control board temperature sensor cannot be read'
    assert rows[2]['pool'] == 'stratum+tcp://pool,with"odd:3333'
    assert 'host               address' in completed.stdout
    assert '3 miners,' in completed.stdout and 'miners written to %s' % report in completed.stdout


def test_a_miner_that_cannot_be_read_still_gets_a_row(tmp_path, sim_fleet):
    # its own addresses: xdist may run it beside test_report_table_and_csv
    fleet = sim_fleet('127.0.43.11', count=2, port=PORT)
    # found by discovery, then stops answering before the play reads it
    completed, report = run_report(tmp_path, '-e', 'fleet_report_hosts=whatsminer:unreadable',
                                   '-i', str(_unreadable_inventory(tmp_path)), networks='127.0.43.11-15')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with open(report, encoding='utf-8') as handle:
        rows = dict((row['host'], row) for row in csv.DictReader(handle))
    assert sorted(rows) == ['127.0.43.11', '127.0.43.12', 'ghost']
    assert rows['ghost']['errors'].startswith('not read: 127.0.43.19:%d' % PORT)
    assert rows['127.0.43.12']['model'] == 'M30S+VE40'
    assert fleet.miners[0].state.mining


def _unreadable_inventory(tmp_path):
    path = tmp_path / 'extra.yml'
    path.write_text('unreadable:\n  hosts:\n    ghost:\n      ansible_host: 127.0.43.19\n      whatsminer_port: %d\n'
                    '      ansible_python_interpreter: "{{ ansible_playbook_python }}"\n' % PORT)
    return path


def read_csv(path):
    """The CSV as Python's csv module reads it (newline='': a carriage return inside a quoted cell stays one)."""
    with open(path, encoding='utf-8', newline='') as handle:
        return list(csv.DictReader(handle))


def test_a_limited_run_reports_exactly_the_miners_of_the_limit(tmp_path, sim_fleet):
    fleet = sim_fleet('127.0.43.21', count=3, port=PORT)
    completed, report = run_report(tmp_path, '-l', '127.0.43.21,127.0.43.23', networks='127.0.43.21-25')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # before: the report play (hosts: localhost) was skipped under --limit, and no file was written
    rows = read_csv(report)
    assert [row['host'] for row in rows] == ['127.0.43.21', '127.0.43.23']
    assert all(row['model'] == 'M30S+VE40' and row['errors'] == '' for row in rows)
    assert '2 miners written to %s' % report in completed.stdout
    page = (tmp_path / 'fleet_report.html').read_text(encoding='utf-8')
    assert 'id="total-miners">2<' in page and '127.0.43.22' not in page
    assert fleet.miners[1].state.mining


def test_miner_text_is_neutralised_and_quoted_in_the_csv(tmp_path, sim_fleet):
    fleet = sim_fleet('127.0.43.31', count=3, port=PORT)
    fleet.miners[0].state.model = '=HYPERLINK("x")'
    fleet.miners[1].state.model = 'M30\rS'
    fleet.miners[2].state.pools[0].url = '@SUM(A1:A9)'
    completed, report = run_report(tmp_path, networks='127.0.43.31-35')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    text = report.read_bytes().decode('utf-8')        # as written: read_text would turn the \r into \n
    assert '"\'=HYPERLINK(""x"")"' in text and ',"M30\rS",' in text
    rows = dict((row['host'], row) for row in read_csv(report))
    assert sorted(rows) == ['127.0.43.31', '127.0.43.32', '127.0.43.33'], text
    assert rows['127.0.43.31']['model'] == '\'=HYPERLINK("x")'
    # a bare carriage return is quoted: the row does not split, the cell keeps it
    assert rows['127.0.43.32']['model'] == 'M30\rS' and rows['127.0.43.32']['firmware'] == '20220125.13.Rel'
    assert rows['127.0.43.33']['pool'] == "'@SUM(A1:A9)"
    # numbers the collection writes are numbers, never prefixed
    assert all(float(row['hashrate_ths']) > 50 and not row['temp_env_c'].startswith("'") for row in rows.values())


def test_failed_reads_are_named_in_the_errors_column(tmp_path, sim_fleet, monkeypatch):
    from whatsminer_sim import envelopes, reads  # pylint: disable=import-outside-toplevel

    original = reads.READS['get_error_code']

    def broken_error_code(miner, now, request):
        if miner.address == '127.0.43.42':
            return envelopes.native_error(now, envelopes.CMD_ERROR, 'error list unavailable')
        return original(miner, now, request)

    monkeypatch.setitem(reads.READS, 'get_error_code', broken_error_code)
    sim_fleet('127.0.43.41', count=2, port=PORT)
    completed, report = run_report(tmp_path, networks='127.0.43.41-45')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = dict((row['host'], row) for row in read_csv(report))
    assert rows['127.0.43.41']['errors'] == ''
    # before: errors [] and error_count 0, so the row looked healthy
    assert rows['127.0.43.42']['errors'] == 'could not read error_code'
    assert rows['127.0.43.42']['model'] == 'M30S+VE40' and float(rows['127.0.43.42']['hashrate_ths']) > 50


def test_the_csv_writes_numbers_as_numbers_and_neutralises_only_text(run_playbook, tmp_path):
    """The one CSV filter through both templates that use it: the fleet report's and the rollout role's."""
    rows = [dict(host='m1', address='10.0.0.1', model='-M30', firmware='+1', hashrate_ths=0.0, power_w=-0.5,
                 temp_env_c=-5.0, chip_temp_max_c=-12, pool='\tstratum', errors='a\r\nb, "c"', mining=True,
                 efficiency_j_per_th=None, read=True)]
    rollout = [dict(host='m1', address='10.0.0.1', model='=cmd|"/C calc"!A0', platform='H6OS', outcome='upgraded',
                    version_before=None, version_after='20260101.16.Rel', target_version='20260101.16.Rel',
                    started='2026-01-01T00:00:00Z', finished='2026-01-01T00:01:00Z', seconds=-3.5, upload_seconds=1.5,
                    reboot_seconds=30, settle_seconds=0, hashrate_before_ths=None, hashrate_after_ths=0,
                    restored=['pools', 'power mode'], image='/srv/images/m30.bin', reason='line one\nline two')]
    fleet_csv, rollout_csv = tmp_path / 'fleet.csv', tmp_path / 'rollout.csv'
    tasks = [
        {'name': 'Fleet CSV', 'ansible.builtin.template': dict(
            src=os.path.join(REPO, 'playbooks', 'templates', 'fleet_report.csv.j2'), dest=str(fleet_csv), mode='0644'),
         'vars': dict(fleet_report_rows=rows)},
        {'name': 'Rollout CSV', 'ansible.builtin.template': dict(
            src=os.path.join(REPO, 'roles', 'firmware_rollout', 'templates', 'report.csv.j2'), dest=str(rollout_csv),
            mode='0644'), 'vars': dict(firmware_rollout_rows=rollout)},
    ]
    run = run_playbook([dict(name='Render', hosts='all', gather_facts=False, tasks=tasks)],
                       hosts=dict(controller=dict(ansible_host='127.0.0.1')))
    assert run.rc == 0, run.describe()
    fleet = read_csv(fleet_csv)
    assert len(fleet) == 1, fleet_csv.read_text(encoding='utf-8')
    row = fleet[0]
    assert (row['hashrate_ths'], row['power_w'], row['temp_env_c'], row['chip_temp_max_c']) == ('0.0', '-0.5', '-5.0', '-12')
    assert (row['model'], row['firmware'], row['pool']) == ("'-M30", "'+1", "'\tstratum")
    assert row['errors'] == 'a\r\nb, "c"'
    line = fleet_csv.read_text(encoding='utf-8').splitlines()[1]
    assert line.startswith('m1,10.0.0.1,"\'-M30","\'+1",0.0,-0.5,-5.0,-12,')
    report = read_csv(rollout_csv)
    assert len(report) == 1 and len(rollout_csv.read_text(encoding='utf-8').splitlines()) == 2, 'one physical line per miner'
    assert report[0]['model'] == '\'=cmd|"/C calc"!A0' and report[0]['seconds'] == '-3.5'
    assert report[0]['restored'] == 'pools power mode' and report[0]['reason'] == 'line one line two'
    assert report[0]['hashrate_after_ths'] == '0' and report[0]['version_before'] == ''


def test_a_measured_zero_is_shown_as_zero_in_the_table(tmp_path, sim_fleet):
    fleet = sim_fleet('127.0.43.51', count=2, port=PORT)
    fleet.miners[1].state.mining = False
    completed, report = run_report(tmp_path, networks='127.0.43.51-55')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    idle = [row for row in read_csv(report) if row['host'] == '127.0.43.52'][0]
    assert float(idle['hashrate_ths']) == 0.0
    line = [text for text in completed.stdout.splitlines() if text.count('127.0.43.52') == 2][0]
    fields = line.strip().strip('",').split()
    # host, address, model, firmware, TH/s, W: a hash rate or power of 0 is a measurement, shown as such; only
    # a value the miner did not give is "-" (an idle simulated miner's devdetails, hence its model, is empty)
    assert fields[:4] == ['127.0.43.52', '127.0.43.52', '-', '20220125.13.Rel'], line
    assert float(fields[4]) == 0.0 and float(fields[5]) == 0.0, line
