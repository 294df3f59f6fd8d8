#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_power
short_description: Switch a Whatsminer miner on or off, set its power mode, power limit or power percent
version_added: 0.1.0
description:
  - Reads whether the miner mines, its power mode and its power limit, changes only what
    differs, and reads the miner again until it shows the new state (see O(wait)).
  - Changes are applied in this order - power on (after preheating when O(pre_power_on=true)),
    power mode, power limit, power percent. O(state=off) powers off and nothing else.
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
      - Reads the miner and reports the commands that would be sent; sends no write.
  diff_mode:
    support: full
    details:
      - Before and after show C(state), C(mode) and C(power_limit); C(percent) when O(percent) is given.
options:
  state:
    description:
      - V(on) powers the hash boards on and starts mining (C(power_on)); V(off) stops mining
        and powers them off (C(power_off)).
      - Readable (C(status) C(btmineroff)/C(mineroff)), so sent only when it differs.
      - V(off) cannot be combined with O(mode), O(power_limit) or O(percent).
    type: str
    choices: ['on', 'off']
  mode:
    description:
      - Power mode. Readable (C(status) C(power_mode), or C(summary) C(Power Mode)), so sent only when it differs.
      - A switch restarts btminer and may get no reply; with O(wait) the module reads until the
        miner reports the new mode and mines again.
    type: str
    choices: [low, normal, high]
  power_limit:
    description:
      - Upper limit of the miner's power in watts, 0 to 99999 (C(adjust_power_limit)).
      - Readable (C(summary) C(Power Limit)), so sent only when it differs. Restarts btminer.
    type: int
  percent:
    description:
      - Power percent, 0 to 100, relative to the stable mining power (C(set_power_pct) or C(set_power_pct_v2)).
      - Not readable through the API; sent whenever given and then always reported as changed.
    type: int
  percent_method:
    description:
      - V(fast) uses C(set_power_pct) (takes effect within a second, loses more hash rate);
        V(normal) uses C(set_power_pct_v2) (adjusts over a few minutes; on fan-cooled miners only
        in normal or low power mode).
    type: str
    choices: [fast, normal]
    default: normal
  pre_power_on:
    description:
      - Before powering on, preheat the miner (C(pre_power_on)) and wait until it reports
        C(adjust complete), up to O(wait_timeout) seconds. Needs O(state=on); does nothing if
        the miner already mines.
      - Sent, and reported as a change, only when the miner is to be powered on - that is, when
        it does not mine; a miner that already mines gets nothing and the task reports no change.
      - API v3 has no preheat. There a miner that already mines is the same success with no
        change; one that is to be powered on fails the task, naming the API, before any write.
    type: bool
    default: false
  wait:
    description:
      - After a change that restarts btminer (power mode, power limit) or switches mining on or
        off, read the miner until it reports the new state, up to O(wait_timeout) seconds, and
        fail with what was expected and what was seen if it never does.
      - With V(false) the change is sent and not confirmed (a warning says so).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the new state (and for preheating).
    type: float
    default: 300.0
  poll_interval:
    description:
      - Seconds between reads while waiting.
    type: float
    default: 2.0
notes:
  - Readable (idempotent) - O(state), O(mode), O(power_limit). Not readable - O(percent), sent
    when given and reported as changed. O(pre_power_on) is sent only with the power-on it precedes.
  - A power mode switch may get no reply; that is normal, the module confirms by reading. If
    the miner never shows the new mode within O(wait_timeout), the task fails and says which mode
    it expected and which it saw. Because the switch is silent, a wrong O(password) or disabled
    write access on silent firmware shows up the same way; the message says so.
  - A readable setting this miner does not report (C(status) without C(btmineroff)/C(mineroff),
    no C(Power Limit) in C(summary) nor C(power_limit_set) in C(status), no power mode) is handled
    as not readable for that run - sent whenever given, reported as changed, not waited for, and
    named in a warning saying the miner does not report it.
  - A reply that times out after a write is an unknown outcome. The module reads the miner
    instead of repeating the write, and fails if the new state does not show.
  - O(percent) cannot be read back. If its write gets no reply, the task fails with C(changed=true)
    (the miner may have applied it) and says the outcome is unknown. If the password check that
    follows shows a wrong password or API write access off, it fails without a change.
seealso:
  - module: minerops.whatsminer.whatsminer_tuning
  - module: minerops.whatsminer.whatsminer_pools
'''

EXAMPLES = r'''
- name: Curtail and restore
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Run at 60 % power for a while
      minerops.whatsminer.whatsminer_power:
        percent: 60
        percent_method: fast

    - name: Stop mining
      minerops.whatsminer.whatsminer_power:
        state: 'off'

    - name: Preheat, then mine again in low power mode with a 3000 W cap
      minerops.whatsminer.whatsminer_power:
        state: 'on'
        pre_power_on: true
        mode: low
        power_limit: 3000
        wait_timeout: 600
'''

RETURN = r'''
state:
  description: V(on) or V(off) as the miner reports it after the task (in check mode, what it would be); null if unknown.
  returned: success
  type: str
  sample: 'on'
mode:
  description: Power mode after the task (V(low), V(normal), V(high)); null if the firmware does not say.
  returned: success
  type: str
  sample: normal
power_limit:
  description: Power limit in watts after the task; null if the firmware does not say.
  returned: success
  type: int
  sample: 3600
before:
  description: What the miner reported before; C(percent) is V((not readable)) when O(percent) was given.
  returned: success
  type: dict
  sample: {"state": "on", "mode": "normal", "power_limit": 3600}
after:
  description: What the miner reports after the task (read back), plus O(percent) when given.
  returned: success
  type: dict
  sample: {"state": "on", "mode": "low", "power_limit": 3000, "percent": 80}
commands:
  description:
    - The write commands sent, in order (in check mode, the ones that would have been sent).
    - C(pre_power_on) is listed once, although it is sent again to poll the preheating progress.
  returned: always
  type: list
  elements: str
  sample: ["set_low_power", "adjust_power_limit"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import power as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
