# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_logs, playbooks/collect_logs.yml and playbooks/drift_report.yml through ansible-playbook
against simulated miners (127.0.77.x, port 14077).

The simulator's archive is deterministic (``binary_flows.log_archive(state)``), so a
downloaded file is compared byte for byte with what the miner sent; ``write_log`` shows
every privileged request a miner accepted (``download_logs`` is one), so an empty one
proves that nothing was sent. The drift report's system/LED/network sections are tested
once their modules exist; until then those tests skip and the report runs without them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import stat
import time

import pytest
import yaml

from whatsminer_sim.binary_flows import log_archive

PORT = 14077
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COLLECT_LOGS = os.path.join(REPO, 'playbooks', 'collect_logs.yml')
DRIFT_REPORT = os.path.join(REPO, 'playbooks', 'drift_report.yml')
FAST = dict(port=PORT, idle_timeout=3.0, restart_seconds=0.3, reboot_seconds=0.3)
SECRET = 'Adm1n-S3cret-77'


def first_address(offset=0):
    """127.0.77.x, a range of 40 addresses per pytest-xdist worker."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return '127.0.77.%d' % (1 + 40 * (index % 6) + offset)


#: where nothing listens: a task that succeeds or fails with an input error there sent nothing
NOWHERE = first_address(39)


def play(args, name='Logs', password=None):
    defaults = dict(host='{{ ansible_host }}', port=PORT, timeout=3)
    if password is not None:
        defaults['password'] = password
    return [dict(name='Collect', hosts='all', gather_facts=False,
                 module_defaults={'group/minerops.whatsminer.whatsminer': defaults},
                 tasks=[{'name': name, 'minerops.whatsminer.whatsminer_logs': args}])]


@pytest.fixture
def workdir(ansible_runner):
    return str(ansible_runner.workdir)


def files_in(directory):
    """Every entry of ``directory``, hidden ones (temporary files) included."""
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


def archive_of(miner):
    return log_archive(miner.state)


class TimedLog(list):
    """``write_log`` that also notes when each request arrived (instrumentation, not a stand-in)."""

    def __init__(self, items=()):
        super().__init__(items)
        self.times = []

    def append(self, item):
        self.times.append((time.monotonic(), item[0]))
        super().append(item)


# --- whatsminer_logs ------------------------------------------------------------------

def test_download_into_a_directory_named_after_the_inventory_host(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(0), **FAST).miners[0]
    logs = os.path.join(workdir, 'logs')
    run = run_playbook(play(dict(dest=logs + '/')), {'rack1-m07': miner.address})
    record = run.result('rack1-m07', 'Logs')
    assert record.status == 'ok' and record.changed, run.describe()
    result = record.result
    expected = archive_of(miner)
    name = 'rack1-m07_%s.tar.gz' % result['timestamp'].replace('-', '').replace(':', '')
    assert result['dest'] == os.path.join(logs, name) and result['name'] == 'rack1-m07'
    assert files_in(logs) == [name]
    with open(result['dest'], 'rb') as handle:
        assert handle.read() == expected
    assert result['size'] == len(expected) and result['sha256'] == hashlib.sha256(expected).hexdigest()
    assert stat.S_IMODE(os.stat(result['dest']).st_mode) == 0o600
    assert result['commands'] == ['download_logs'] and miner.write_log == [('download_logs', {})]

    again = run_playbook(play(dict(dest=logs + '/')), {'rack1-m07': miner.address})
    second = again.result('rack1-m07', 'Logs')
    assert second.status == 'ok' and second.changed and second.result['dest'] != result['dest'], again.describe()
    assert len(files_in(logs)) == 2, 'the first archive must never be overwritten'


def test_relative_dest_is_relative_to_the_playbook_directory(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(1), **FAST).miners[0]
    os.makedirs(os.path.join(workdir, 'site'))
    with open(os.path.join(workdir, 'site', 'logs.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(play(dict(dest='collected/')), handle)
    run = run_playbook('- ansible.builtin.import_playbook: site/logs.yml\n', {'m1': miner.address})
    record = run.result('m1', 'Logs')
    assert record.status == 'ok', run.describe()
    assert os.path.dirname(record.result['dest']) == os.path.join(workdir, 'site', 'collected')
    assert files_in(os.path.join(workdir, 'site', 'collected')) == [os.path.basename(record.result['dest'])]
    assert not os.path.exists(os.path.join(workdir, 'collected'))


@pytest.mark.parametrize('fault', ['log_header_split', 'log_glued'])
def test_split_or_glued_headers_still_give_the_whole_archive(sim_fleet, run_playbook, workdir, fault):
    miner = sim_fleet(first_address(2 if fault == 'log_header_split' else 3), faults=(fault,), **FAST).miners[0]
    dest = os.path.join(workdir, fault + '.tar.gz')
    run = run_playbook(play(dict(dest=dest)), {'m1': miner.address})
    record = run.result('m1', 'Logs')
    assert record.status == 'ok' and record.changed and record.result['dest'] == dest, run.describe()
    with open(dest, 'rb') as handle:
        assert handle.read() == archive_of(miner)


def test_a_truncated_archive_leaves_no_file_and_keeps_the_previous_one(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(4), faults=('log_truncated',), **FAST).miners[0]
    size = len(archive_of(miner))
    logs = os.path.join(workdir, 'logs')
    run = run_playbook(play(dict(dest=logs + '/')), {'m1': miner.address})
    record = run.result('m1', 'Logs')
    assert record.failed and not record.changed, run.describe()
    assert record.msg.startswith('%s:%d: log archive truncated: got %d of %d bytes' % (miner.address, PORT, size // 2, size))
    assert 'no file was written' in record.msg and record.result['received'] == size // 2
    assert record.result['error'] == 'LogArchiveTruncated' and record.result['size'] is None
    assert files_in(logs) == [], 'neither the archive nor its temporary file may be left behind'

    previous = os.path.join(workdir, 'latest.tar.gz')
    with open(previous, 'wb') as handle:
        handle.write(b'the archive of last week')
    run = run_playbook(play(dict(dest=previous)), {'m1': miner.address})
    assert run.result('m1', 'Logs').failed, run.describe()
    with open(previous, 'rb') as handle:
        assert handle.read() == b'the archive of last week'
    assert files_in(workdir).count('latest.tar.gz') == 1 and not [name for name in files_in(workdir) if name.endswith('.part')]


def test_an_archive_larger_than_max_size_fails_and_writes_nothing(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(5), **FAST).miners[0]
    size = len(archive_of(miner))
    logs = os.path.join(workdir, 'logs')
    run = run_playbook(play(dict(dest=logs + '/', max_size=size - 1)), {'m1': miner.address})
    record = run.result('m1', 'Logs')
    assert record.failed, run.describe()
    assert 'the log archive is %d bytes, more than the %d byte limit (max_size)' % (size, size - 1) in record.msg
    assert record.result['error'] == 'ReplyTooLarge' and files_in(logs) == []

    exact = run_playbook(play(dict(dest=logs + '/', max_size=size)), {'m1': miner.address})
    assert exact.result('m1', 'Logs').status == 'ok' and len(files_in(logs)) == 1, exact.describe()


def test_check_mode_sends_nothing_and_writes_nothing(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(6), **FAST).miners[0]
    logs = os.path.join(workdir, 'logs')
    run = run_playbook(play(dict(dest=logs + '/')), {'m1': miner.address, 'ghost': NOWHERE}, check=True)
    for host in ('m1', 'ghost'):
        record = run.result(host, 'Logs')
        assert record.status == 'ok' and record.changed, run.describe()
        assert record.result['dest'].startswith(os.path.join(logs, host + '_')) and record.result['size'] is None
        assert record.result['commands'] == ['download_logs']
    # the miner saw no request, and a host where nothing listens did not fail: no traffic at all
    assert miner.write_log == [] and not os.path.exists(logs)


def test_a_file_dest_holding_the_same_archive_is_unchanged(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(7), **FAST).miners[0]
    dest = os.path.join(workdir, 'm1', 'latest.tar.gz')
    first = run_playbook(play(dict(dest=dest)), {'m1': miner.address})
    assert first.result('m1', 'Logs').changed and os.path.isfile(dest), first.describe()
    inode = os.stat(dest).st_ino
    again = run_playbook(play(dict(dest=dest)), {'m1': miner.address})
    record = again.result('m1', 'Logs')
    assert record.status == 'ok' and not record.changed, again.describe()
    assert record.result['sha256'] == first.result('m1', 'Logs').result['sha256'] and os.stat(dest).st_ino == inode
    assert len(miner.write_log) == 2 and files_in(os.path.dirname(dest)) == ['latest.tar.gz']


@pytest.mark.parametrize('args, words', [
    (dict(dest='logs/', name='a/b'), 'name must be usable as the start of a file name'),
    (dict(dest='logs/', max_size=0), 'max_size must be between 1 and'),
    (dict(dest='logs/', download_timeout=0), 'download_timeout must be a positive number of seconds'),
    (dict(dest='blocker/sub/'), 'dest: '),
])
def test_bad_input_fails_before_any_traffic(run_playbook, workdir, args, words):
    with open(os.path.join(workdir, 'blocker'), 'w', encoding='utf-8') as handle:
        handle.write('a file where a directory would have to be')
    run = run_playbook(play(args), {'m1': NOWHERE})
    record = run.result('m1', 'Logs')
    # NOWHERE refuses connections: any traffic would have failed with "connection refused" instead
    assert record.failed and record.msg.startswith('%s:%d: ' % (NOWHERE, PORT)) and words in record.msg, run.describe()
    assert 'refused' not in record.msg and not os.path.exists(os.path.join(workdir, 'logs'))


def test_no_password_in_any_output_at_vvvv(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(8), count=2, password=SECRET,
                      overrides={first_address(9): {'password': 'An0ther-Pw-77'}}, **FAST)
    good, other = fleet.miners
    logs = os.path.join(workdir, 'logs')
    run = run_playbook(play(dict(dest=logs + '/'), password='{{ miner_password }}'),
                       {'m1': dict(ansible_host=good.address, miner_password=SECRET),
                        'm2': dict(ansible_host=other.address, miner_password=SECRET)}, verbosity=4)
    assert run.result('m1', 'Logs').status == 'ok', run.describe()
    wrong = run.result('m2', 'Logs')
    assert wrong.failed and 'no file was written' in wrong.msg and other.write_log == [], run.describe()
    assert len(files_in(logs)) == 1
    assert SECRET not in run.output
    assert all(SECRET not in json.dumps(record.result) for record in run.records)


def test_the_plain_module_path_downloads_too(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(10), **FAST).miners[0]
    run = run_playbook(play(dict(dest='logs/')), {'m1': miner.address}, verbosity=3,
                       env={'MINEROPS_WHATSMINER_FORCE_MODULE': '1'})
    record = run.result('m1', 'Logs')
    assert record.status == 'ok' and record.changed, run.describe()
    assert 'AnsiballZ_whatsminer_logs' in run.stdout
    assert os.path.dirname(record.result['dest']) == os.path.join(workdir, 'logs') and record.result['name'] == 'm1'
    with open(record.result['dest'], 'rb') as handle:
        assert handle.read() == archive_of(miner)


# --- playbooks/collect_logs.yml -------------------------------------------------------

def collect_logs(run_playbook, hosts, check=False, args=(), **variables):
    with open(COLLECT_LOGS, encoding='utf-8') as handle:
        text = handle.read()
    extra = dict(collect_logs_hosts='all', whatsminer_port=PORT)
    extra.update(variables)
    return run_playbook(text, hosts, extra_vars=extra, timeout=180, check=check, args=args)


def manifest(directory):
    found = [name for name in files_in(directory) if name.startswith('manifest_') and name.endswith('.csv')]
    assert len(found) == 1, files_in(directory)
    with open(os.path.join(directory, found[0]), encoding='utf-8', newline='') as handle:
        return dict((row['host'], row) for row in csv.DictReader(handle))


def once(run, task):
    """The one record of a report task: it runs once (run_once, on the controller), for the whole play."""
    found = [record for record in run.records if record.task == task]
    assert len(found) == 1, '%d records of %r:\n%s' % (len(found), task, run.describe())
    return found[0]


def summary(run):
    return once(run, 'Print the summary').result['msg']


def test_collect_logs_downloads_every_miner_a_bounded_number_at_a_time(sim_fleet, run_playbook, workdir):
    delay = 0.3
    fleet = sim_fleet(first_address(11), count=3, faults=('slow_reply=%s' % delay,), **FAST)
    for miner in fleet.miners:
        miner.write_log = TimedLog()
    hosts = dict(('m%d' % (index + 1), miner.address) for index, miner in enumerate(fleet.miners))
    logs = os.path.join(workdir, 'farm-logs')
    run = collect_logs(run_playbook, hosts, collect_logs_dir=logs, collect_logs_throttle=1)
    assert run.rc == 0, run.describe()
    rows = manifest(logs)
    for index, miner in enumerate(fleet.miners):
        row = rows['m%d' % (index + 1)]
        expected = archive_of(miner)
        assert (row['status'], row['address'], row['error']) == ('collected', miner.address, '')
        assert row['size'] == str(len(expected)) and row['sha256'] == hashlib.sha256(expected).hexdigest()
        assert os.path.dirname(row['file']) == logs and os.path.basename(row['file']).startswith('m%d_' % (index + 1))
        with open(row['file'], 'rb') as handle:
            assert handle.read() == expected
    assert summary(run)[0] == '3 of 3 miners collected into %s (%d bytes), 0 failed' % (
        logs, sum(len(archive_of(miner)) for miner in fleet.miners))
    assert once(run, 'Fail when the logs of a miner could not be collected').status == 'ok'
    # throttle 1: each download starts only after the previous one ended, and each takes at
    # least the reply delay; at once, all three would have started within a fraction of it
    started = sorted(when for miner in fleet.miners for when, command in miner.write_log.times if command == 'download_logs')
    assert len(started) == 3
    assert all(later - earlier >= delay for earlier, later in zip(started, started[1:])), started


def test_collect_logs_in_check_mode_downloads_nothing_and_still_summarises(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(16), count=2, **FAST)
    hosts = dict(('m%d' % (index + 1), miner.address) for index, miner in enumerate(fleet.miners))
    hosts['ghost'] = first_address(35)         # nothing listens: check mode cannot know, and must not say collected
    logs = os.path.join(workdir, 'check-logs')
    run = collect_logs(run_playbook, hosts, check=True, collect_logs_dir=logs)
    assert run.rc == 0, run.describe()
    lines = summary(run)
    assert lines[0] == ('check mode: 3 of 3 miners would be collected into %s, 0 failed; nothing was downloaded or '
                        'written' % logs)
    assert sorted(line.split()[2] for line in lines[1:]) == ['ghost', 'm1', 'm2']
    assert all(line.startswith('would collect ') for line in lines[1:]), lines
    rows = once(run, 'Build one row per miner').result['ansible_facts']['collect_logs_rows']
    assert [(row['host'], row['status'], row['size']) for row in rows] == [
        ('ghost', 'would_collect', None), ('m1', 'would_collect', None), ('m2', 'would_collect', None)]
    gate = once(run, 'Fail when the logs of a miner could not be collected')
    assert gate.status == 'ok' and gate.msg == 'check mode: the logs of 3 miners would be collected (nothing was downloaded)'
    assert all(miner.write_log == [] for miner in fleet.miners)
    assert not [name for name in files_in(logs) if not name.startswith('manifest_')] if os.path.isdir(logs) else True


def test_collect_logs_summarises_failures_and_fails_the_run(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(14), count=2, faults=('log_truncated@%s' % first_address(15),), **FAST)
    good, cut = fleet.miners
    logs = os.path.join(workdir, 'logs')
    hosts = {'good': good.address, 'cut': cut.address, 'gone': first_address(38)}
    run = collect_logs(run_playbook, hosts, collect_logs_dir=logs)
    assert run.rc != 0, run.describe()
    rows = manifest(logs)
    assert rows['good']['status'] == 'collected' and os.path.isfile(rows['good']['file'])
    assert rows['cut']['status'] == 'failed' and 'log archive truncated' in rows['cut']['error']
    assert rows['gone']['status'] == 'failed' and 'refused' in rows['gone']['error'] and rows['gone']['file'] == ''
    archives = [name for name in files_in(logs) if not name.startswith('manifest_')]
    assert archives == [os.path.basename(rows['good']['file'])], 'only the complete archive may be there'
    lines = summary(run)
    assert lines[0].startswith('1 of 3 miners collected into %s' % logs) and lines[0].endswith('2 failed')
    assert any(line.startswith('FAILED') and ' cut ' in line and 'truncated' in line for line in lines), lines
    assert any(line.startswith('collected') and ' good ' in line for line in lines), lines
    final = once(run, 'Fail when the logs of a miner could not be collected')
    assert final.failed and 'no logs from cut, gone' in final.msg


def test_collect_logs_with_a_limit_summarises_the_limited_miners_and_fails_on_theirs(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(25), count=3, **FAST)
    # a host name a spreadsheet would run as a formula, first in the play; a miner outside the limit
    hosts = {'=HYPERLINK("x")': fleet.miners[0].address, 'gone': first_address(36), 'other': fleet.miners[1].address,
             'm3': fleet.miners[2].address}
    logs = os.path.join(workdir, 'limited-logs')
    run = collect_logs(run_playbook, hosts, collect_logs_dir=logs, args=('-l', '=HYPERLINK("x"),gone,m3'))
    # before: the summary play (hosts: localhost) was skipped under --limit: no manifest, no gate, rc 0
    assert run.rc != 0, run.describe()
    rows = manifest(logs)
    assert sorted(rows) == ['\'=HYPERLINK("x")', 'gone', 'm3']
    assert rows['\'=HYPERLINK("x")']['status'] == 'collected' and rows['m3']['status'] == 'collected'
    assert rows['gone']['status'] == 'failed' and 'refused' in rows['gone']['error']
    with open(os.path.join(logs, [name for name in files_in(logs) if name.startswith('manifest_')][0]), encoding='utf-8') as handle:
        assert '\n"\'=HYPERLINK(""x"")",' in handle.read()
    assert summary(run)[0].startswith('2 of 3 miners collected into %s' % logs)
    final = once(run, 'Fail when the logs of a miner could not be collected')
    assert final.failed and 'no logs from gone' in final.msg
    assert fleet.miners[1].write_log == [], 'a miner outside the limit is not touched'


# --- playbooks/drift_report.yml -------------------------------------------------------

CONFIG_MODULES = dict(pools='whatsminer_pools', power='whatsminer_power', tuning='whatsminer_tuning',
                      system='whatsminer_system', led='whatsminer_led', network='whatsminer_network')


def module_exists(section):
    return os.path.isfile(os.path.join(REPO, 'plugins', 'modules', CONFIG_MODULES[section] + '.py'))


def require_module(section):
    """Skip (like pytest.importorskip) until the module of ``section`` exists in this checkout."""
    if not module_exists(section):
        pytest.skip('plugins/modules/%s.py does not exist yet' % CONFIG_MODULES[section])


def drift_report_text():
    """The playbook as it is; without the tasks of modules not written yet (Ansible cannot even parse those)."""
    with open(DRIFT_REPORT, encoding='utf-8') as handle:
        text = handle.read()
    missing = ['minerops.whatsminer.' + CONFIG_MODULES[section] for section in CONFIG_MODULES if not module_exists(section)]
    if not missing:
        return text
    plays = yaml.safe_load(text)
    for document in plays:
        document['tasks'] = [task for task in document['tasks'] if not any(name in task for name in missing)]
    return yaml.safe_dump(plays, sort_keys=False)


def drift_report(run_playbook, workdir, hosts, check=False, args=(), **desired):
    path = os.path.join(workdir, 'drift.csv')
    extra = dict(drift_report_hosts='all', whatsminer_port=PORT, drift_report_csv=path)
    extra.update(desired)
    run = run_playbook(drift_report_text(), hosts, extra_vars=extra, check=check, timeout=180, args=args)
    rows = []
    if os.path.exists(path):
        with open(path, encoding='utf-8', newline='') as handle:
            rows = list(csv.DictReader(handle))
    return run, rows


def table(run):
    return once(run, 'Print the drift table').result['msg']


def line_of(lines, host):
    found = [line for line in lines if line.split(' ')[0] == host]
    assert len(found) == 1, lines
    return found[0]


def pools_of(miner):
    return [dict(url=pool.url, user=pool.user, password=pool.password) for pool in miner.state.pools]


def statuses(rows, host):
    return dict(((row['section'], row['setting']), row['status']) for row in rows if row['host'] == host)


def test_drift_report_names_the_drifting_settings_and_never_writes(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(17), count=3, **FAST)
    same, low, tuned = fleet.miners
    low.state.power_mode = 'Low'
    low.state.pools[0].url = 'stratum+tcp://other.example:3333'
    tuned.state.target_freq_percent = -10
    hosts = {'same': same.address, 'low': low.address, 'tuned': tuned.address}
    run, rows = drift_report(run_playbook, workdir, hosts, drift_report_pools=pools_of(same),
                             drift_report_power=dict(mode='normal'), drift_report_tuning=dict(target_freq=0))
    assert run.rc == 0, run.describe()
    assert statuses(rows, 'same') == {('pools', ''): 'in_sync', ('power', ''): 'in_sync', ('tuning', ''): 'in_sync'}
    assert statuses(rows, 'low') == {('pools', 'pools'): 'drift', ('power', 'mode'): 'drift', ('tuning', ''): 'in_sync'}
    assert statuses(rows, 'tuned') == {('pools', ''): 'in_sync', ('power', ''): 'in_sync', ('tuning', 'target_freq'): 'drift'}
    mode = [row for row in rows if row['host'] == 'low' and row['setting'] == 'mode'][0]
    assert (mode['current'], mode['desired'], mode['address']) == ('low', 'normal', low.address)
    pools = [row for row in rows if row['host'] == 'low' and row['setting'] == 'pools'][0]
    assert pools['current'].startswith('stratum+tcp://other.example:3333 (') and 'other.example' not in pools['desired']
    assert all(pool['password'] not in json.dumps(rows) for pool in pools_of(same) if len(pool['password']) > 2)
    frequency = [row for row in rows if row['host'] == 'tuned' and row['setting'] == 'target_freq'][0]
    assert (frequency['current'], frequency['desired']) == ('-10', '0')

    lines = table(run)
    assert line_of(lines, 'same').split()[2] == 'in_sync'
    assert 'power.mode: low -> normal' in line_of(lines, 'low') and 'pools: stratum+tcp://other.example:3333' in line_of(lines, 'low')
    assert 'tuning.target_freq: -10 -> 0' in line_of(lines, 'tuned')
    assert lines[-1] == '3 miners: 2 drift, 1 in sync, 0 could not be checked'
    for host in hosts:
        for task in ('Compare the pools', 'Compare the power settings', 'Compare the tuning settings'):
            assert run.result(host, task).status == 'ok', run.describe()
    assert [miner.write_log for miner in fleet.miners] == [[], [], []], 'a drift report must never write'
    assert low.state.power_mode == 'Low' and tuned.state.target_freq_percent == -10


def test_drift_report_skips_undefined_sections_and_reports_unreadable_and_unreachable(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(20), **FAST).miners[0]
    hosts = {'m1': miner.address, 'gone': first_address(37)}
    run, rows = drift_report(run_playbook, workdir, hosts, check=True,
                             drift_report_power=dict(mode='normal', percent=80),
                             drift_report_fail_on_drift=True)
    # --check on the command line: the CSV (a controller file) is still written
    assert rows, run.describe()
    assert statuses(rows, 'm1') == {('power', 'percent'): 'not_readable'}
    assert run.result('m1', 'Compare the pools').status == 'skipped'
    assert run.result('m1', 'Compare the tuning settings').status == 'skipped'
    gone = [row for row in rows if row['host'] == 'gone']
    assert len(gone) == 1 and gone[0]['status'] == 'error' and 'refused' in gone[0]['detail']
    lines = table(run)
    assert 'not readable: power.percent' in line_of(lines, 'm1') and line_of(lines, 'm1').split()[2] == 'in_sync'
    assert line_of(lines, 'gone').split()[2] == 'error'
    # drift_report_fail_on_drift: the unreachable miner fails the run, after the report
    assert run.rc != 0 and once(run, 'Fail when a miner drifts or cannot be checked').failed
    assert miner.write_log == []


def test_drift_report_with_a_limit_reports_the_limited_miners_and_applies_the_gate(sim_fleet, run_playbook, workdir):
    fleet = sim_fleet(first_address(29), count=3, **FAST)
    same, low, outside = fleet.miners
    low.state.power_mode = 'Low'
    outside.state.power_mode = 'Low'
    # the first miner of the play does not answer: the report and the gate still run
    hosts = {'gone': first_address(36), 'same': same.address, 'low': low.address, 'outside': outside.address}
    run, rows = drift_report(run_playbook, workdir, hosts, args=('-l', 'gone,same,low'),
                             drift_report_power=dict(mode='normal'), drift_report_fail_on_drift=True)
    # before: the report play (hosts: localhost) was skipped under --limit: no CSV, no gate, rc 0
    assert sorted({row['host'] for row in rows}) == ['gone', 'low', 'same'], run.describe()
    assert statuses(rows, 'same') == {('power', ''): 'in_sync'}
    assert statuses(rows, 'low') == {('power', 'mode'): 'drift'}
    assert statuses(rows, 'gone') == {('', ''): 'error'}
    assert table(run)[-1] == '3 miners: 1 drift, 1 in sync, 1 could not be checked'
    gate = once(run, 'Fail when a miner drifts or cannot be checked')
    assert run.rc != 0 and gate.failed and 'drift or errors on gone, low (' in gate.msg
    assert [miner.write_log for miner in fleet.miners] == [[], [], []]


def test_drift_report_csv_neutralises_miner_text_and_keeps_numbers(sim_fleet, run_playbook, workdir):
    miner = sim_fleet(first_address(34), **FAST).miners[0]
    miner.state.pools[0].url = '=HYPERLINK("x")'
    miner.state.pools[0].user = 'farm\rw1'
    miner.state.target_freq_percent = -10
    desired = [dict(url='stratum+tcp://pool.example:3333', user='farm.w1', password='x')]
    run, rows = drift_report(run_playbook, workdir, {'m1': miner.address}, drift_report_pools=desired,
                             drift_report_tuning=dict(target_freq=-5))
    assert run.rc == 0, run.describe()
    by_setting = dict((row['setting'], row) for row in rows)
    assert sorted(by_setting) == ['pools', 'target_freq'], rows
    # one row each: the carriage return is quoted, the formula gets a leading quote
    assert by_setting['pools']['current'].startswith('\'=HYPERLINK("x") (farm\rw1)'), by_setting['pools']
    assert by_setting['pools']['desired'].startswith('stratum+tcp://pool.example:3333 (farm.w1)')
    # numbers are numbers: -10 and -5 are not text to neutralise
    assert (by_setting['target_freq']['current'], by_setting['target_freq']['desired']) == ('-10', '-5')
    assert miner.write_log == []


def test_drift_report_system_section(sim_fleet, run_playbook, workdir):
    require_module('system')
    miner = sim_fleet(first_address(21), **FAST).miners[0]
    run, rows = drift_report(run_playbook, workdir, {'rack1-m01': miner.address},
                             drift_report_system={'hostname': '{{ inventory_hostname }}'})
    assert run.rc == 0, run.describe()
    row = [row for row in rows if row['section'] == 'system'][0]
    assert (row['setting'], row['status'], row['current'], row['desired']) == ('hostname', 'drift', 'WhatsMiner', 'rack1-m01')
    assert miner.write_log == [] and miner.state.hostname == 'WhatsMiner'


def test_drift_report_led_section(sim_fleet, run_playbook, workdir):
    require_module('led')
    fleet = sim_fleet(first_address(22), count=2, **FAST)
    blinking, steady = fleet.miners
    blinking.state.led = {'mode': 'manual', 'color': 'red', 'period': 200, 'duration': 100, 'start': 0}
    run, rows = drift_report(run_playbook, workdir, {'blinking': blinking.address, 'steady': steady.address},
                             drift_report_led={'state': 'auto'})
    assert run.rc == 0, run.describe()
    assert statuses(rows, 'steady') == {('led', ''): 'in_sync'}
    row = [row for row in rows if row['host'] == 'blinking'][0]
    assert (row['section'], row['setting'], row['status'], row['current'], row['desired']) == \
        ('led', 'state', 'drift', 'blink', 'auto')
    assert blinking.write_log == [] and steady.write_log == [] and blinking.state.led['mode'] == 'manual'


def test_drift_report_network_section(sim_fleet, run_playbook, workdir):
    require_module('network')
    miner = sim_fleet(first_address(24), **FAST).miners[0]
    gateway = miner.state.net['gateway']
    desired = dict(mode='static', address=miner.address, netmask='255.255.255.0', gateway=gateway, dns=['1.1.1.1'])
    run, rows = drift_report(run_playbook, workdir, {'m1': miner.address}, drift_report_network=desired)
    assert run.rc == 0, run.describe()
    drift = dict((row['setting'], row) for row in rows if row['section'] == 'network')
    assert drift['mode']['status'] == 'drift' and (drift['mode']['current'], drift['mode']['desired']) == ('dhcp', 'static')
    assert 'address' not in drift, 'the address is the one the miner has'
    assert miner.write_log == [] and miner.state.net['proto'] == 'dhcp', 'a drift report must never re-address a miner'
