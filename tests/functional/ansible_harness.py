# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run real ``ansible-playbook`` / ``ansible`` against simulated miners and read the results.

Integration tests must prove what users get, so they go through the real CLI in a
subprocess, with this checkout as the collection, and read every task result from a
test-only callback (``callback_plugins/record_results.py``) instead of scraping text.

API (the ``run_playbook`` and ``ansible_runner`` fixtures in ``conftest.py`` wrap it)::

    runner = AnsibleRunner(tmp_path)
    run = runner.playbook(
        playbook,                    # YAML text, or a list of plays / one play as dict
        hosts={'m1': '127.0.30.1'},  # name -> ansible_host, or name -> dict of host vars
        check=False, diff=False,     # --check / --diff
        extra_vars=None,             # dict, passed as JSON with -e
        env=None,                    # extra environment (e.g. WHATSMINER_PASSWORD); a value None unsets it
        timeout=120,                 # seconds; the test fails rather than hangs
        args=(),                     # more CLI arguments
        verbosity=0,                 # 3 gives -vvv (shows AnsiballZ_<module> on the module path)
    )
    run = runner.adhoc('minerops.whatsminer.whatsminer_command', 'command=summary host=...',
                       hosts=..., pattern='all', check=False, env=None)
    run.rc, run.stdout, run.stderr, run.output  # output = stdout + stderr
    run.records                                  # every TaskRecord, in order
    run.result('m1', 'Read the summary')         # the TaskRecord of one host and task name
    run.results_for('m1')                        # that host's records
    record.status                                # 'ok' | 'failed' | 'skipped' | 'unreachable'
    record.changed, record.failed, record.msg, record.diff, record.result (the dict)

Every host gets ``ansible_connection: local`` and ``ansible_python_interpreter`` =
this interpreter, as the inventory plugin sets them for real fleets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

import collection_path

CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'callback_plugins')
RESULTS_ENV = 'MINEROPS_TEST_RESULTS'

# environment that could change what a run does, dropped so every run starts clean
_DROPPED_ENV = ('WHATSMINER_PASSWORD', 'ANSIBLE_CONFIG', 'MINEROPS_WHATSMINER_FORCE_MODULE', 'ANSIBLE_ACTION_PLUGINS')


class TaskRecord:
    """One host's result of one task, as Ansible passed it to callbacks."""

    def __init__(self, record):
        self.host = record['host']
        self.task = record['task']
        self.action = record['action']
        self.status = record['status']
        self.result = record['result']

    changed = property(lambda self: bool(self.result.get('changed')))
    failed = property(lambda self: self.status == 'failed' or bool(self.result.get('failed')))
    msg = property(lambda self: self.result.get('msg'))
    diff = property(lambda self: self.result.get('diff'))

    def __repr__(self):
        return 'TaskRecord(%s, %r, %s, %r)' % (self.host, self.task, self.status, self.result)


class AnsibleRun:
    """What one ``ansible-playbook`` or ``ansible`` process did."""

    def __init__(self, rc, stdout, stderr, records):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.records = records

    @property
    def output(self):
        return self.stdout + self.stderr

    def results_for(self, host):
        return [record for record in self.records if record.host == host]

    def result(self, host, task=None):
        """The single record of ``host`` for task name ``task`` (or its only record)."""
        found = [record for record in self.results_for(host) if task is None or record.task == task]
        if len(found) != 1:
            raise AssertionError('expected one result for %s / %r, got %d:\n%s' % (host, task, len(found), self.describe()))
        return found[0]

    def describe(self):
        return 'rc=%s\nstdout:\n%s\nstderr:\n%s\nrecords:\n%s' % (
            self.rc, self.stdout, self.stderr, '\n'.join(repr(record) for record in self.records))


def _inventory(hosts):
    hostvars = {}
    for name, value in hosts.items():
        variables = dict(value) if isinstance(value, dict) else dict(ansible_host=value)
        variables.setdefault('ansible_connection', 'local')
        variables.setdefault('ansible_python_interpreter', sys.executable)
        hostvars[name] = variables
    return dict(all=dict(hosts=hostvars))


