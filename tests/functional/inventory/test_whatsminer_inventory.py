# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory plugin through the real ``ansible-inventory`` against simulated miners (127.0.42-44.x)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

import collection_path
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import hostvars
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.hostvars import MAX_TEXT

PORT = 14042
BIN = os.path.dirname(sys.executable)


@pytest.fixture
def fleet_factory(sim_fleet):
    """The shared ``sim_fleet`` on this file's port."""
    def start(first_address, count=1, **kwargs):
        kwargs.setdefault('port', PORT)
        return sim_fleet(first_address, count, **kwargs)
    return start


def environment(tmp_path):
    env = dict(os.environ)
    env['ANSIBLE_COLLECTIONS_PATH'] = collection_path.collections_root()
    env['ANSIBLE_LOCAL_TEMP'] = str(tmp_path / 'tmp')
    env['ANSIBLE_INVENTORY_UNPARSED_FAILED'] = 'true'
    env.pop('ANSIBLE_CONFIG', None)
    return env


def write_config(tmp_path, text, name='farm.whatsminer.yml', timeout=1.0):
    path = tmp_path / name
    path.write_text('plugin: minerops.whatsminer.whatsminer\nport: %d\ntimeout: %s\nconnect_timeout: 0.5\n%s'
                    % (PORT, timeout, text))
    return path


def inventory(tmp_path, config, *args, check=True, before=()):
    """``ansible-inventory --list`` over ``config``; ``before``: sources parsed ahead of it."""
    started = time.monotonic()
    sources = [item for source in before for item in ('-i', str(source))] + ['-i', str(config)]
    completed = subprocess.run([os.path.join(BIN, 'ansible-inventory')] + sources + ['--list'] + list(args),
                               capture_output=True, text=True, env=environment(tmp_path), timeout=120, check=False)
    completed.seconds = time.monotonic() - started
    if check:
        assert completed.returncode == 0, completed.stdout + completed.stderr
        text = completed.stdout
        completed.raw = json.loads(text if text.startswith('{') else text[text.index('\n{') + 1:])
        completed.data = plain(completed.raw)
    return completed


