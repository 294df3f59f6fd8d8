#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_command
short_description: Send any API command to a Whatsminer miner
version_added: 0.1.0
description:
  - Sends one command of the miner's API and returns the decoded reply.
  - The escape hatch for what the other modules of this collection do not cover. Prefer
    the dedicated modules where one exists; they are idempotent, this module is not.
  - On API v2, write (privileged) commands are always encrypted with a token derived from O(password).
    Read commands are sent in plain text unless O(encrypted=true).
  - On API v2, read commands may be joined with C(+), for example V(summary+pools+edevs); the
    reply then has one key per command.
  - On API v3 the command is a dotted v3 name - C(get.*) names are reads, sent in plain text;
    every other name is a write, signed with a token derived from O(password) (and for
    C(set.miner.pools) and C(set.user.change_passwd) encrypted, as v3 requires). Its one
    parameter goes in O(params) under the key C(param) - for example C(get.miner.status) with
    C(param) set to V(summary+pools), which is also how v3 joins reads. A v2 name, a
    C(+)-joined command or O(encrypted=true) is refused on API v3 before anything is sent;
    set O(api_version=v2) to send a v2 read to the reduced API v2 of v3 firmware.
  - A command this collection does not know is treated as a write.
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
      - Read commands run in check mode. Write commands are not sent; the result says
        which command and parameters would have been sent, without secret values.
  diff_mode:
    support: none
options:
  command:
    description:
      - Name of the API command, for example V(summary), V(get_psu), V(set_led) or
        V(update_pools), or read commands joined with C(+) (API v2); V(get.miner.status) or
        V(set.system.led) (API v3).
    type: str
    required: true
  params:
    description:
      - Parameters of the command, as the API names them (for example C(color), C(period)
        for V(set_led)). On API v3 the key C(param) alone gives the command's one parameter (of any
        JSON type); any other dictionary is sent as the parameter itself.
      - Values of the keys C(passwd1), C(passwd2), C(passwd3), C(old), C(new), C(password),
        C(passwd) and C(token) are treated as secrets and never shown.
    type: dict
    default: {}
  encrypted:
    description:
      - Send a read command encrypted (API v2 only). Useful to test the password without changing
        anything. Write commands are always encrypted.
      - API v3 has no encrypted reads; V(true) is refused there.
    type: bool
    default: false
notes:
  - A write always reports a change, because the module cannot tell whether the
    miner's state differs afterwards.
  - Some writes (V(reboot), V(restart_btminer), power mode switches) may get no reply.
    That is not an error; RV(reply) is then V(null) and a warning says so.
seealso:
  - name: Whatsminer API v2.0.5
    description: The vendor's description of the commands and their parameters.
    link: https://www.whatsminer.com/file/WhatsminerAPI%20V2.0.5.pdf
'''

EXAMPLES = r'''
- name: Manage the miners
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Read summary, pools and devices at once (API v2)
      minerops.whatsminer.whatsminer_command:
        command: summary+pools+edevs
      register: status
      when: whatsminer_api_version | default('v2') == 'v2'

    - name: Check the password without changing anything (API v2)
      minerops.whatsminer.whatsminer_command:
        command: status
        encrypted: true
      when: whatsminer_api_version | default('v2') == 'v2'

    - name: Read the summary and pools of an API v3 miner
      minerops.whatsminer.whatsminer_command:
        command: get.miner.status
        params:
          param: summary+pools
      when: whatsminer_api_version | default('v2') == 'v3'

    - name: Blink the red LED to find the miner in the rack
      minerops.whatsminer.whatsminer_command:
        command: set_led
        params:
          color: red
          period: 1000
          duration: 500
          start: 0
'''

RETURN = r'''
truncated:
  description:
    - Paths of the values cut to keep the result bounded (see the notes), such as C(reply.Msg.Description);
      the values themselves end in a marker saying how much was cut.
  returned: when a reply was too large or too deep to return whole
  type: list
  elements: str
  sample: [reply.Pad, data.Pad]
command:
  description: The command as sent.
  returned: always
  type: str
  sample: summary+pools
write:
  description: Whether the command is a write (privileged) command, or unknown and treated as one.
  returned: always
  type: bool
  sample: false
reply:
  description:
    - The reply as the miner sent it, decoded from JSON (and decrypted).
    - For joined reads, one key per command.
    - V(null) when a write got no reply, which some commands do.
  returned: when the command was sent
  type: raw
  sample: {"STATUS": "S", "When": 1643182793, "Code": 131, "Msg": {"fw_ver": "20220125.13.Rel"}, "Description": ""}
data:
  description:
    - The payload of the reply in one form for both reply shapes - the list of records
      (C(SUMMARY), C(POOLS), ...) for cgminer-style replies, C(Msg) for native ones.
    - For joined reads, one key per command.
  returned: when the command was sent
  type: raw
  sample: {"fw_ver": "20220125.13.Rel"}
status:
  description: C(S) on success.
  returned: when a single command got a reply
  type: str
  sample: S
code:
  description: The API code of the reply, when the miner sent one.
  returned: when a single command got a reply
  type: int
  sample: 131
api_msg:
  description: C(Msg) of the reply (native shape) or of its STATUS record (cgminer shape).
  returned: when a single command got a reply
  type: raw
  sample: Summary
encrypted:
  description: Whether the reply came encrypted.
  returned: when the command got a reply
  type: bool
  sample: false
skipped_write:
  description: V(true) when check mode kept a write from being sent.
  returned: in check mode, for writes
  type: bool
  sample: true
would_send:
  description: In check mode, the write that was not sent; secret values are hidden.
  returned: in check mode, for writes
  type: dict
  sample: {"command": "set_led", "params": {"param": "auto"}, "encrypted": true}
msg:
  description: What happened, in check mode for writes and on failure.
  returned: in check mode for writes, and on failure
  type: str
  sample: "check mode: write command set_led not sent to 192.0.2.10:4028 (parameters: param)"
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import command as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
