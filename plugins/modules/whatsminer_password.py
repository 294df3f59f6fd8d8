#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_password
short_description: Rotate the admin password of a Whatsminer miner, idempotently across a fleet
version_added: 0.1.0
description:
  - Changes the miner's password from O(password) to O(new_password) and confirms that
    O(new_password) works afterwards - on API v2 the password of the admin account, on API v3
    the password of O(account).
  - The password cannot be read, but it can be tested. On API v2 a test is an encrypted read,
    which works only with the right password. API v3 has no authenticated read, so there a test
    is a signed write that changes nothing - C(set.user.change_passwd) from the password to
    itself; each such test is listed in RV(commands).
  - When O(password) no longer works but O(new_password) does, the rotation already happened -
    the change is not sent and the task reports no change. So a rotation that stopped half way
    through a fleet can simply be run again.
  - Without O(password) (and without E(WHATSMINER_PASSWORD)) the current password is the one
    the connection then uses - V(admin) on API v2, the account's own name (V(super) for the
    default O(account)) on API v3.
  - O(new_password) is checked against the API's rules before anything is sent - on API v2
    1 to 8 characters, each a letter, a digit or C(_).
  - Neither password appears in results, messages or logs, also at C(-vvvv).
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
      - Writes nothing.
      - On API v2 tests which of the two passwords works (encrypted reads) and reports whether the
        change would be sent (RV(outcome=would_rotate)).
      - On API v3 a test would be a write, so check mode tests nothing - it reports
        RV(outcome=would_rotate) with a warning that it is not known whether the miner already uses
        O(new_password) (or RV(outcome=current), untested, when O(new_password) is the current password).
  diff_mode:
    support: none
    details:
      - Passwords are never shown.
options:
  new_password:
    description:
      - The new password (API v2 - of the admin account; API v3 - of O(account)). On API v2 - 1 to
        8 characters, each a letter, a digit or C(_). On API v3 - 1 to 64 printable ASCII characters.
      - Not readable; the module tests it instead (see the description). Never shown.
      - The connection option O(password) is the password the miner has before the rotation.
    type: str
    required: true
notes:
  - "Not readable - the password is tested, not read: with O(password) working the change is
    sent (C(changed=true)); with only O(new_password) working the change is not sent
    (C(changed=false)); with neither working the task fails."
  - "On API v3 every password test is itself a write that changes nothing (the password set to
    itself), so RV(commands) lists C(set.user.change_passwd) for each test as well as for the
    change - a rotation typically shows it three times (test O(password), change, test
    O(new_password)), and a task that reports no change may still list tests."
  - After the task the miner only accepts O(new_password). Later tasks of the same play must
    use it - set the variable behind C(module_defaults)' O(password) to the new password with
    C(ansible.builtin.set_fact) right after the rotation (see the examples).
  - "Rotating a fleet with Ansible Vault - keep the current password and the next one in a
    vault file (C(whatsminer_password), C(whatsminer_new_password)); run the rotation play
    (the examples); it is safe to run again after a partial failure, rotated miners report no
    change. When every miner reports RV(outcome=rotated) or RV(outcome=already_rotated), edit
    the vault with C(ansible-vault edit) so that C(whatsminer_password) is the new password and
    remove C(whatsminer_new_password)."
  - A change that gets no reply is an unknown outcome - the module tests O(new_password) and
    never sends the change twice.
seealso:
  - name: Ansible Vault
    description: Encrypting the passwords in the inventory.
    link: https://docs.ansible.com/ansible/latest/vault_guide/index.html
'''

EXAMPLES = r'''
# group_vars/miners/vault.yml (ansible-vault encrypted):
#   whatsminer_password: Old_pw1
#   whatsminer_new_password: New_pw2
- name: Rotate the admin password of every miner
  hosts: miners
  connection: local
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      password: "{{ whatsminer_password }}"
  tasks:
    - name: Rotate (miners rotated by an earlier run report no change)
      minerops.whatsminer.whatsminer_password:
        new_password: "{{ whatsminer_new_password }}"

    - name: Go on with the new password for the rest of the play
      ansible.builtin.set_fact:
        whatsminer_password: "{{ whatsminer_new_password }}"
      no_log: true

    - name: This task already uses the new password
      minerops.whatsminer.whatsminer_facts:
        gather_subset: [summary, status]
'''

RETURN = r'''
outcome:
  description:
    - V(rotated) - the change was sent and O(new_password) works now.
    - V(already_rotated) - O(password) does not work but O(new_password) does; the change was not
      sent (on API v3 the tests were, see RV(commands)).
    - V(would_rotate) - check mode, O(password) works (API v2) or was not tested (API v3); nothing was sent.
    - V(current) - O(new_password) is the same as O(password) and works; the change was not sent
      (on API v3 the test was; in check mode on API v3 nothing was sent and nothing tested).
    - When the task fails after testing the passwords - V(failed) (neither password works, or
      the miner acknowledged the change but O(new_password) does not work) or V(unknown) (no
      reply to the change, and it cannot be told whether it happened).
  returned: success
  type: str
  sample: rotated
commands:
  description:
    - The write commands sent (in check mode - that would have been sent), in order.
    - On API v3 this includes each password test, a C(set.user.change_passwd) that sets the
      password to itself; check mode sends none and lists none.
  returned: always
  type: list
  elements: str
  sample: ["update_pwd"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import password as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
