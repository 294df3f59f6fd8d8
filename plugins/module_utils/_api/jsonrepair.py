# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bytes from a miner -> a Python value, repairing the malformed JSON real firmware sends.

Well-formed replies take the fast path (the standard ``json`` module). Anything else goes
through a small tolerant parser that knows the field's defects: trailing NUL bytes,
trailing commas, raw control characters inside strings, a missing comma between a value
and the next key, bare ``inf``/``nan``, API 2.0.4's ``["329":"2022-..."]`` pairs inside a
list, and a reply cut off in the middle. Everything else is rejected with
:class:`JsonRepairError`, which callers turn into ``MalformedReply`` naming the miner.

Cost is bounded for any input, because a hostile or broken miner chooses the bytes:

* Time is linear in the size of the reply. The tolerant parser never goes back: one
  regular expression (possessive, so it cannot backtrack) cuts the text into tokens in
  C, whole strings included, and one left-to-right pass over the tokens with an explicit
  stack builds the value; a string is decoded in one call (json's own ``scanstring``,
  or a constant number of passes when it holds escapes JSON does not define). A reply
  that needs repair and has more than :data:`MAX_REPAIR_TOKENS` tokens is refused.
* Depth is bounded by :data:`MAX_DEPTH` on both paths, without recursion in this module:
  a reply nested deeper is refused with :class:`JsonRepairError` ("nesting deeper than
  64 levels"), never with ``RecursionError`` (which ``json`` itself raises from about a
  thousand levels, and which code walking a deep result would hit later).
* Nothing but :class:`JsonRepairError` (and its subclass :class:`Truncated`) leaves
  :func:`loads`, whatever the bytes.
* :func:`find_json_end` is linear too; :class:`JsonEndScanner` resumes where it stopped
  when the buffer it scans grows by a read (``transport.read_json_object``).
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import accumulate, islice
from json.decoder import scanstring

MAX_DEPTH = 64
"""Deepest nesting accepted: a value inside more than this many containers is refused."""

MAX_REPAIR_TOKENS = 1 << 20
"""Most tokens the tolerant parser takes on. A well-formed reply of any size takes the fast
path; one that needs repair and has more tokens than this (about 4 MiB of ordinary JSON,
the transport's cap; 1 MiB of the densest input) is refused, which bounds the cost of the
worst input at well under a second."""

