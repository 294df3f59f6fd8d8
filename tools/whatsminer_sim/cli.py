# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``tools/whatsminer-sim``: run a fleet until SIGTERM/SIGINT.

Prints exactly one line ``READY <count> <first-address> <port>`` on stdout once every
miner listens, so scripts can wait for it; diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import sys
import threading

from whatsminer_sim.faults import FAULTS, UnknownFault
from whatsminer_sim.fleet import Fleet, FleetError
from whatsminer_sim.mixed import mix_state, mixed_overrides
from whatsminer_sim.models import DEFAULT_API_VERSION, DEFAULT_FIRMWARE, DEFAULT_MODEL


def build_parser():
    parser = argparse.ArgumentParser(
        prog='whatsminer-sim',
        description='Simulate a fleet of Whatsminer miners (API V2.0.5 and API v3), one per loopback address.',
        epilog='Faults: ' + '; '.join('%s: %s' % item for item in sorted(FAULTS.items())))
    parser.add_argument('--first-address', default='127.0.10.1', help='address of the first miner (default %(default)s)')
    parser.add_argument('--count', type=int, default=1, help='number of miners (default %(default)s)')
    parser.add_argument('--port', type=int, default=4028, help='API port of every miner (default %(default)s)')
    parser.add_argument('--password', default='admin', help='admin password of every miner (default %(default)s)')
    parser.add_argument('--firmware', default=DEFAULT_FIRMWARE, help='firmware version (default %(default)s)')
    parser.add_argument('--model', default=DEFAULT_MODEL, help='miner model (default %(default)s)')
    parser.add_argument('--platform', default=None,
                        help="control-board platform reported by get_version and matched against firmware images"
                             " (default: per model, e.g. H6OS for M30S, H616 for M50)")
    parser.add_argument('--api-version', default=DEFAULT_API_VERSION, help='api_ver reported (default %(default)s)')
    parser.add_argument('--reboot-seconds', type=float, default=5.0,
                        help='seconds the port refuses connections after a reboot (default %(default)s)')
    parser.add_argument('--flash-seconds', type=float, default=0.0,
                        help='seconds a firmware upload adds to the reboot window (default %(default)s)')
    parser.add_argument('--restart-seconds', type=float, default=1.0,
                        help='seconds btminer reads as restarting after a mode switch etc. (default %(default)s)')
    parser.add_argument('--idle-timeout', type=float, default=10.0,
                        help='seconds before a silent connection is closed (default %(default)s)')
    parser.add_argument('--slow-reply-seconds', type=float, default=3.0, help='delay of the slow_reply fault')
    parser.add_argument('--write-access', choices=('on', 'off'), default='on', help='API write access (default on)')
    parser.add_argument('--api', choices=('v2', 'v3', 'mixed'), default='v2',
                        help='v2: API v2 only; v3: current firmware, API v3 on --v3-port and the reduced v2 on --port;'
                             ' mixed: every second miner on v3 (default %(default)s)')
    parser.add_argument('--v3-port', type=int, default=4433, help='API v3 port of v3 miners (default %(default)s)')
    parser.add_argument('--v3-password', default=None,
                        help="password of the v3 super account (default: 'super', the factory default, which refuses writes)")
    parser.add_argument('--mixed', action='store_true',
                        help='a farm-like mix of models, firmware, idle and curtailed miners and error codes'
                             ' (deterministic by position; overrides --model and --firmware)')
    parser.add_argument('--quote-firmware', action='store_true',
                        help="report \"Firmware Version\" in single quotes, as some btminer builds do")
    parser.add_argument('--fault', action='append', default=[], metavar='NAME[@ADDRESS]',
                        help='inject a fault in every miner, or in the one at ADDRESS (repeatable)')
    return parser


def _die_with_pyenv_shim():
    """Under a pyenv shim, ``$!`` is the shim's bash, which does not exec python: when it is
    killed, take SIGTERM too, so ``kill $!`` stops the simulator as a script expects."""
    if 'PYENV_ROOT' not in os.environ:
        return
    parent = os.getppid()
    try:
        with open('/proc/%d/cmdline' % parent, 'rb') as handle:
            command = handle.read().split(b'\0')
    except OSError:
        return
    if not command or not command[0].endswith(b'bash') or not any(part.startswith(b'/dev/fd/') for part in command):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:      # the shim died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        fleet = Fleet(first_address=args.first_address, count=args.count, port=args.port, password=args.password,
                      firmware=args.firmware, model=args.model, api_version=args.api_version,
                      reboot_seconds=args.reboot_seconds, restart_seconds=args.restart_seconds,
                      platform=args.platform, flash_seconds=args.flash_seconds,
                      idle_timeout=args.idle_timeout, slow_reply_seconds=args.slow_reply_seconds,
                      write_access=args.write_access == 'on', quote_firmware=args.quote_firmware,
                      faults=args.fault, api=args.api, v3_port=args.v3_port, v3_password=args.v3_password,
                      overrides=mixed_overrides(args.first_address, args.count) if args.mixed else None)
        if args.mixed:
            mix_state(fleet)
    except (FleetError, UnknownFault, ValueError) as exc:
        print('whatsminer-sim: %s' % exc, file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    _die_with_pyenv_shim()
    try:
        fleet.start()
    except FleetError as exc:
        print('whatsminer-sim: %s' % exc, file=sys.stderr)
        return 1
    try:
        sys.stdout.write('READY %d %s %d\n' % (len(fleet.addresses), args.first_address, args.port))
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        fleet.stop()
    return 0
