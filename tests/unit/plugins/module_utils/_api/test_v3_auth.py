# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 signing and parameter encryption: every worked vector of the v3 notes, section 7."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3auth, v3frames

AES = pytest.importorskip('Crypto.Cipher.AES')

V1 = ('set.miner.pools', 'super', '5QAHiKMb', 1692685512)
V1_KEY = 'b7957365d05ec273e788a1034d1a4b0df51b295a3da79d14f46b2bf7b56e4ab3'
V1_POOLS = [{'pool': 'stratum+tcp://pool:3333', 'worker': 'worker', 'passwd': 'x'}]
V1_CIPHER = 'M7c6KBuUVIiP+BnrFxPBexRUr3Zw94Ng42eBDFq02W9o7MSxcGd0EcmSwVx72paF9s8xliqcLqi00gxEFa8AzpW/A3R+69wXNkHPuGtqhA4='
V1B_CIPHER = 'jbAT2on1f02Fj1gIAAS6DC9GmyJQI+5CdldDO7B+qe5gI5v11cV87dUphKDvCNBXtXhmluMfGVa8yy/g4B2szLUwgQwETvQHTd0A58ln8LA='
V1C_CIPHER = 'M7c6KBuUVIiP+BnrFxPBexRUr3Zw94Ng42eBDFq02W9o7MSxcGd0EcmSwVx72paF9s8xliqcLqi00gxEFa8AzppK+S3eVv7uFsT2v6SS/5k='
V1D_CIPHER = ('cZVu+Rp0ShHEp0ZBcCXKSQ8CcLG/iZh7ndE+G/U6uAnwPutgw8/XijVI5Mdtlk10smKHDqEy/gRVTOAQIixwV2rmA/Qq9/i1fPusNl'
              'M1tY3OIJnQm2HnFNb/SqUTZdE1')


def _raw_ecb(key, plain):
    return base64.b64encode(AES.new(key, AES.MODE_ECB).encrypt(plain)).decode('ascii')


def test_v1_token_key_and_base64():
    key = v3auth.digest(*V1)
    assert key.hex() == V1_KEY
    assert base64.b64encode(key).decode() == 't5VzZdBewnPniKEDTRpLDfUbKVo9p50U9Gsr97VuSrM='
    assert v3auth.token_of(key) == 't5VzZdBe'


def test_v1_pools_ciphertext_is_compact_json_with_pkcs7():
    key = v3auth.digest(*V1)
    assert v3auth.compact_json(V1_POOLS) == '[{"pool":"stratum+tcp://pool:3333","worker":"worker","passwd":"x"}]'
    assert len(v3auth.pkcs7(v3auth.compact_json(V1_POOLS).encode())) == 80
    assert v3auth.encrypt_param(V1_POOLS, key) == V1_CIPHER
    assert v3auth.decrypt_param(V1_CIPHER, key) == V1_POOLS


def test_v1b_default_separators_are_another_ciphertext():
    key = v3auth.digest(*V1)
    spaced = v3auth.pkcs7(json.dumps(V1_POOLS).encode())
    assert _raw_ecb(key, spaced) == V1B_CIPHER          # the vector is what the notes say it is
    assert v3auth.encrypt_param(V1_POOLS, key) != V1B_CIPHER


def test_v1c_zero_padding_is_not_what_we_send():
    key = v3auth.digest(*V1)
    plain = v3auth.compact_json(V1_POOLS).encode()
    zero = plain + b'\x00' * (16 - len(plain) % 16)
    assert _raw_ecb(key, zero) == V1C_CIPHER
    ours = v3auth.encrypt_param(V1_POOLS, key)
    assert ours != V1C_CIPHER
    assert base64.b64decode(ours)[:64] == base64.b64decode(V1C_CIPHER)[:64]     # only the last block differs
    with pytest.raises(ValueError):
        v3auth.decrypt_param(V1C_CIPHER, key)                                     # strict PKCS#7


