# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Five small v3 fixes against the simulator (127.0.98.x), most through ansible-playbook.

- ``api_version: auto`` on a v3 port that holds the connection (silent, or trickling a few
  bytes) costs one timeout per task, fails naming host:port, and never falls back to v2;
- ``api_version: v2`` on v3 firmware, whose reduced v2 refuses writes, says to use API v3;
- ``pre_power_on`` on a v3 miner that already mines is success without change;
- ``upfreq_speed: 10`` is taken on v3 (0-10) and refused on v2 (0-9);
- ``host: address:port`` fails before any traffic, pointing at the port option.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import detect
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import facts as facts_logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.execution import execute

from v3_plays import PASSWORD, WAITS, V3Site, hosts_of, task, writes

SITE = V3Site(98, 14098, 14498)
PORT = SITE.port
V3_PORT = SITE.v3_port
TIMEOUT = 2.0
first_address = SITE.address
v3_fleet = SITE.fleet


def play(tasks, **connection):
    return SITE.play(tasks, ignore_errors=True, **connection)


def secret_free(run):
    assert PASSWORD not in run.output
    for record in run.records:
        assert PASSWORD not in repr(record.result), record


# --- 1. a v3 port that holds the connection: one timeout per task ---------------------------------

@pytest.fixture
def timeouts(monkeypatch):
    """Every ReadTimeout an exchange runs into (transport.timed_out builds each one, both v2 and v3)."""
    seen = []
    real = transport.timed_out

    def counting(*args, **kwargs):
        err = real(*args, **kwargs)
        seen.append(str(err))
        return err

    monkeypatch.setattr(transport, 'timed_out', counting)
    return seen


