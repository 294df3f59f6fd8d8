# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 signing and parameter encryption, as the vendor's reference defines them.

One SHA-256 digest per request, over the command name, the account's password, the
miner's salt and the Unix time, all concatenated: its standard base64 cut to 8
characters is the token, and the raw 32 bytes are the AES-256 key for the two
parameters v3 encrypts (pools and password change), ECB with PKCS#7, base64. The
digest is a secret as much as the password is: it never leaves this module but as the
token and the ciphertext. Pinned by the test vectors of the v3 notes (section 7).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto

TOKEN_LENGTH = 8
BLOCK = 16


def digest(command: str, password: str, salt: str, ts: int) -> bytes:
    """The 32-byte SHA-256 of command + password + salt + str(ts)."""
    if isinstance(ts, bool) or not isinstance(ts, int):
        raise TypeError('ts must be a whole number of Unix seconds')
    text = command + password + salt + str(ts)
    return hashlib.sha256(text.encode('utf-8')).digest()


def token_of(key: bytes) -> str:
    """The first 8 characters of the digest's standard base64 (may hold ``+`` and ``/``)."""
    return base64.b64encode(key).decode('ascii')[:TOKEN_LENGTH]


def pkcs7(data: bytes) -> bytes:
    pad = BLOCK - len(data) % BLOCK
    return data + bytes((pad,)) * pad


def compact_json(value) -> str:
    return json.dumps(value, separators=(',', ':'), ensure_ascii=True)


def _cipher(key):
    if crypto.AES is None:
        raise crypto.CryptoUnavailable('required Python library is missing on the controller: pycryptodome')
    return crypto.AES.new(key, crypto.AES.MODE_ECB)


def encrypt_param(value, key: bytes) -> str:
    """``value`` as compact JSON, AES-256-ECB with PKCS#7 under ``key``, standard base64."""
    return base64.b64encode(_cipher(key).encrypt(pkcs7(compact_json(value).encode('ascii')))).decode('ascii')


def decrypt_param(text: str, key: bytes):
    """The inverse of :func:`encrypt_param` (strict PKCS#7); ``ValueError`` for anything else."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError('not base64') from None
    if not raw or len(raw) % BLOCK:
        raise ValueError('not a whole number of AES blocks')
    plain = _cipher(key).decrypt(raw)
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes((pad,)) * pad:
        raise ValueError('bad padding')
    try:
        return json.loads(plain[:-pad].decode('ascii'))
    except (UnicodeDecodeError, ValueError):
        raise ValueError('not JSON') from None
