# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The discovery scan in-process against simulated miners (127.0.44.x): plan, sockets, open-file limit."""

from __future__ import annotations

import errno
import gc
import json
import os
import socket
import struct
import threading
import time
import types

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import mux
from ansible_collections.minerops.whatsminer.plugins.module_utils import _discovery as discovery
from ansible_collections.minerops.whatsminer.plugins.module_utils import _discovery_workers as workers
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv2 import ApiV2
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.transport import connect_error
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import gather as gathering

PORT = 14044


def counting(monkeypatch):
    """Wrap the protocol's non-blocking reads to record every request and the most sockets open at once per host."""
    calls = []
    open_now = {}
    most = {}

    def wrap(original, label):
        async def wrapper(protocol, names, *args, **kwargs):
            host = protocol.host
            calls.append((host, label(names)))
            open_now[host] = open_now.get(host, 0) + 1
            most[host] = max(most.get(host, 0), open_now[host])
            try:
                await mux.sleep(0.01)
                return await original(protocol, names, *args, **kwargs)
            finally:
                open_now[host] -= 1
        return wrapper

    monkeypatch.setattr(ApiV2, 'aread', wrap(ApiV2.aread, lambda name: name))
    monkeypatch.setattr(ApiV2, 'aread_joined', wrap(ApiV2.aread_joined, '+'.join))
    return calls, most


def test_basic_is_one_joined_read_from_the_facts_plan(sim_fleet, monkeypatch):
    sim_fleet('127.0.44.1', count=2, port=PORT)
    calls, _most = counting(monkeypatch)
    result = discovery.scan(['127.0.44.1', '127.0.44.2'], port=PORT, facts='basic', read_timeout=2.0)
    assert [item.address for item in result.found] == ['127.0.44.1', '127.0.44.2']
    expected = '+'.join(gathering.plan(gathering.commands_for(discovery.BASIC_SUBSETS))[0])
    assert sorted(calls) == [('127.0.44.1', expected), ('127.0.44.2', expected)]


def test_refused_join_falls_back_like_the_facts_module(sim_fleet, monkeypatch):
    sim_fleet('127.0.44.5', port=PORT, faults=('new_firmware',))

    async def refuse_joins(protocol, names, *args, **kwargs):
        raise errors.InvalidCommand('invalid cmd', protocol.host, protocol.port, 14, 'invalid cmd')

    monkeypatch.setattr(ApiV2, 'aread_joined', refuse_joins)   # firmware that refuses every joined read
    calls, _most = counting(monkeypatch)
    result = discovery.scan(['127.0.44.5'], port=PORT, facts='basic', read_timeout=2.0)
    assert [name for _host, name in calls] == ['summary+pools+devdetails', 'summary', 'pools', 'devdetails']
    facts = result.found[0].facts
    assert facts['active_pool'] == 'stratum+tcp://btc.ss.poolin.com:443'
    assert result.found[0].warnings == []


def test_full_reads_one_after_another(sim_fleet, monkeypatch):
    sim_fleet('127.0.44.10', count=3, port=PORT)
    calls, most = counting(monkeypatch)
    result = discovery.scan(['127.0.44.10', '127.0.44.11', '127.0.44.12'], port=PORT, facts='full', read_timeout=2.0)
    assert len(result.found) == 3
    assert set(most.values()) == {1}
    plan = ['+'.join(group) for group in gathering.plan(gathering.commands_for(gathering.SUBSETS))]
    assert [name for host, name in calls if host == '127.0.44.10'] == plan
    assert result.found[0].facts['failed_subsets'] == [] and result.found[0].facts['power']['psu']['model']


def test_a_silent_miner_costs_one_timeout_in_full(sim_fleet):
    sim_fleet('127.0.44.20', port=PORT, faults=('no_reply',), idle_timeout=30)
    result = discovery.scan(['127.0.44.20'], port=PORT, facts='full', read_timeout=1.0)
    assert result.found == [] and result.skipped['timeout'] == 1
    assert result.duration < 2.5


def test_running_out_of_open_files_is_a_scan_error_not_a_down_host(sim_fleet, monkeypatch):
    sim_fleet('127.0.44.30', count=2, port=PORT)
    original = ApiV2.aread_joined

    async def out_of_files(protocol, *args, **kwargs):
        if protocol.host == '127.0.44.31':
            try:
                raise OSError(errno.EMFILE, 'Too many open files')
            except OSError as exc:
                raise connect_error(exc, protocol.host, protocol.port, 1.0) from None
        return await original(protocol, *args, **kwargs)

    monkeypatch.setattr(ApiV2, 'aread_joined', out_of_files)
    result = discovery.scan(['127.0.44.30', '127.0.44.31'], port=PORT, facts='basic', read_timeout=2.0)
    assert [item.address for item in result.found] == ['127.0.44.30']
    assert result.skipped['open_files'] == 1 and result.skipped['down'] == 0
    assert result.errors and '127.0.44.31:%d' % PORT in result.errors[0] and 'open files' in result.errors[0]