def test_v1d_double_encoding_is_not_what_we_send():
    key = v3auth.digest(*V1)
    assert v3auth.encrypt_param(json.dumps(V1_POOLS), key) == V1D_CIPHER          # a JSON string of the list
    assert v3auth.encrypt_param(V1_POOLS, key) != V1D_CIPHER


@pytest.mark.parametrize('command, password, salt, ts, token, key', [
    ('set.miner.pools', 'abcdefg', 'QbVy1Ou3', 1700000000, '8XdQZJdP',
     'f1775064974f5a81dc7463de110a096abbfa0b3f2e999864e282a01da36289fe'),                      # V2
    ('set.system.reboot', 'super', 'px5hoXa9', 1692685512, '6I/hdPyV',
     'e88fe174fc95c62e5341e111d5387a65f1561be6678f28d377234819c1517b48'),                      # V3
    ('set.miner.power_mode', 'super', 'uhCiDyVj', 1773869570, '++F+VeAA',
     'fbe17e55e00095a91e983495424f0d8817961d38f7f202f2ed6fe80c53a58209'),                      # V4
    ('set.user.change_passwd', 'super', '5QAHiKMb', 1692685512, 'C0ALb+1a',
     '0b400b6fed5a267f359e745fa56ee9adbf1f5f2e82b66acbf4d3534c7127c6d1'),                      # V5
    ('set.system.update_firmware', 'super', '5QAHiKMb', 1692685512, 'Zh/CPxfB', None),          # V6
    ('set.miner.service', 'super', '5QAHiKMb', 1692685512, 'Yv6N+zUq', None),                   # V6
])
def test_token_vectors(command, password, salt, ts, token, key):
    digest = v3auth.digest(command, password, salt, ts)
    assert v3auth.token_of(digest) == token
    if key:
        assert digest.hex() == key


def test_v3_reboot_request_as_on_the_wire():
    token = v3auth.token_of(v3auth.digest('set.system.reboot', 'super', 'px5hoXa9', 1692685512))
    request = {'cmd': 'set.system.reboot', 'ts': 1692685512, 'token': token, 'account': 'super'}
    assert v3frames.encode_frame(request)[4:] == \
        b'{"cmd":"set.system.reboot","ts":1692685512,"token":"6I/hdPyV","account":"super"}'


def test_v5_password_change_ciphertext():
    key = v3auth.digest('set.user.change_passwd', 'super', '5QAHiKMb', 1692685512)
    param = {'account': 'super', 'new': 'Newpass1', 'old': 'super'}
    cipher = 'BO46uvuQf4DwyT2fC8Q9nAOXsCYBqKIkss+CITydPbiZxngBNNuKYu3o3Bukw/Icwep8Bjh7GyGnHWnNBJiD4Q=='
    assert v3auth.encrypt_param(param, key) == cipher
    assert v3auth.decrypt_param(cipher, key) == param


def test_frame_vector():
    data = v3frames.encode_frame({'cmd': 'get.device.info', 'param': 'salt'})
    assert data.hex() == '28000000' + b'{"cmd":"get.device.info","param":"salt"}'.hex()
    assert data[4:6].hex() == '7b22' and data[-2:].hex() == '227d' and len(data) == 44


def test_the_length_counts_bytes_and_the_body_is_ascii():
    data = v3frames.encode_frame({'cmd': 'set.system.hostname', 'param': {'hostname': 'caf\u00e9\u2603'}})
    body = data[4:]
    assert int.from_bytes(data[:4], 'little') == len(body)
    assert body.decode('ascii').endswith('"caf\\u00e9\\u2603"}}')


def test_ts_must_be_whole_seconds():
    for ts in (1692685512.5, '1692685512', True):
        with pytest.raises(TypeError):
            v3auth.digest('set.system.reboot', 'super', 'px5hoXa9', ts)


@pytest.mark.parametrize('text', ['', 'not base64!', base64.b64encode(b'short').decode(),
                                  base64.b64encode(b'\x00' * 16).decode()])
def test_decrypt_refuses_what_is_not_ours(text):
    with pytest.raises(ValueError):
        v3auth.decrypt_param(text, bytes(32))
