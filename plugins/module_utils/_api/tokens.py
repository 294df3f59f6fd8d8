# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tokens for privileged requests, derived once and reused.

A miner keeps at most 32 tokens per client IP (and 16 IPs) for 30 minutes, then answers
Code 136 to every ``get_token``. Fetching one per command exhausts that in one play, so a
process-wide cache keeps one token per (host, port, password) while it is younger than
25 minutes. The cache key holds a SHA-256 of the password, never the password itself.

This cache lives in one process; Ansible runs every task in its own fork, so clients use the
on-disk store of ``tokenstore.py`` (with one of these in front) unless it is switched off.
``Token.fetched_at`` is on the clock of the cache that fetched it (monotonic here, wall clock
in the shared store).
"""

from __future__ import annotations

import hashlib
import threading
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import InvalidParameter, MalformedReply

TOKEN_MAX_AGE = 25 * 60
GET_TOKEN_CODE = 134
#: codes a get_token answer may carry: the protocol notes say 134, the vendor spec's own
#: example (section 4.7) shows 133; firmware of both kinds exists, and the code adds nothing
#: to what ``time``/``salt``/``newsalt`` already prove
GET_TOKEN_CODES = (133, GET_TOKEN_CODE)


class Token:
    """Everything derived from one ``get_token`` answer. Its repr holds no secret."""

    __slots__ = ('sign', 'aeskey', 'fetched_at')

    def __init__(self, sign, aeskey, fetched_at):
        self.sign = sign
        self.aeskey = aeskey
        self.fetched_at = fetched_at

    def __repr__(self):
        return 'Token(<hidden>)'


def password_digest(password):
    return hashlib.sha256(password.encode('utf-8')).hexdigest()


def derive_token(reply, password, host, port, now):
    """``get_token`` reply (Code 134 or 133, Msg {time, salt, newsalt}) + password -> :class:`Token`.

    Both codes are accepted (see :data:`GET_TOKEN_CODES`); any other code is refused, and
    so is a reply without usable ``time``, ``salt`` and ``newsalt``.
    """
    msg = reply.msg
    if not isinstance(msg, dict) or not all(isinstance(msg.get(field), str) and msg.get(field) for field in ('time', 'salt', 'newsalt')):
        raise MalformedReply('the get_token reply lacks time, salt or newsalt', host, port)
    if reply.code is not None and reply.code not in GET_TOKEN_CODES:
        raise MalformedReply('the get_token reply has code %s instead of %s' % (
            reply.code, ' or '.join(str(code) for code in GET_TOKEN_CODES)), host, port)
    if '\x00' in password:
        raise InvalidParameter('the password contains a NUL character, which no miner accepts', host, port)
    try:
        key = crypto.derive_key(password, msg['salt'])
        sign = crypto.derive_sign(key, msg['time'][-4:], msg['newsalt'])
    except (ValueError, TypeError):
        raise MalformedReply('the get_token reply has a salt that cannot be used', host, port) from None
    return Token(sign, crypto.aes_key(key), now)


class TokenCache:
    """Thread-safe (host, port, SHA-256(password)) -> Token, expiring after ``max_age`` seconds."""

    def __init__(self, max_age=TOKEN_MAX_AGE, clock=time.monotonic):
        self.max_age = max_age
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens = {}
        self._fetch_locks = {}

    def __repr__(self):
        return 'TokenCache(%d tokens)' % len(self._tokens)

    @staticmethod
    def key(host, port, password):
        return (host, port, password_digest(password))

    def get(self, host, port, password):
        """The cached token, or None when there is none or it is too old."""
        key = self.key(host, port, password)
        with self._lock:
            token = self._tokens.get(key)
            if token is not None and self.clock() - token.fetched_at >= self.max_age:
                del self._tokens[key]
                token = None
            return token

    def get_or_fetch(self, host, port, password, fetch):
        """The cached token, else ``fetch(now)``'s result, fetched once even when threads race."""
        key = self.key(host, port, password)
        with self._lock:
            fetch_lock = self._fetch_locks.setdefault(key, threading.Lock())
        with fetch_lock:
            token = self.get(host, port, password)
            if token is None:
                token = fetch(self.clock())
                with self._lock:
                    self._tokens[key] = token
            return token

    def drop(self, host, port, password):
        with self._lock:
            self._tokens.pop(self.key(host, port, password), None)

    def drop_miner(self, host, port):
        """Forget every token for one miner (after its password changed)."""
        with self._lock:
            for key in [key for key in self._tokens if key[:2] == (host, port)]:
                del self._tokens[key]

    def clear(self):
        with self._lock:
            self._tokens.clear()

    def __len__(self):
        with self._lock:
            return len(self._tokens)


DEFAULT_CACHE = TokenCache()