_WHITESPACE = ' \t\r\n\x00'
_BARE_WORDS = {
    'true': True, 'false': False, 'null': None,
    'inf': None, '-inf': None, '+inf': None, 'infinity': None, '-infinity': None, '+infinity': None,
    'nan': None, '-nan': None, '+nan': None,
}
_WORD_CHARS = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._')
_ESCAPES = {'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

# Possessive quantifiers (Python 3.11+) never backtrack, so every pattern is linear.
#
# One token per match, whitespace skipped: a whole string (complete, or cut off: only
# possible at the very end, as it then takes the rest), a bare word or number, or any
# other single character.
_TOKEN_RE = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|"(?s:.)*+|[A-Za-z0-9+\-._]++|[^ \t\r\n\x00]', re.DOTALL)
_STRING_CONTENT_RE = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+', re.DOTALL)
_ESCAPE_SPLIT_RE = re.compile(r'\\(.)', re.DOTALL)
_HEX4_RE = re.compile(r'[0-9a-fA-F]{4}')
_MATCH_TEXT = re.Match.group

_B_NOT_WHITESPACE_RE = re.compile(rb'[^ \t\r\n\x00]')
# A run of empty pairs ("[]{}[]", depth unchanged), a run of openings, a run of closings, a quote.
_B_STRUCTURE_RE = re.compile(rb'(?:[{\[][}\]])++|[{\[]++|[}\]]++|"')
_B_STRING_RE = re.compile(rb'[^"\\]*+(?:\\.[^"\\]*+)*+', re.DOTALL)


class JsonRepairError(ValueError):
    """The text is not JSON and not one of the known repairable defects."""


class Truncated(JsonRepairError):
    """The text ended inside a value. ``salvaged`` holds the complete entries before the cut."""

    def __init__(self, message, salvaged):
        super().__init__(message)
        self.salvaged = salvaged


def _not_finite(_constant):
    return None


def decode_text(payload):
    """Bytes -> str that can always be parsed further (bad UTF-8 becomes U+FFFD)."""
    if isinstance(payload, str):
        return payload
    return bytes(payload).decode('utf-8', 'replace')


def loads(payload, max_depth=MAX_DEPTH, max_tokens=MAX_REPAIR_TOKENS):
    """Decode ``payload`` (bytes or str), repairing known defects.

    Raises :class:`Truncated` (carrying what could be salvaged) when the reply was cut
    off, :class:`JsonRepairError` for anything else that is not JSON, including a reply
    nested deeper than ``max_depth`` containers (well-formed or not) and one that needs
    repair but has more than ``max_tokens`` tokens.
    """
    text = decode_text(payload).strip(_WHITESPACE)
    if not text:
        raise JsonRepairError('the reply is empty')
    # Well-formed but too deep: the tolerant parser refuses it with the position. The
    # depth is decided on the text, before json builds anything (see _deeper_than).
    if not _deeper_than(text, max_depth):
        try:
            return json.loads(text, strict=False, parse_constant=_not_finite)
        except (ValueError, RecursionError):
            # ValueError includes JSONDecodeError and int()'s digit limit; RecursionError is
            # json's C scanner at about a thousand levels. Both go to the bounded parser.
            pass
    return _TolerantParser(text, max_depth, max_tokens).parse_document()


# Strings of well-formed JSON, whole (the tokenizer's first alternative); applied from the
# start of the text they stay aligned with the real strings, as no quote or backslash
# occurs outside one.
_D_STRING_RE = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
# Once strings are "0": every scalar character becomes "w", braces become brackets, ":"
# stays (it marks a key) and everything else (whitespace, commas, any other byte) goes.
_D_SCALAR_BYTES = b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-.'
_D_TABLE = bytes.maketrans(b'{}' + _D_SCALAR_BYTES, b'[]' + b'w' * len(_D_SCALAR_BYTES))
_D_DELETE = bytes(byte for byte in range(256) if byte not in _D_SCALAR_BYTES + b'[]{}:')
_D_RUN_RE = re.compile(rb'w++')
_D_STEPS = bytes.maketrans(b'[]', b'\x01\xff')  # depth steps, read as signed bytes
_D_SHALLOW_PASSES = 2


def _deeper_than(text, max_depth):
    """True when well-formed JSON ``text`` holds a value inside more than ``max_depth`` containers.

    Decided on the text, in C, without building or walking the value: a walk in Python
    cost seconds on a 4 MiB reply of many small containers, after json had built them
    all. Only the answer for well-formed JSON matters: json.loads parses the text when
    this says False, and the tolerant parser (with its own depth check and error) takes
    over when json refuses the text or this says True.

    The text becomes brackets only: each string the scalar ``0``; each key (a scalar just
    before ``:``) dropped; each run of scalars ``[]`` (a value inside as many containers
    as an empty container in its place, and the scalars of one run share one container);
    the rest dropped. A value then sits inside d containers exactly when the brackets
    standing for it reach depth d + 1, so the text is too deep when they reach
    max_depth + 2. ``replace(b'[]', b'')`` drops exactly the innermost level; two such
    passes shrink most texts to little before the depth is summed (signed steps, in C).
    """
    if text.count('[') + text.count('{') <= max_depth:
        return False  # not enough brackets in the whole text to nest that deep
    shape = _D_STRING_RE.sub('0', text).encode('utf-8', 'ignore').translate(_D_TABLE, _D_DELETE)
    shape = _D_RUN_RE.sub(b'w', shape.replace(b'w:', b'')).replace(b'w', b'[]')
    removed = 0
    while removed < _D_SHALLOW_PASSES and shape:
        shape = shape.replace(b'[]', b'')
        removed += 1
    # emptied by the last pass: exactly ``removed`` levels deep
    depth = removed + (max(accumulate(array('b', shape.translate(_D_STEPS)))) if shape else 0)
    return depth >= max_depth + 2


# --- finding the end of a JSON header -----------------------------------------

class JsonEndScanner:
    """Incremental :func:`find_json_end`: feed it a growing buffer, each byte is scanned once.

    ``scan(buffer)`` takes the whole buffer received so far (each call's buffer must
    extend the previous one) and returns the index just past the first complete top-level
    JSON object, or None while it is incomplete.
    """

    __slots__ = ('pos', 'depth', 'started', 'in_string', 'end')

    def __init__(self):
        self.pos = 0          # next byte to look at
        self.depth = 0        # open braces and brackets
        self.started = False  # the opening '{' has been seen
        self.in_string = False
        self.end = None

    def copy(self):
        other = JsonEndScanner()
        other.pos, other.depth, other.started = self.pos, self.depth, self.started
        other.in_string, other.end = self.in_string, self.end
        return other

    def scan(self, buffer):
        """Index just past the object in ``buffer`` (bytes), or None; see :func:`find_json_end`."""
        if self.end is not None:
            return self.end
        data = buffer if isinstance(buffer, bytes) else bytes(buffer)
        length = len(data)
        pos, depth = self.pos, self.depth
        try:
            if not self.started:
                first = _B_NOT_WHITESPACE_RE.search(data, pos)
                if first is None:
                    pos = length
                    return None
                pos = first.start()
                if data[pos] != 0x7b:
                    raise JsonRepairError('the reply does not start with a JSON object')
                self.started = True
                pos += 1
                depth = 1
            while True:
                if self.in_string:
                    # Stops before the closing quote, or at the end (or a lone trailing
                    # backslash, whose escape is still to come): resume from there.
                    pos = _B_STRING_RE.match(data, pos).end()
                    if pos >= length or data[pos] != 0x22:
                        return None
                    pos += 1
                    self.in_string = False
                found = _B_STRUCTURE_RE.search(data, pos)
                if found is None:
                    pos = length
                    return None
                start, pos = found.span()
                first = data[start]
                if first == 0x22:
                    self.in_string = True
                elif first == 0x7b or first == 0x5b:
                    last = data[pos - 1]
                    if last == 0x7b or last == 0x5b:
                        depth += pos - start
                    # else: empty pairs, which never take the depth (>= 1 here) to 0
                elif pos - start >= depth:
                    self.end = start + depth
                    pos = self.end
                    depth = 0
                    return self.end
                else:
                    depth -= pos - start
        finally:
            self.pos, self.depth = pos, depth


def find_json_end(buffer):
    """Index just past the first complete top-level JSON object in ``buffer`` (bytes), or None.

    A string-aware brace scan: braces inside strings do not count. Used to separate a JSON
    header from binary data glued after it. Raises :class:`JsonRepairError` when the buffer
    does not start (after whitespace/NUL) with ``{``. Linear in the buffer; a reader that
    calls it again as the buffer grows should keep a :class:`JsonEndScanner` instead, which
    scans only the new bytes.
    """
    return JsonEndScanner().scan(buffer)


# --- the tolerant parser ------------------------------------------------------

def _decode_escapes(body):
    """String content with arbitrary escapes -> str, in a constant number of passes.

    JSON's escapes decode as JSON does; an unknown escape ``\\x`` gives ``x``; ``\\u``
    without four hex digits is dropped; UTF-16 surrogate pairs are joined.
    """
    parts = _ESCAPE_SPLIT_RE.split(body)
    codes = parts[1::2]
    decoded = list(map(_ESCAPES.get, codes, codes))
    surrogates = False
    index = -1
    while True:
        try:
            index = codes.index('u', index + 1)
        except ValueError:
            break
        follower = parts[2 * index + 2]
        if _HEX4_RE.match(follower):
            point = int(follower[:4], 16)
            surrogates = surrogates or 0xd800 <= point <= 0xdfff
            decoded[index] = chr(point)
            parts[2 * index + 2] = follower[4:]
        else:
            decoded[index] = ''
    parts[1::2] = decoded
    text = ''.join(parts)
    if surrogates:
        text = text.encode('utf-16-le', 'surrogatepass').decode('utf-16-le', 'surrogatepass')
    return text


class _TolerantParser:
    """Iterative JSON parser that accepts the field's known defects (see :func:`loads`).

    The text is cut into tokens by one regular expression (in C), then read once, left to
    right, with an explicit stack of open containers (``containers``) and, beside each,
    the key being filled in an object or the pending ``"329":`` key of a pair in a list
    (``keys``). Positions for error messages are worked out only when there is an error.
    """

    def __init__(self, text, max_depth=MAX_DEPTH, max_tokens=MAX_REPAIR_TOKENS):
        self.text = text
        self.max_depth = max_depth
        if len(text) <= max_tokens:  # cannot hold more tokens than characters
            self.tokens = _TOKEN_RE.findall(text)
        else:  # stop cutting one token past the limit
            self.tokens = list(map(_MATCH_TEXT, islice(_TOKEN_RE.finditer(text), max_tokens + 1)))
        if len(self.tokens) > max_tokens:
            raise JsonRepairError('the reply is too large to repair (more than %d tokens)' % max_tokens)
        self.containers = []
        self.keys = []

    # --- errors --------------------------------------------------------------

    def _position(self, index, end=False):
        """Character offset where token ``index`` starts (or ends)."""
        if index < len(self.tokens):
            for number, match in enumerate(_TOKEN_RE.finditer(self.text)):
                if number == index:
                    return match.end() if end else match.start()
        return len(self.text)

    def _error(self, what, index, end=False):
        return JsonRepairError('%s at character %d' % (what, self._position(index, end)))

    def _depth_error(self, index):
        """The value starting at token ``index`` is too deep (the position is where it was due)."""
        if index == 0:
            position = 0
        elif self.tokens[index - 1] == ':':
            position = self._position(index - 1, end=True)
        else:
            position = self._position(index)
        return JsonRepairError('nesting deeper than %d levels at character %d' % (self.max_depth, position))

    def _truncated(self, message, in_key=False):
        """The Truncated to raise at the end of the text, carrying the partial document.

        Each open object keeps the open container it was reading as its value; a list
        keeps only its complete entries. A key cut off in the outermost object salvages
        nothing.
        """
        containers, keys = self.containers, self.keys
        for level in range(len(containers) - 1, 0, -1):
            parent = containers[level - 1]
            if isinstance(parent, dict):
                parent[keys[level - 1]] = containers[level]
        if not containers or (in_key and len(containers) == 1):
            return Truncated(message, None)
        return Truncated(message, containers[0])

    # --- scalars -------------------------------------------------------------

    def _string(self, token, index, in_key=False):
        """The value of string token ``index``."""
        if index == len(self.tokens) - 1 and (
                len(token) < 2 or token[-1] != '"' or not _STRING_CONTENT_RE.fullmatch(token, 1, len(token) - 1)):
            raise self._truncated('the reply is cut off inside a string', in_key)
        if '\\' not in token:
            return token[1:-1]
        try:
            # JSON's own escapes, in C; its error cost is linear in this one token.
            return scanstring(token, 1, False)[0]
        except ValueError:
            return _decode_escapes(token[1:-1])

    def _word(self, word, index):
        """The value of token ``index`` where a value starts and it is not a string or container."""
        if word[0] not in _WORD_CHARS:
            raise self._error('unexpected character %r' % word[0], index)
        lowered = word.lower()
        if lowered in _BARE_WORDS:
            return _BARE_WORDS[lowered]
        try:
            if word.lstrip('+-').isdigit():
                return int(word)
            return float(word)
        except ValueError:  # includes int()'s limit on digits
            if index == len(self.tokens) - 1:
                raise self._truncated('the reply is cut off inside a value') from None
            raise self._error('%r is not a JSON value' % word[:20], index, end=True) from None

    # --- grammar -------------------------------------------------------------

    def parse_document(self):
        tokens = self.tokens
        count = len(tokens)
        containers, keys = self.containers, self.keys
        max_depth = self.max_depth
        index = 0
        value = None
        while True:
            # 1. A value starts at tokens[index]: read a scalar, or open a container.
            if len(containers) > max_depth:
                raise self._depth_error(index)
            if index >= count:
                raise self._truncated('the reply ends where a value should be')
            token = tokens[index]
            index += 1
            char = token[0]
            pending = True  # ``value`` is complete and is still to be put in its container
            if char == '{':
                containers.append({})
                keys.append(None)
                pending = False
            elif char == '[':
                containers.append([])
                keys.append(None)
                pending = False
            elif char == '"':
                value = token[1:-1] if index < count and '\\' not in token else self._string(token, index - 1)
            else:
                value = self._word(token, index - 1)

            # 2. Until the next value starts: put complete values in place, read the
            #    separators, close containers.
            while True:
                if not containers:
                    if index < count:
                        raise self._error('unexpected text after the JSON value', index)
                    return value
                container = containers[-1]
                if isinstance(container, dict):
                    if pending:
                        container[keys[-1]] = value
                        if index < count:
                            char = tokens[index][0]
                            if char == ',':
                                index += 1
                            elif char != '}' and char != '"':  # '"': a missing comma before the next key
                                raise self._error('expected "," or "}"', index)
                    while index < count and tokens[index] == ',':  # trailing or doubled comma
                        index += 1
                    if index >= count:
                        raise self._truncated('the reply is cut off inside an object')
                    token = tokens[index]
                    index += 1
                    if token == '}':
                        value = containers.pop()
                        keys.pop()
                        pending = True
                        continue
                    if token[0] != '"':
                        raise self._error('expected a key', index - 1)
                    if index < count and '\\' not in token:
                        key = token[1:-1]
                    else:
                        key = self._string(token, index - 1, in_key=True)
                    if index >= count:
                        raise self._truncated('the reply is cut off after a key')
                    if tokens[index] != ':':
                        raise self._error('expected ":" after a key', index)
                    index += 1
                    keys[-1] = key
                    break
                if pending:
                    if keys[-1] is not None:
                        value = {keys[-1]: value}
                        keys[-1] = None
                    elif isinstance(value, str) and index < count and tokens[index] == ':':
                        # API 2.0.4: ["329":"2022-01-17 11:28:11"] means [{"329": "..."}]
                        index += 1
                        keys[-1] = value
                        break
                    container.append(value)
                    if index >= count:
                        raise self._truncated('the reply is cut off inside a list')
                    char = tokens[index][0]
                    if char == ',':
                        index += 1
                    elif char not in ']"{[':  # '"', '{', '[': a missing comma
                        raise self._error('expected "," or "]"', index)
                while index < count and tokens[index] == ',':
                    index += 1
                if index >= count:
                    raise self._truncated('the reply is cut off inside a list')
                if tokens[index] == ']':
                    index += 1
                    value = containers.pop()
                    keys.pop()
                    pending = True
                    continue
                break
