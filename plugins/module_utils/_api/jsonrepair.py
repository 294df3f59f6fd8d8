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
"""

from __future__ import annotations

import json

MAX_DEPTH = 64

_WHITESPACE = ' \t\r\n\x00'
_BARE_WORDS = {
    'true': True, 'false': False, 'null': None,
    'inf': None, '-inf': None, '+inf': None, 'infinity': None, '-infinity': None, '+infinity': None,
    'nan': None, '-nan': None, '+nan': None,
}
_WORD_CHARS = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._')
_ESCAPES = {'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}


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


def loads(payload):
    """Decode ``payload`` (bytes or str), repairing known defects.

    Raises :class:`Truncated` (carrying what could be salvaged) when the reply was cut
    off, :class:`JsonRepairError` for anything else that is not JSON.
    """
    text = decode_text(payload).strip(_WHITESPACE)
    if not text:
        raise JsonRepairError('the reply is empty')
    try:
        return json.loads(text, strict=False, parse_constant=_not_finite)
    except (ValueError, RecursionError):
        pass
    return _TolerantParser(text).parse_document()


def find_json_end(buffer):
    """Index just past the first complete top-level JSON object in ``buffer`` (bytes), or None.

    A string-aware brace scan: braces inside strings do not count. Used to separate a JSON
    header from binary data glued after it. Raises :class:`JsonRepairError` when the buffer
    does not start (after whitespace/NUL) with ``{``.
    """
    depth = 0
    in_string = False
    escaped = False
    started = False
    for index, byte in enumerate(bytes(buffer)):
        if not started:
            if byte in b' \t\r\n\x00':
                continue
            if byte != 0x7b:
                raise JsonRepairError('the reply does not start with a JSON object')
            started = True
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5c:
                escaped = True
            elif byte == 0x22:
                in_string = False
            continue
        if byte == 0x22:
            in_string = True
        elif byte == 0x7b or byte == 0x5b:
            depth += 1
        elif byte == 0x7d or byte == 0x5d:
            depth -= 1
            if depth == 0:
                return index + 1
    return None


class _TolerantParser:
    """Recursive-descent JSON parser that accepts the field's known defects."""

    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.length = len(text)

    # --- helpers -----------------------------------------------------------

    def _skip_ws(self):
        text, pos, length = self.text, self.pos, self.length
        while pos < length and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos

    def _peek(self):
        self._skip_ws()
        if self.pos >= self.length:
            return ''
        return self.text[self.pos]

    def _error(self, what):
        return JsonRepairError('%s at character %d' % (what, self.pos))

    # --- grammar -----------------------------------------------------------

    def parse_document(self):
        value = self._value(0, None)
        self._skip_ws()
        if self.pos < self.length:
            raise self._error('unexpected text after the JSON value')
        return value

    def _value(self, depth, holder):
        """Parse one value. ``holder`` is a one-item list that receives partial containers."""
        if depth > MAX_DEPTH:
            raise self._error('nesting deeper than %d levels' % MAX_DEPTH)
        char = self._peek()
        if char == '':
            raise Truncated('the reply ends where a value should be', None)
        if char == '{':
            return self._object(depth, holder)
        if char == '[':
            return self._array(depth, holder)
        if char == '"':
            return self._string()
        return self._word()

    def _object(self, depth, holder):
        self.pos += 1
        result = {}
        if holder is not None:
            holder.append(result)
        while True:
            char = self._peek()
            if char == '':
                raise Truncated('the reply is cut off inside an object', result)
            if char == '}':
                self.pos += 1
                return result
            if char == ',':  # trailing or doubled comma
                self.pos += 1
                continue
            if char != '"':
                raise self._error('expected a key')
            key = self._string()
            if self._peek() != ':':
                if self._peek() == '':
                    raise Truncated('the reply is cut off after a key', result)
                raise self._error('expected ":" after a key')
            self.pos += 1
            child = []
            try:
                value = self._value(depth + 1, child)
            except Truncated as exc:
                if child:
                    result[key] = child[0]
                raise Truncated(str(exc), result)
            result[key] = value
            char = self._peek()
            if char == ',':
                self.pos += 1
            elif char not in ('}', '"', ''):
                raise self._error('expected "," or "}"')
            # a '"' here is a missing comma before the next key: accepted

    def _array(self, depth, holder):
        self.pos += 1
        result = []
        if holder is not None:
            holder.append(result)
        while True:
            char = self._peek()
            if char == '':
                raise Truncated('the reply is cut off inside a list', result)
            if char == ']':
                self.pos += 1
                return result
            if char == ',':
                self.pos += 1
                continue
            child = []
            try:
                value = self._value(depth + 1, child)
            except Truncated as exc:
                raise Truncated(str(exc), result)
            if isinstance(value, str) and self._peek() == ':':
                # API 2.0.4: ["329":"2022-01-17 11:28:11"] means [{"329": "..."}]
                self.pos += 1
                try:
                    pair_value = self._value(depth + 1, [])
                except Truncated as exc:
                    raise Truncated(str(exc), result)
                value = {value: pair_value}
            result.append(value)
            char = self._peek()
            if char == ',':
                self.pos += 1
            elif char == '':
                raise Truncated('the reply is cut off inside a list', result)
            elif char not in (']', '"', '{', '['):
                raise self._error('expected "," or "]"')

    def _string(self):
        text = self.text
        pos = self.pos + 1
        parts = []
        start = pos
        while True:
            end = text.find('"', pos)
            slash = text.find('\\', pos, end if end >= 0 else self.length)
            if end < 0 and slash < 0:
                self.pos = self.length
                raise Truncated('the reply is cut off inside a string', None)
            if slash >= 0:
                parts.append(text[start:slash])
                if slash + 1 >= self.length:
                    self.pos = self.length
                    raise Truncated('the reply is cut off inside a string', None)
                code = text[slash + 1]
                if code == 'u':
                    digits = text[slash + 2:slash + 6]
                    if len(digits) < 4:
                        self.pos = self.length
                        raise Truncated('the reply is cut off inside a string', None)
                    try:
                        parts.append(chr(int(digits, 16)))
                    except ValueError:
                        parts.append(digits)
                    pos = slash + 6
                else:
                    parts.append(_ESCAPES.get(code, code))
                    pos = slash + 2
                start = pos
                continue
            parts.append(text[start:end])
            self.pos = end + 1
            return ''.join(parts)

    def _word(self):
        text = self.text
        start = self.pos
        pos = start
        while pos < self.length and text[pos] in _WORD_CHARS:
            pos += 1
        word = text[start:pos]
        if not word:
            raise self._error('unexpected character %r' % text[start])
        self.pos = pos
        lowered = word.lower()
        if lowered in _BARE_WORDS:
            return _BARE_WORDS[lowered]
        try:
            if word.lstrip('+-').isdigit():
                return int(word)
            return float(word)
        except ValueError:
            if pos >= self.length:
                raise Truncated('the reply is cut off inside a value', None)
            raise self._error('%r is not a JSON value' % word[:20])
