# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v2: which reads a set of fact subsets needs, in as few round trips as firmware allows.

The cgminer-style reads (summary, pools, edevs, devdetails) go out as ONE joined
command; the native ``get_*``/``status`` reads cannot be joined and go one each. A
miner that refuses the joined command (older firmware, or newer firmware where
``devdetails`` is deprecated and fails the whole join) gets the same reads one by
one, and a deprecated ``devdetails`` is dropped quietly: it is a firmware fact, not a
fault worth a warning on every run.

The planning, the fallback and the bookkeeping of what failed live in :class:`PlanRun`.
:func:`steps` walks it without doing any I/O: it yields each request group and is sent
the answer (or thrown the error). :func:`drive` runs it with the blocking client (the
modules) and :func:`adrive` with ``ApiV2``'s non-blocking reads (the inventory scan), so both
paths make the same requests and draw the same conclusions.
"""

from __future__ import annotations

import functools

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    CommandFailed,
    ConnectError,
    InvalidCommand,
    MalformedReply,
    ReadTimeout,
    ReplyTooLarge,
    TransportError,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import NotAMiner, Unidentified

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


def commands_for(subsets):
    return [SUBSET_COMMANDS[name] for name in subsets]


def subsets_of(commands):
    return sorted(COMMAND_SUBSETS.get(name, name) for name in commands)


def plan(commands):
    """Commands -> list of request groups; a group of several is one joined read."""
    return list(_plan(tuple(commands)))


@functools.lru_cache(maxsize=64)
def _plan(commands):
    # the same for every miner of a scan: built once, not once per address
    joined = tuple(name for name in JOINABLE if name in commands)
    groups = []
    if len(joined) > 1:
        groups.append(joined)
    elif joined:
        groups.append((joined[0],))
    for name in commands:
        if name not in JOINABLE:
            groups.append((name,))
    return tuple(groups)


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

    No connection at all, a connection on which the miner sent nothing (it timed out
    silently, closed or reset without a byte), or a reply that did not complete within
    the timeout (a miner trickling bytes is as slow on the next read): asking again only
    multiplies the wait, so such a miner costs one timeout, not one per read.
    """
    if isinstance(err, (ConnectError, ReadTimeout)):
        return True
    if isinstance(err, ReplyTooLarge):
        return False   # the miner answered, at length
    return isinstance(err, TransportError) and not getattr(err, 'received', 0)


class PlanRun:
    """The plan for one host, walked one request group at a time.

    The single source of truth for what is read next and what an answer or a failure
    means (join fallback, early stop); the blocking module path and the inventory's
    non-blocking scan only do the I/O. Iterate to get the next group, then report it with
    :meth:`answered` or :meth:`failed`.
    """

    def __init__(self, commands):
        self.result = Gathered()
        self.pending = plan(commands)

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


def steps(commands, identify=None):
    """The read plan as a generator: yields request groups, is sent ``(replies, failures)``.

    A failed read is thrown in as its ``WhatsminerError``. With ``identify`` (a scan),
    the first answer must satisfy ``identify(replies)`` or :class:`NotAMiner` ends the
    walk, and a failure before any answer ends it with :class:`Unidentified` (only a
    refused join is worth another try). Returns the :class:`Gathered` result.
    """
    run = PlanRun(commands)
    identified = identify is None
    for group in run:
        try:
            replies, failures = yield group
        except WhatsminerError as err:
            if not identified and not (len(group) > 1 and isinstance(err, ApiError)):
                raise Unidentified(err) from None
            run.failed(group, err)
            continue
        run.answered(group, replies, failures)
        if not identified:
            if not identify(run.result.replies):
                raise NotAMiner()
            identified = True
    return run.result


def read_group(protocol, group):
    """One request group with the blocking protocol: ``(replies, failures)``."""
    if len(group) > 1:
        return protocol.read_joined(list(group), partial=True)
    return {group[0]: protocol.read(group[0], {})}, {}


async def aread_group(protocol, group):
    """The same without blocking (``ApiV2.aread``, under ``mux.run``)."""
    if len(group) > 1:
        return await protocol.aread_joined(list(group), partial=True)
    return {group[0]: await protocol.aread(group[0])}, {}


def _advance(walk, answer, error):
    """Hand the walk its answer (or throw it the error); the next group, StopIteration at the end."""
    return walk.throw(error) if error is not None else walk.send(answer)


def drive(walk, protocol):
    """Run :func:`steps` with blocking reads; returns what it returns."""
    try:
        group = next(walk)
        while True:
            answer, error = None, None
            try:
                answer = read_group(protocol, group)
            except WhatsminerError as err:
                error = err
            group = _advance(walk, answer, error)
    except StopIteration as stop:
        return stop.value


async def adrive(walk, protocol):
    """Run :func:`steps` with non-blocking reads; one socket at a time per walk."""
    try:
        group = next(walk)
        while True:
            answer, error = None, None
            try:
                answer = await aread_group(protocol, group)
            except WhatsminerError as err:
                error = err
            group = _advance(walk, answer, error)
    except StopIteration as stop:
        return stop.value
