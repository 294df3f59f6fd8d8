# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Joined reads where one failing part does not cost the others.

``summary+pools+edevs+devdetails`` answers one reply per command. On newer firmware
the ``devdetails`` part is an error (deprecated), and on any firmware it is "No
devices" while mining is off. The protocol library's joined read raises on the first
failing part; facts want the rest of the reply, so this module splits the decoded
reply itself and keeps each part's error beside the good parts. Same bytes, same
parser, one round trip.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import aio
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import replies as reply_parser
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.commands import joined_names, request
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ApiError, MalformedReply, WhatsminerError

NO_DEVICES = 'no devices'
RECORD_READS = ('edevs', 'devs', 'devdetails')


def is_no_devices(err):
    """cgminer's "No devices": btminer has no boards running, which is a state, not a fault."""
    return isinstance(err, ApiError) and NO_DEVICES in str(err.api_msg or '').lower()


def split_parts(names, document, host, port):
    """Decoded joined reply -> ``({name: Reply}, {name: WhatsminerError})``.

    A miner that refused the whole joined command (one plain STATUS instead of one
    part per command) raises that error, so the caller can fall back to single reads.
    """
    if not isinstance(document, dict):
        raise MalformedReply('the joined reply is not a JSON object', host, port)
    if 'STATUS' in document and not any(name in document for name in names):
        reply_parser.from_document('+'.join(names), document, host, port)   # raises on "E"
        raise MalformedReply('the joined read got a single reply instead of one per command', host, port)
    replies = {}
    failures = {}
    for name in names:
        part = document.get(name)
        if isinstance(part, list) and len(part) == 1 and isinstance(part[0], dict):
            part = part[0]
        if not isinstance(part, dict):
            failures[name] = MalformedReply('the joined reply has no usable %r part' % name, host, port)
            continue
        try:
            replies[name] = reply_parser.from_document(name, part, host, port)
        except WhatsminerError as err:
            if name in RECORD_READS and is_no_devices(err):
                replies[name] = reply_parser.Reply(name, 'S', data=[], raw=part)
            else:
                failures[name] = err
    return replies, failures


def _payload(names):
    return transport.encode_plain(request('+'.join(names)))


def read_parts(client, names):
    """One joined read through a blocking client's address and timeouts."""
    names = joined_names(names)
    raw = transport.exchange(client.host, client.port, _payload(names), client.connect_timeout, client.timeout)
    document = reply_parser.decode('+'.join(names), raw, client.host, client.port)[0]
    return split_parts(names, document, client.host, client.port)


async def read_parts_async(host, port, names, connect_timeout, read_timeout):
    """The same over asyncio, for the inventory scan."""
    names = joined_names(names)
    raw = await aio.exchange(host, port, _payload(names), connect_timeout, read_timeout)
    document = reply_parser.decode('+'.join(names), raw, host, port)[0]
    return split_parts(names, document, host, port)
