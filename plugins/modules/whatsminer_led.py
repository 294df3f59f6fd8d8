#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_led
short_description: Blink a Whatsminer miner's LED to find it in the rack, or give the LED back to the miner
version_added: 0.1.0
description:
  - O(state=blink) makes the miner's LED blink in a pattern set here (by default a fast red blink,
    to find the miner in a rack); it keeps blinking until O(state=auto) is set.
  - O(state=auto) gives the LED back to the miner's automatic control (its usual status light).
  - The miner reports whether the LED is under automatic control or runs a pattern set through the
    API (C(get_miner_info) C(ledstat)), but not which pattern. So O(state=auto) is idempotent - sent
    only when the LED is not automatic, then read until it is. O(state=blink) is an action - no read
    can show that the requested pattern is the one running, so it is sent every time, the task always
    reports a change, and the read afterwards confirms the LED left automatic control.
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
      - Reads the LED and reports the command that would be sent; sends no write.
  diff_mode:
    support: full
    details:
      - Before and after show the LED state; a pattern that is running is V((not readable)) before.
options:
  state:
    description:
      - V(auto) - the miner controls its LED again (C(set_led) C(param=auto)). Readable, so sent only
        when the LED is not automatic.
      - V(blink) - blink in the pattern of O(color), O(period), O(duration) and O(start) (C(set_led)).
        The pattern is not readable, so it is sent every time and reported as changed.
    type: str
    choices: [auto, blink]
    required: true
  color:
    description:
      - Colour of the blinking LED. Only with O(state=blink); V(red) if not given.
    type: str
    choices: [red, green]
  period:
    description:
      - Length of one blink cycle in milliseconds, 1 to 60000. Only with O(state=blink); V(200) if not
        given (five blinks a second).
    type: int
  duration:
    description:
      - How long the LED is on in each cycle, in milliseconds, 0 to O(period). Only with O(state=blink);
        V(100) if not given.
    type: int
  start:
    description:
      - When in the cycle the LED goes on, in milliseconds from the start of the cycle, 0 to O(period).
        Only with O(state=blink); V(0) if not given.
    type: int
  wait:
    description:
      - After the write, read the miner until the LED shows the new state (automatic, or a pattern
        set through the API), up to O(wait_timeout) seconds; fail with what was seen if it never does.
      - With V(false) the write is sent, read back once and not confirmed (a warning says so).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the LED to show the new state.
    type: float
    default: 30.0
  poll_interval:
    description:
      - Seconds between reads while waiting.
    type: float
    default: 1.0
notes:
  - Readable (idempotent) - O(state=auto). An action that always reports a change - O(state=blink),
    because the API shows only that some pattern runs, never which one.
  - The defaults (red, 200 ms cycle, on for 100 ms from the start of the cycle) are the "find this
    miner" light that other Whatsminer tools use; a fast red blink stands out among the status
    lights of a rack.
  - A miner that does not report its LED state is sent the command without comparing or waiting,
    with a warning saying so.
  - O(color), O(period), O(duration) and O(start) with O(state=auto), a period out of range, or a
    duration or start longer than the period fail before anything is sent, naming the option.
seealso:
  - module: minerops.whatsminer.whatsminer_system
  - module: minerops.whatsminer.whatsminer_facts
'''

EXAMPLES = r'''
- name: Find a miner in the rack
  hosts: "{{ target }}"
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Blink the LED fast and red
      minerops.whatsminer.whatsminer_led:
        state: blink

    - name: Wait for the technician
      ansible.builtin.pause:
        prompt: "Blinking {{ inventory_hostname }}; press Enter when it is found"

    - name: Give the LED back to the miner
      minerops.whatsminer.whatsminer_led:
        state: auto

- name: A slow green blink, one second on, one second off
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Slow green blink
      minerops.whatsminer.whatsminer_led:
        state: blink
        color: green
        period: 2000
        duration: 1000
'''

RETURN = r'''
state:
  description:
    - The LED after the task as the miner reports it - V(auto), or V(blink) for any pattern set through
      the API (in check mode, what it would be); null if the miner does not report it.
  returned: success
  type: str
  sample: blink
pattern:
  description: The blink pattern sent (in check mode, that would be sent), defaults filled in.
  returned: success and O(state=blink)
  type: dict
  sample: {"color": "red", "period": 200, "duration": 100, "start": 0}
before:
  description:
    - The LED before - C(state) (V(auto), V(blink) or null), and for V(blink) the pattern fields as
      V((not readable)).
  returned: success
  type: dict
  sample: {"state": "auto"}
after:
  description: The LED after - C(state), and for V(blink) the pattern sent.
  returned: success
  type: dict
  sample: {"state": "blink", "color": "red", "period": 200, "duration": 100, "start": 0}
commands:
  description: The write commands sent (in check mode, the ones that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["set_led"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import led as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