def test_concurrency_stays_below_the_open_file_limit():
    assert 1 <= discovery.fd_budget()
    result = discovery.scan([], concurrency=10 ** 6)
    assert result.concurrency == discovery.fd_budget() or result.concurrency == 10 ** 6


def test_open_files_running_out_after_identification_keeps_the_miner(sim_fleet, monkeypatch):
    sim_fleet('127.0.44.40', port=PORT)

    async def out_of_files(protocol, command, *args, **kwargs):
        try:
            raise OSError(errno.EMFILE, 'Too many open files')
        except OSError as exc:
            raise connect_error(exc, protocol.host, protocol.port, 1.0) from None

    monkeypatch.setattr(ApiV2, 'aread', out_of_files)
    result = discovery.scan(['127.0.44.40'], port=PORT, facts='full', read_timeout=2.0)
    assert [item.address for item in result.found] == ['127.0.44.40']
    assert result.found[0].out_of_files and result.partial == 1
    assert result.found[0].facts['failed_subsets'] == ['error_code', 'miner_info', 'psu', 'status', 'version']


def test_scan_timeout_is_a_hard_bound_and_lists_what_was_not_scanned(sim_fleet):
    """Issue 12, case 2: slow miners used to stretch a 10 s scan_timeout to 21.8 s."""
    sim_fleet('127.0.44.60', count=6, port=PORT, faults=('slow_reply=20',), idle_timeout=60)
    addresses = ['127.0.44.%d' % number for number in range(60, 66)]
    result = discovery.scan(addresses, port=PORT, facts='full', concurrency=2, connect_timeout=5.0, read_timeout=30.0,
                            scan_timeout=1.0)
    assert result.hit_deadline and result.found == []
    assert result.duration < 2.0, result.duration
    assert result.unscanned == addresses and result.skipped['deadline'] == 6


def test_a_scan_leaves_no_reference_cycles_behind(sim_fleet):
    """Failed reads (refused ports, v2 miners asked on the v3 port first) must be freed by reference
    counting: at 10,000 miners their cycles were 600,000 objects and a third of the scan's time."""
    sim_fleet('127.0.44.80', count=4, port=PORT, v3_port=PORT + 1, api='mixed', v3_password='super')
    addresses = discovery.expand(['127.0.44.80-127.0.44.87'])      # four miners, four addresses with nothing
    ours = os.sep + os.path.join('ansible_collections', 'minerops', 'whatsminer', 'plugins') + os.sep
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        result = discovery.scan(addresses, port=PORT, v3_port=PORT + 1, api_version='auto', concurrency=8)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [item for item in gc.garbage
                if isinstance(item, BaseException) and type(item).__module__.startswith('ansible_collections.')
                or isinstance(item, types.FrameType) and ours in item.f_code.co_filename]
    finally:
        gc.set_debug(0)
        del gc.garbage[:]
        if was:
            gc.enable()
    assert sorted(found.api for found in result.found) == ['v2', 'v2', 'v3', 'v3']
    assert result.skipped['refused'] == 4
    assert left == [], left[:5]


# --- a scan shared by processes (_discovery_workers) ----------------------------------------

def _view(result):
    return ([(item.address, item.api, item.facts) for item in result.found], dict(result.skipped),
            result.unscanned, result.hit_deadline)


