# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One ``Reply`` form for every answer a miner gives, and the API codes mapped to errors.

Miners answer in two shapes (cgminer style with a STATUS list, native style with a STATUS
string), newer firmware moves summary/pools/edevs from the first to the second, and joined
reads wrap several replies in one object. Callers should not care: they get a ``Reply``
whose ``data`` has one form per command, or a typed error naming the miner.
"""

from __future__ import annotations

import re

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import jsonrepair
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    CommandFailed,
    DecryptionFailed,
    InvalidCommand,
    MalformedReply,
    PermissionDenied,
    TokenLimitReached,
    TokenRejected,
    WhatsminerError,
    WriteAccessDisabled,
)

# Reads whose data is a list of records (cgminer shape on most firmware).
RECORD_COMMANDS = ('summary', 'pools', 'edevs', 'devs', 'devdetails')
# Commands whose reply may legitimately be salvaged when cut off mid-list.
SALVAGEABLE = {'get_error_code': 'error_code'}

WRITE_ACCESS_OFF = "can't access write cmd"
#: what the reduced API v2 of API v3 firmware adds to that refusal ("can't access write cmd: use API v3")
WRITES_NEED_V3 = re.compile(r'\bapi\s*v3\b')


class Reply:
    """A miner's answer in one form, whichever shape it came in.

    ``data``: for summary/pools/edevs/devs/devdetails a list of record dicts (cgminer
    shape, or the newer firmware's native shape converted to it); for everything else
    the native ``Msg`` as sent (dict, list or str). ``truncated`` is True when a cut-off
    reply was salvaged (only complete entries are kept).
    """

    __slots__ = ('command', 'status', 'code', 'when', 'msg', 'description', 'data', 'raw', 'encrypted', 'truncated')

    def __init__(self, command, status, code=None, when=None, msg=None, description=None, data=None,
                 raw=None, encrypted=False, truncated=False):
        self.command = command
        self.status = status
        self.code = code
        self.when = when
        self.msg = msg
        self.description = description
        self.data = data
        self.raw = raw if raw is not None else {}
        self.encrypted = encrypted
        self.truncated = truncated

    @property
    def ok(self):
        return self.status == 'S'

    def __repr__(self):
        return 'Reply(command=%r, status=%r, code=%r, encrypted=%r)' % (self.command, self.status, self.code, self.encrypted)


# --- decoding ----------------------------------------------------------------

def decode(command, payload, host, port, aeskey=None):
    """Bytes -> (dict, encrypted, truncated): repaired, and decrypted when ``{"enc": ...}``."""
    document, encrypted, truncated, _text = _decode(command, payload, host, port, aeskey)
    return document, encrypted, truncated


def _decode(command, payload, host, port, aeskey=None, secrets=()):
    """:func:`decode`, plus the text the document was parsed from (the plaintext when it was
    encrypted), so that :func:`parse_reply` can tell cheaply whether a secret can be in it.
    ``secrets`` only keep the parser's quote of the text out of a ``MalformedReply``."""
    document, truncated, text = _loads(command, payload, host, port, secrets)
    encrypted = False
    if isinstance(document, dict) and 'enc' in document and 'STATUS' not in document:
        ciphertext = document['enc']
        if not isinstance(ciphertext, str):
            raise MalformedReply('the miner sent an encrypted reply without ciphertext', host, port)
        if aeskey is None:
            raise MalformedReply('the miner sent an encrypted reply to a plaintext request', host, port)
        try:
            plain = crypto.decrypt(aeskey, ciphertext)
        except ValueError:
            raise MalformedReply('the miner sent an encrypted reply that cannot be decrypted', host, port) from None
        document, truncated, text = _loads(command, plain, host, port, secrets)
        encrypted = True
    if not isinstance(document, dict):
        raise MalformedReply('the reply is JSON but not an object (got %s)' % type(document).__name__, host, port)
    return document, encrypted, truncated, text


def _loads(command, payload, host, port, secrets=()):
    """(document, truncated, text): the payload decoded to text once, then parsed from that text.

    The parser's error quotes up to 20 characters of the text, not scrubbed and possibly a
    prefix of an echoed secret: when the request carried secrets that may be in the text,
    the error gives the size only (as v3 always does).
    """
    text = jsonrepair.decode_text(payload)
    try:
        return jsonrepair.loads(text), False, text
    except jsonrepair.Truncated as exc:
        salvaged = _salvage(command, exc.salvaged)
        if salvaged is not None:
            return salvaged, True, text
        raise MalformedReply('the reply was cut off after %d bytes' % len(payload), host, port) from None
    except jsonrepair.JsonRepairError as exc:
        secrets = usable_secrets(secrets)
        if secrets and may_hold_secret(text, secrets):
            raise MalformedReply('the reply is not valid JSON (%d bytes)' % len(payload), host, port) from None
        raise MalformedReply('the reply is not valid JSON (%s)' % exc, host, port) from None


def _salvage(command, partial):
    """A cut-off reply is usable only where losing its tail loses whole list entries."""
    field = SALVAGEABLE.get(command)
    if field is None or not isinstance(partial, dict) or partial.get('STATUS') != 'S':
        return None
    msg = partial.get('Msg')
    if not isinstance(msg, dict) or not isinstance(msg.get(field), list):
        return None
    return partial


# --- shapes ------------------------------------------------------------------

MASK = '********'
MIN_SECRET_LENGTH = 3


def scrub(value, secrets):
    """``value`` with every secret replaced by :data:`MASK` wherever it occurs in a string.

    A miner may echo what it was sent (the decrypted request, with the token sign and pool
    passwords): masking the whole document here, before any message is built or cut to
    length, means no prefix of a secret survives a truncation further on. Secrets shorter
    than three characters (the pool password ``x``) are left alone, as in the result masking.
    Documents are at most 64 levels deep (``jsonrepair.MAX_DEPTH``).
    """
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return dict((scrub(key, secrets), scrub(item, secrets)) for key, item in value.items())
    if isinstance(value, list):
        return [scrub(item, secrets) for item in value]
    return value


def usable_secrets(secrets):
    return sorted(set(secret for secret in secrets if isinstance(secret, str) and len(secret) >= MIN_SECRET_LENGTH),
                  key=len, reverse=True)


def may_hold_secret(text, secrets):
    """False only when no string decoded from ``text`` can contain any of ``secrets``.

    :func:`scrub` rebuilds the whole document, seconds for a hostile 4 MiB reply of many
    small containers, to change nothing when no secret is there, which is nearly always.
    A string in the document is its slice of the text unless it holds a backslash escape,
    so a substring search (in C) decides it when the text has no backslash. With one, an
    escape could spell a secret (``\\u0074ok3n``), and the answer is a conservative True:
    the document is then scrubbed exactly as before. Strings only: scrub leaves numbers alone.
    """
    if '\\' in text:
        return True
    return any(secret in text for secret in secrets)


def scrub_if_needed(document, text, secrets):
    """``scrub(document, secrets)`` when a secret may be in it (:func:`may_hold_secret`), else ``document``.

    The result is the same as :func:`scrub`'s in every case; only the walk is skipped.
    """
    secrets = usable_secrets(secrets)
    if secrets and may_hold_secret(text, secrets):
        return scrub(document, secrets)
    return document


def parse_reply(command, payload, host, port, aeskey=None, secrets=()):
    """Decode one reply to ``command`` and return a :class:`Reply`; raise the mapped error on "E".

    Joined commands (``summary+pools``) return a Reply whose ``data`` is the dict that
    :func:`split_joined` builds; use :func:`parse_joined` to get that dict directly.
    ``secrets`` (what the request carried: token sign, passwords) are masked in the whole
    reply before anything is built from it.
    """
    document, encrypted, truncated, text = _decode(command, payload, host, port, aeskey, secrets)
    document = scrub_if_needed(document, text, secrets)
    if '+' in command:
        parts = split_joined(command, document, host, port)
        return Reply(command, 'S', data=parts, raw=document, encrypted=encrypted)
    return from_document(command, document, host, port, encrypted=encrypted, truncated=truncated)


def parse_joined(command, payload, host, port, aeskey=None, partial=False):
    """Decode a joined read: ``{command: Reply}``, or ``(replies, failures)`` with ``partial``."""
    document, _encrypted, _truncated = decode(command, payload, host, port, aeskey)
    if partial:
        return split_joined_partial(command, document, host, port)
    return split_joined(command, document, host, port)


def split_joined(command, raw, host=None, port=None):
    """``{"summary":[{...}],"pools":[{...}]}`` -> ``{"summary": Reply, "pools": Reply}``.

    The first failing part (in request order) is raised; see :func:`split_joined_partial`
    for callers that want the parts that did answer.
    """
    replies, failures = split_joined_partial(command, raw, host, port)
    for name in _joined_names(command):
        if name in failures:
            raise failures[name]
    return replies


def split_joined_partial(command, raw, host=None, port=None):
    """Split a joined reply so that one failing part does not cost the others.

    Returns ``(replies, failures)``: ``{name: Reply}`` for the parts that answered and
    ``{name: WhatsminerError}`` for those that did not (``devdetails`` is deprecated on
    newer firmware, and "No devices" while mining is off, in a reply whose other parts
    are good). A miner that refuses the whole joined command answers with one plain
    STATUS "E": that is raised as the mapped error.
    """
    names = _joined_names(command)
    if not isinstance(raw, dict):
        raise MalformedReply('the joined reply is not a JSON object', host, port)
    if 'STATUS' in raw and not any(name in raw for name in names):
        from_document('+'.join(names), raw, host, port)  # raises on "E"
        raise MalformedReply('the joined read %s got a single reply instead of one per command' % '+'.join(names), host, port)
    replies = {}
    failures = {}
    for name in names:
        part = raw.get(name)
        if isinstance(part, list) and len(part) == 1 and isinstance(part[0], dict):
            part = part[0]
        try:
            if not isinstance(part, dict):
                raise MalformedReply('the joined reply has no usable %r part' % name, host, port)
            replies[name] = from_document(name, part, host, port)
        except WhatsminerError as err:
            failures[name] = err
    return replies, failures


def _joined_names(command):
    return command.split('+') if isinstance(command, str) else list(command)


def from_document(command, document, host, port, encrypted=False, truncated=False):
    """A decoded reply dict -> :class:`Reply`, raising the mapped ``ApiError`` on "E"."""
    status_field = document.get('STATUS')
    if isinstance(status_field, list):
        reply = _from_cgminer(command, document, status_field, host, port)
    elif isinstance(status_field, str):
        reply = _from_native(command, document)
    elif status_field is None and command == 'status':
        # The spec shows "status" answering a bare object; accept it as data.
        reply = Reply(command, 'S', msg=document, data=document)
    else:
        raise MalformedReply('the reply has no STATUS', host, port)
    reply.raw = document
    reply.encrypted = encrypted
    reply.truncated = truncated
    if reply.status != 'S':
        raise error_for(reply, host, port)
    return reply


def _from_cgminer(command, document, status_field, host, port):
    if not status_field or not isinstance(status_field[0], dict):
        raise MalformedReply('the reply has an empty STATUS list', host, port)
    head = status_field[0]
    data = []
    for key, value in document.items():
        if key not in ('STATUS', 'id') and isinstance(value, list):
            data = [record for record in value if isinstance(record, dict)]
            break
    return Reply(
        command, str(head.get('STATUS', '')), code=_int_or_none(head.get('Code')), when=_int_or_none(head.get('When')),
        msg=head.get('Msg'), description=head.get('Description'), data=data,
    )


def _from_native(command, document):
    msg = document.get('Msg')
    data = msg
    if command in RECORD_COMMANDS:
        data = _records(msg)
    elif command == 'get_psu' and isinstance(msg, dict) and 'vender' in msg:
        msg = dict(msg)
        vendor = msg.pop('vender')
        msg.setdefault('vendor', vendor)
        data = msg
    return Reply(
        command, document['STATUS'], code=_int_or_none(document.get('Code')), when=_int_or_none(document.get('When')),
        msg=msg, description=document.get('Description'), data=data,
    )


def _records(msg):
    """Newer firmware's native-shape summary/pools/edevs: Msg -> the cgminer list form."""
    if isinstance(msg, list):
        return [record for record in msg if isinstance(record, dict)]
    if not isinstance(msg, dict):
        return []
    lists = [value for value in msg.values() if isinstance(value, list)]
    if len(msg) == 1 and lists and all(isinstance(record, dict) for record in lists[0]):
        return list(lists[0])
    return [msg]


def _int_or_none(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip('-').isdigit():
        try:
            return int(value)
        except ValueError:
            return None
    return None


# --- errors ------------------------------------------------------------------

MAX_MESSAGE = 200
"""Longest miner message quoted in an error (v3 has the same limit, ``v3replies.MAX_MESSAGE``)."""
CUT_MARK = '...'


def cut_text(text, limit=MAX_MESSAGE):
    """``text`` at most ``limit`` characters long, ending with :data:`CUT_MARK` when it was cut.

    Callers pass text that is already scrubbed (the whole document is, in
    :func:`parse_reply`, before any message is built): a secret was replaced as a whole,
    so cutting afterwards can shorten the mask but never leave a prefix of a secret.
    """
    if len(text) <= limit:
        return text
    return text[:limit - len(CUT_MARK)] + CUT_MARK


def _msg_text(msg):
    """The miner's message as quoted in an error: text as sent, anything else as its repr, cut to length.

    A miner chooses its message: uncut, a 4 MiB Msg would become a 4 MiB exception.
    """
    if msg is None:
        return ''
    if isinstance(msg, str):
        return cut_text(msg)
    return cut_text(repr(msg)[:MAX_MESSAGE + 1])


def _write_refusal(meaning, said, host, port, code, text):
    """"can't access write cmd": API write access is off, unless the miner adds that writes need API v3.

    The reduced v2 of v3 firmware refuses every write with the same words and says why
    ("... use API v3"): there, enabling write access would change nothing, the other API
    would. Without that hint the refusal is the switch in WhatsMinerTool.
    """
    if WRITES_NEED_V3.search(meaning):
        return WriteAccessDisabled(
            'the miner speaks API v3 and takes no writes on this API v2 port: use API v3 (api_version: v3, or auto '
            'to find it)' + said, host, port, code, text)
    return WriteAccessDisabled(
        'API write access is not enabled on the miner: enable it in WhatsMinerTool, and change the default '
        'password once, then retry' + said, host, port, code, text)


def error_for(reply, host, port):
    """The typed error for a failed reply, in an operator's words."""
    text = _msg_text(reply.msg)
    # the meaning is read from the whole message (a long one may name it past the cut)
    meaning = (reply.msg if isinstance(reply.msg, str) else text).lower()
    code = reply.code
    said = ' (the miner said: %s)' % text if text else ''
    if WRITE_ACCESS_OFF in meaning:
        return _write_refusal(meaning, said, host, port, code, text)
    if code == 14:
        return InvalidCommand('the miner does not know the command %r or rejected its data%s' % (reply.command, said),
                              host, port, code, text)
    if code == 23:
        return DecryptionFailed('the miner could not decrypt the request: the password is probably wrong' + said,
                                host, port, code, text)
    if code == 45:
        return PermissionDenied('the miner denied permission for %r%s' % (reply.command, said), host, port, code, text)
    if code == 132:
        if 'deprecat' in meaning:
            reason = 'the miner no longer supports %r (deprecated on this firmware)%s' % (reply.command, said)
        else:
            reason = 'the miner could not carry out %r%s' % (reply.command, said)
        return CommandFailed(reason, host, port, code, text)
    if code == 135:
        return TokenRejected('the miner rejected the token (expired or not valid for this client)' + said,
                             host, port, code, text)
    if code == 136:
        return TokenLimitReached(
            "the miner's token limit is reached (32 tokens per client IP, 16 client IPs; tokens live 30 minutes): "
            'wait for tokens to expire or use fewer controllers' + said, host, port, code, text)
    if code == 137:
        return ApiError('the miner could not base64-decode the request' + said, host, port, code, text)
    return ApiError('the miner reported a failure for %r (code %s)%s' % (reply.command, code, said), host, port, code, text)
