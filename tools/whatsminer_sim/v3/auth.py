# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The miner's side of v3 signing: the expected token for a request, and the decryption of its param."""

from __future__ import annotations

import base64
import hashlib
import json

from Crypto.Cipher import AES

ACCOUNTS = ('super', 'user1', 'user2', 'user3')


def salt_for(address):
    """A stable 8-character salt per miner (real miners keep theirs; whether it ever changes is unknown)."""
    alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
    digest = hashlib.sha256(('salt:' + address).encode('ascii')).digest()
    return ''.join(alphabet[byte % len(alphabet)] for byte in digest[:8])


def request_key(command, password, salt, ts):
    return hashlib.sha256((str(command) + password + salt + str(ts)).encode('utf-8')).digest()


def expected_token(key):
    return base64.b64encode(key).decode('ascii')[:8]


def decrypt_param(text, key):
    """The JSON value inside an encrypted param; ValueError when it is not one (wrong key, bad padding).

    Also takes the two variants some clients send (notes 6.2/6.3): zero padding, and the
    JSON encoded twice.
    """
    if not isinstance(text, str):
        raise ValueError('not a string')
    raw = base64.b64decode(text, validate=True)
    if not raw or len(raw) % 16:
        raise ValueError('not whole AES blocks')
    plain = AES.new(key, AES.MODE_ECB).decrypt(raw)
    pad = plain[-1]
    if 1 <= pad <= 16 and plain.endswith(bytes((pad,)) * pad):
        plain = plain[:-pad]
    else:
        plain = plain.rstrip(b'\x00')
    value = json.loads(plain.decode('utf-8'))
    if isinstance(value, str):
        value = json.loads(value)
    return value
