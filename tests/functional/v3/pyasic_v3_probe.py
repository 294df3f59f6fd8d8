# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read simulated v3 miners with pyasic's own API v3 client (``BTMinerV3RPCAPI``); print what it saw as JSON.

Run with the pyasic venv's Python: ``python pyasic_v3_probe.py --port PORT --password PW ADDRESS...``.
It uses pyasic's framing, its reads, and its own token code for one signed write
(``set.miner.power_mode``), so a client nobody here wrote checks the simulator's v3.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback


async def probe(args):
    from pyasic.rpc.btminer import BTMinerV3RPCAPI

    result = {'reads': {}, 'errors': []}
    for address in args.addresses:
        client = BTMinerV3RPCAPI(address, port=args.port)
        client.pwd = args.password
        try:
            result['reads'][address] = {
                'device_info': await client.get_device_info(),
                'summary': await client.get_miner_status_summary(),
                'pools': await client.get_miner_status_pools(),
                'power_mode': await client.send_command('set.miner.power_mode', parameters=args.mode),
            }
        except Exception as exc:  # pylint: disable=broad-exception-caught
            result['errors'].append('%s: %s' % (address, ''.join(traceback.format_exception_only(type(exc), exc)).strip()))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--password', required=True)
    parser.add_argument('--mode', default='low')
    parser.add_argument('addresses', nargs='+')
    args = parser.parse_args()
    print(json.dumps(asyncio.run(probe(args))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
