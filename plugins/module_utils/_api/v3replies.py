# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 reply frames -> the library's one ``Reply`` form, and v3's codes -> typed errors.

A v3 reply is ``{code, when, msg, desc}``: code 0 is success and ``msg`` the data (an
object) or ``"ok"``; -1 to -5 are the documented failures. The same bounded parser as v2
decodes it (linear, 64 levels deep at most, capped in size), and what the request carried
that is secret is masked in the whole document before any message is built or cut to
length. A decoding failure never quotes the reply: it might hold an echoed secret.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import jsonrepair, transport
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    CommandFailed,
    InvalidCommand,
    MalformedReply,
    PermissionDenied,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply, cut_text, scrub_if_needed
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_int

MAX_MESSAGE = 200
NO_PERMISSION_ON_WRITE = ('no permission (code -4): the password is wrong, the account is wrong, the account still '
                          'has its default password (change it first), or API write access is switched off in '
                          'WhatsMinerTool')
NO_PERMISSION_ON_READ = ('no permission (code -4): the miner refuses this client; check that the API is enabled '
                         'for this address in WhatsMinerTool')
CODES = {
    -1: (CommandFailed, 'the command failed (code -1): check the value and the miner\'s state (some commands fail '
                        'while mining is stopped)'),
    -2: (InvalidCommand, 'the miner does not know this command or one of its values (code -2): this firmware may not '
                         'support it'),
    -3: (InvalidCommand, 'the miner refused the parameters (code -3, invalid json item): check their names and values'),
    -4: (PermissionDenied, NO_PERMISSION_ON_READ),
    -5: (ApiError, 'the miner is out of memory (code -5): try again later, or reboot the miner'),
}


def _decode(payload, host, port, max_bytes):
    """(document, text): the frame decoded to text once and parsed from it; the text lets
    :func:`parse` skip masking when no secret can be in it (``replies.may_hold_secret``)."""
    if not isinstance(payload, (bytes, bytearray)):
        raise MalformedReply('the reply frame is not bytes', host, port)
    if len(payload) > max_bytes:
        raise MalformedReply('the reply frame is %d bytes, more than the %d allowed' % (len(payload), max_bytes),
                             host, port)
    text = jsonrepair.decode_text(payload)
    try:
        return jsonrepair.loads(text), text
    except jsonrepair.Truncated:
        raise MalformedReply('the reply frame holds cut-off JSON (%d bytes)' % len(payload), host, port) from None
    except jsonrepair.JsonRepairError:
        # the parser's detail quotes the reply, which may hold an echoed secret
        raise MalformedReply('the reply frame is not JSON (%d bytes): is this port API v3?' % len(payload),
                             host, port) from None


def parse(command, payload, host, port, secrets=(), write=False, max_bytes=transport.MAX_REPLY_BYTES):
    """One reply frame to ``command`` -> Reply; the mapped error for a failure code.

    ``secrets`` (the password, the token, pool and account passwords the request carried)
    are masked in the whole decoded document first. ``write`` chooses the "no permission"
    text: on a write it lists every cause v3 folds into code -4.
    """
    document, text = _decode(payload, host, port, max_bytes)
    document = scrub_if_needed(document, text, secrets)
    if not isinstance(document, dict):
        raise MalformedReply('the reply is JSON but not an object (got %s): is this port API v3?'
                             % type(document).__name__, host, port)
    code = document.get('code')
    if isinstance(code, bool) or not isinstance(code, int):
        raise MalformedReply('the reply has no integer "code": is this port API v3?', host, port)
    desc = document.get('desc')
    if desc is not None and desc != '' and desc != command:
        raise MalformedReply('the reply is for %s, not for %s' % (repr(desc)[:80], command), host, port)
    msg = document.get('msg')
    if code == 0:
        return Reply(command, 'S', code=0, when=to_int(document.get('when')), msg=msg,
                     description=desc if isinstance(desc, str) else None, data=msg, raw=document)
    raise error_for(command, code, msg, host, port, write)


def error_for(command, code, msg, host, port, write=False):
    """The typed error for a v3 failure code, naming the miner and what to do.

    The miner's message is quoted cut to :data:`MAX_MESSAGE` characters, marked when cut
    (``replies.cut_text``); ``msg`` is already scrubbed, so a cut never leaves part of a secret.
    """
    if isinstance(msg, str):
        shown = cut_text(msg, MAX_MESSAGE)
    elif msg is None:
        shown = ''
    else:
        shown = cut_text(repr(msg)[:MAX_MESSAGE + 1], MAX_MESSAGE)
    kind, meaning = CODES.get(code, (ApiError, 'the miner answered with failure code %d' % code))
    if code == -4 and write:
        meaning = NO_PERMISSION_ON_WRITE
    reason = '%s refused: %s%s' % (command, meaning, ' (the miner said: %s)' % shown if shown else '')
    return kind(reason, host, port, code=code, api_msg=shown or None)
