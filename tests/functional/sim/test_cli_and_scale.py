# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The executable (READY line, serving, clean SIGTERM) and a thousand miners in one process."""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import signal
import subprocess
import sys
import time

import pytest

from sim_client import SIM_PORT, exchange, plain, worker_base
from whatsminer_sim import Fleet, FleetError

SIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'tools', 'whatsminer-sim')


def read_line(process, timeout):
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            raise AssertionError('no line from whatsminer-sim within %s s' % timeout)
        return process.stdout.readline()
    finally:
        selector.close()


def test_cli_serves_until_sigterm(tmp_path):
    first = '127.0.29.%d' % worker_base()
    second = '127.0.29.%d' % (worker_base() + 1)
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(SIM), '--first-address', first, '--count', '3', '--port', str(SIM_PORT),
         '--password', 'secret1', '--firmware', '20230911.12.Rel', '--model', 'M50VH50', '--reboot-seconds', '0.2',
         '--fault', 'json_trailing_nul@%s' % second, '--write-access', 'on', '--idle-timeout', '2'],
        cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = read_line(process, 20)
        assert line == 'READY 3 %s %d\n' % (first, SIM_PORT)
        assert plain(first, SIM_PORT, 'get_version')['Msg']['fw_ver'] == '20230911.12.Rel'
        assert plain(first, SIM_PORT, 'devdetails')['DEVDETAILS'][0]['Model'] == 'M50VH50'
        assert exchange(second, SIM_PORT, {'cmd': 'status'}).endswith(b'\x00')
        third = '127.0.29.%d' % (worker_base() + 2)
        assert plain(third, SIM_PORT, 'status')['STATUS'] == 'S'
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        assert process.stdout.read() == ''      # exactly one line on stdout
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_cli_rejects_unknown_fault(tmp_path):
    result = subprocess.run([sys.executable, os.path.abspath(SIM), '--fault', 'nonsense'], cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and 'unknown fault' in result.stderr and result.stdout == ''


async def _load(addresses, port, total, concurrency):
    queue = asyncio.Queue()
    for index in range(total):
        queue.put_nowait(addresses[index % len(addresses)])
    failures = []

    async def worker():
        while not queue.empty():
            address = queue.get_nowait()
            reader, writer = await asyncio.open_connection(address, port)
            writer.write(b'{"cmd":"summary"}')
            data = await reader.read()
            writer.close()
            if not data.startswith(b'{"STATUS":[{"STATUS":"S"'):
                failures.append(data[:100])

    await asyncio.gather(*(worker() for _worker in range(concurrency)))
    return failures


def test_thousand_miners_start_fast_and_serve(capsys):
    started = time.monotonic()
    fleet = Fleet('127.0.25.1', 1000, port=SIM_PORT)
    with fleet:
        startup = time.monotonic() - started
        assert fleet.addresses[-1] == '127.0.28.238'
        assert not any(address.endswith(('.0', '.255')) for address in fleet.addresses)
        assert json.loads(exchange(fleet.addresses[-1], SIM_PORT, {'cmd': 'summary'}))['SUMMARY']
        began = time.monotonic()
        failures = asyncio.run(_load(fleet.addresses, SIM_PORT, 4000, 64))
        rate = 4000 / (time.monotonic() - began)
    with capsys.disabled():
        print('\n1000 miners listening in %.2f s; %d summary requests/s (client in the same 2-core box)'
              % (startup, rate))
    assert failures == []
    assert startup < 15
    assert rate > 300      # generous: client and simulator share one process and two cores here


def test_fleet_reports_an_address_in_use(make_fleet):
    fleet = make_fleet(29, count=1)
    clash = Fleet(fleet.addresses[0], 1, port=fleet.port)
    with pytest.raises(FleetError, match='cannot listen on %s:%d' % (fleet.addresses[0], fleet.port)):
        clash.start()
    assert plain(fleet.addresses[0], fleet.port, 'status')['STATUS'] == 'S'
