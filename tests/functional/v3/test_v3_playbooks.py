# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module on API v3 miners, and one play over a mixed v2/v3 fleet, through ansible-playbook (127.0.86.x).

The simulated v3 miners listen on V3_PORT with the reduced v2 of v3 firmware on PORT, as
real current firmware does. The simulator's ``write_log`` is the proof of what reached a
miner: idempotence is no new entry on the second run, check mode an empty log.
"""

from __future__ import annotations

import os

from whatsminer_sim import firmware_image as fw

from v3_plays import PASSWORD, WAITS, V3Site, hosts_of, task, writes

SITE = V3Site(86, 14086, 14486)
PORT = SITE.port
V3_PORT = SITE.v3_port
first_address = SITE.address
v3_fleet = SITE.fleet
play = SITE.play


def secret_free(run, *secrets):
    for secret in (PASSWORD,) + secrets:
        assert secret not in run.output, secret
        for record in run.records:
            assert secret not in repr(record.result), (secret, record)


CONFIG_TASKS = [
    task('whatsminer_pools', 'Pools', pools=[
        dict(url='stratum+tcp://pool.example.org:3333', user='farm.w1', password='poolpw9'),
        dict(url='stratum+tcp://backup.example.org:3333', user='farm.w1', password='poolpw9')]),
    task('whatsminer_power', 'Power', mode='low', **WAITS),
    task('whatsminer_tuning', 'Tuning', upfreq_speed=3, temp_offset=-5, poweroff_cool=True, fan_zero_speed=False),
    task('whatsminer_system', 'System', hostname='rack7-m01', timezone='CET-1CEST,M3.5.0,M10.5.0/3',
         zonename='Europe/Berlin', ntp_servers=['ntp1.example.org', 'ntp2.example.org'],
         syslog=dict(host='10.0.0.5', port=5514, protocol='tcp')),
]


def test_facts_on_a_v3_miner_found_by_probing(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 0)
    run = run_playbook(play([task('whatsminer_facts', 'Facts')]), hosts=hosts_of(fleet))
    record = run.result('m0', 'Facts')
    assert record.status == 'ok', record
    facts = record.result['ansible_facts']['whatsminer']
    assert facts['identity']['api_version'].startswith('3.'), facts['identity']
    assert facts['identity']['model'] and facts['identity']['firmware_version']
    assert facts['mining']['is_mining'] is True and facts['mining']['hashrate_ths'] > 1
    assert facts['pools'] and facts['pools'][0]['url']
    assert facts['failed_subsets'] == []


def test_config_modules_are_idempotent_on_v3_and_check_mode_writes_nothing(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 1)
    miner = fleet.miners[0]
    checked = run_playbook(play(CONFIG_TASKS), hosts=hosts_of(fleet), check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert all(checked.result('m0', item['name']).changed for item in CONFIG_TASKS)
    assert writes(miner) == []

    first = run_playbook(play(CONFIG_TASKS), hosts=hosts_of(fleet), diff=True)
    assert first.rc == 0, first.output
    for item in CONFIG_TASKS:
        assert first.result('m0', item['name']).changed, item['name']
    assert 'set.miner.pools' in writes(miner) and 'set.system.ntp_server' in writes(miner)
    sent = len(miner.write_log)

    second = run_playbook(play(CONFIG_TASKS), hosts=hosts_of(fleet), diff=True)
    assert second.rc == 0, second.output
    for item in CONFIG_TASKS:
        record = second.result('m0', item['name'])
        assert not record.changed, record
    assert len(miner.write_log) == sent, writes(miner)[sent:]
    secret_free(first, 'poolpw9')
    secret_free(second, 'poolpw9')


def test_v3_writes_with_the_default_password_fail_saying_why(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 2, v3_password=None)
    run = run_playbook(play([task('whatsminer_power', 'Power', mode='high', **WAITS)], password='super'),
                       hosts=hosts_of(fleet, password='super'))
    record = run.result('m0', 'Power')
    assert record.failed
    assert 'default password' in record.msg and fleet.miners[0].address in record.msg, record.msg
    assert writes(fleet.miners[0]) == []


def test_messages_of_a_v3_task_name_the_port_it_talks_to(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 16)
    run = run_playbook(play([task('whatsminer_command', 'Reboot', command='set.system.reboot')]),
                       hosts=hosts_of(fleet), check=True)
    record = run.result('m0', 'Reboot')
    assert record.status == 'ok', run.describe()
    assert 'not sent to %s:%d' % (fleet.miners[0].address, V3_PORT) in record.result['msg']
    assert writes(fleet.miners[0]) == []


def test_settings_one_api_lacks_fail_naming_it_before_any_write(sim_fleet, run_playbook):
    v3 = v3_fleet(sim_fleet, 3)
    v3.miners[0].state.mining = False      # stopped: preheating is needed, and API v3 has none
    v2 = sim_fleet(first_address(4), 1, port=PORT, password=PASSWORD, idle_timeout=3.0)
    tasks = [task('whatsminer_power', 'Preheat', state='on', pre_power_on=True, **WAITS),
             task('whatsminer_tuning', 'Heat mode', heat_mode='heating')]
    hosts = dict(v3=dict(ansible_host=v3.miners[0].address, whatsminer_password=PASSWORD),
                 v2=dict(ansible_host=v2.miners[0].address, whatsminer_password=PASSWORD))
    run = run_playbook([dict(play(tasks)[0], ignore_errors=True)], hosts=hosts)
    assert 'not available through API v3' in run.result('v3', 'Preheat').msg
    assert run.result('v3', 'Heat mode').status == 'ok'
    assert run.result('v2', 'Preheat').status == 'ok'
    assert 'not available through API v2' in run.result('v2', 'Heat mode').msg
    assert 'set.miner.heat_mode' in writes(v3.miners[0]) and 'set.miner.service' not in writes(v3.miners[0])
    assert all(not entry[0].startswith('set.') for entry in v2.miners[0].write_log)


def test_led_reboot_password_and_logs_on_v3(sim_fleet, run_playbook, tmp_path):
    fleet = v3_fleet(sim_fleet, 5)
    new_password = 'Nw4pass8'
    tasks = [
        task('whatsminer_led', 'Blink', state='blink'),
        task('whatsminer_led', 'Auto', state='auto'),
        task('whatsminer_reboot', 'Reboot', wait_timeout=20, poll_interval=0.2),
        task('whatsminer_logs', 'Logs', dest=str(tmp_path / 'logs')),
        task('whatsminer_password', 'Rotate', new_password=new_password),
    ]
    run = run_playbook(play(tasks), hosts=hosts_of(fleet), timeout=180)
    assert run.rc == 0, run.output
    assert run.result('m0', 'Blink').changed and run.result('m0', 'Auto').changed
    assert run.result('m0', 'Reboot').changed
    logs = run.result('m0', 'Logs').result
    assert os.path.getsize(logs['dest']) == logs['size'] > 0
    assert run.result('m0', 'Rotate').changed
    again = run_playbook(play([task('whatsminer_password', 'Rotate', new_password=new_password)]),
                         hosts=hosts_of(fleet), timeout=60)
    assert not again.result('m0', 'Rotate').changed, again.result('m0', 'Rotate')
    secret_free(run, new_password)


def test_raw_v3_commands(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 6)
    tasks = [task('whatsminer_command', 'Read', command='get.device.info', params=dict(param='system')),
             task('whatsminer_command', 'Write', command='set.miner.upfreq_speed', params=dict(param=4))]
    checked = run_playbook(play(tasks, api_version='v3'), hosts=hosts_of(fleet), check=True)
    assert checked.result('m0', 'Write').result.get('skipped_write') and writes(fleet.miners[0]) == []
    run = run_playbook(play(tasks, api_version='v3'), hosts=hosts_of(fleet))
    read = run.result('m0', 'Read').result
    assert not run.result('m0', 'Read').changed and read['data']['system']['api'].startswith('3.')
    assert run.result('m0', 'Write').changed and writes(fleet.miners[0]) == ['set.miner.upfreq_speed']


def test_raw_v2_names_and_encrypted_reads_are_refused_on_v3_before_anything_is_sent(sim_fleet, run_playbook):
    """A playbook written for v2 gets a message saying what to send instead, not a signed "invalid command"."""
    fleet = v3_fleet(sim_fleet, 6)
    tasks = [task('whatsminer_command', 'V2 name', command='status'),
             task('whatsminer_command', 'Joined', command='summary+pools+edevs'),
             task('whatsminer_command', 'Encrypted', command='get.device.info', params=dict(param='system'),
                  encrypted=True)]
    for check in (True, False):
        run = run_playbook([dict(play(tasks, api_version='v3')[0], ignore_errors=True)], hosts=hosts_of(fleet),
                           check=check)
        v2_name, joined, encrypted = (run.result('m0', name) for name in ('V2 name', 'Joined', 'Encrypted'))
        assert v2_name.failed and not v2_name.changed, v2_name
        assert "'status' is not an API v3 command" in v2_name.msg and 'api_version: v2' in v2_name.msg
        assert joined.failed and 'get.miner.status with params {param: summary+pools}' in joined.msg, joined
        assert encrypted.failed and 'encrypted applies to API v2 only' in encrypted.msg, encrypted
        assert fleet.miners[0].address in v2_name.msg
        assert writes(fleet.miners[0]) == []


def test_firmware_upgrade_on_v3(sim_fleet, run_playbook, tmp_path):
    fleet = v3_fleet(sim_fleet, 7)
    miner = fleet.miners[0]
    platform = miner.state.platform
    new = '20260101.16.Rel3'
    path = tmp_path / 'combined.bin'
    path.write_bytes(fw.build_combined({platform: fw.build_single(new, platform), 'zz99': fw.build_single(new, 'zz99')}))
    run = run_playbook(play([task('whatsminer_firmware', 'Upgrade', src=str(path), version=new, **WAITS)]),
                       hosts=hosts_of(fleet), timeout=120)
    record = run.result('m0', 'Upgrade')
    assert record.status == 'ok' and record.changed, record
    assert miner.state.firmware == new
    again = run_playbook(play([task('whatsminer_firmware', 'Upgrade', src=str(path), version=new, **WAITS)]),
                         hosts=hosts_of(fleet), timeout=60)
    assert not again.result('m0', 'Upgrade').changed


def test_one_play_over_a_mixed_fleet(sim_fleet, run_playbook):
    v3 = v3_fleet(sim_fleet, 8, count=2)
    v2 = sim_fleet(first_address(10), 2, port=PORT, password=PASSWORD, idle_timeout=3.0, restart_seconds=0.2)
    hosts = hosts_of(v3)
    hosts.update(dict(('v2m%d' % index, dict(ansible_host=miner.address, whatsminer_password=PASSWORD))
                      for index, miner in enumerate(v2.miners)))
    tasks = CONFIG_TASKS[:2] + [task('whatsminer_facts', 'Facts')]
    run = run_playbook(play(tasks), hosts=hosts)
    assert run.rc == 0, run.output
    for name in hosts:
        assert run.result(name, 'Pools').changed and run.result(name, 'Power').changed, name
        facts = run.result(name, 'Facts').result['ansible_facts']['whatsminer']
        assert facts['mining']['power_mode'].lower() == 'low', (name, facts['mining'])
        assert facts['pools'][0]['url'] == 'stratum+tcp://pool.example.org:3333'
    assert 'set.miner.pools' in writes(v3.miners[0]) and 'update_pools' in writes(v2.miners[0])


def test_static_network_on_v3_check_mode_then_applied_then_idempotent(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 12)
    miner = fleet.miners[0]
    static = task('whatsminer_network', 'Static', mode='static', address=miner.address, netmask='255.255.255.0',
                  gateway='127.0.86.254', dns=['1.1.1.1', '8.8.8.8'], **WAITS)
    checked = run_playbook(play([static]), hosts=hosts_of(fleet), check=True, diff=True)
    record = checked.result('m0', 'Static')
    assert record.status == 'ok' and record.changed, record
    assert record.result['commands'] == ['set.system.net_config'] and writes(miner) == []
    assert record.diff['after']['dns'] == ['1.1.1.1', '8.8.8.8']

    run = run_playbook(play([static]), hosts=hosts_of(fleet), diff=True, timeout=60)
    record = run.result('m0', 'Static')
    assert record.status == 'ok' and record.changed, record
    assert record.result['after']['mode'] == 'static' and record.result['after']['dns'] == ['1.1.1.1', '8.8.8.8']
    assert miner.write_log == [('set.system.net_config', dict(ip=miner.address, netmask='255.255.255.0',
                                                              gateway='127.0.86.254', dns='1.1.1.1 8.8.8.8'))]

    again = run_playbook(play([static]), hosts=hosts_of(fleet))
    assert not again.result('m0', 'Static').changed, again.result('m0', 'Static')
    assert len(miner.write_log) == 1

    # v3's net_config takes no host name: a new one is refused before traffic, not sent and found missing
    renamed = dict(static, name='Renamed')
    renamed['minerops.whatsminer.whatsminer_network'] = dict(static['minerops.whatsminer.whatsminer_network'],
                                                             hostname='rack9-m01')
    refused = run_playbook([dict(play([renamed])[0], ignore_errors=True)], hosts=hosts_of(fleet))
    record = refused.result('m0', 'Renamed')
    assert record.failed and 'sets no host name with the network settings' in record.msg, refused.describe()
    assert 'whatsminer_system' in record.msg and len(miner.write_log) == 1


def test_web_pools_is_read_and_compared_on_v3(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 13)
    miner = fleet.miners[0]
    assert miner.state.web_pools is True
    forbid = [task('whatsminer_pools', 'Web pools', web_pools=False)]
    checked = run_playbook(play(forbid), hosts=hosts_of(fleet), check=True, diff=True)
    record = checked.result('m0', 'Web pools')
    assert record.changed and record.diff['before']['web_pools'] is True and writes(miner) == []

    first = run_playbook(play(forbid), hosts=hosts_of(fleet), diff=True)
    record = first.result('m0', 'Web pools')
    assert record.changed and record.result['commands'] == ['set.system.webpools'], record
    assert record.diff['before']['web_pools'] is True and record.diff['after']['web_pools'] is False
    assert miner.state.web_pools is False and writes(miner) == ['set.system.webpools']

    second = run_playbook(play(forbid), hosts=hosts_of(fleet), diff=True)
    record = second.result('m0', 'Web pools')
    assert not record.changed and record.result['commands'] == [], record
    assert record.diff['before']['web_pools'] is False and writes(miner) == ['set.system.webpools']


PROBE = 'set.user.change_passwd'


def test_v3_password_tests_are_writes_listed_in_commands_and_never_sent_in_check_mode(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 14)
    miner = fleet.miners[0]
    new_password = 'Rt8word5'
    rotate = [task('whatsminer_password', 'Rotate', new_password=new_password)]
    checked = run_playbook(play(rotate), hosts=hosts_of(fleet), check=True)
    record = checked.result('m0', 'Rotate')
    assert record.changed and record.result['outcome'] == 'would_rotate' and writes(miner) == []

    run = run_playbook(play(rotate), hosts=hosts_of(fleet))
    record = run.result('m0', 'Rotate')
    assert record.result['outcome'] == 'rotated' and miner.v3_passwords['super'] == new_password
    assert record.result['commands'] == [PROBE, PROBE, PROBE] == writes(miner)   # test old, change, test new

    again = run_playbook(play(rotate), hosts=hosts_of(fleet))
    record = again.result('m0', 'Rotate')
    assert not record.changed and record.result['outcome'] == 'already_rotated'
    assert record.result['commands'] == [PROBE, PROBE]      # the old password (refused), the new one (accepted)
    assert writes(miner) == [PROBE] * 4                     # the miner logs only what it accepted
    secret_free(run, new_password)
    secret_free(again, new_password)


def test_v3_password_unset_is_the_account_default_not_admin(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 15, v3_password=None)      # every account still has its default password
    miner = fleet.miners[0]
    playbook = play([task('whatsminer_password', 'Same', new_password='super')])
    del playbook[0]['module_defaults']['group/minerops.whatsminer.whatsminer']['password']
    run = run_playbook(playbook, hosts=hosts_of(fleet))
    record = run.result('m0', 'Same')
    assert record.status == 'ok' and not record.changed, record
    assert record.result['outcome'] == 'current' and record.result['commands'] == [PROBE] == writes(miner)


IDLE_POOLS = [dict(url='stratum+tcp://idle.example.org:3333', user='farm.w9', password='poolpw7')]


def test_pools_and_facts_on_an_idle_v3_miner_that_hides_its_pools(sim_fleet, run_playbook):
    """Notes 4.2 (the v3_idle_pools_refused fault): before the fix every task here failed on 'pools' alone (-1)."""
    fleet = v3_fleet(sim_fleet, 17)
    miner = fleet.miners[0]
    miner.set_faults('v3_idle_pools_refused')
    miner.state.mining = False
    tasks = [task('whatsminer_facts', 'Pool facts', gather_subset=['pools']),
             task('whatsminer_pools', 'Pools', pools=IDLE_POOLS, **WAITS)]
    run = run_playbook(play(tasks), hosts=hosts_of(fleet), diff=True)
    facts = run.result('m0', 'Pool facts')
    assert facts.status == 'ok', run.describe()
    gathered = facts.result['ansible_facts']['whatsminer']
    assert gathered['pools'] == [] and gathered['failed_subsets'] == []

    pools = run.result('m0', 'Pools')
    assert pools.status == 'ok' and pools.changed, run.describe()
    assert writes(miner) == ['set.miner.pools'] and miner.state.pools[0].url == IDLE_POOLS[0]['url']   # sent once
    assert pools.diff['before']['pools'] == '(not readable)'
    assert any('cannot be read back or confirmed' in warning for warning in pools.result['warnings'])
    secret_free(run, 'poolpw7')

    miner.state.mining = True        # mining again: the pools show, and the same task changes nothing
    again = run_playbook(play(tasks[1:]), hosts=hosts_of(fleet))
    record = again.result('m0', 'Pools')
    assert record.status == 'ok' and not record.changed, again.describe()
    assert record.result['pools'] == [dict(url=IDLE_POOLS[0]['url'], user='farm.w9')] and len(writes(miner)) == 1


def test_facts_of_a_v3_miner_that_sends_its_error_code_as_text(sim_fleet, run_playbook):
    """Notes 4.1a (the v3_error_code_text fault): before the fix the broken miner reported no errors."""
    fleet = v3_fleet(sim_fleet, 18)
    fleet.miners[0].set_faults('v3_error_code_text')
    run = run_playbook(play([task('whatsminer_facts', 'Facts', gather_subset=['error_code'])]), hosts=hosts_of(fleet))
    record = run.result('m0', 'Facts')
    assert record.status == 'ok', run.describe()
    gathered = record.result['ansible_facts']['whatsminer']
    assert gathered['errors'] == [dict(code=None, time=None, reason='btminer process is down err')]
    assert gathered['error_count'] == 1 and gathered['failed_subsets'] == []


def test_factory_reset_on_v3_checks_the_accounts_own_default_password_afterwards(sim_fleet, run_playbook):
    """After a reset a v3 account's password is its own name (``super``), not v2's ``admin``.

    The simulator switches write access off at a reset, and then no password can be tested;
    this miner keeps it on, so the check after the reset shows which password it tried.
    """
    fleet = v3_fleet(sim_fleet, 19)
    miner = fleet.miners[0]
    reset = miner.factory_reset

    def reset_keeping_write_access(now):
        reset(now)
        miner.state.write_access = True

    miner.factory_reset = reset_keeping_write_access
    run = run_playbook(play([task('whatsminer_factory_reset', 'Reset', confirm=True, **WAITS)]), hosts=hosts_of(fleet),
                       timeout=120)
    record = run.result('m0', 'Reset')
    assert record.status == 'ok' and record.changed, run.describe()
    assert miner.v3_passwords['super'] == 'super'
    assert record.result['password_is_default'] is True, record.result
    secret_free(run)
