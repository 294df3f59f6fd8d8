# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Key, sign and AES envelope against protocol-notes' vectors and against openssl itself."""

from __future__ import annotations

import random
import shutil
import string
import subprocess

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import MalformedReply
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import Token, TokenCache, derive_token

SALT_CHARS = string.ascii_letters + string.digits + './'


def test_vectors_from_protocol_notes():
    key = crypto.derive_key('admin', 'BQ5hoXV9')
    assert key == 'RxmaDUO33TS7O26yeMHZ81'
    assert crypto.aes_key(key).hex() == '199e0a202039bb7b558db7a54697dca29cb278055b7e659a127fb844d5a2fbf6'
    assert crypto.derive_sign(key, '5039', 'P5NTAcEp') == 'W7vZynrBZBwIIjR5dvDJb0'
    # the spec says: only the last four characters of time count
    assert crypto.derive_sign(key, '1643185039', 'P5NTAcEp') == 'W7vZynrBZBwIIjR5dvDJb0'


@pytest.mark.skipif(shutil.which('openssl') is None, reason='openssl is not installed')
def test_key_matches_openssl_passwd_for_random_inputs():
    rng = random.Random(2026)
    for _round in range(8):
        salt = ''.join(rng.choice(SALT_CHARS) for _char in range(8))
        password = ''.join(rng.choice(string.ascii_letters + string.digits + '_') for _char in range(rng.randint(1, 8)))
        out = subprocess.run(['openssl', 'passwd', '-1', '-salt', salt, password],
                             check=True, capture_output=True, text=True).stdout.strip()
        assert out.split('$')[3] == crypto.derive_key(password, salt)


def test_envelope_round_trip_uses_nul_padding():
    aeskey = crypto.aes_key('RxmaDUO33TS7O26yeMHZ81')
    text = '{"cmd":"summary","token":"x"}'
    data = crypto.encrypt(aeskey, text)
    assert '\n' not in data
    assert crypto.decrypt(aeskey, data) == text.encode()
    from Crypto.Cipher import AES  # pylint: disable=import-outside-toplevel
    import base64  # pylint: disable=import-outside-toplevel
    raw = AES.new(aeskey, AES.MODE_ECB).decrypt(base64.b64decode(data))
    assert len(raw) % 16 == 0 and raw.endswith(b'\x00') and raw.rstrip(b'\x00') == text.encode()


def test_token_cache_expires_and_never_keys_by_password():
    now = [1000.0]
    cache = TokenCache(max_age=25 * 60, clock=lambda: now[0])
    fetched = []

    def fetch(at):
        fetched.append(at)
        return Token('sign', b'k' * 32, at)

    cache.get_or_fetch('127.0.1.9', 4028, 'Sup3rSecret', fetch)
    cache.get_or_fetch('127.0.1.9', 4028, 'Sup3rSecret', fetch)
    assert len(fetched) == 1
    now[0] += 25 * 60 - 1
    cache.get_or_fetch('127.0.1.9', 4028, 'Sup3rSecret', fetch)
    assert len(fetched) == 1
    now[0] += 2
    cache.get_or_fetch('127.0.1.9', 4028, 'Sup3rSecret', fetch)
    assert len(fetched) == 2
    assert all('Sup3rSecret' not in repr(key) for key in cache._tokens)  # pylint: disable=protected-access
    assert 'sign' not in repr(cache._tokens) and 'Sup3rSecret' not in repr(cache)  # pylint: disable=protected-access
    cache.drop_miner('127.0.1.9', 4028)
    assert len(cache) == 0


@pytest.mark.parametrize('msg, code', [
    ({'time': '5039', 'salt': 'bad salt!', 'newsalt': 'P5NTAcEp'}, 134),
    ({'time': '5039', 'salt': 'BQ5hoXV9'}, 134),
    ('no token', 134),
    ({'time': '5039', 'salt': 'BQ5hoXV9', 'newsalt': 'P5NTAcEp'}, 131),
])
def test_unusable_get_token_replies(msg, code):
    reply = Reply('get_token', 'S', code=code, msg=msg)
    with pytest.raises(MalformedReply, match='127.0.1.25:4028: the get_token reply'):
        derive_token(reply, 'admin', '127.0.1.25', 4028, 0.0)


def test_token_from_the_vector_reply():
    reply = Reply('get_token', 'S', code=134, msg={'time': '1643185039', 'salt': 'BQ5hoXV9', 'newsalt': 'P5NTAcEp'})
    token = derive_token(reply, 'admin', '127.0.1.25', 4028, 7.0)
    assert token.sign == 'W7vZynrBZBwIIjR5dvDJb0' and token.fetched_at == 7.0
    assert token.aeskey.hex() == '199e0a202039bb7b558db7a54697dca29cb278055b7e659a127fb844d5a2fbf6'
    assert repr(token) == 'Token(<hidden>)'