@pytest.fixture
def trickler():
    """A v3 port on a loopback address that answers one byte every 0.2 s: a reply that never completes in time."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((first_address(39), V3_PORT))
    server.listen(8)
    stop = threading.Event()

    def trickle(conn):
        with conn:
            conn.recv(4096)
            for byte in b'\x40\x00\x00\x00{"code":0,"when":1,"msg":{"system":{"api":"3.0.2"}}}':
                if stop.wait(0.2):
                    return
                conn.sendall(bytes([byte]))

    def serve():
        while not stop.is_set():
            try:
                conn, _peer = server.accept()
            except OSError:
                return
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield first_address(39)
    stop.set()
    server.close()


def facts_params(host):
    return dict(host=host, port=PORT, v3_port=V3_PORT, password=PASSWORD, timeout=TIMEOUT, api_version='auto',
                account='super', token_cache=None, gather_subset=['summary'])


def assert_one_timeout_and_a_clear_failure(host, timeouts, got):
    detect.forget(host)
    started = time.monotonic()
    result = execute(facts_logic.TASK, facts_params(host), False, False)
    elapsed = time.monotonic() - started
    detect.forget(host)
    assert result['failed'] and result['error'] == 'ReadTimeout' and result['retryable'] is True, result
    assert result['msg'].startswith('%s:%d: the API v3 port took the connection but sent no complete answer within '
                                    '%.1f s (got %s' % (host, V3_PORT, TIMEOUT, got)), result['msg']
    assert 'set api_version: v2' in result['msg']
    assert len(timeouts) == 1, timeouts          # was 3: two detection asks and the task's own request
    assert elapsed < 1.5 * TIMEOUT, elapsed       # was 3 * TIMEOUT


def test_auto_on_a_silent_v3_port_costs_one_timeout(sim_fleet, timeouts):
    fleet = v3_fleet(sim_fleet, 0, idle_timeout=60.0, faults=('no_reply',))
    assert_one_timeout_and_a_clear_failure(fleet.miners[0].address, timeouts, '0 bytes')
    assert writes(fleet.miners[0]) == []


def test_auto_on_a_trickling_v3_port_costs_one_timeout(trickler, timeouts):
    assert_one_timeout_and_a_clear_failure(trickler, timeouts, '')


def test_a_silent_v3_port_through_a_playbook_fails_each_loop_item_after_one_timeout(sim_fleet, run_playbook):
    """The second item finds the API remembered: it sends its own v3 request, never v2, and waits once."""
    fleet = v3_fleet(sim_fleet, 1, idle_timeout=60.0, faults=('no_reply',))
    miner = fleet.miners[0]
    facts = dict(task('whatsminer_facts', 'Facts', gather_subset=['summary']), loop=[1, 2])
    run = run_playbook(play([facts], timeout=TIMEOUT), hosts=hosts_of(fleet))
    items = run.result('m0', 'Facts').result['results']
    where = '%s:%d: ' % (miner.address, V3_PORT)
    assert [item['failed'] for item in items] == [True, True], run.describe()
    assert items[0]['msg'].startswith(where + 'the API v3 port took the connection but sent no complete answer'), items[0]
    assert items[1]['msg'] == where + 'no complete reply within %.1f s (got 0 bytes)' % TIMEOUT, items[1]
    secret_free(run)


# --- 2. api_version: v2 on v3 firmware ------------------------------------------------------------

def test_v2_writes_to_v3_firmware_say_to_use_api_v3(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 2, password=PASSWORD)    # the v2 password too: the refusal, not a decryption error
    miner = fleet.miners[0]
    run = run_playbook(play([task('whatsminer_power', 'Power', mode='low', **WAITS)], api_version='v2'),
                       hosts=hosts_of(fleet))
    record = run.result('m0', 'Power')
    assert record.failed, run.describe()
    assert record.msg.startswith('%s:%d: the miner speaks API v3 and takes no writes on this API v2 port: use API v3 '
                                 '(api_version: v3, or auto' % (miner.address, PORT)), record.msg
    assert 'WhatsMinerTool' not in record.msg
    assert miner.state.power_mode == 'Normal' and writes(miner) == []
    secret_free(run)


# --- 3. pre_power_on on v3 --------------------------------------------------------------------------

def test_pre_power_on_on_v3_is_success_when_the_miner_mines_and_fails_naming_the_api_when_it_must_power_on(
        sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 3, count=2)
    mining, stopped = fleet.miners
    stopped.state.mining = False
    run = run_playbook(play([task('whatsminer_power', 'Preheat', state='on', pre_power_on=True, **WAITS)]),
                       hosts=hosts_of(fleet))
    ok = run.result('m0', 'Preheat')
    assert ok.status == 'ok' and not ok.changed and ok.result['state'] == 'on', run.describe()
    assert writes(mining) == []
    refused = run.result('m1', 'Preheat')
    assert refused.failed
    assert refused.msg == '%s:%d: pre power on is not available through API v3' % (stopped.address, V3_PORT)
    assert writes(stopped) == [] and not stopped.state.mining


# --- 4. upfreq_speed range by API -------------------------------------------------------------------

def test_upfreq_speed_10_is_taken_on_v3_and_refused_on_v2(sim_fleet, run_playbook):
    v3 = v3_fleet(sim_fleet, 5)
    v2 = sim_fleet(first_address(6), 1, port=PORT, password=PASSWORD, idle_timeout=3.0)
    hosts = dict(v3=dict(ansible_host=v3.miners[0].address, whatsminer_password=PASSWORD),
                 v2=dict(ansible_host=v2.miners[0].address, whatsminer_password=PASSWORD))
    tuning = [task('whatsminer_tuning', 'Upfreq', upfreq_speed=10)]
    first = run_playbook(play(tuning), hosts=hosts)
    record = first.result('v3', 'Upfreq')
    assert record.status == 'ok' and record.changed, first.describe()
    assert v3.miners[0].state.upfreq_speed == 10 and writes(v3.miners[0]) == ['set.miner.upfreq_speed']
    refused = first.result('v2', 'Upfreq')
    assert refused.failed
    assert refused.msg == '%s:%d: upfreq_speed must be between 0 and 9 on API v2, got 10' % (v2.miners[0].address, PORT)
    assert v2.miners[0].write_log == []
    again = run_playbook(play(tuning), hosts=dict(v3=hosts['v3']))
    assert not again.result('v3', 'Upfreq').changed and len(v3.miners[0].write_log) == 1


# --- 5. a port glued to the host ---------------------------------------------------------------------

def test_a_host_with_a_port_fails_before_any_traffic(sim_fleet, run_playbook):
    fleet = v3_fleet(sim_fleet, 7)
    miner = fleet.miners[0]
    run = run_playbook(play([task('whatsminer_power', 'Power', mode='low', **WAITS)],
                            host='{{ ansible_host }}:%d' % V3_PORT), hosts=hosts_of(fleet))
    record = run.result('m0', 'Power')
    assert record.failed
    assert record.msg == ("host '%s:%d' has a port after the address: give the address alone in host (%s) and %d in the "
                          'port option (v3_port for the API v3 port)' % (miner.address, V3_PORT, miner.address, V3_PORT))
    assert writes(miner) == [] and miner.state.power_mode == 'Normal'
