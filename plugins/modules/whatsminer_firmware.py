#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_firmware
short_description: Upgrade (or downgrade) the firmware of a Whatsminer miner, and prove it
version_added: 0.1.0
description:
  - Makes the miner run firmware O(version). A miner that already reports O(version) gets no
    upload (RV(outcome=current)).
  - Before any traffic - checks O(sha256) if given, and that O(src) has firmware for the
    miner's control-board platform. For a "combined" image (one package per platform) only
    the slice for the miner's platform is sent; a combined image without one is refused
    naming the platform and the slices it holds.
  - Uploads the image once, streamed from disk, then (with O(wait)) waits for the miner to
    reboot - the port goes down and the miner comes back with its uptime started again - and
    reads the version. The task fails unless the miner then reports O(version).
  - A lost connection after the image started to flow, with no rebooted miner within
    O(wait_timeout), is an unknown outcome (RV(outcome=unknown)) - the module never uploads
    again by itself.
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
      - Reads the miner's version and platform, checks the image and says whether it would
        upgrade (RV(outcome=would_upgrade)), from which version and with which slice; sends no
        image.
  diff_mode:
    support: full
    details:
      - Before and after show C(version).
options:
  src:
    description:
      - The firmware image on the controller (a MicroBT C(.bin) file, single or combined).
      - A relative path is looked up like M(ansible.builtin.copy)'s O(ansible.builtin.copy#module:src)
        - in the role's C(files/) directory, then next to the playbook. When the plain module runs
        (C(MINEROPS_WHATSMINER_FORCE_MODULE=1)) it is taken relative to the working directory.
    type: path
    required: true
  version:
    description:
      - The version the miner must report afterwards, as C(get_version) C(fw_ver) shows it
        (for example V(20250301.16.Rel)). Compared as text.
    type: str
    required: true
  sha256:
    description:
      - The expected SHA-256 of the whole file O(src), 64 hexadecimal digits. Checked before
        any traffic; a mismatch fails naming the file.
    type: str
  force:
    description:
      - Upload even when the miner already reports O(version).
    type: bool
    default: false
  wait:
    description:
      - After the upload, wait for the reboot and read the version back (see O(wait_timeout)).
      - With V(false) the task ends after the upload with RV(outcome=uploaded); nothing proves
        the new version runs.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the miner to come back rebooted after the upload and report its
        version (flashing and booting take minutes on real miners). A read that starts before
        the deadline may take up to O(timeout) more.
    type: float
    default: 900.0
  poll_interval:
    description:
      - Seconds between reads while waiting for the reboot.
    type: float
    default: 5.0
notes:
  - Never flash many miners of one power circuit at once, and never interrupt power during the
    flash. For a fleet, use the role C(minerops.whatsminer.firmware_rollout) (canary, batches,
    health gates) or at least C(throttle) on this task.
  - The whole upload must go faster than 128 KiB/s (a 32 MiB image within about 4 minutes);
    a miner that takes the image slower is given up, and the outcome is RV(outcome=unknown).
  - The miner decides whether an image suits it. A miner that takes the image and comes back on
    its old version fails the task with both versions (RV(outcome=failed)); one that comes back
    on the new version but does not mine is RV(outcome=upgraded) here - check its mining state
    afterwards (the role does).
seealso:
  - module: minerops.whatsminer.whatsminer_facts
'''

EXAMPLES = r'''
- name: Upgrade a miner, checking the image first
  minerops.whatsminer.whatsminer_firmware:
    host: "{{ ansible_host }}"
    password: "{{ whatsminer_password }}"
    src: M30S_20250301.16.Rel.bin
    version: 20250301.16.Rel
    sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
  throttle: 5

- name: Would these miners upgrade, and with which slice? (sends nothing)
  minerops.whatsminer.whatsminer_firmware:
    host: "{{ ansible_host }}"
    src: /srv/firmware/combined_20250301.bin
    version: 20250301.16.Rel
  check_mode: true
'''

RETURN = r'''
outcome:
  description:
    - V(current) - already on O(version), nothing sent. V(would_upgrade) - check mode.
    - V(upgraded) - the miner rebooted and reports O(version).
    - V(uploaded) - O(wait=false); the image was taken, the version was not read back.
    - V(failed) - the miner refused the image, or came back on another version (the task fails).
    - V(unknown) - the connection was lost after the image started to flow and the miner did not
      come back in time (the task fails; nothing is sent again).
  returned: always
  type: str
  sample: upgraded
version_before:
  description: The version the miner reported before the task.
  returned: always
  type: str
  sample: 20220125.13.Rel
version_after:
  description: The version it reports after the task (in check mode, O(version); null when not read back).
  returned: always
  type: str
  sample: 20250301.16.Rel
platform:
  description: The miner's control-board platform, which picks the slice of a combined image.
  returned: always
  type: str
  sample: H6OS
image:
  description: The image sent (or that would be sent).
  returned: when an upload was planned
  type: dict
  contains:
    path:
      description: The file on the controller.
      type: str
    size:
      description: Size of the whole file in bytes.
      type: int
    sha256:
      description: SHA-256 of the whole file, when O(sha256) was given (null otherwise).
      type: str
    slice:
      description: The package sent from a combined image (C(platform), C(chip), C(offset), C(size)); null for a single image.
      type: dict
  sample: {"path": "/srv/fw.bin", "size": 33554432, "sha256": null, "slice": {"platform": "h6os", "chip": "btminer", "offset": 6680, "size": 16777216}}
bytes_sent:
  description: Bytes of image sent; 0 when nothing was sent, null when the connection was lost during the upload.
  returned: always
  type: int
  sample: 16777216
upload_seconds:
  description: Seconds the upload took (null when nothing was sent).
  returned: always
  type: float
  sample: 41.2
reboot_seconds:
  description: Seconds from the end of the upload until the miner answered rebooted (null when not waited for).
  returned: always
  type: float
  sample: 212.5
commands:
  description: The write commands sent (in check mode, the ones that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["update_firmware"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import firmware as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
