# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start the simulator as its own process for a benchmark, and stop it afterwards.

A separate process, so the simulated miners do not share the GIL with what is being
measured: on real farms the miners are other machines.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.path.join(REPO, 'tools', 'whatsminer-sim')


@contextlib.contextmanager
def sim_process(first_address, count, port, extra_args=(), ready_timeout=60.0):
    """Run ``tools/whatsminer-sim`` until the block ends; waits for its READY line."""
    command = [sys.executable, SIM, '--first-address', first_address, '--count', str(count), '--port', str(port)]
    command.extend(extra_args)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + ready_timeout
        line = ''
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([process.stdout], [], [], 0.5)
            if ready:
                line = process.stdout.readline()
                if line.startswith('READY') or not line:
                    break
            if process.poll() is not None:
                break
        if not line.startswith('READY'):
            process.kill()
            raise RuntimeError('simulator did not start: %s %s' % (line.strip(), process.stderr.read()[-2000:]))
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
