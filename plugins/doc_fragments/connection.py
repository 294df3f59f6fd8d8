# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The connection options every module shares, documented once.

Keep in step with ``connection_argument_spec()`` in ``plugins/module_utils/_connection.py``:
validate-modules compares the two for every module.
"""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r'''
options:
  host:
    description:
      - Address or name of the miner whose API is used.
      - The module runs on the controller and talks TCP to the miner, so set this to the
        miner's address, usually C("{{ ansible_host }}"), once per play with
        C(module_defaults) for the action group C(group/minerops.whatsminer.whatsminer).
    type: str
    required: true
  port:
    description:
      - TCP port of the miner's API.
    type: int
    default: 4028
  password:
    description:
      - Admin password of the miner, used to encrypt privileged commands.
      - If not set, the environment variable E(WHATSMINER_PASSWORD) is used, and if that
        is not set either, the factory default V(admin).
      - Never shown in output or logs.
    type: str
  timeout:
    description:
      - Seconds to wait for the miner, for connecting and for each reply.
    type: float
    default: 10.0
notes:
  - "Set the connection options once per play with C(module_defaults), for example
    C(module_defaults: {group/minerops.whatsminer.whatsminer: {host: '{{ ansible_host }}',
    password: '{{ whatsminer_password }}'}})."
  - "Runs on the controller in the Ansible worker process: an action plugin of the same
    name runs the module's code in process. Plays should use C(connection: local)."
  - Needs the Python libraries C(pycryptodome) and C(libpass) on the controller.
'''

    # Every module is in the action group; extend with minerops.whatsminer.connection.action_group
    ACTION_GROUP = r'''
attributes:
  action_group:
    description: Use C(group/minerops.whatsminer.whatsminer) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - minerops.whatsminer.whatsminer
'''

    # Every module runs on the controller through its action plugin; extend with
    # minerops.whatsminer.connection.controller next to ansible.builtin.action_common_attributes(.flow)
    CONTROLLER = r'''
attributes:
  action:
    support: full
    details:
      - Runs in the controller's worker process; the module runs only with
        E(MINEROPS_WHATSMINER_FORCE_MODULE=1) set on the controller (a debugging aid).
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
'''

    # Modules that send privileged (encrypted) commands; extend with minerops.whatsminer.connection.writes
    WRITES = r'''
options: {}
notes:
  - A wrong O(password) fails the write with a message that the miner could not decrypt the
    request (or, on firmware that stays silent, that a privileged request got no reply).
    Write access switched off in WhatsMinerTool fails with a message saying so. An unreachable
    miner fails with a connection error. Every message names the miner as C(host:port).
  - Each task that writes fetches one token from the miner; a miner allows 32 live tokens per
    client IP, each living 30 minutes. Avoid running many write tasks against one miner in a
    short time.
'''
