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
      - TCP port of the miner's API v2.
    type: int
    default: 4028
  v3_port:
    description:
      - TCP port of the miner's API v3 (firmware from about mid-2024 on).
    type: int
    default: 4433
  api_version:
    description:
      - Which API to use.
      - V(auto) uses the host variable C(whatsminer_api_version) when the inventory plugin
        set it (no probe), and otherwise asks the miner on O(v3_port) first, waiting at most
        5 seconds (or O(timeout) when shorter). It uses API v2 on O(port) when the v3 port
        refuses the connection (which costs nothing) or answers something that is not API v3.
        A v3 port that cannot be connected to within that wait (the miner is down, or a
        firewall drops the port) fails the task, since waiting again on O(port) would only
        double the wait; set O(api_version=v2) for a v2 miner behind such a firewall. A v3
        port that takes the connection and closes it unanswered twice (a busy v3 miner) means
        API v3 for that task only. One that holds the connection for the whole wait without a
        complete answer fails the task after that one wait, without trying O(port), and means
        API v3 for the rest of the worker process. Any other answer is kept for the rest of the
        worker process. The firmware date is never used to guess.
      - V(v3) firmware keeps a reduced, read-only API v2 on O(port); writes need API v3, so
        use V(auto) or V(v3) for such miners.
      - Settings that only one API has fail with a message naming the API.
    type: str
    choices: [auto, v2, v3]
    default: auto
  account:
    description:
      - The API v3 account that signs writes. API v2 has only the admin account and ignores
        this option.
      - API v3 refuses writes while the account still has its default password, or while
        API write access is off in WhatsMinerTool.
    type: str
    choices: [super, user1, user2, user3]
    default: super
  password:
    description:
      - Password of the miner's admin account (API v2) or of O(account) (API v3), used to
        encrypt or sign privileged commands.
      - If not set, the environment variable E(WHATSMINER_PASSWORD) is used, and if that
        is not set either, the factory default of the API, V(admin) on API v2 and the
        account's own name (V(super)) on API v3.
      - Never shown in output or logs. One exception is ansible-core's own, not this collection's - on the
        module path (E(MINEROPS_WHATSMINER_FORCE_MODULE=1)) C(-vvv) prints the task's C(environment:) in its
        EXEC line, so a password given as E(WHATSMINER_PASSWORD) through C(environment:) shows there. Give it
        as this option (from a vault) instead; the default in-process path has no EXEC line.
    type: str
  timeout:
    description:
      - Seconds one request to the miner may take in all - connecting, sending it and receiving the reply, under
        one deadline - so a miner that answers a byte at a time, or reads the request slowly, cannot hold a task
        longer. Parsing the reply is linear in its size (at most 4 MiB) and adds a fraction of a second at worst.
      - Firmware uploads and log downloads get a longer deadline, derived from their size (see those modules).
      - Must be above 0 and at most 3600.
    type: float
    default: 10.0
  token_cache:
    description:
      - Where API v2 tokens are kept between tasks, forks and runs of this controller user, so that many
        write tasks to one miner never exhaust its 32 tokens per client IP.
      - Unset, V(on) or empty - one file per miner in C(minerops_whatsminer/tokens) under Ansible's home
        (E(ANSIBLE_HOME), or C(home) in C(ansible.cfg); default C(~/.ansible)). V(off) - each task's memory
        only. An absolute path - that directory. A directory that is not the user's own with mode 0700 is not
        used (memory only). A module run outside its action plugin (E(MINEROPS_WHATSMINER_FORCE_MODULE)) sees
        only E(ANSIBLE_HOME), not C(ansible.cfg).
      - If not set, the environment variable E(MINEROPS_WHATSMINER_TOKEN_CACHE) is used.
      - Each file holds, for up to four passwords in use, a token's sign and AES key (derived secrets, as
        sensitive as a session key while the token lives, at most 25 minutes), its fetch time and a salted
        hash of the password, never the password; files are 0600. This is the trade-off Ansible makes with SSH ControlPersist sockets in
        C(~/.ansible/cp). A token is dropped when the miner rejects it (code 135) or the password changes;
        concurrent forks take a per-miner lock so only one fetches.
      - API v3 has no token limit and ignores this option.
    type: str
notes:
  - "Set the connection options once per play with C(module_defaults), for example
    C(module_defaults: {group/minerops.whatsminer.whatsminer: {host: '{{ ansible_host }}',
    password: '{{ whatsminer_password }}'}})."
  - "Runs on the controller in the Ansible worker process: an action plugin of the same
    name runs the module's code in process. Plays should use C(connection: local)."
  - Needs the Python libraries C(pycryptodome) and C(libpass) on the controller.
  - "Results hold miner data, so they are bounded - strings of at most 16 KiB, lists and mappings of at most
    4096 items, 80 levels, 1 MiB of text in all. Anything cut is marked in place (C(...[cut: N more characters])),
    its path listed in the result key C(truncated), and a warning says so."
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
  - On API v2 a write needs a token; a miner allows 32 live tokens per client IP, each living 30
    minutes. Tokens are shared by every task, fork and run of the controller user (O(token_cache)),
    so a play with many write tasks per miner does not run out; with O(token_cache=off) each task
    fetches its own.
  - On API v3 every write is signed with a fresh token derived from O(password), the miner's
    salt and the time (no token limit); a wrong password, a wrong account, a default password
    not yet changed, or write access switched off all give the miner's "no permission"
    (code -4), and the message lists these causes.
'''
