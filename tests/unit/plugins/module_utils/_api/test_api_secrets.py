# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No message, repr or traceback ever holds the password, key, sign or AES key."""

from __future__ import annotations

import base64
import io
import socket
import traceback

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto, errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.fakeminer import SALT

PASSWORD = 'Zq9_Secr'
OTHER = 'Xk7_Wrng'


def secrets_of(password):
    key = crypto.derive_key(password, SALT)
    aeskey = crypto.aes_key(key)
    return [password, key, aeskey.hex(), base64.b64encode(aeskey).decode(), repr(aeskey)[2:-1]]


def assert_clean(text, signs=()):
    for secret in secrets_of(PASSWORD) + secrets_of(OTHER) + list(signs):
        assert secret not in text


def render(exc):
    return '\n'.join([str(exc), repr(exc), ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))])


def test_every_error_path_is_clean(fake_miner, token_cache):
    miner = fake_miner('127.0.1.80', password=PASSWORD)
    client = WhatsminerClient(miner.host, miner.port, password=PASSWORD, timeout=0.5, token_cache=token_cache)
    wrong = WhatsminerClient(miner.host, miner.port, password=OTHER, timeout=0.5, token_cache=token_cache)
    texts = [repr(client), repr(wrong), repr(token_cache), repr(client.protocol), repr(client.write('power_on'))]
    texts.extend(repr(token) for token in token_cache._tokens.values())  # pylint: disable=protected-access

    def capture(call):
        with pytest.raises(errors.WhatsminerError) as info:
            call()
        texts.append(render(info.value))

    capture(lambda: wrong.write('power_on'))                                  # 23
    miner.silent_on_bad_password = True
    capture(lambda: wrong.write('power_on'))                                  # no reply
    miner.reject_tokens = 5
    capture(lambda: client.write('power_on'))                                 # 135 twice
    miner.write_access = False
    capture(lambda: client.write('power_on'))                                 # write access off
    miner.write_access = True
    capture(lambda: client.update_password('bad pass'))                       # invalid new
    capture(lambda: client.write('update_pwd', old=PASSWORD, new=OTHER + 'x'))  # too long, old named nowhere
    capture(lambda: client.update_firmware(io.BytesIO(b'x' * 10)))            # not ready
    capture(lambda: client.download_logs(io.BytesIO()))                       # no logfilelen
    miner.token_limit = True
    token_cache.clear()
    capture(lambda: client.write('power_on'))                                 # 136
    probe = socket.socket()
    probe.bind(('127.0.1.80', 0))
    port = probe.getsockname()[1]
    probe.close()
    capture(lambda: WhatsminerClient('127.0.1.80', port, password=PASSWORD, timeout=0.5).write('power_on'))
    assert len(texts) >= 15
    assert_clean('\n'.join(texts), signs=miner.signs)


def test_password_type_error_is_clean():
    with pytest.raises(errors.InvalidParameter) as info:
        WhatsminerClient('127.0.1.81', password=12345678)
    assert '12345678' not in str(info.value) + repr(info.value)


# --- a miner that echoes what it was sent (issue: hostile and broken miners, case 5) ---------

POOL_SECRET = 'PoolPw_straddles_the_cut'


def echo_handler(status):
    """Answer with the decrypted request itself, padded so that a secret straddles 200 characters."""
    def handle(miner, conn, inner, _rest):
        sign = sorted(miner.signs)[-1]
        echoed = 'x' * 185 + ' you sent: %s token=%s' % (sorted(inner.items()), sign)
        if status == 'E':
            miner.send(conn, {'STATUS': 'E', 'Code': 132, 'Msg': echoed, 'Description': ''})
        else:
            miner.send(conn, {'STATUS': 'S', 'Code': 131, 'Msg': {'echo': echoed, 'token': sign}, 'Description': ''},
                       encrypted=True)
    return handle


@pytest.mark.parametrize('status', ['E', 'S'])
def test_an_echoed_request_never_shows_the_sign_or_the_passwords(fake_miner, token_cache, status):
    miner = fake_miner('127.0.1.88', password=PASSWORD)
    miner.handlers['update_pools'] = echo_handler(status)
    client = WhatsminerClient(miner.host, miner.port, password=PASSWORD, timeout=2, token_cache=token_cache)
    pools = dict(pool1='stratum+tcp://a:1', worker1='w', passwd1=POOL_SECRET)
    if status == 'E':
        with pytest.raises(errors.CommandFailed) as caught:
            client.write('update_pools', **pools)
        text = render(caught.value) + repr(caught.value.api_msg)
    else:
        reply = client.write('update_pools', **pools)
        text = repr(reply.raw) + repr(reply.msg) + repr(reply.data)
        assert '********' in text
    assert_clean(text, miner.signs)
    assert POOL_SECRET not in text and POOL_SECRET[:8] not in text
