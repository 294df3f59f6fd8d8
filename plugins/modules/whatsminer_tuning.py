#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_tuning
short_description: Tune a Whatsminer miner's frequency, temperature offset and fan and boot behaviour
version_added: 0.1.0
description:
  - Applies only the options given. Readable settings are compared with what the miner reports
    and sent only when they differ - O(target_freq) and O(fast_boot) on both APIs, and on API v3
    every other option too.
  - API v2 cannot read O(upfreq_speed), O(temp_offset), O(poweroff_cool) or O(fan_zero_speed), so
    there they are sent whenever given; API v3 reads them back.
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
      - Before and after show the options given; unreadable ones are V((not readable)) before.
options:
  target_freq:
    description:
      - Target frequency as a percentage of the normal-mode frequency, -100 to 100 (V(0) means no
        adjustment; C(set_target_freq)). Fan-cooled miners only allow values up to 0.
      - Readable (C(status) C(hash_percent)), so sent only when it differs. Restarts btminer; see O(wait).
    type: int
  upfreq_speed:
    description:
      - How fast the miner raises its frequency, from 0 (normal) to the fastest - 9 on API v2
        (C(adjust_upfreq_speed)), 10 on API v3 (C(set.miner.upfreq_speed)). A value outside the
        range of the miner's API fails before any write. Cannot be used with O(fast_boot=true) unless V(0).
      - Not readable on API v2, so sent whenever given and reported as changed there; read back on API v3 and written only when it differs.
    type: int
  temp_offset:
    description:
      - Offset of the hash boards' target temperature, -30 to 0 (C(set_temp_offset)).
      - Not readable on API v2, so sent whenever given and reported as changed there; read back on API v3 and written only when it differs.
    type: int
  fast_boot:
    description:
      - Enable or disable btminer fast boot; takes effect at the next restart of btminer.
      - Readable (C(summary) C(Btminer Fast Boot)), so sent only when it differs. The miner reports
        the new value only after the next btminer restart or reboot, so it is not waited for, and
        until that restart every run sends it again and reports a change (with a warning saying so).
        It is sent before O(target_freq), whose btminer restart then applies it in the same run.
    type: bool
  poweroff_cool:
    description:
      - Keep the fans cooling the miner when mining stops (C(set_poweroff_cool)).
      - Not readable on API v2, so sent whenever given and reported as changed there; read back on API v3 and written only when it differs.
    type: bool
  fan_zero_speed:
    description:
      - Allow the fans to stop completely (C(set_fan_zero_speed)).
      - Not readable on API v2, so sent whenever given and reported as changed there; read back on API v3 and written only when it differs.
    type: bool
  heat_mode:
    description:
      - Heat mode of liquid-cooled miners (C(set.miner.heat_mode)).
      - API v3 only; a v2 miner fails the task naming the API, before anything is sent.
    type: str
    choices: [heating, normal, anti-freezing]
  fast_hash:
    description:
      - Fast hash (C(set.miner.fast_hash), API v3.0.2 and later).
      - API v3 only; a v2 miner fails the task naming the API, before anything is sent.
      - Firmware that does not report it gets it sent whenever given, with a warning.
    type: bool
  wait:
    description:
      - After a change of O(target_freq), read the miner until it reports the new value (and
        mines again, if it was mining), up to O(wait_timeout) seconds; fail with what was expected
        and what was seen if it never does. O(fast_boot) is never waited for (see there).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the new value.
    type: float
    default: 300.0
  poll_interval:
    description:
      - Seconds between reads while waiting.
    type: float
    default: 2.0
notes:
  - Readable (idempotent) on both APIs - O(target_freq), O(fast_boot). O(upfreq_speed), O(temp_offset),
    O(poweroff_cool) and O(fan_zero_speed) are not readable on API v2 (sent whenever given and reported
    as changed) and read back on API v3. O(heat_mode) and O(fast_hash) exist on API v3 only and are read
    back there.
  - A readable setting this miner does not report (some firmware leaves C(hash_percent) empty or
    out) is handled as not readable for that run - sent whenever given, reported as changed, not
    waited for, and named in a warning saying the miner does not report it.
seealso:
  - module: minerops.whatsminer.whatsminer_power
'''

EXAMPLES = r'''
- name: Tune the miners
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Underclock by 10 % and run the boards 5 degrees cooler
      minerops.whatsminer.whatsminer_tuning:
        target_freq: -10
        temp_offset: -5

    - name: Boot fast, keep the fans on after stopping
      minerops.whatsminer.whatsminer_tuning:
        fast_boot: true
        poweroff_cool: true
'''

RETURN = r'''
settings:
  description: The options given, with the values the miner reports after the task (sent values for unreadable ones).
  returned: success
  type: dict
  sample: {"target_freq": -10, "temp_offset": -5}
before:
  description: The options given as they were; unreadable ones are V((not readable)).
  returned: success
  type: dict
  sample: {"target_freq": 0, "temp_offset": "(not readable)"}
after:
  description: Same as RV(settings).
  returned: success
  type: dict
  sample: {"target_freq": -10, "temp_offset": -5}
commands:
  description: The write commands sent, in order (in check mode, the ones that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["set_target_freq", "set_temp_offset"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import tuning as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
