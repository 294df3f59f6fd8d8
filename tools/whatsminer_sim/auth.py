# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tokens and keys as a miner keeps them: per client IP, limited, expiring.

A real miner allows 16 client IPs, 32 live tokens per IP, and a token lives 30
minutes; past that ``get_token`` answers Code 136. The sign a client must send is
computed when the token is issued, with the collection's own crypto module, so the
simulator and the client can never drift apart on how a sign is made.
"""

from __future__ import annotations

import hashlib
import random
import string

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto

MAX_CLIENT_IPS = 16
MAX_TOKENS_PER_IP = 32
TOKEN_LIFETIME = 30 * 60

_SALT_ALPHABET = string.ascii_letters + string.digits
_random = random.Random()


def salt_for(password):
    """The salt a miner reports for ``password``: fixed per password, changes with it."""
    digest = hashlib.sha256(b'whatsminer-sim-salt:' + password.encode('utf-8')).digest()
    return ''.join(_SALT_ALPHABET[byte % len(_SALT_ALPHABET)] for byte in digest[:8])


def new_salt():
    return ''.join(_random.choice(_SALT_ALPHABET) for _index in range(8))


class Keys:
    """key / aeskey for the current password, derived once per password (MD5-crypt is slow)."""

    __slots__ = ('password', 'salt', 'key', 'aeskey')

    def __init__(self, password):
        self.password = password
        self.salt = salt_for(password)
        self.key = crypto.derive_key(password, self.salt)
        self.aeskey = crypto.aes_key(self.key)


class TokenBook:
    """Live signs per client IP, each with the (sim clock) time it was issued."""

    def __init__(self):
        self._by_ip = {}

    def clear(self):
        self._by_ip.clear()

    def _prune(self, now):
        for ip in list(self._by_ip):
            live = [(sign, issued) for sign, issued in self._by_ip[ip] if now - issued < TOKEN_LIFETIME]
            if live:
                self._by_ip[ip] = live
            else:
                del self._by_ip[ip]

    def issue(self, client_ip, keys, now):
        """A new token for ``client_ip`` as (time, newsalt), or None when a limit is reached."""
        self._prune(now)
        tokens = self._by_ip.get(client_ip)
        if tokens is None:
            if len(self._by_ip) >= MAX_CLIENT_IPS:
                return None
            tokens = self._by_ip[client_ip] = []
        elif len(tokens) >= MAX_TOKENS_PER_IP:
            return None
        time_text = str(int(now))[-4:]
        newsalt = new_salt()
        tokens.append((crypto.derive_sign(keys.key, time_text, newsalt), now))
        return time_text, newsalt

    def valid(self, client_ip, sign, now):
        if not isinstance(sign, str) or not sign:
            return False
        for known, issued in self._by_ip.get(client_ip, ()):
            if known == sign and now - issued < TOKEN_LIFETIME:
                return True
        return False

    def signs(self):
        """Every sign issued and not yet pruned (tests look for them in output)."""
        return [sign for tokens in self._by_ip.values() for sign, _issued in tokens]

    def live_count(self, client_ip, now):
        return sum(1 for _sign, issued in self._by_ip.get(client_ip, ()) if now - issued < TOKEN_LIFETIME)
