#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_network
short_description: Set a Whatsminer miner to DHCP or to a static address, netmask, gateway and DNS
version_added: 0.1.0
description:
  - Reads the miner's network settings (API v2 C(get_miner_info), API v3 C(get.device.info)) and
    sends a change (API v2 C(net_config), API v3 C(set.system.net_config)) only when they differ,
    so a second run changes nothing.
  - A change makes the miner reboot. With O(wait) the module waits for the miner where it
    will answer afterwards - at the new address when the address changes - until it is back
    from its reboot (its uptime started again, the same MAC address), and confirms the new
    settings by reading them there.
  - Changing the address the miner answers on is refused unless O(allow_address_change=true).
    After such a change the inventory's C(ansible_host) is stale (see the notes).
  - The change is sent once. A miner that does not come back within O(wait_timeout) fails the
    task as an unknown outcome; the module does not send the change again.
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
      - Reads the miner, says whether it would change (and refuses an address change without
        O(allow_address_change=true)); sends nothing.
  diff_mode:
    support: full
    details:
      - Before and after show C(mode), C(address), C(netmask), C(gateway), C(dns) and C(hostname).
options:
  mode:
    description:
      - V(dhcp) lets a DHCP server give the miner its address; V(static) sets O(address),
        O(netmask), O(gateway) and O(dns).
      - Readable, so the change is sent only when the miner reports something else. With
        V(dhcp) only the mode is compared.
      - Switching a miner with a static address to V(dhcp) lets the DHCP server choose the
        address, so it counts as an address change (see O(allow_address_change)) unless
        O(address) names the address the miner has now.
    type: str
    required: true
    choices: [dhcp, static]
  address:
    description:
      - With O(mode=static) - the IPv4 address. Required. Readable.
      - With O(mode=dhcp) - the address the DHCP server will give the miner (for example a DHCP
        reservation), if known. It is not sent; the module waits for the miner there. Without
        it the module waits at O(host).
    type: str
  netmask:
    description:
      - The IPv4 netmask, for example V(255.255.255.0). Required with O(mode=static). Readable.
    type: str
  gateway:
    description:
      - The default gateway. Required with O(mode=static); it must be inside the network of
        O(address) and O(netmask). Readable.
    type: str
  dns:
    description:
      - One or more DNS servers (IPv4), in order. Required with O(mode=static). Readable.
      - Sent to the miner as one string with the servers separated by spaces, on both APIs.
    type: list
    elements: str
  hostname:
    description:
      - With O(mode=static) only. API v2 sets the host name together with a static address, so
        one is always sent; without this option it is the host name the miner reports now.
      - API v3 sets no host name with the network settings, so none is sent. Leave this option
        out (or give the name the miner has) and change the host name with
        M(minerops.whatsminer.whatsminer_system); another name fails the task before anything
        is sent.
      - Readable, so when given it is compared too. To change only the host name (no reboot),
        use M(minerops.whatsminer.whatsminer_system).
    type: str
  allow_address_change:
    description:
      - Allow a change of the address the miner answers on (a new static O(address), or DHCP
        for a miner with a static address). Without it such a change is refused before anything
        is sent.
    type: bool
    default: false
  wait:
    description:
      - After a change, wait for the miner to come back from its reboot where it will answer,
        and read the settings there (see O(wait_timeout)).
      - With V(false) the change is sent and not confirmed (a warning says so).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the miner to come back.
    type: float
    default: 300.0
  poll_interval:
    description:
      - Seconds between attempts while waiting.
    type: float
    default: 2.0
notes:
  - Readable (idempotent) - O(mode), O(address), O(netmask), O(gateway), O(dns), O(hostname).
  - After an address change the inventory's C(ansible_host) still names the old address, and
    every later task of the play would go there. Register the result and use
    C(ansible.builtin.set_fact) with C(ansible_host) set to RV(host) for the rest of the play,
    then update the inventory - or, with the C(minerops.whatsminer.whatsminer) inventory
    plugin, let it scan again. The module warns when the address changed.
  - A miner given an address in another network, or a gateway it cannot reach, is cut off - the
    module checks that O(gateway) is inside the network of O(address) and O(netmask), but not
    that the address is free. It confirms that the same miner (by MAC address) answers at the
    new address.
seealso:
  - module: minerops.whatsminer.whatsminer_system
  - plugin: minerops.whatsminer.whatsminer
    plugin_type: inventory
'''

EXAMPLES = r'''
- name: Re-address miners
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Give each miner the static address from the inventory (new_address)
      minerops.whatsminer.whatsminer_network:
        mode: static
        address: "{{ new_address }}"
        netmask: 255.255.255.0
        gateway: 10.20.0.1
        dns: [10.20.0.53, 1.1.1.1]
        allow_address_change: true
        wait_timeout: 600
      register: network

    - name: Talk to the miner at its new address for the rest of the play
      ansible.builtin.set_fact:
        ansible_host: "{{ network.host }}"

    - name: Read it there
      minerops.whatsminer.whatsminer_facts:
        gather_subset: [miner_info]

- name: Pin a miner to the address it has now (no address change)
  hosts: miners
  connection: local
  gather_facts: false
  tasks:
    - name: Static, same address
      minerops.whatsminer.whatsminer_network:
        host: "{{ ansible_host }}"
        password: "{{ whatsminer_password }}"
        mode: static
        address: "{{ ansible_host }}"
        netmask: 255.255.255.0
        gateway: 10.20.0.1
        dns: [10.20.0.53]
'''

RETURN = r'''
before:
  description: The network settings the miner reported before the task.
  returned: success
  type: dict
  sample: {"mode": "dhcp", "address": "10.20.0.17", "netmask": "255.255.255.0", "gateway": "10.20.0.1",
           "dns": ["10.20.0.53"], "hostname": "WhatsMiner"}
after:
  description:
    - The settings the miner reports after the task, read at RV(host). In check mode, or with
      O(wait=false), the settings it would have (with DHCP the values the DHCP server gives are
      not known beforehand and show as null).
  returned: success
  type: dict
  sample: {"mode": "static", "address": "10.20.0.117", "netmask": "255.255.255.0", "gateway": "10.20.0.1",
           "dns": ["10.20.0.53", "1.1.1.1"], "hostname": "WhatsMiner"}
network:
  description: The same as RV(after).
  returned: success
  type: dict
host:
  description:
    - Where the miner answers after the task - the new address after an address change, else O(host).
      Use it to update C(ansible_host).
  returned: success
  type: str
  sample: 10.20.0.117
address_changed:
  description: Whether the task changed (in check mode - would change) the address the miner answers on.
  returned: success
  type: bool
  sample: true
downtime:
  description:
    - Seconds from the request until the miner was back from its reboot and its settings read;
      null when nothing was sent, in check mode, or with O(wait=false).
  returned: success
  type: float
  sample: 48.2
commands:
  description: The write commands sent (in check mode - that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["net_config"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import network as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
