#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_pools
short_description: Set the mining pools of a Whatsminer miner
version_added: 0.1.0
description:
  - Makes the miner mine on the given pools, in the given priority order.
  - Reads the configured pools first and sends them (C(update_pools) on API v2,
    C(set.miner.pools) on API v3) only when the URLs or users differ, then reads the pools
    back to confirm.
  - The API never returns pool passwords, so they cannot be compared; see O(update_password).
author:
  - minerops.whatsminer contributors (@minerops)
extends_documentation_fragment:
  - minerops.whatsminer.connection
  - minerops.whatsminer.connection.action_group
  - minerops.whatsminer.connection.controller
  - minerops.whatsminer.connection.writes
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
    details:
      - Reads the miner and reports what would change; sends no write.
  diff_mode:
    support: full
    details:
      - Before and after show the pools' URLs and users, never passwords.
options:
  pools:
    description:
      - Up to three pools, the first one with the highest priority.
      - Compared with the miner's pools on O(pools[].url) and O(pools[].user), in order.
      - On API v2 unused slots are sent as empty strings (all nine C(update_pools) keys are always
        sent, as some firmware rejects fewer). On API v3 only the pools given are sent
        (C(set.miner.pools)).
    type: list
    elements: dict
    suboptions:
      url:
        description:
          - Pool address, for example V(stratum+tcp://btc.example.com:3333). Spaces and control
            characters are rejected before anything is sent.
        type: str
        required: true
      user:
        description:
          - Worker name (account and worker, for example V(farm1.rack3)).
        type: str
        required: true
      password:
        description:
          - Worker password. Many pools accept any value.
          - Not readable through the API, so never compared and never shown.
        type: str
        default: ''
  update_password:
    description:
      - V(on_change) sends the pools, passwords included, only when a URL or user differs.
        A change of password alone is then not applied.
      - V(always) sends the pools every time, so the task always reports a change.
    type: str
    choices: [always, on_change]
    default: on_change
  web_pools:
    description:
      - Allow (V(true)) or forbid (V(false)) configuring pools on the miner's web page.
      - On API v3 readable - read, compared, and sent only when the miner reports something else.
      - On API v2 not readable - sent whenever given, and then always reported as changed.
    type: bool
  wait:
    description:
      - Keep reading the pools after a change until the miner shows the new ones, up to
        O(wait_timeout) seconds, and fail with what it shows if it never does.
      - With V(false) the pools are read back once (within O(timeout)); if the miner does not show
        the new pools yet, or that read fails, the task still succeeds with a warning saying the
        change is not confirmed.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the miner to show the new pools.
    type: float
    default: 300.0
  poll_interval:
    description:
      - Seconds between reads while waiting.
    type: float
    default: 2.0
notes:
  - Readable (idempotent) - the pools' URLs and users, and O(web_pools) on API v3. Not readable -
    pool passwords, and O(web_pools) on API v2; those are sent when asked for and reported as changed.
  - Some API v3 firmware does not show the pools while the miner does not mine (stopped,
    curtailed). On such a miner the pools cannot be compared or read back - they are sent once,
    reported as changed with a warning that they are not confirmed (also with O(wait=true)), and
    never sent again in the same task. Run the task again once the miner mines to confirm.
seealso:
  - module: minerops.whatsminer.whatsminer_power
  - module: minerops.whatsminer.whatsminer_tuning
'''

EXAMPLES = r'''
- name: Point the miners at the farm's pools
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Main pool first, then two backups
      minerops.whatsminer.whatsminer_pools:
        pools:
          - url: stratum+tcp://btc.pool-a.example:3333
            user: "farm1.{{ inventory_hostname }}"
            password: x
          - url: stratum+tcp://btc.pool-b.example:443
            user: farm1.backup
          - url: stratum+tcp://btc.pool-c.example:25
            user: farm1.backup

    - name: Forbid changing pools on the web page
      minerops.whatsminer.whatsminer_pools:
        web_pools: false
'''

RETURN = r'''
pools:
  description:
    - The pools the miner reports after the task (in check mode, the pools it would have). No passwords.
    - When the miner does not show its pools (a stopped API v3 miner), the pools sent, not confirmed
      (a warning says so), or null when none were sent.
  returned: success
  type: list
  elements: dict
  sample: [{"url": "stratum+tcp://btc.pool-a.example:3333", "user": "farm1.m1"}]
before:
  description:
    - The pools before the task, and C(web_pools) when O(web_pools) was given - what the miner
      reports on API v3, V((not readable)) on API v2.
    - C(pools) is V((not readable)) when the miner does not show them (a stopped API v3 miner).
  returned: success
  type: dict
  sample: {"pools": [{"url": "stratum+tcp://btc.ss.poolin.com:443", "user": "microbtinitial"}]}
after:
  description:
    - The pools after the task (read back), and C(web_pools) when O(web_pools) was given (on API v3
      read back after a change). No passwords.
  returned: success
  type: dict
  sample: {"pools": [{"url": "stratum+tcp://btc.pool-a.example:3333", "user": "farm1.m1"}], "web_pools": false}
commands:
  description: The write commands sent (in check mode, the ones that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["update_pools"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import pools as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
