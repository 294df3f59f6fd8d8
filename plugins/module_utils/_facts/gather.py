# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which reads a set of fact subsets needs, in as few round trips as firmware allows.

The cgminer-style reads (summary, pools, edevs, devdetails) go out as ONE joined
command; the native ``get_*``/``status`` reads cannot be joined and go one each. A
miner that refuses the joined command (older firmware, or newer firmware where
``devdetails`` is deprecated and fails the whole join) gets the same reads one by
one, and a deprecated ``devdetails`` is dropped quietly: it is a firmware fact, not a
fault worth a warning on every run.

The planning, the fallback and the bookkeeping of what failed live in :class:`PlanRun`,
shared by the blocking module path (:func:`gather`) and the inventory plugin's asyncio
scan (``_discovery.Prober``), which drives the same plan through ``_api/aio.py``.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    CommandFailed,
    ConnectError,
    InvalidCommand,
    MalformedReply,
    ReplyTooLarge,
    TransportError,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply

# gather_subset name -> API command
SUBSET_COMMANDS = {
    'summary': 'summary',
    'pools': 'pools',
    'devs': 'edevs',
    'devdetails': 'devdetails',
    'psu': 'get_psu',
    'version': 'get_version',
    'status': 'status',
    'miner_info': 'get_miner_info',
    'error_code': 'get_error_code',
}
SUBSETS = tuple(SUBSET_COMMANDS)
COMMAND_SUBSETS = dict((command, subset) for subset, command in SUBSET_COMMANDS.items())

# Reads that list hash boards: "No devices" from them means btminer is not running.
BOARD_READS = ('edevs', 'devs', 'devdetails')
# Reads that may share one joined request, in the order they are joined.
JOINABLE = ('summary', 'pools', 'edevs', 'devdetails')


class SubsetError(ValueError):
    """``gather_subset`` names something that is not a subset."""


def resolve_subsets(requested):
    """``['all', '!psu']`` -> the ordered subset names to gather.

    ``all`` means every subset; ``!name`` removes one (a list of only exclusions starts
    from ``all``). Unknown names raise :class:`SubsetError` naming the valid ones.
    """
    requested = list(requested or ['all'])
    chosen = []
    include_all = False
    excluded = set()
    for item in requested:
        name = str(item).strip()
        negate = name.startswith('!')
        if negate:
            name = name[1:].strip()
        if name != 'all' and name not in SUBSET_COMMANDS:
            raise SubsetError('unknown gather_subset %r; choose from all, %s (prefix ! to exclude)'
                              % (str(item), ', '.join(SUBSETS)))
        if negate:
            excluded.update(SUBSETS if name == 'all' else [name])
        elif name == 'all':
            include_all = True
        elif name not in chosen:
            chosen.append(name)
    if include_all or not chosen:
        chosen = list(SUBSETS) if (include_all or excluded) else chosen
    return [name for name in SUBSETS if name in chosen and name not in excluded]


def commands_for(subsets):
    return [SUBSET_COMMANDS[name] for name in subsets]


def plan(commands):
    """Commands -> list of request groups; a group of several is one joined read."""
    joined = tuple(name for name in JOINABLE if name in commands)
    groups = []
    if len(joined) > 1:
        groups.append(joined)
    elif joined:
        groups.append((joined[0],))
    for name in commands:
        if name not in JOINABLE:
            groups.append((name,))
    return groups


def is_unsupported(err):
    """A read this firmware does not offer (deprecated or unknown command)."""
    if isinstance(err, CommandFailed) and getattr(err, 'deprecated', False):
        return True
    if isinstance(err, CommandFailed) and 'deprecat' in str(err.api_msg or '').lower():
        return True
    return isinstance(err, InvalidCommand)


def should_split(err):
    """A joined read refused as a whole is worth retrying one read at a time.

    Transport failures are not: the miner is not answering, and asking four more
    times only multiplies the wait.
    """
    return isinstance(err, (ApiError, MalformedReply)) and not isinstance(err, TransportError)


class Gathered:
    """What one host answered: replies by command, failures by command, unsupported reads."""

    def __init__(self):
        self.replies = {}
        self.failures = {}
        self.unsupported = []

    def record_failure(self, command, err):
        if command in BOARD_READS and isinstance(err, ApiError) and err.no_devices:
            # btminer is not running: no boards to list, nothing failed
            self.replies[command] = Reply(command, 'S', data=[])
        elif is_unsupported(err):
            if command not in self.unsupported:
                self.unsupported.append(command)
        else:
            self.failures[command] = err

    @property
    def unreachable(self):
        """Nothing answered and the reason is the connection itself."""
        return not self.replies and bool(self.failures) and all(
            isinstance(err, TransportError) for err in self.failures.values())

    def first_failure(self):
        for err in self.failures.values():
            return err
        return None

    def warnings(self):
        """One line per read that failed, naming the subset and the reason (host:port inside)."""
        lines = []
        for command, err in self.failures.items():
            subset = COMMAND_SUBSETS.get(command, command)
            lines.append('could not gather %s (%s): %s' % (subset, command, err))
        return lines


def stops_the_run(err):
    """A failure that says the miner will not answer the next read either.

    No connection at all, or a connection on which the miner sent nothing (it timed out
    silently, closed or reset without a byte): asking again only multiplies the wait,
    so a miner that accepts and never answers costs one timeout, not one per read.
    """
    if isinstance(err, ConnectError):
        return True
    if isinstance(err, ReplyTooLarge):
        return False   # the miner answered, at length
    return isinstance(err, TransportError) and not getattr(err, 'received', 0)


class PlanRun:
    """The plan for one host, walked one request group at a time.

    The single source of truth for what is read next and what an answer or a failure
    means (join fallback, early stop); the blocking module path and the inventory's
    asyncio scan only do the I/O. Iterate to get the next group, then report it with
    :meth:`answered` or :meth:`failed`.
    """

    def __init__(self, commands):
        self.result = Gathered()
        self.pending = list(plan(commands))

    def __iter__(self):
        while self.pending:
            yield self.pending.pop(0)

    def answered(self, group, replies, failures=None):
        self.result.replies.update(replies)
        for command, err in (failures or {}).items():
            self.result.record_failure(command, err)

    def failed(self, group, err):
        # only while nothing has answered: a miner that answered once is alive, and one
        # silent read must not cost the reads after it
        if stops_the_run(err) and not self.result.replies:
            for command in [name for rest in [group] + self.pending for name in rest]:
                self.result.record_failure(command, err)
            self.pending = []
        elif len(group) > 1 and should_split(err):
            self.pending[0:0] = [(command,) for command in group]
        else:
            for command in group:
                self.result.record_failure(command, err)


def gather(client, commands):
    """Run the plan for ``commands`` with a blocking ``WhatsminerClient``; never raises for a read.

    A refused connection, or one on which the miner sends nothing, stops the run: every
    read left is marked failed with the same error (see :func:`stops_the_run`).
    """
    run = PlanRun(commands)
    for group in run:
        try:
            if len(group) > 1:
                replies, failures = client.read_joined(list(group), partial=True)
            else:
                replies, failures = {group[0]: client.read(group[0])}, {}
        except WhatsminerError as err:
            run.failed(group, err)
        else:
            run.answered(group, replies, failures)
    return run.result
