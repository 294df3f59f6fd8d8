# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3: the reads behind a set of fact subsets, in at most three round trips.

v3 needs no join: ``get.device.info`` without a section answers identity, PSU, network
and error codes at once, ``get.miner.status`` takes ``summary+pools+edevs`` as one
parameter, and ``get.miner.setting`` gives the power mode. :func:`steps` is the plan
as a generator (it yields ``(command, param)`` and is sent the reply, or thrown the
error), so the blocking module path (:func:`drive`) and the inventory's non-blocking scan
(:func:`adrive`) make the same requests and draw the same conclusions, as on v2.

An idle miner can refuse ``pools`` alone with -1 while ``summary+pools`` answers with
the pools left out (MDKW, notes 4.2). So ``pools`` is never asked alone: it goes with
``summary``, also when a refused status read is retried in smaller parts, and pools left
out of a reply whose summary shows an idle miner are no pools (an empty list). Pools left
out beside a summary of a mining miner are a reply that lost them: the subset failed.
``collected`` names the reads that answered, ``get.miner.status:<part>`` for each part a
status reply carried, as v2 names each part of a joined read.
"""

from __future__ import annotations

import functools

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    ConnectError,
    MalformedReply,
    ReadTimeout,
    ReplyTooLarge,
    TransportError,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import NotAMiner, Unidentified
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.facts import is_idle

DEVICE_INFO = 'get.device.info'
MINER_STATUS = 'get.miner.status'
MINER_SETTING = 'get.miner.setting'

#: fact subset -> (read, part of get.miner.status or None)
SUBSET_READS = {
    'summary': (MINER_STATUS, 'summary'),
    'pools': (MINER_STATUS, 'pools'),
    'devs': (MINER_STATUS, 'edevs'),
    'devdetails': (DEVICE_INFO, None),
    'psu': (DEVICE_INFO, None),
    'version': (DEVICE_INFO, None),
    'status': (DEVICE_INFO, None),
    'miner_info': (DEVICE_INFO, None),
    'error_code': (DEVICE_INFO, None),
}
STATUS_PARTS = ('summary', 'pools', 'edevs')
#: what ``pools`` is asked with: an idle miner refuses it alone (notes 4.2)
POOLS_READ = 'summary+pools'
#: subsets whose facts need the power mode from get.miner.setting
SETTING_SUBSETS = ('summary', 'status')


class Gathered:
    """``device`` / ``status`` / ``setting``: the messages read (None: not read or failed);
    ``failures``: ``{subset: error}``; ``raw``: ``{read: reply document}`` for include_raw;
    ``when``: the ``when`` of the status reply that carried the summary, the miner's clock,
    which ``facts.build`` needs for a ``bootup-time`` given as a Unix time (None: not read)."""

    def __init__(self):
        self.device = None
        self.status = None
        self.setting = None
        self.failures = {}
        self.raw = {}
        self.answered = False
        self.when = None
        self.parts = []

    @property
    def collected(self):
        """The reads that answered, by their API names (``get.miner.status:<part>`` per part a reply carried)."""
        names = [name for name, value in ((DEVICE_INFO, self.device), (MINER_SETTING, self.setting)) if value is not None]
        return names + ['%s:%s' % (MINER_STATUS, part) for part in self.parts]


def stops_the_run(err):
    """No connection, nothing sent, or a reply not complete in time: the next read fails too (v2's rule)."""
    if isinstance(err, (ConnectError, ReadTimeout)):
        return True
    if isinstance(err, ReplyTooLarge):
        return False
    return isinstance(err, TransportError) and not getattr(err, 'received', 0)


def _message(reply):
    data = getattr(reply, 'data', None)
    return data if isinstance(data, dict) else {}


@functools.lru_cache(maxsize=64)
def _reads_for(subsets):
    """``(wanted subsets, status parts, subsets of get.device.info)``: the same for every miner of a scan."""
    wanted = tuple(name for name in subsets if name in SUBSET_READS)
    asked = set(SUBSET_READS[name][1] for name in wanted)
    if 'pools' in asked:
        asked.add('summary')    # never pools alone: an idle miner refuses it (notes 4.2)
    parts = tuple(part for part in STATUS_PARTS if part in asked)
    device_subsets = tuple(name for name in wanted if SUBSET_READS[name][0] == DEVICE_INFO)
    return wanted, parts, device_subsets


def steps(subsets, identify=None, host=None, port=None):
    """Yields ``(command, param)``; is sent the Reply. Returns :class:`Gathered`.

    ``host``/``port`` only name the miner in an error made here (pools a reply lost).

    With ``identify`` (a scan), ``get.device.info`` goes first and must satisfy
    ``identify(message)``, else :class:`NotAMiner`; its failure is :class:`Unidentified`.
    """
    result = Gathered()
    wanted, parts, device_subsets = _reads_for(tuple(subsets))
    if identify is not None or device_subsets:
        try:
            reply = yield DEVICE_INFO, None
        except WhatsminerError as err:
            if identify is not None:
                raise Unidentified(err) from None
            for name in device_subsets:
                result.failures[name] = err
            if stops_the_run(err):
                for name in wanted:
                    result.failures.setdefault(name, err)
                return result
        else:
            result.device = _message(reply)
            result.raw[DEVICE_INFO] = reply.raw
            result.answered = True
            if identify is not None and not identify(result.device):
                raise NotAMiner()
    if parts:
        status = {}
        groups = [tuple(parts)]
        while groups:
            group = groups.pop(0)
            try:
                reply = yield MINER_STATUS, '+'.join(group)
            except WhatsminerError as err:
                if len(group) > 1 and isinstance(err, (ApiError, MalformedReply)) and not isinstance(err, TransportError):
                    groups[0:0] = split(group)
                    continue
                _fail_parts(result, wanted, group, err)
                if stops_the_run(err) and not result.answered:
                    return result
                continue
            message = _message(reply)
            status.update((part, message[part]) for part in group if part in message)
            result.parts.extend(part for part in group if part in message)
            if 'pools' in group and 'pools' not in message:
                lost = _pools_left_out(message, host, port)
                if lost is not None:
                    _fail_parts(result, wanted, ('pools',), lost)
            if 'summary' in message:
                result.when = getattr(reply, 'when', None)
            result.raw[MINER_STATUS + ':' + '+'.join(group)] = reply.raw
            result.answered = True
        result.status = status if status or not result.failures else None
    if any(name in wanted for name in SETTING_SUBSETS):
        try:
            reply = yield MINER_SETTING, None
        except WhatsminerError:
            pass   # only the power mode comes from here: its absence is a None, not a failed subset
        else:
            result.setting = _message(reply)
            result.raw[MINER_SETTING] = reply.raw
            result.answered = True
    return result


def split(group):
    """A refused status read, in smaller reads to retry: each part alone, but pools with summary.

    ``pools`` alone is the very request an idle miner refuses (notes 4.2), so a refused
    ``summary+pools+edevs`` becomes ``summary+pools`` and ``edevs``; only a refused
    ``summary+pools`` is tried as two single reads.
    """
    if 'pools' in group and 'summary' in group and len(group) > 2:
        return [('summary', 'pools')] + [(part,) for part in group if part not in ('summary', 'pools')]
    return [(part,) for part in group]


def _fail_parts(result, wanted, group, err):
    """Mark failed the wanted subsets a failed read (or a reply without their part) should have filled."""
    for name in wanted:
        if SUBSET_READS[name][1] in group:
            result.failures[name] = err


def _pools_left_out(message, host, port):
    """None when pools missing from a status reply mean "no pools" (an idle miner); else the error to report.

    An idle miner leaves them out (MDKW, notes 4.2); a miner whose summary shows it
    hashing has pools it did not send, and they are not guessed: the subset failed.
    """
    if is_idle(message.get('summary')):
        return None
    return MalformedReply('get.miner.status answered without pools, and its summary does not show an idle miner',
                          host, port)


def _advance(walk, answer, error):
    return walk.throw(error) if error is not None else walk.send(answer)


def drive(walk, protocol):
    """Run :func:`steps` with ``ApiV3.read``."""
    try:
        request = next(walk)
        while True:
            answer, error = None, None
            try:
                answer = protocol.read(*request)
            except WhatsminerError as err:
                error = err
            request = _advance(walk, answer, error)
    except StopIteration as stop:
        return stop.value


async def adrive(walk, protocol):
    """Run :func:`steps` with ``ApiV3.aread`` (the inventory scan)."""
    try:
        request = next(walk)
        while True:
            answer, error = None, None
            try:
                answer = await protocol.aread(*request)
            except WhatsminerError as err:
                error = err
            request = _advance(walk, answer, error)
    except StopIteration as stop:
        return stop.value