def plain(value):
    """ansible-inventory marks values that are not trusted templates ``{"__ansible_unsafe": ...}``."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def hosts_of(data, group):
    return sorted(data.get(group, {}).get('hosts', []))


def test_finds_miners_skips_the_rest_and_groups_them(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.1', count=3)
    fleet.miners[2].state.errors = {'110': '2022-01-17 11:28:11'}
    fleet.miners[1].state.mining = False
    fleet_factory('127.0.42.4', faults=('not_whatsminer',))
    fleet_factory('127.0.42.5', faults=('no_reply',))
    fleet_factory('127.0.42.6', faults=('new_firmware',), firmware='20240710.11.Rel')
    config = write_config(tmp_path, 'networks: [127.0.42.1-7]\n')   # .1-.6 miners or faults, nothing on .7
    run = inventory(tmp_path, config, '-vvv')
    data = run.data
    hostvars = data['_meta']['hostvars']
    assert sorted(hostvars) == ['127.0.42.1', '127.0.42.2', '127.0.42.3', '127.0.42.6']
    first = hostvars['127.0.42.1']
    assert first['ansible_host'] == '127.0.42.1'
    assert first['ansible_connection'] == 'local'
    assert first['ansible_python_interpreter'] == '{{ ansible_playbook_python }}'
    assert first['whatsminer_port'] == PORT
    assert first['whatsminer']['model'] == 'M30S+VE40'
    assert first['whatsminer']['firmware'] == '20220125.13.Rel'
    assert first['whatsminer']['is_mining'] is True
    assert first['whatsminer']['hashrate_ths'] > 50 and first['whatsminer']['power_w'] > 1000
    assert first['whatsminer']['pool'] == 'stratum+tcp://btc.ss.poolin.com:443'
    assert 'whatsminer_facts' not in first
    assert hosts_of(data, 'whatsminer') == sorted(hostvars)
    assert hosts_of(data, 'model_m30splus_ve40') == ['127.0.42.1', '127.0.42.3']   # not mining: no devdetails
    assert hosts_of(data, 'firmware_20220125_13_rel') == ['127.0.42.1', '127.0.42.2', '127.0.42.3']
    assert hosts_of(data, 'firmware_20240710_11_rel') == ['127.0.42.6']
    assert hosts_of(data, 'mining') == ['127.0.42.1', '127.0.42.3', '127.0.42.6']
    assert hosts_of(data, 'not_mining') == ['127.0.42.2']
    assert hosts_of(data, 'with_errors') == ['127.0.42.3']
    assert hostvars['127.0.42.3']['whatsminer']['error_codes'] == [110]
    assert ('scanned 7 addresses' in run.stdout + run.stderr
            and 'refused 1, timeout 1, not_whatsminer 1' in run.stdout + run.stderr), run.stdout + run.stderr


def mac_name(mac):
    """The host name of a miner named after its MAC: lower case, ``-`` between the pairs."""
    return mac.lower().replace(':', '-')


def test_hostnames_preference_and_duplicates(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.10', count=3)
    fleet.miners[0].state.hostname = 'rack1-m01'
    # miners 2 and 3 keep the factory hostname "WhatsMiner": neither is named after it, both take their MAC
    config = write_config(tmp_path, 'networks: [127.0.42.10-12]\nhostnames: [hostname, mac, ip]\n')
    hostvars = inventory(tmp_path, config).data['_meta']['hostvars']
    assert sorted(hostvars) == sorted(['rack1-m01', mac_name(fleet.miners[1].state.mac),
                                       mac_name(fleet.miners[2].state.mac)])
    assert hostvars['rack1-m01']['ansible_host'] == '127.0.42.10'
    assert hostvars['rack1-m01']['whatsminer']['serial'] == fleet.miners[0].state.miner_sn

    config = write_config(tmp_path, 'networks: [127.0.42.10-12]\nhostnames: [serial]\n', name='b.whatsminer.yaml')
    hostvars = inventory(tmp_path, config).data['_meta']['hostvars']
    assert sorted(hostvars) == sorted(miner.state.miner_sn for miner in fleet.miners)


def test_over_long_values_are_cut_and_named_in_a_warning(tmp_path, fleet_factory):
    """A hostile miner's 20,000-character model and host name become no 20,000-character variables or groups."""
    fleet = fleet_factory('127.0.42.140')
    fleet.miners[0].state.model = 'M' * 20000
    fleet.miners[0].state.hostname = 'h' * 20000
    config = write_config(tmp_path, 'networks: [127.0.42.140]\nfacts: full\nhostnames: [hostname, ip]\n'
                                    'keyed_groups:\n  - key: whatsminer.hostname\n    prefix: name\n')
    run = inventory(tmp_path, config)
    hostvars = run.data['_meta']['hostvars']
    assert list(hostvars) == ['127.0.42.140']        # the host name fails the label rule: named after its IP
    basic = hostvars['127.0.42.140']['whatsminer']
    assert basic['model'] == 'M' * (MAX_TEXT - 3) + '...'
    assert basic['hostname'] == 'h' * (MAX_TEXT - 3) + '...'
    assert basic['firmware'] == '20220125.13.Rel'
    identity = hostvars['127.0.42.140']['whatsminer_facts']['identity']
    assert identity['model'].startswith('M' * 16384) and len(identity['model']) < 16500   # a task result's limit
    assert 'truncated' not in hostvars['127.0.42.140']['whatsminer_facts']
    groups = [name for name in run.data if name != '_meta']
    assert 'model_' + 'm' * (MAX_TEXT - 3) in groups
    assert any(name.startswith('name_' + 'h' * (MAX_TEXT - 3)) for name in groups), groups
    assert max(len(name) for name in groups) < 300, sorted(len(name) for name in groups)
    output = ' '.join((run.stdout + run.stderr).split())
    assert '127.0.42.140 reported values too long to keep whole; they were cut:' in output, output
    assert 'whatsminer.model' in output and 'whatsminer.hostname' in output
    assert 'whatsminer_facts.identity.model' in output and 'whatsminer_facts.identity.hostname' in output