def _cli(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        raise RuntimeError('%s not found next to %s: install ansible-core into this environment' % (name, sys.executable))
    return path


class AnsibleRunner:
    """Writes inventory/playbook into ``workdir`` and runs the Ansible CLI there."""

    def __init__(self, workdir):
        self.workdir = str(workdir)
        self._runs = 0

    def _environment(self, results_path, env):
        environment = dict((key, value) for key, value in os.environ.items() if key not in _DROPPED_ENV)
        environment.update(
            ANSIBLE_COLLECTIONS_PATH=collection_path.ensure_importable(),
            ANSIBLE_CALLBACK_PLUGINS=CALLBACK_DIR,
            ANSIBLE_CALLBACKS_ENABLED='record_results',
            ANSIBLE_LOAD_CALLBACK_PLUGINS='1',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_FORCE_COLOR='0',
            ANSIBLE_RETRY_FILES_ENABLED='0',
            ANSIBLE_HOST_KEY_CHECKING='0',
            ANSIBLE_LOCAL_TEMP=os.path.join(self.workdir, 'ansible-tmp'),
            ANSIBLE_HOME=os.path.join(self.workdir, 'ansible-home'),
            ANSIBLE_FORKS='10',
            PYTHONDONTWRITEBYTECODE='1',
            PWD=self.workdir,   # as a shell sets it for the cwd: playbooks default their output files to $PWD
        )
        environment[RESULTS_ENV] = results_path
        environment.update(env or {})
        return dict((key, value) for key, value in environment.items() if value is not None)   # None: unset it

    def _run(self, command, env, timeout):
        self._runs += 1
        results_path = os.path.join(self.workdir, 'results-%d.jsonl' % self._runs)
        try:
            completed = subprocess.run(
                command, cwd=self.workdir, env=self._environment(results_path, env), stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise AssertionError('%s did not finish within %s s:\n%s\n%s' % (command[0], timeout, err.stdout, err.stderr)) from err
        records = []
        if os.path.exists(results_path):
            with open(results_path, encoding='utf-8') as stream:
                records = [TaskRecord(json.loads(line)) for line in stream if line.strip()]
        return AnsibleRun(completed.returncode, completed.stdout, completed.stderr, records)

    def _write_inventory(self, hosts):
        path = os.path.join(self.workdir, 'inventory-%d.yml' % (self._runs + 1))
        with open(path, 'w', encoding='utf-8') as stream:
            yaml.safe_dump(_inventory(hosts), stream)
        return path

    @staticmethod
    def _common_args(check, diff, extra_vars, verbosity):
        args = []
        if check:
            args.append('--check')
        if diff:
            args.append('--diff')
        if extra_vars:
            args.extend(['-e', json.dumps(extra_vars)])
        if verbosity:
            args.append('-' + 'v' * verbosity)
        return args

    def playbook(self, playbook, hosts, check=False, diff=False, extra_vars=None, env=None, timeout=120, args=(), verbosity=0):
        if not isinstance(playbook, str):
            plays = [playbook] if isinstance(playbook, dict) else list(playbook)
            playbook = yaml.safe_dump(plays, sort_keys=False)
        path = os.path.join(self.workdir, 'playbook-%d.yml' % (self._runs + 1))
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(playbook)
        command = [_cli('ansible-playbook'), '-i', self._write_inventory(hosts), path]
        command += self._common_args(check, diff, extra_vars, verbosity) + list(args)
        return self._run(command, env, timeout)

    def adhoc(self, module, module_args, hosts, pattern='all', check=False, diff=False, extra_vars=None, env=None,
              timeout=120, args=(), verbosity=0):
        if not isinstance(module_args, str):
            module_args = json.dumps(module_args)
        command = [_cli('ansible'), pattern, '-i', self._write_inventory(hosts), '-m', module, '-a', module_args]
        command += self._common_args(check, diff, extra_vars, verbosity) + list(args)
        return self._run(command, env, timeout)
