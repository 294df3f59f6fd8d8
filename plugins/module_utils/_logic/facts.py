# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_facts: read a miner and return ``ansible_facts.whatsminer``.

Reads only, so check mode gathers as usual. A miner that answers some reads and not
others still gives what it answered, with one warning per failed read; a miner that
answers nothing fails the task with the reason and ``host:port``.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import subsets as subset_names
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import address

ARGUMENT_SPEC = connection_argument_spec(dict(
    gather_subset=dict(type='list', elements='str', default=['all']),
    include_raw=dict(type='bool', default=False),
))


def run(params, miner, check_mode, diff_mode):
    try:
        subsets = subset_names.resolve_subsets(params['gather_subset'])
    except subset_names.SubsetError as err:
        raise TaskFailed('%s: %s' % (address(params), err))
    if not subsets:
        raise TaskFailed('%s: gather_subset excludes every subset; nothing to gather' % address(params))

    snapshot = miner.snapshot(subsets)
    if snapshot.unreachable:
        raise snapshot.first_failure()
    if not snapshot.answered:
        failure = snapshot.first_failure()
        reason = getattr(failure, 'reason', failure) if failure is not None else 'the miner does not support any requested subset'
        raise TaskFailed('%s: no facts gathered: %s' % (address(params), reason),
                         failed_subsets=sorted(snapshot.failures))

    facts = dict(snapshot.facts)
    facts['gathered_subsets'] = subsets
    facts['failed_subsets'] = sorted(snapshot.failures)
    facts['unsupported_subsets'] = sorted(snapshot.unsupported)
    if params['include_raw']:
        facts['raw'] = snapshot.raw
    return {
        'changed': False,
        'ansible_facts': {'whatsminer': facts},
        'warnings': list(snapshot.warnings.values()),
    }


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run)
