# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive simulated miners with pyasic, a client nobody here wrote; print what it saw as JSON.

Run with the pyasic venv's Python (pyasic needs passlib, which conflicts with the
collection's libpass, so it lives in a venv of its own):

    python pyasic_probe.py --password PW --pool-url URL --pool-user USER --mode low ADDRESS...

pyasic talks to port 4028 only, so the miners must listen there. The probe uses
pyasic's own discovery (MinerNetwork scan: HTTP probe, then "version"/"devdetails"
on 4028, "get_version"), its own reads and its own privileged-command code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback


async def probe(args):
    from pyasic import settings
    from pyasic.config import MinerConfig
    from pyasic.config.mining import MiningModeConfig
    from pyasic.config.pools import PoolConfig
    from pyasic.network import MinerNetwork

    settings.update('default_whatsminer_rpc_password', args.password)
    settings.update('factory_get_timeout', 5)
    result = {'discovered': {}, 'reads': {}, 'changes': {}, 'errors': []}

    found = await MinerNetwork.from_list(args.addresses).scan()
    for miner in found:
        result['discovered'][str(miner.ip)] = {
            'class': type(miner).__name__, 'make': str(getattr(miner, 'make', '')),
            'model': str(getattr(miner, 'raw_model', '') or getattr(miner, 'model', '')),
            'firmware': str(getattr(miner, 'fw_str', '')),
        }

    for miner in found:
        ip = str(miner.ip)
        try:
            miner.rpc.pwd = args.password
            summary = await miner.rpc.summary()
            pools = await miner.rpc.pools()
            status = await miner.rpc.status()
            hashrate = await miner.get_hashrate()
            result['reads'][ip] = {
                'summary_power_mode': summary['SUMMARY'][0]['Power Mode'],
                'summary_mhs_av': summary['SUMMARY'][0]['MHS av'],
                'pool_urls': [pool['URL'] for pool in pools['POOLS']],
                'btmineroff': status['Msg']['btmineroff'],
                'hashrate': str(hashrate),
                'fw_ver': await miner.get_fw_ver(),
                'mac': await miner.get_mac(),
            }
            # Pools and power mode through pyasic's own config path (update_pools + set_*_power).
            config = MinerConfig(
                pools=PoolConfig.simple([{'url': args.pool_url, 'user': args.pool_user, 'password': 'x'}]),
                mining_mode=getattr(MiningModeConfig, args.mode)(),
            )
            await miner.send_config(config)
            # And directly through its RPC layer, so an error is not swallowed.
            reply = await miner.rpc.update_pools(args.pool_url, args.pool_user, 'x')
            result['changes'][ip] = {'update_pools_msg': reply.get('Msg'), 'send_config': 'done'}
        except Exception as exc:  # reported, not raised: the test reads the JSON
            result['errors'].append('%s: %s\n%s' % (ip, exc, traceback.format_exc()))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--password', default='admin')
    parser.add_argument('--pool-url', required=True)
    parser.add_argument('--pool-user', required=True)
    parser.add_argument('--mode', choices=('low', 'normal', 'high'), default='low')
    parser.add_argument('addresses', nargs='+')
    args = parser.parse_args()
    result = asyncio.run(probe(args))
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