def test_what_a_paused_block_made_is_old_at_once_and_the_collector_is_restored():
    oldest = len(gc.get_stats()) - 1
    was = gc.isenabled()
    gc.enable()
    try:
        with discovery.paused_gc():
            assert not gc.isenabled()
            made = [[index] for index in range(2000)]
        assert gc.isenabled()
        # no young collection has to trace them: they are in the oldest generation already
        assert any(item is made[-1] for item in gc.get_objects(generation=oldest))
        gc.disable()
        with discovery.paused_gc():
            pass
        assert not gc.isenabled()      # a collector that was off stays off
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_objects_frozen_by_someone_else_stay_frozen():
    was = gc.isenabled()
    gc.enable()
    kept = [[index] for index in range(10)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with discovery.paused_gc():
            kept.extend([index] for index in range(100))
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
        if not was:
            gc.disable()


def test_two_processes_find_exactly_what_one_finds(sim_fleet):
    sim_fleet('127.0.44.90', count=6, port=PORT, v3_port=PORT + 1, api='mixed', v3_password='super')
    addresses = discovery.expand(['127.0.44.88-127.0.44.99'])       # 6 miners among 12 addresses
    options = dict(port=PORT, v3_port=PORT + 1, concurrency=8, keep=lambda facts: {'basic': facts['identity']})
    alone = discovery.scan(addresses, processes=1, **options)
    shared = discovery.scan(addresses, processes=2, **options)
    assert (alone.workers, shared.workers) == (1, 2)
    assert _view(shared) == _view(alone)
    assert len(shared.found) == 6 and shared.skipped['refused'] == 6
    assert 'by 2 processes' in shared.summary_line()


def test_a_worker_that_dies_has_its_slice_scanned_by_the_caller(sim_fleet, monkeypatch):
    sim_fleet('127.0.44.110', count=4, port=PORT)
    parent = os.getpid()
    original = discovery._run  # pylint: disable=protected-access

    def dies_in_a_worker(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError('worker crashed')
        return original(*args, **kwargs)

    monkeypatch.setattr(discovery, '_run', dies_in_a_worker)
    result = discovery.scan(discovery.expand(['127.0.44.110-127.0.44.113']), port=PORT, processes=2)
    assert [item.address for item in result.found] == ['127.0.44.110', '127.0.44.111', '127.0.44.112', '127.0.44.113']
    assert result.workers == 2 and not result.hit_deadline


def test_a_worker_past_the_deadline_is_killed_and_its_slice_not_scanned(sim_fleet, monkeypatch):
    sim_fleet('127.0.44.120', count=4, port=PORT)
    parent = os.getpid()
    original = discovery._run  # pylint: disable=protected-access

    def hangs_in_a_worker(*args, **kwargs):
        if os.getpid() != parent:
            time.sleep(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(discovery, '_run', hangs_in_a_worker)
    monkeypatch.setattr(workers, 'GRACE_SECONDS', 0.5)
    started = time.monotonic()
    result = discovery.scan(discovery.expand(['127.0.44.120-127.0.44.123']), port=PORT, processes=2, scan_timeout=1.0)
    assert time.monotonic() - started < 3.5
    assert [item.address for item in result.found] == ['127.0.44.120', '127.0.44.121']
    assert result.hit_deadline and result.unscanned == ['127.0.44.122', '127.0.44.123']
    assert result.skipped['deadline'] == 2


def test_how_many_processes_share_a_scan(monkeypatch):
    monkeypatch.setattr(workers, 'usable_cores', lambda: 4)
    assert [workers.worker_count(0, total) for total in (1, 2047, 2048, 5000, 65536)] == [1, 1, 2, 4, 4]
    monkeypatch.setattr(workers, 'usable_cores', lambda: 2)        # automatic: not on fewer than 4 cores
    assert workers.worker_count(0, 65536) == 1 and workers.worker_count(2, 65536) == 2
    assert [workers.worker_count(setting, 10) for setting in (1, 2, 3, 100)] == [1, 2, 3, 8]
    assert workers.worker_count(2, 1) == 1
    assert workers.slices(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert workers.slices(list(range(2)), 2) == [[0], [1]]


# --- a v3 miner that refuses the identifying read ---------------------------------------

class RefusingV3Port:
    """An API v3 port that answers ``get.device.info`` with a v3 error frame (code -4, as a miner with the
    API locked for this client does) and ``get.miner.status`` with a summary: a current-firmware miner."""

    def __init__(self, address, port):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((address, port))
        self.listener.listen(16)
        self.asked = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _peer = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    header = conn.recv(4, socket.MSG_WAITALL)
                    request = json.loads(conn.recv(struct.unpack('<I', header)[0], socket.MSG_WAITALL))
                except (OSError, ValueError, struct.error):
                    continue
                command = request.get('cmd')
                self.asked.append(command)
                if command == 'get.miner.status':
                    reply = {'code': 0, 'when': 1700000000, 'desc': command,
                             'msg': {'summary': {'hash-realtime': 100.5, 'elapsed': 3600}}}
                else:
                    reply = {'code': -4, 'when': 1700000000, 'msg': 'no permission'}
                body = json.dumps(reply).encode()
                try:
                    conn.sendall(struct.pack('<I', len(body)) + body)
                except OSError:
                    pass

    def close(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)     # wakes the accept(), so the port is free at once
        except OSError:
            pass
        self.listener.close()
        self.thread.join(5)


@pytest.mark.parametrize('facts', ['basic', 'full'])
def test_a_v3_error_reply_is_a_v3_miner_never_a_v2_fallback(sim_fleet, facts):
    """Review 4: -4 to get.device.info on the v3 port made ``auto`` record a current miner as v2."""
    sim_fleet('127.0.44.130', port=PORT)             # what the v2 port of that address answers
    v3_port = RefusingV3Port('127.0.44.130', PORT + 1)
    try:
        result = discovery.scan(['127.0.44.130'], port=PORT, v3_port=PORT + 1, facts=facts, api_version='auto',
                                read_timeout=2.0)
    finally:
        v3_port.close()
    (found,) = result.found
    assert (found.api, found.port) == ('v3', PORT + 1)
    assert v3_port.asked[0] == 'get.device.info' and 'get.miner.status' in v3_port.asked
    assert found.facts['mining']['hashrate_ths'] == 100.5             # what the other reads gave
    assert found.refused and 'no permission' in found.refused and result.refused == 1
    assert any('refused get.device.info' in line for line in found.warnings)
    if facts == 'full':
        assert 'devdetails' in found.facts['failed_subsets']
    # the result crosses a process boundary with the note intact
    again = discovery.ScanResult(1)
    again.add(result.plain())
    assert again.refused == 1 and again.found[0].refused == found.refused
