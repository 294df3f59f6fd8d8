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

An idle miner can refuse ``pools`` alone with -1 while ``summary+pools`` answers (MDKW):
a refused status read is retried one part at a time before anything is marked failed.
"""

from __future__ import annotations

import functools

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    ConnectError,
    MalformedReply,
    ReplyTooLarge,
    TransportError,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import NotAMiner, Unidentified

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

    @property
    def collected(self):
        return [name for name, value in (('device', self.device), ('status', self.status), ('setting', self.setting))
                if value is not None]


def stops_the_run(err):
    """No connection, or a connection on which the miner sent nothing: the next read fails too."""
    if isinstance(err, ConnectError):
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
    parts = tuple(part for part in STATUS_PARTS if any(SUBSET_READS[name][1] == part for name in wanted))
    device_subsets = tuple(name for name in wanted if SUBSET_READS[name][0] == DEVICE_INFO)
    return wanted, parts, device_subsets


def steps(subsets, identify=None):
    """Yields ``(command, param)``; is sent the Reply. Returns :class:`Gathered`.

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
                    groups[0:0] = [(part,) for part in group]
                    continue
                for name in wanted:
                    if SUBSET_READS[name][1] in group:
                        result.failures[name] = err
                if stops_the_run(err) and not result.answered:
                    return result
                continue
            status.update(_message(reply))
            if 'summary' in group:
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
