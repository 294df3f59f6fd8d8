# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_facts: read a miner and return ``ansible_facts.whatsminer``.

Reads only, so check mode gathers as usual. A miner that answers some reads and not
others still gives what it answered, with one warning per failed read; a miner that
answers nothing fails the task with the reason and ``host:port``.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import TaskFailed, connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import gather as gathering
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import schema

ARGUMENT_SPEC = connection_argument_spec(dict(
    gather_subset=dict(type='list', elements='str', default=['all']),
    include_raw=dict(type='bool', default=False),
))


def run(params, client, check_mode, diff_mode):
    address = '%s:%s' % (params['host'], params['port'])
    try:
        subsets = gathering.resolve_subsets(params['gather_subset'])
    except gathering.SubsetError as err:
        raise TaskFailed('%s: %s' % (address, err))
    if not subsets:
        raise TaskFailed('%s: gather_subset excludes every subset; nothing to gather' % address)

    result = gathering.gather(client, gathering.commands_for(subsets))
    if result.unreachable:
        raise result.first_failure()
    if not result.replies:
        failure = result.first_failure()
        reason = getattr(failure, 'reason', failure) if failure is not None else 'the miner does not support any requested subset'
        raise TaskFailed('%s: no facts gathered: %s' % (address, reason),
                         failed_subsets=failed_subsets(result))

    facts = schema.build(result.replies, host=params['host'], port=params['port'])
    facts['gathered_subsets'] = subsets
    facts['failed_subsets'] = failed_subsets(result)
    facts['unsupported_subsets'] = sorted(gathering.COMMAND_SUBSETS.get(name, name) for name in result.unsupported)
    if params['include_raw']:
        facts['raw'] = dict((command, reply.raw) for command, reply in sorted(result.replies.items()))
    return {
        'changed': False,
        'ansible_facts': {'whatsminer': facts},
        'warnings': result.warnings(),
    }


def failed_subsets(result):
    return sorted(gathering.COMMAND_SUBSETS.get(name, name) for name in result.failures)
