#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_reboot
short_description: Reboot a Whatsminer miner or restart its mining service, and confirm it
version_added: 0.1.0
description:
  - O(scope=system) reboots the control board (C(reboot)); O(scope=mining) restarts the btminer
    service (C(restart_btminer)).
  - An action - the task always reports a change.
  - With O(wait) the effect is confirmed by reading, never by the port alone. For a reboot the
    miner must go down and come back with its uptime started again - a port that answers again
    while the uptime still counts from before is not a rebooted miner. For a mining restart
    btminer's running time must start again and the miner must mine again (hash rate above zero).
  - Returns the downtime - seconds from the request until that proof.
  - The request is sent once. A miner that does not show the proof within O(wait_timeout) fails
    the task; the module does not send the request again.
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
      - Reads the uptime (or the mining state) and reports the command that would be sent; sends nothing.
  diff_mode:
    support: none
    details:
      - An action has no state to compare.
options:
  scope:
    description:
      - V(system) - reboot the control board; the miner is unreachable for a while and mines
        again only after its boot.
      - V(mining) - restart btminer, the mining service; the control board keeps running.
    type: str
    choices: [system, mining]
    default: system
  wait:
    description:
      - Wait until the miner shows the effect (see the description), up to O(wait_timeout) seconds.
      - With V(false) the request is sent and not confirmed (a warning says so).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the proof. A read that starts before the deadline may take up to
        O(timeout) more.
    type: float
    default: 300.0
  poll_interval:
    description:
      - Seconds between reads while waiting.
    type: float
    default: 2.0
notes:
  - A miner that was not mining before a O(scope=mining) restart is only confirmed to have
    restarted btminer, not to mine (a warning says so).
  - A reboot request gets no reply; that is normal. If the miner never goes down, the task fails
    and says whether the password or API write access is the likely cause.
seealso:
  - module: minerops.whatsminer.whatsminer_power
'''

EXAMPLES = r'''
- name: Reboot miners, a few at a time
  hosts: miners
  connection: local
  gather_facts: false
  serial: 10
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Reboot the control board and wait until it is back
      minerops.whatsminer.whatsminer_reboot:
        scope: system
        wait_timeout: 600
      register: reboot

    - name: Show how long each miner was gone
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }} was down for {{ reboot.downtime }} s"

    - name: Only restart mining
      minerops.whatsminer.whatsminer_reboot:
        scope: mining
'''

RETURN = r'''
scope:
  description: The O(scope) of the task.
  returned: success
  type: str
  sample: system
downtime:
  description:
    - Seconds from the request until the proof (uptime started again, or mining again); null in
      check mode and with O(wait=false).
  returned: success
  type: float
  sample: 62.4
uptime_before:
  description: The uptime in seconds before the reboot (O(scope=system)).
  returned: success and O(scope=system)
  type: int
  sample: 864000
uptime_after:
  description: The uptime in seconds when the miner was confirmed back (O(scope=system)); null when not waited for.
  returned: success and O(scope=system)
  type: int
  sample: 31
mining_before:
  description: C(is_mining), C(hashrate_ths), C(elapsed_s) (btminer's running time) and C(uptime_s) before the restart (O(scope=mining)).
  returned: success and O(scope=mining)
  type: dict
  sample: {"is_mining": true, "hashrate_ths": 110.5, "elapsed_s": 86000, "uptime_s": 864000}
mining_after:
  description: The same, when the miner was confirmed mining again (O(scope=mining)); null when not waited for.
  returned: success and O(scope=mining)
  type: dict
  sample: {"is_mining": true, "hashrate_ths": 104.1, "elapsed_s": 12, "uptime_s": 864040}
commands:
  description: The write commands sent (in check mode - that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["reboot"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import reboot as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
