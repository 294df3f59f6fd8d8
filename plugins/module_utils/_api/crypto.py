# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token derivation and the AES envelope, exactly as real miners expect them.

The spec's prose ("md5(salt + password)") is wrong; its shell reference is right:
the key is the hash part of MD5-crypt (``openssl passwd -1``). Both ends of the
protocol (the client and the simulator) use these functions, so the simulator can
never agree with a client bug that a real miner would reject: the test vectors from
protocol-notes pin them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import traceback

try:
    from Crypto.Cipher import AES
except ImportError:  # pragma: no cover - reported by callers through missing_required_lib
    AES = None
    PYCRYPTODOME_IMPORT_ERROR = traceback.format_exc()
else:
    PYCRYPTODOME_IMPORT_ERROR = None

try:
    from passlib.hash import md5_crypt
except ImportError:  # pragma: no cover
    md5_crypt = None
    PASSLIB_IMPORT_ERROR = traceback.format_exc()
else:
    PASSLIB_IMPORT_ERROR = None


class CryptoUnavailable(RuntimeError):
    """A required crypto library is not installed on the controller."""


def missing_libraries():
    """Names of the Python distributions that must be installed, empty when all are."""
    missing = []
    if AES is None:
        missing.append('pycryptodome')
    if md5_crypt is None:
        missing.append('libpass')
    return missing


def _require():
    missing = missing_libraries()
    if missing:
        raise CryptoUnavailable('required Python libraries are missing on the controller: %s' % ', '.join(missing))


def md5_crypt_hash(secret, salt):
    """The hash part (after the third ``$``) of ``openssl passwd -1 -salt SALT SECRET``."""
    _require()
    full = md5_crypt.using(salt=salt).hash(secret)
    return full.split('$', 3)[3]


def derive_key(password, salt):
    """key = MD5-crypt(password, salt), hash part only."""
    return md5_crypt_hash(password, salt)


def derive_sign(key, time, newsalt):
    """sign = MD5-crypt(key + last four characters of time, newsalt), hash part only."""
    return md5_crypt_hash(key + str(time)[-4:], newsalt)


def aes_key(key):
    """The 32 raw bytes of SHA-256 of the key: the AES-256 key."""
    return hashlib.sha256(key.encode('utf-8')).digest()


def _pad(data):
    remainder = len(data) % 16
    if remainder:
        data += b'\x00' * (16 - remainder)
    return data


def encrypt(aeskey, plaintext):
    """AES-256-ECB of NUL-padded bytes, as standard base64 text without newlines."""
    _require()
    if isinstance(plaintext, str):
        plaintext = plaintext.encode('utf-8')
    cipher = AES.new(aeskey, AES.MODE_ECB)
    return base64.b64encode(cipher.encrypt(_pad(plaintext))).decode('ascii')


def decrypt(aeskey, data):
    """Inverse of :func:`encrypt`: returns the plaintext with NUL (or PKCS#7) padding removed.

    Raises ``ValueError`` for text that is not base64 or not a whole number of blocks;
    callers turn that into the library's own error with the host named.
    """
    _require()
    if isinstance(data, str):
        data = data.encode('ascii', 'replace')
    try:
        raw = base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError('not base64: %s' % exc)
    if not raw or len(raw) % 16:
        raise ValueError('ciphertext length %d is not a positive multiple of 16' % len(raw))
    plain = AES.new(aeskey, AES.MODE_ECB).decrypt(raw)
    plain = plain.rstrip(b'\x00')
    if plain:
        pad = plain[-1]
        if 1 <= pad <= 16 and plain.endswith(bytes([pad]) * pad):
            plain = plain[:-pad]
    return plain