def test_compose_groups_keyed_groups(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.20', count=2)
    fleet.miners[1].state.power_mode = 'Low'
    config = write_config(tmp_path, '''networks: [127.0.42.20-21]
compose:
  rack: ansible_host.split('.')[3] | int
  efficiency: whatsminer_power_w / whatsminer_hashrate_ths
groups:
  low_power: whatsminer_power_mode == 'Low'
keyed_groups:
  - key: whatsminer_power_mode | lower
    prefix: mode
''')
    data = inventory(tmp_path, config).data
    hostvars = data['_meta']['hostvars']
    assert hostvars['127.0.42.20']['rack'] == 20
    assert 20 < hostvars['127.0.42.20']['efficiency'] < 60
    assert hosts_of(data, 'low_power') == ['127.0.42.21']
    assert hosts_of(data, 'mode_normal') == ['127.0.42.20']
    assert hosts_of(data, 'mode_low') == ['127.0.42.21']


def test_strict_compose_error_fails_only_when_strict(tmp_path, fleet_factory):
    fleet_factory('127.0.42.25')
    base = 'networks: [127.0.42.25]\ncompose:\n  broken: no_such_variable.x\n'
    assert 'broken' not in inventory(tmp_path, write_config(tmp_path, base)).data['_meta']['hostvars']['127.0.42.25']
    run = inventory(tmp_path, write_config(tmp_path, base + 'strict: true\n', name='s.whatsminer.yml'), check=False)
    assert run.returncode != 0 and 'no_such_variable' in run.stderr


def test_facts_none_and_full(tmp_path, fleet_factory):
    fleet_factory('127.0.42.30')
    none = inventory(tmp_path, write_config(tmp_path, 'networks: [127.0.42.30]\nfacts: none\n')).data
    hostvars = none['_meta']['hostvars']['127.0.42.30']
    assert sorted(key for key in hostvars if key.startswith('whatsminer_')) == ['whatsminer_api_version', 'whatsminer_port']
    assert hosts_of(none, 'model_m30splus_ve40') == ['127.0.42.30']
    full = inventory(tmp_path, write_config(tmp_path, 'networks: [127.0.42.30]\nfacts: full\n',
                                            name='f.whatsminer.yml')).data
    facts = full['_meta']['hostvars']['127.0.42.30']['whatsminer_facts']
    assert facts['power']['psu']['model'] == 'P221B'
    assert facts['identity']['api_version'] == '2.0.5' and len(facts['boards']) == 3
    assert facts['failed_subsets'] == []


def test_scan_duration_is_bounded(tmp_path, fleet_factory):
    fleet_factory('127.0.42.40', count=4, faults=('no_reply',))
    config = write_config(tmp_path, 'networks: [127.0.42.40-43]\nscan_timeout: 1.5\n', timeout=30)
    run = inventory(tmp_path, config)
    assert run.seconds < 15
    assert sorted(run.data['_meta']['hostvars']) == []
    assert 'hit scan_timeout' in run.stderr and '4 addresses were not scanned' in run.stderr


def test_bad_networks_fail_with_a_clear_message(tmp_path):
    run = inventory(tmp_path, write_config(tmp_path, 'networks: [10.0.0.1-10.0.0.0]\n'), check=False)
    assert run.returncode != 0
    assert "networks: '10.0.0.1-10.0.0.0' ends before it starts" in run.stderr


def test_other_file_names_are_not_taken(tmp_path, fleet_factory):
    fleet_factory('127.0.42.50')
    config = write_config(tmp_path, 'networks: [127.0.42.50]\n', name='farm.yml')
    env = environment(tmp_path)
    env['ANSIBLE_INVENTORY_UNPARSED_FAILED'] = 'false'
    completed = subprocess.run([os.path.join(BIN, 'ansible-inventory'), '-i', str(config), '--list'],
                               capture_output=True, text=True, env=env, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    data = json.loads(completed.stdout)
    assert '127.0.42.50' not in json.dumps(data)
    assert data['_meta']['hostvars'] == {}
    stderr = ' '.join(completed.stderr.split())
    assert 'Unable to parse %s as an inventory source' % config in stderr, completed.stderr


def write_other_source(tmp_path):
    """A static inventory listing hosts a miner might try to impersonate."""
    path = tmp_path / 'static.ini'
    path.write_text('bastion ansible_host=192.0.2.7 ansible_connection=ssh role=jump\n'
                    'localhost ansible_connection=local role=controller\n'
                    '[mining]\n')
    return path


def test_reported_names_cannot_take_over_other_hosts(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.80', count=7)
    names = ['bastion', 'localhost', '127.0.42.80', 'rack1 m04;rm', 'WhatsMiner', 'WhatsMiner', 'mining']
    for miner, name in zip(fleet.miners, names):
        miner.state.hostname = name
    config = write_config(tmp_path, 'networks: [127.0.42.80-86]\nhostnames: [hostname, ip]\n')
    run = inventory(tmp_path, config, before=[write_other_source(tmp_path)])
    hostvars = run.data['_meta']['hostvars']
    # the static hosts keep their own variables
    assert hostvars['bastion']['ansible_host'] == '192.0.2.7' and hostvars['bastion']['role'] == 'jump'
    assert hostvars['bastion']['ansible_connection'] == 'ssh' and 'whatsminer_port' not in hostvars['bastion']
    assert hostvars['localhost']['role'] == 'controller' and 'ansible_host' not in hostvars['localhost']
    # every miner is its own host: hostile, invalid and shared names fall back to the IP
    miners = dict((name, item) for name, item in hostvars.items() if 'whatsminer_port' in item)
    assert dict((name, item['ansible_host']) for name, item in miners.items()) == dict(
        ('127.0.42.%d' % last, '127.0.42.%d' % last) for last in range(80, 87))
    assert hosts_of(run.data, 'mining') == sorted(miners)   # the group, not a host named after it
    stderr = ' '.join(run.stderr.split())
    assert "127.0.42.80 reports hostname 'bastion', which names an existing host" in stderr, run.stderr
    assert "127.0.42.81 reports hostname 'localhost'" in stderr and "127.0.42.86 reports hostname 'mining'" in stderr


def test_a_miner_cannot_take_another_miners_ip(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.90', count=2)
    fleet.miners[0].state.hostname = 'rack1-m01'
    # a MAC-preference name that equals the other miner's address is impossible to match, so use serials
    fleet.miners[1].state.miner_sn = '127.0.42.90'
    fleet.miners[1].state.hostname = '127.0.42.90'
    config = write_config(tmp_path, 'networks: [127.0.42.90-91]\nhostnames: [hostname, serial, mac]\n')
    hostvars = inventory(tmp_path, config).data['_meta']['hostvars']
    assert hostvars['rack1-m01']['ansible_host'] == '127.0.42.90'
    assert hostvars[mac_name(fleet.miners[1].state.mac)]['ansible_host'] == '127.0.42.91'
    assert '127.0.42.90' not in hostvars


def test_a_device_at_an_existing_hosts_address_is_skipped(tmp_path, fleet_factory):
    # a static host named by its IP must keep its own connection, even if that address answers like a miner
    fleet_factory('127.0.42.95', count=2)
    static = tmp_path / 'static.ini'
    static.write_text('127.0.42.95 ansible_connection=ssh role=router\n')
    config = write_config(tmp_path, 'networks: [127.0.42.95-96]\nhostnames: [ip]\n')
    run = inventory(tmp_path, config, before=[static])
    hostvars = run.data['_meta']['hostvars']
    assert hostvars['127.0.42.95']['ansible_connection'] == 'ssh' and 'whatsminer_port' not in hostvars['127.0.42.95']
    assert hostvars['127.0.42.96']['whatsminer_port'] == PORT
    assert 'already exists; skipping it' in ' '.join(run.stderr.split())


def test_cache_serves_the_second_run(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.60')
    config = write_config(tmp_path, '''networks: [127.0.42.60]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: %s
cache_timeout: 600
''' % (tmp_path / 'cache'))
    scanned = inventory(tmp_path, config).data
    assert sorted(scanned['_meta']['hostvars']) == ['127.0.42.60']
    # plain values only: a value with Ansible's origin tag is stored as a tagged object, and
    # loading 10,000 of those back costs seconds
    (stored,) = [json.loads(path.read_text()) for path in (tmp_path / 'cache').iterdir()]
    payload = stored.get('__payload__', stored)
    assert '__ansible_type' not in json.dumps(payload)
    (record,) = json.loads(payload)['miners'] if isinstance(payload, str) else payload['miners']
    assert record['port'] == PORT and record['api'] == 'v2'
    fleet.__exit__(None, None, None)
    cached = inventory(tmp_path, config).data
    assert cached == scanned   # the same hosts, variables and groups, with no miner left to ask
    # a cache written at facts: basic has no whole facts for a facts: full run: it scans (and finds nothing)
    full = write_config(tmp_path, 'networks: [127.0.42.60]\nfacts: full\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n'
                        'cache_connection: %s\ncache_timeout: 600\n' % (tmp_path / 'cache'), name='c.whatsminer.yml')
    assert sorted(inventory(tmp_path, full).data['_meta']['hostvars']) == []
    assert sorted(inventory(tmp_path, config, '--flush-cache').data['_meta']['hostvars']) == []


def test_one_whatsminer_mapping_by_default_and_flat_names_on_request(tmp_path, fleet_factory):
    fleet_factory('127.0.42.65')
    base = '''networks: [127.0.42.65]
compose:
  hot_flat: whatsminer_chip_temp_max_c > 50
  hot_nested: whatsminer.chip_temp_max_c > 50
keyed_groups:
  - key: whatsminer_power_mode | lower
    prefix: flat
  - key: whatsminer.power_mode | lower
    prefix: nested
'''
    data = inventory(tmp_path, write_config(tmp_path, base)).data
    host = data['_meta']['hostvars']['127.0.42.65']
    names = sorted(key for key in host if key.startswith('whatsminer'))
    assert names == ['whatsminer', 'whatsminer_api_version', 'whatsminer_port']
    assert sorted(host['whatsminer']) == sorted(hostvars.KEYS)
    assert host['hot_flat'] is True and host['hot_nested'] is True
    assert hosts_of(data, 'flat_normal') == hosts_of(data, 'nested_normal') == ['127.0.42.65']
    flat = inventory(tmp_path, write_config(tmp_path, base + 'flat_vars: true\n', name='flat.whatsminer.yml')).data
    host = flat['_meta']['hostvars']['127.0.42.65']
    for key in hostvars.KEYS:
        assert host['whatsminer_' + key] == host['whatsminer'][key]


def test_miner_values_are_never_templated(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.70')
    fleet.miners[0].state.pools[0].url = 'stratum+tcp://{{ 6 * 7 }}:3333'
    config = write_config(tmp_path, 'networks: [127.0.42.70]\nhostnames: [ip]\n')
    playbook = tmp_path / 'show.yml'
    playbook.write_text('''- name: Show
  hosts: all
  gather_facts: false
  tasks:
    - name: Print the hostname the miner reported
      ansible.builtin.debug:
        msg: "pool=[{{ whatsminer.pool }}] python=[{{ ansible_python_interpreter }}]"
''')
    completed = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', str(config), str(playbook)],
                               capture_output=True, text=True, env=environment(tmp_path), timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert 'pool=[stratum+tcp://{{ 6 * 7 }}:3333]' in completed.stdout, completed.stdout
    # the one value the plugin means as a template is rendered
    assert 'python=[/' in completed.stdout and 'ansible_playbook_python' not in completed.stdout
    raw = inventory(tmp_path, config).raw['_meta']['hostvars']['127.0.42.70']
    assert raw['whatsminer']['pool'] == {'__ansible_unsafe': 'stratum+tcp://{{ 6 * 7 }}:3333'}


def test_a_scan_shared_by_processes_gives_the_same_inventory(tmp_path, fleet_factory):
    fleet = fleet_factory('127.0.42.200', count=5)
    fleet.miners[1].state.mining = False
    base = 'networks: [127.0.42.198-127.0.42.207]\n'
    one = inventory(tmp_path, write_config(tmp_path, base + 'processes: 1\n'), '-vvv')
    three = inventory(tmp_path, write_config(tmp_path, base + 'processes: 3\n', name='b.whatsminer.yml'), '-vvv')

    def stable(data):     # the groups and every variable but the live readings (hash rate, uptime, temperatures)
        live = ('hashrate', 'uptime', 'temp', 'fan', 'power_w')
        hostvars = data['_meta']['hostvars']
        return (dict((name, value) for name, value in data.items() if name != '_meta'),
                dict((host, dict(variables, whatsminer=dict((key, value) for key, value in variables['whatsminer'].items()
                                                            if not any(part in key for part in live))))
                     for host, variables in hostvars.items()))
    assert stable(three.data) == stable(one.data) and len(three.data['_meta']['hostvars']) == 5
    assert 'by 3 processes' in three.stdout + three.stderr and 'by 1 processes' not in one.stdout + one.stderr
    bad = inventory(tmp_path, write_config(tmp_path, base + 'processes: -1\n', name='c.whatsminer.yml'), check=False)
    assert bad.returncode != 0 and 'processes must be 0 (one per core) or a positive number, got -1' in bad.stderr


def _groups_of(data):
    return set(name for name in data if name != '_meta')


def test_a_name_this_source_gives_a_group_never_names_a_host(tmp_path, fleet_factory):
    """Review 4: a hostname ``hot`` with ``groups: {hot: ...}``, a serial ``model_m30splus_ve40``, or a name a
    keyed group takes later raised "can't add group to itself", and the whole source was dropped."""
    fleet = fleet_factory('127.0.42.100', count=3)
    first, second, third = (miner.state for miner in fleet.miners)
    first.hostname = 'hot'                         # a key of groups:
    second.hostname = 'rackb1'                    # a keyed group, made only once the host is in
    third.hostname = ''
    third.miner_sn = 'model_m30splus_ve40'         # a default group of every miner
    config = write_config(tmp_path, '''networks: [127.0.42.100-102]
hostnames: [hostname, serial, ip]
leading_separator: false
groups:
  hot: whatsminer_chip_temp_max_c is not none and whatsminer_chip_temp_max_c > 0
keyed_groups:
  - key: whatsminer_hostname
    prefix: ''
''')
    run = inventory(tmp_path, config)
    data = run.data
    hostvars = data['_meta']['hostvars']
    assert dict((name, item['ansible_host']) for name, item in hostvars.items()) == {
        first.miner_sn: '127.0.42.100', second.miner_sn: '127.0.42.101', '127.0.42.102': '127.0.42.102'}
    assert not _groups_of(data) & set(hostvars)
    assert hosts_of(data, 'hot') == sorted(hostvars)
    assert hosts_of(data, 'rackb1') == [second.miner_sn]
    assert hosts_of(data, 'model_m30splus_ve40') == sorted(hostvars)
    stderr = ' '.join(run.stderr.split())
    assert "127.0.42.100 reports hostname 'hot'" in stderr, run.stderr
    assert "127.0.42.102 reports serial 'model_m30splus_ve40'" in stderr, run.stderr
    assert "127.0.42.101 was named 'rackb1', which is also the name of a group" in stderr, run.stderr
    assert 'Found both group and host with same name' not in stderr


def test_one_miner_failing_its_groups_costs_that_miner_not_the_source(tmp_path, fleet_factory):
    """A group made a child of itself (here: a keyed group, only for the miner that is not mining, whose
    parent_group has its name) raises a bare Exception in Ansible; it must cost only that miner."""
    fleet = fleet_factory('127.0.42.105', count=2)
    fleet.miners[0].state.mining = False
    config = write_config(tmp_path, '''networks: [127.0.42.105-106]
leading_separator: false
keyed_groups:
  - key: "whatsminer_is_mining | ternary('', 'loop')"
    prefix: ''
    parent_group: loop
''')
    run = inventory(tmp_path, config)
    assert sorted(run.data['_meta']['hostvars']) == ['127.0.42.106']
    stderr = ' '.join(run.stderr.split())
    assert "127.0.42.105 could not be added as '127.0.42.105'" in stderr and "can't add group to itself" in stderr


# --- names that move, names that cannot be targeted, caches that answer for other options ----------

def cache_options(tmp_path):
    return ('cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 600\n'
            % (tmp_path / 'cache'))


def test_a_cache_is_reused_only_for_the_options_it_was_scanned_with(tmp_path, fleet_factory):
    """Review 4: only ``facts`` was compared, so a cache written at ``hostnames: [ip]`` (no get_miner_info, so no
    serial for the v2 miners) renamed only the v3 miners after a switch to ``[serial, ip]``, and other
    ``networks`` or ``exclude`` gave the miners of the old scan."""
    fleet = fleet_factory('127.0.42.110', count=4, api='mixed', v3_port=PORT + 1, v3_password='super')
    serials = dict(('127.0.42.%d' % (110 + index), miner.state.miner_sn) for index, miner in enumerate(fleet.miners))
    config = tmp_path / 'farm.whatsminer.yml'

    def run(text, *args, port=PORT, v3_port=PORT + 1):
        config.write_text('plugin: minerops.whatsminer.whatsminer\nport: %d\nv3_port: %d\ntimeout: 1.0\n'
                          'connect_timeout: 0.5\n%s%s' % (port, v3_port, cache_options(tmp_path), text))
        data = inventory(tmp_path, config, *args).data
        return dict((name, item['ansible_host']) for name, item in data['_meta']['hostvars'].items())

    assert run('networks: [127.0.42.110-113]\nhostnames: [ip]\n') == dict((ip, ip) for ip in serials)
    by_serial = dict((serial, ip) for ip, serial in serials.items())
    assert run('networks: [127.0.42.110-113]\nhostnames: [serial, ip]\n') == by_serial   # v2 and v3 alike
    assert run('networks: [127.0.42.110-111]\nhostnames: [serial, ip]\n') == dict(
        (serials[ip], ip) for ip in ('127.0.42.110', '127.0.42.111'))
    assert run('networks: [127.0.42.110-111]\nexclude: [127.0.42.110]\nhostnames: [serial, ip]\n') == {
        serials['127.0.42.111']: '127.0.42.111'}
    fleet.__exit__(None, None, None)
    # with no miner left to ask: what does not change what a scan finds keeps the cache ...
    kept = 'networks: [127.0.42.110-111]\nexclude: [127.0.42.110]\nhostnames: [serial, mac, ip]\nscan_timeout: 30\n'
    assert run(kept) == {serials['127.0.42.111']: '127.0.42.111'}
    # ... what does, scans again (and finds nothing)
    assert run(kept + 'api_version: v2\n') == {}
    assert run(kept) == {}       # the empty scan is the cache now
    assert run('networks: [127.0.42.110-111]\nhostnames: [mac, ip]\n', port=PORT + 2) == {}


def test_a_cache_of_an_earlier_version_is_scanned_again(tmp_path, fleet_factory):
    """A cache entry without the options it was scanned with (format 3) is no answer: it is scanned again."""
    fleet_factory('127.0.42.115')
    config = write_config(tmp_path, 'networks: [127.0.42.115]\n' + cache_options(tmp_path))
    assert sorted(inventory(tmp_path, config).data['_meta']['hostvars']) == ['127.0.42.115']
    (path,) = (tmp_path / 'cache').iterdir()
    stored = json.loads(path.read_text())
    current = json.loads(stored['__payload__']) if '__payload__' in stored else stored
    ghost = {'address': '127.0.42.116', 'port': PORT, 'api': 'v2', 'whatsminer': dict.fromkeys(hostvars.KEYS)}

    def write(entry):
        payload = json.dumps(entry)
        path.write_text(json.dumps(dict(stored, __payload__=payload)) if '__payload__' in stored else payload)

    write(dict(current, miners=current['miners'] + [ghost]))     # the control: a fitting entry is what it says
    assert sorted(inventory(tmp_path, config).data['_meta']['hostvars']) == ['127.0.42.115', '127.0.42.116']
    for old in ({'format': 3, 'facts': 'basic', 'miners': [ghost]}, {'format': 4, 'miners': [ghost]},
                {'format': 4, 'scan': 'garbage', 'miners': [ghost]}, ['not', 'a', 'mapping']):
        write(old)
        assert sorted(inventory(tmp_path, config).data['_meta']['hostvars']) == ['127.0.42.115'], old


def test_a_name_several_miners_report_names_none_of_them(tmp_path, fleet_factory):
    """Review 4: the factory hostname went to whichever miner was scanned first, so it moved to another miner
    whenever that one was down."""
    fleet = fleet_factory('127.0.42.120', count=4)
    fleet.miners[0].state.hostname = 'rack2-m01'
    fleet.miners[3].state.hostname = 'rack2-m01'       # a copied configuration: a name both report
    # miners 2 and 3 keep the factory hostname WhatsMiner
    config = write_config(tmp_path, 'networks: [127.0.42.120-123]\nhostnames: [hostname, ip]\n')
    run = inventory(tmp_path, config)
    hostvars = run.data['_meta']['hostvars']
    assert dict((name, item['ansible_host']) for name, item in hostvars.items()) == dict(
        ('127.0.42.%d' % last, '127.0.42.%d' % last) for last in range(120, 124))
    stderr = ' '.join(run.stderr.split())
    assert stderr.count("miners report the hostname 'WhatsMiner'") == 1, run.stderr
    assert "2 miners report the hostname 'WhatsMiner'" in stderr and "2 miners report the hostname 'rack2-m01'" in stderr
    # with the first miner down, the two factory-named ones still do not take the name; the last one now reports
    # rack2-m01 alone, so it is its name
    config = write_config(tmp_path, 'networks: [127.0.42.121-123]\nhostnames: [hostname, serial, ip]\n',
                          name='b.whatsminer.yml')
    hostvars = inventory(tmp_path, config).data['_meta']['hostvars']
    assert dict((name, item['ansible_host']) for name, item in hostvars.items()) == {
        fleet.miners[1].state.miner_sn: '127.0.42.121', fleet.miners[2].state.miner_sn: '127.0.42.122',
        'rack2-m01': '127.0.42.123'}


def test_hosts_named_by_mac_can_be_targeted(tmp_path, fleet_factory):
    """Review 4: Ansible splits host patterns on ``:``, so a host named ``C6:07:...`` matched no ``--limit``."""
    fleet = fleet_factory('127.0.42.125', count=2)
    macs = [miner.state.mac for miner in fleet.miners]
    config = write_config(tmp_path, 'networks: [127.0.42.125-126]\nhostnames: [mac, ip]\n')
    hostvars = inventory(tmp_path, config).data['_meta']['hostvars']
    assert sorted(hostvars) == sorted(mac_name(mac) for mac in macs)
    assert [hostvars[mac_name(mac)]['whatsminer']['mac'] for mac in macs] == macs    # the MAC as reported
    playbook = tmp_path / 'which.yml'
    playbook.write_text('''- name: Which
  hosts: "%s"
  gather_facts: false
  tasks:
    - name: Say which
      ansible.builtin.debug:
        msg: "target=[{{ ansible_host }}]"
''' % mac_name(macs[1]))
    completed = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', str(config), str(playbook),
                                '--limit', mac_name(macs[1])],
                               capture_output=True, text=True, env=environment(tmp_path), timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert 'target=[127.0.42.126]' in completed.stdout and 'target=[127.0.42.125]' not in completed.stdout
