# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test-only callback: every task result per host as one JSON line.

Tests assert on what Ansible itself hands to callbacks (after no_log censoring), not
on scraped console text. ``ansible_harness`` enables it and names the file with the
environment variable ``MINEROPS_TEST_RESULTS``.
"""

from __future__ import annotations

import dataclasses
import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: record_results
type: aggregate
short_description: Write every task result as JSON lines (tests only)
description:
  - Appends one JSON object per host and task result to the file named by the
    environment variable E(MINEROPS_TEST_RESULTS).
'''

RESULTS_ENV = 'MINEROPS_TEST_RESULTS'


def _plain(value):
    """JSON fallback for what 2.19 puts into results (warning summaries, tagged values)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get(RESULTS_ENV)

    def _record(self, status, result):
        if not self._path:
            return
        record = dict(
            host=result.host.get_name(),
            task=result.task.get_name(),
            action=result.task.action,
            status=status,
            result=dict(result.result),
        )
        with open(self._path, 'a', encoding='utf-8') as stream:
            stream.write(json.dumps(record, default=_plain) + '\n')

    def v2_runner_on_ok(self, result):
        self._record('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record('failed', result)

    def v2_runner_on_skipped(self, result):
        self._record('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._record('unreachable', result)
