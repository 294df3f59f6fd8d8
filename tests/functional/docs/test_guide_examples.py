# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The docsite guides keep their promises: every playbook (or task list) in them runs against
simulated miners, and the troubleshooting guide explains every error the library raises
(127.0.95.x, the examples' own default port 4028).

A YAML code block that parses as a list of plays (items with ``hosts``) is run as it is, with
the discovery inventory's group ``whatsminer`` standing for the simulated miners; a list of
tasks is run inside one play. Other YAML blocks (inventory files, variables files) are
configuration, not playbooks, and are left to the tests of what they configure.
"""

from __future__ import annotations

import glob
import inspect
import os
import re
import textwrap

import pytest
import yaml

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
GUIDES = sorted(glob.glob(os.path.join(REPO, 'docs', 'docsite', 'rst', '*.rst')))
BLOCK = re.compile(r'^\.\. code-block:: (yaml|yaml\+jinja)\n\n((?:(?: {2,}.*)?\n)+)', re.M)
PASSWORD = 'GuidePw4'
NEW_PASSWORD = 'Guide_N7'
PORT = 4028
V3_PORT = 4433


def examples():
    found = []
    for path in GUIDES:
        with open(path, encoding='utf-8') as stream:
            text = stream.read()
        for match in BLOCK.finditer(text):
            document = yaml.safe_load(textwrap.dedent(match.group(2)))
            if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
                line = text[:match.start()].count('\n') + 1
                found.append(pytest.param(document, id='%s:%d' % (os.path.basename(path), line)))
    return found


def worker_base():
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    return 1 + 40 * (int(worker[2:]) % 6 if worker[2:].isdigit() else 0)


def as_plays(document):
    """Plays as written, aimed at the simulated miners; a task list inside one play."""
    if all('hosts' in item for item in document):
        plays = [dict(play) for play in document]
        for play in plays:
            if play['hosts'] == 'whatsminer':
                play['hosts'] = 'all'
        return plays
    return [dict(name='Guide tasks', hosts='all', connection='local', gather_facts=False, tasks=document)]


def test_the_guides_hold_runnable_examples():
    ids = [param.id for param in examples()]
    assert len(ids) >= 4, ids
    assert any(name.startswith('guide_troubleshooting') for name in ids)


@pytest.mark.parametrize('document', examples())
def test_a_guide_example_runs_against_simulated_miners(document, sim_fleet, run_playbook):
    v3 = 'api_version: v3' in yaml.safe_dump(document)
    options = dict(port=PORT, password=PASSWORD, reboot_seconds=0.3, restart_seconds=0.2, idle_timeout=3.0)
    if v3:
        options.update(api='v3', v3_port=V3_PORT, v3_password=PASSWORD)
    fleet = sim_fleet('127.0.95.%d' % (worker_base() + (20 if v3 else 0)), 2, **options)
    # the variables the guides say their examples use (whatsminer_new_password: the rotation's)
    hosts = dict(('m%d' % index, dict(ansible_host=miner.address, whatsminer_password=PASSWORD, whatsminer_port=PORT,
                                      whatsminer_new_password=NEW_PASSWORD))
                 for index, miner in enumerate(fleet.miners))
    run = run_playbook(as_plays(document), hosts=hosts)
    assert run.rc == 0, run.describe()
    assert run.records and not [record for record in run.records if record.failed], run.describe()
    assert PASSWORD not in run.output and NEW_PASSWORD not in run.output


def test_the_troubleshooting_guide_explains_every_library_error():
    with open(os.path.join(REPO, 'docs', 'docsite', 'rst', 'guide_troubleshooting.rst'), encoding='utf-8') as stream:
        text = stream.read()
    names = sorted(name for name, value in inspect.getmembers(errors, inspect.isclass)
                   if issubclass(value, errors.WhatsminerError))
    assert len(names) >= 25
    missing = [name for name in names if '``%s``\n    ' % name not in text]
    assert missing == [], 'errors with no entry in guide_troubleshooting.rst: %s' % missing
