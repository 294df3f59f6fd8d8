#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_logs
short_description: Download the log archive of a Whatsminer miner to the controller
version_added: 0.1.0
description:
  - Downloads the miner's log archive (a gzip-compressed tar file) to a file on the controller,
    and returns its RV(size) and RV(sha256).
  - The archive is written to a temporary file in the directory of the final file and renamed into
    place only when every byte the miner announced has arrived, so a file under the final name is
    always a whole archive. A truncated archive, one larger than O(max_size), or any other failure
    fails the task and leaves no file behind (the temporary file is removed).
  - The miner changes nothing by sending its logs. The task reports a change when a file was written.
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
      - Downloads nothing and writes nothing; checks the options and the directory, and returns the
        RV(dest) that would be written. RV(size) and RV(sha256) are null.
      - The only traffic is the API detection of O(api_version=auto) - without the host variable
        C(whatsminer_api_version) (set by the inventory plugin) the miner is asked on O(v3_port) which
        API it speaks, so a miner whose v3 port cannot be connected to fails in check mode too. Set
        O(api_version) or that variable and check mode contacts no miner.
  diff_mode:
    support: none
options:
  dest:
    description:
      - Where the archive goes on the controller.
      - A directory when it ends with V(/) or is an existing directory - the file in it is named
        C(<name>_<time>.tar.gz), with O(name) and the UTC time the download started (for example
        C(rack1-m07_20260301T142501Z.tar.gz)). A second archive of the same name within the same
        second gets C(-2), C(-3), ... before C(.tar.gz); an existing archive is never overwritten.
      - Otherwise the path of the file itself. An existing file there is replaced atomically, or left
        as it is (the task reports no change) when it already holds exactly the same bytes.
      - Missing directories are created. The file is readable and writable by its owner only
        (mode C(0600)); log archives can hold details of the site.
      - A relative path is taken relative to the directory of the playbook (C(playbook_dir)), as
        M(ansible.builtin.fetch) does with its O(ansible.builtin.fetch#module:dest). When the plain
        module runs (E(MINEROPS_WHATSMINER_FORCE_MODULE=1)) the action has already made it absolute.
    type: path
    required: true
  name:
    description:
      - The first part of the file name in a O(dest) directory.
      - Default - the inventory host name (C(inventory_hostname)) of the task, filled in by the action
        plugin; the miner's O(host) where there is none.
      - Must not be empty or start with a dot, and must not contain a slash, a backslash or control characters.
      - Not used when O(dest) names a file.
    type: str
  max_size:
    description:
      - The largest archive accepted, in bytes (1 to 4294967295; default 256 MiB). A miner that
        announces a larger one fails the task before any of it is written.
    type: int
    default: 268435456
  download_timeout:
    description:
      - Seconds the whole archive may take to arrive, from the miner's header to its last byte. The
        connection and the header itself use O(timeout).
      - A large archive gets more time - as long as it needs at 128 KiB/s, when that is longer.
    type: float
    default: 120.0
notes:
  - The size the miner announces in its header is checked against the bytes that arrived, and those
    against the file on disk. Nothing inside the archive is checked; RV(sha256) identifies the file.
  - For many miners use C(throttle) on the task, or the playbook C(playbooks/collect_logs.yml) of
    this collection, which collects a host pattern into one directory and prints what failed.
  - Downloading the logs is a privileged request, so it needs the admin O(password) and API write
    access, like a write.
seealso:
  - module: ansible.builtin.fetch
'''

EXAMPLES = r'''
- name: Collect the logs of a misbehaving miner into logs/ next to the playbook
  minerops.whatsminer.whatsminer_logs:
    host: "{{ ansible_host }}"
    password: "{{ whatsminer_password }}"
    dest: logs/
  register: miner_logs

- name: Say where they are
  ansible.builtin.debug:
    msg: "{{ miner_logs.dest }} ({{ miner_logs.size }} bytes, sha256 {{ miner_logs.sha256 }})"

- name: Download into a fixed file, at most 32 MiB, five miners at a time
  minerops.whatsminer.whatsminer_logs:
    host: "{{ ansible_host }}"
    dest: "/srv/miner-logs/{{ inventory_hostname }}/latest.tar.gz"
    max_size: 33554432
  throttle: 5
'''

RETURN = r'''
dest:
  description:
    - The file written (in check mode, the file that would be written; when the task fails, the
      file it would have written, which does not exist).
  returned: always
  type: str
  sample: /home/ops/logs/rack1-m07_20260301T142501Z.tar.gz
name:
  description: The name used for a file in a O(dest) directory.
  returned: always
  type: str
  sample: rack1-m07
timestamp:
  description: When the download started, in UTC (ISO 8601); the time in the file name.
  returned: always
  type: str
  sample: "2026-03-01T14:25:01Z"
size:
  description: Bytes of the archive, as the miner announced them and as written (null in check mode).
  returned: always
  type: int
  sample: 1843200
sha256:
  description: SHA-256 of the archive (null in check mode).
  returned: always
  type: str
  sample: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
download_seconds:
  description: Seconds from the request to the last byte (null when nothing was downloaded).
  returned: always
  type: float
  sample: 1.42
received:
  description: Bytes of the archive that had arrived when the download failed (none of them were kept).
  returned: when the download failed after the miner answered
  type: int
  sample: 921600
commands:
  description: The privileged commands sent (in check mode, the ones that would have been sent).
  returned: always
  type: list
  elements: str
  sample: ["download_logs"]
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import logs as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
