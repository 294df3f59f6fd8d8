#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_factory_reset
short_description: Reset a Whatsminer miner to its factory settings (needs confirm=true)
version_added: 0.1.0
description:
  - "B(Read this first.) A factory reset sets the password back to the factory default (V(admin)
    on API v2; on API v3 the account's own name, V(super) for the default O(account)) and
    B(switches API write access off). After it, this collection - and any other API client -
    cannot write to the miner (pools, power, password, reboot) until write access is enabled
    again in WhatsMinerTool, by hand. Pools, power settings, the host name and the network
    (back to DHCP) return to the factory values too."
  - Refuses to run unless O(confirm=true) - also in check mode - and then sends nothing.
  - With O(wait) the module waits until the miner is back from its reboot (its uptime started
    again), reads it with the default password and reports what it reads (RV(after)) and
    whether the default password works (RV(password_is_default)).
  - An action - the task always reports a change. It is sent once and never repeated.
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
      - With O(confirm=true) reads the uptime and reports the command that would be sent; sends nothing.
  diff_mode:
    support: none
    details:
      - An action has no state to compare.
options:
  confirm:
    description:
      - Must be V(true), or the module refuses before any traffic. A reset cannot be undone
        through the API (see the description).
    type: bool
    default: false
  wait:
    description:
      - Wait for the miner to come back from the reboot and read it (see O(wait_timeout)).
      - With V(false) the reset is sent and not confirmed.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the miner to come back.
    type: float
    default: 300.0
  poll_interval:
    description:
      - Seconds between reads while waiting.
    type: float
    default: 2.0
notes:
  - "After the reset: the password is the default; API write access is off - enable it in
    WhatsMinerTool before any module that writes can be used again, then set a password with
    M(minerops.whatsminer.whatsminer_password) (O(password=admin) on API v2, O(password=super) on API v3,
    or no O(password), which defaults to the same); whether write access is on
    cannot be read through the API without writing, so the module does not report it."
  - A reset miner uses DHCP, so a miner that had a static address may come back on another
    address; the module waits at O(host). Find a miner that does not come back there with the
    inventory plugin.
seealso:
  - module: minerops.whatsminer.whatsminer_password
  - plugin: minerops.whatsminer.whatsminer
    plugin_type: inventory
'''

EXAMPLES = r'''
- name: Factory reset one miner (write access must be re-enabled in WhatsMinerTool afterwards)
  hosts: miner_to_reset
  connection: local
  gather_facts: false
  tasks:
    - name: Reset
      minerops.whatsminer.whatsminer_factory_reset:
        host: "{{ ansible_host }}"
        password: "{{ whatsminer_password }}"
        confirm: true
      register: reset

    - name: Show what it reads afterwards
      ansible.builtin.debug:
        var: reset.after
'''

RETURN = r'''
after:
  description:
    - What the miner reports after the reset, read with the default password - C(state),
      C(mode), C(power_limit), C(hostname), C(network), C(led), C(pools) (url and user),
      C(firmware_version), C(uptime). Null in check mode and with O(wait=false).
    - C(pools) is null when the miner does not show its pools (an API v3 miner that does not mine).
  returned: success
  type: dict
  sample: {"state": "on", "mode": "normal", "power_limit": 3600, "hostname": "WhatsMiner",
           "network": {"mode": "dhcp", "address": "10.20.0.17", "netmask": "255.255.255.0",
                       "gateway": "10.20.0.1", "dns": ["114.114.114.114"]},
           "led": "auto", "pools": [], "firmware_version": "20220125.13.Rel", "uptime": 14}
password_is_default:
  description: Whether the default password works after the reset; null when not waited for (or not known).
  returned: success
  type: bool
  sample: true
uptime_before:
  description: The uptime in seconds before the reset.
  returned: success
  type: int
  sample: 864000
downtime:
  description: Seconds from the request until the miner was back with its uptime started again; null when not waited for.
  returned: success
  type: float
  sample: 75.0
commands:
  description: The write commands sent (in check mode - that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["factory_reset"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import factory_reset as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
