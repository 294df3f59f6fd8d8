# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 reply frames -> Reply, codes -> typed errors naming the miner, secrets masked, fuzzed parser."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3replies
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    CommandFailed,
    InvalidCommand,
    MalformedReply,
    PermissionDenied,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply

HOST, PORT = '10.1.2.3', 4433


def doc(**fields):
    return json.dumps(fields).encode()


def parse(payload, command='get.device.info', **kwargs):
    return v3replies.parse(command, payload, HOST, PORT, **kwargs)


def test_a_data_reply_becomes_the_one_reply_form():
    got = parse(doc(code=0, when=1700000000, msg={'salt': 'abc'}, desc='get.device.info'))
    assert isinstance(got, Reply) and got.ok and got.status == 'S' and got.code == 0 and got.when == 1700000000
    assert got.msg == got.data == {'salt': 'abc'} and got.description == 'get.device.info'
    assert got.raw == {'code': 0, 'when': 1700000000, 'msg': {'salt': 'abc'}, 'desc': 'get.device.info'}
    assert not got.encrypted and not got.truncated


def test_a_write_ok_and_a_reply_without_desc_or_when():
    got = parse(doc(code=0, msg='ok'), command='set.system.led')
    assert got.ok and got.data == 'ok' and got.when is None and got.description is None


@pytest.mark.parametrize('code, kind, words', [
    (-1, CommandFailed, 'command failed'),
    (-2, InvalidCommand, 'does not know this command'),
    (-3, InvalidCommand, 'refused the parameters'),
    (-4, PermissionDenied, 'no permission'),
    (-5, ApiError, 'out of memory'),
    (-9, ApiError, 'failure code -9'),
    (7, ApiError, 'failure code 7'),
])
def test_codes_map_to_typed_errors_naming_the_miner(code, kind, words):
    with pytest.raises(kind, match=words) as caught:
        parse(doc(code=code, when=1, msg='said this', desc='get.device.info'))
    err = caught.value
    assert str(err).startswith('%s:%d: get.device.info refused: ' % (HOST, PORT))
    assert err.code == code and err.api_msg == 'said this' and 'the miner said: said this' in str(err)
    assert err.__class__ is kind


def test_no_permission_on_a_write_names_every_cause():
    with pytest.raises(PermissionDenied) as caught:
        parse(doc(code=-4, msg='no permission', desc='set.miner.power_mode'), command='set.miner.power_mode', write=True)
    message = str(caught.value)
    causes = ('password is wrong', 'account is wrong', 'default password', 'API write access is switched off in WhatsMinerTool')
    for cause in causes:
        assert cause in message
    assert message.startswith('%s:%d: ' % (HOST, PORT))


def test_an_object_msg_on_failure_is_shown_cut():
    with pytest.raises(CommandFailed) as caught:
        parse(doc(code=-1, msg={'x': 'y' * 1000}))
    assert len(caught.value.api_msg) == v3replies.MAX_MESSAGE


@pytest.mark.parametrize('payload, words', [
    (b'[1, 2]', 'not an object'),
    (b'"ok"', 'not an object'),
    (doc(code='0', msg='ok'), 'integer "code"'),
    (doc(code=True, msg='ok'), 'integer "code"'),
    (doc(code=0.0, msg='ok'), 'integer "code"'),
    (doc(msg='ok'), 'integer "code"'),
    (doc(code=0, msg={}, desc='get.miner.status'), "for 'get.miner.status', not for get.device.info"),
    (doc(code=0, msg={}, desc=5), 'not for get.device.info'),
    (b'{"code":0,"msg":{"a":', 'cut-off'),
    (b'\xff\xfe garbage', 'not JSON'),
    (b'', 'cut-off|not JSON'),
    (b'{"code":0,"msg":' + b'[' * 5000 + b']' * 5000 + b'}', 'not JSON'),
])
def test_unusable_replies_are_malformed(payload, words):
    with pytest.raises(MalformedReply, match=words) as caught:
        parse(payload)
    assert str(caught.value).startswith('%s:%d: ' % (HOST, PORT))


def test_a_reply_past_the_size_cap_is_malformed():
    with pytest.raises(MalformedReply, match='more than the 100 allowed'):
        parse(doc(code=0, msg='x' * 200), max_bytes=100)


def test_echoed_secrets_are_masked_in_the_whole_reply_before_anything_is_built():
    secrets = ('Hunter22pw', 'A1b2/C+d', 'poolpass9')
    echo = {'code': -1, 'when': 1, 'desc': 'set.miner.pools',
            'msg': 'bad request ' + json.dumps({'token': 'A1b2/C+d', 'old': 'Hunter22pw', 'passwd': 'poolpass9' * 40})}
    with pytest.raises(CommandFailed) as caught:
        parse(json.dumps(echo).encode(), command='set.miner.pools', secrets=secrets, write=True)
    text = str(caught.value) + repr(caught.value.api_msg)
    for secret in secrets:
        assert secret not in text
    # a prefix cut at the message limit cannot leak either: masking came before the cut
    assert 'poolpa' not in text and 'Hunter' not in text
    good = parse(json.dumps(dict(echo, code=0)).encode(), command='set.miner.pools', secrets=secrets)
    assert not any(secret in json.dumps(good.raw) for secret in secrets)


def test_an_unparseable_echo_does_not_quote_it():
    payload = b'{"code":-1,"msg":Hunter22pw-and-more}'
    with pytest.raises(MalformedReply) as caught:
        parse(payload, secrets=('Hunter22pw',))
    assert 'Hunter' not in str(caught.value)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_raise_only_library_errors(payload):
    try:
        got = parse(payload)
    except WhatsminerError:
        return
    assert got.code == 0


JSONISH = st.recursive(
    # finite floats only: the non-finite ones become None, as test_non_finite_numbers_become_none shows
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


def test_non_finite_numbers_become_none():
    got = parse(b'{"code":0,"msg":{"a":Infinity,"b":[NaN,-Infinity,1.5]}}')
    assert got.ok and got.data == {'a': None, 'b': [None, None, 1.5]}
    assert parse(b'{"code":0,"msg":Infinity}').data is None


@settings(max_examples=300, deadline=None)
@given(code=st.one_of(st.integers(-10, 10), st.text(max_size=3), st.none()), msg=JSONISH,
       desc=st.one_of(st.none(), st.just('get.device.info'), st.text(max_size=10)), when=JSONISH)
def test_arbitrary_documents_raise_only_library_errors(code, msg, desc, when):
    payload = json.dumps(dict(code=code, msg=msg, desc=desc, when=when)).encode()
    try:
        got = parse(payload, secrets=('secret-value',))
    except WhatsminerError as err:
        assert str(err).startswith('%s:%d: ' % (HOST, PORT))
        return
    assert got.ok and got.data == msg
