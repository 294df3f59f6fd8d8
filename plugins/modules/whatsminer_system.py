#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_system
short_description: Set a Whatsminer miner's host name, time zone, NTP servers and remote syslog server
version_added: 0.1.0
description:
  - Applies only the options given, in this order - O(hostname), O(timezone) with O(zonename),
    O(ntp_servers), O(syslog).
  - The host name can be read back, so it is sent only when it differs. It is not waited for - the
    miner applies it only at its next network restart - so it is read back once, with a warning
    when the miner still reports the old name.
  - On API v2 the time zone and the syslog server cannot be read, so they are sent whenever given
    and the task reports a change every time; on API v3 every setting is read back and sent only
    when it differs.
  - The miner stores a new host name and time zone at once but applies them only at its next
    network restart or reboot (API spec 3.18 and 3.19). The result lists the settings of this kind
    that were sent in RV(pending_restart); reboot the miner (for example with the collection's
    reboot module, or a network change) to make them take effect.
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
      - Reads the readable settings given (the host name; on API v3 all of them) and reports the
        commands that would be sent; sends no write.
  diff_mode:
    support: full
    details:
      - Before and after show the settings given; on API v2 the time zone and the syslog server are
        V((not readable)) before.
options:
  hostname:
    description:
      - Host name of the miner (C(set_hostname)) - letters, digits and V(-) in dot-separated labels of
        up to 63 characters (none starting or ending with V(-)), 253 characters in all; the same rule as
        M(minerops.whatsminer.whatsminer_network)'s O(minerops.whatsminer.whatsminer_network#module:hostname).
      - Readable (C(get_miner_info) C(hostname)), so sent only when it differs.
      - Takes effect at the miner's next network restart or reboot (listed in RV(pending_restart)),
        so the module does not wait for it. When the miner still reports the old name after the
        write, a warning says so, and until the network restarts every run sends it again.
    type: str
  timezone:
    description:
      - Time zone as a POSIX TZ string, for example V(CST-8) for China Standard Time (UTC+8; the
        sign is inverted in POSIX TZ strings), V(UTC0), or V(CET-1CEST,M3.5.0,M10.5.0/3) (C(set_zone)
        C(timezone)). Requires O(zonename).
      - Not readable on API v2, so sent whenever given and reported as changed there; read back on API v3 and written only when it differs.
      - Takes effect at the miner's next network restart or reboot (listed in RV(pending_restart)).
    type: str
  zonename:
    description:
      - Name of the same time zone in the tz database, for example V(Asia/Shanghai) or
        V(Europe/Berlin) (C(set_zone) C(zonename)). Requires O(timezone); both are sent together as
        one setting.
      - Not readable on API v2, so sent whenever given and reported as changed there; read back on API v3 and written only when it differs.
    type: str
  ntp_servers:
    description:
      - The NTP servers the miner syncs its clock with, in order (C(set.system.ntp_server)).
      - API v3 only; a v2 miner fails the task naming the API, before anything is sent.
      - Read back and written only when the list differs.
    type: list
    elements: str
  syslog:
    description:
      - Remote syslog (rsyslog) server the miner sends its logs to (C(load_log)).
      - Not readable on API v2, so sent whenever given and reported as changed there; read back on API v3 and written only when it differs.
    type: dict
    suboptions:
      host:
        description:
          - IPv4 address of the log server. The miner's API takes no host name here.
        type: str
        required: true
      port:
        description:
          - Port of the log server, 1 to 65535.
        type: int
        default: 514
      protocol:
        description:
          - Transport the miner sends its logs with.
        type: str
        choices: [udp, tcp]
        default: udp
notes:
  - Readable (idempotent) on both APIs - O(hostname). On API v3 also O(timezone)/O(zonename), O(ntp_servers)
    and O(syslog). Not readable on API v2 - O(timezone)/O(zonename) and O(syslog); sent when given and
    reported as changed there, so on API v2 a task that sets them always reports a change.
  - Applied only at the next network restart or reboot - O(hostname) and O(timezone)/O(zonename).
    The syslog server needs no restart.
  - A miner that does not report its host name is sent O(hostname) without comparing or waiting,
    with a warning saying so.
  - Bad values (a host name with other characters, a syslog host that is not an IPv4 address, a
    port out of range, a time zone with spaces) fail before anything is sent, naming the option.
seealso:
  - module: minerops.whatsminer.whatsminer_facts
  - module: minerops.whatsminer.whatsminer_led
'''

EXAMPLES = r'''
- name: Name the miners after the inventory and send their logs to the farm's log server
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Host name, time zone and syslog
      minerops.whatsminer.whatsminer_system:
        hostname: "{{ inventory_hostname | regex_replace('[^A-Za-z0-9-]', '-') }}"
        timezone: CET-1CEST,M3.5.0,M10.5.0/3
        zonename: Europe/Berlin
        syslog:
          host: 10.0.0.5
          port: 514
          protocol: udp
      register: system

    - name: Say which miners need a reboot for the new settings
      ansible.builtin.debug:
        msg: "{{ system.pending_restart | join(', ') }} take effect at the next reboot"
      when: system.pending_restart | length > 0
'''

RETURN = r'''
settings:
  description:
    - The settings given, with the values the miner reports after the task (sent values for unreadable
      ones). C(timezone) is a dict with C(timezone) and C(zonename); C(syslog) is a dict with C(host),
      C(port) and C(protocol).
  returned: success
  type: dict
  sample: {"hostname": "rack3-m07", "timezone": {"timezone": "CST-8", "zonename": "Asia/Shanghai"}}
before:
  description: The settings given as they were; unreadable ones are V((not readable)).
  returned: success
  type: dict
  sample: {"hostname": "WhatsMiner", "timezone": "(not readable)"}
after:
  description: Same as RV(settings).
  returned: success
  type: dict
  sample: {"hostname": "rack3-m07", "timezone": {"timezone": "CST-8", "zonename": "Asia/Shanghai"}}
pending_restart:
  description:
    - The settings sent by this task (in check mode, that would be sent) that the miner applies only at
      its next network restart or reboot - C(hostname) and C(timezone). Empty when none was sent.
  returned: success
  type: list
  elements: str
  sample: ["hostname", "timezone"]
commands:
  description: The write commands sent, in order (in check mode, the ones that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["set_hostname", "set_zone", "load_log"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import system as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
