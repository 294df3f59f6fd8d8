# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Protocol hardening: every secret of a v3 binary flow masked in its last frame, get_token Code 133,
miner messages cut to length (after masking), and parse costs that do not depend on secrets or nesting."""

from __future__ import annotations

import io
import json
import random
import struct

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import apiv3, jsonrepair, replies, v3auth
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3replies
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ImageRefused,
    InvalidCommand,
    MalformedReply,
    WriteAccessDisabled,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply, parse_reply
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import derive_token
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.test_v3_peer import (
    SALT,
    frame,
    peer_factory,
    recv_exactly,
    reply,
)

pytest.importorskip('Crypto.Cipher.AES')
HOST, PORT = '10.9.8.7', 4028
PASSWORD = 'S3cretPw'
SECRET = 'tok3nSignXYZ'
MAX_MESSAGE = 200  # replies.MAX_MESSAGE and v3replies.MAX_MESSAGE


@pytest.fixture(name='peer')
def peer_fixture():
    yield from peer_factory()


pytestmark = pytest.mark.usefixtures('fresh_v3_caches')


# --- 1. the v3 firmware flow's final frame ---------------------------------------------------------------------

def echoing_firmware_peer(peer, code):
    """A miner that answers the image with a final frame quoting the whole request (token included)."""
    def behave(conn, request):
        if request['cmd'] == 'get.device.info':
            conn.sendall(frame(reply(request, {'salt': SALT})))
            return
        conn.sendall(frame(reply(request, 'ready')))
        size = struct.unpack('<I', recv_exactly(conn, 4))[0]
        recv_exactly(conn, size)
        conn.sendall(frame(reply(request, 'bad image for request %s' % json.dumps(request), code)))
    return peer(behave)


def test_a_refusing_final_frame_that_echoes_the_token_does_not_leak_it(peer):
    server = echoing_firmware_peer(peer, -1)
    client = apiv3.ApiV3('127.0.0.1', server.port, 2.0, 2.0, password=PASSWORD)
    with pytest.raises(ImageRefused) as caught:
        client.update_firmware(io.BytesIO(b'\x01' * 1000), 1000)
    token = server.requests[-1]['token']
    assert token == v3auth.token_of(v3auth.digest(apiv3.FIRMWARE, PASSWORD, SALT, server.requests[-1]['ts']))
    for text in (str(caught.value), repr(caught.value.api_msg)):
        assert token not in text and PASSWORD not in text
    assert replies.MASK in str(caught.value)


def test_an_accepting_final_frame_that_echoes_the_token_does_not_leak_it(peer):
    server = echoing_firmware_peer(peer, 0)
    done = apiv3.ApiV3('127.0.0.1', server.port, 2.0, 2.0, password=PASSWORD).update_firmware(
        io.BytesIO(b'\x01' * 1000), 1000)
    token = server.requests[-1]['token']
    assert done.ok
    for text in (repr(done.msg), repr(done.raw), repr(done.data)):
        assert token not in text and PASSWORD not in text


def test_the_log_flow_header_is_parsed_with_the_password_masked(peer):
    """get.log.download is not signed (no token); the password is masked in its header all the same."""
    server = peer(lambda conn, request: conn.sendall(frame(reply(request, {'logsize': PASSWORD}))))
    with pytest.raises(MalformedReply, match='no usable logsize') as caught:
        apiv3.ApiV3('127.0.0.1', server.port, 2.0, 2.0, password=PASSWORD).download_logs(io.BytesIO(), 1 << 20, 2.0)
    assert PASSWORD not in str(caught.value) and replies.MASK in str(caught.value)


# --- 2. get_token Code 133 --------------------------------------------------------------------------------------

TOKEN_MSG = dict(time='1700005039', salt='BQ5hoXV9', newsalt='P5NTAcEp')


def test_get_token_code_133_as_the_spec_example_shows_is_accepted_like_134():
    signs = set()
    for code in (133, 134, None):
        token = derive_token(Reply('get_token', 'S', code=code, msg=dict(TOKEN_MSG)), 'admin', HOST, PORT, 0)
        signs.add((token.sign, token.aeskey))
    assert len(signs) == 1


@pytest.mark.parametrize('code', [0, 131, 132, 135, 136])
def test_get_token_other_codes_are_still_refused(code):
    with pytest.raises(MalformedReply, match='has code %d instead of 133 or 134' % code) as caught:
        derive_token(Reply('get_token', 'S', code=code, msg=dict(TOKEN_MSG)), 'admin', HOST, PORT, 0)
    assert str(caught.value).startswith('%s:%d: ' % (HOST, PORT))


@pytest.mark.parametrize('missing', ['time', 'salt', 'newsalt'])
def test_get_token_133_still_needs_time_salt_and_newsalt(missing):
    msg = dict(TOKEN_MSG)
    msg[missing] = ''
    with pytest.raises(MalformedReply, match='lacks time, salt or newsalt'):
        derive_token(Reply('get_token', 'S', code=133, msg=msg), 'admin', HOST, PORT, 0)


# --- 3. v2 messages cut to length, after masking ------------------------------------------------------------------

def v2_error(msg, code=14):
    return json.dumps({'STATUS': 'E', 'When': 1, 'Code': code, 'Msg': msg}).encode()


def test_a_huge_v2_error_message_is_cut_and_marked():
    payload = b'{"STATUS":"E","Code":14,"Msg":"' + b'A' * (4 * 1024 * 1024 - 64) + b'"}'
    with pytest.raises(InvalidCommand) as caught:
        parse_reply('get_version', payload, HOST, PORT)
    assert len(caught.value.api_msg) == MAX_MESSAGE and caught.value.api_msg.endswith('...')
    assert len(str(caught.value)) < 500 and str(caught.value).startswith('%s:%d: ' % (HOST, PORT))


def test_a_short_v2_error_message_is_kept_whole():
    with pytest.raises(InvalidCommand) as caught:
        parse_reply('get_version', v2_error('A' * MAX_MESSAGE), HOST, PORT)
    assert caught.value.api_msg == 'A' * MAX_MESSAGE


def test_an_object_v2_error_message_is_cut_and_marked():
    with pytest.raises(InvalidCommand) as caught:
        parse_reply('get_version', v2_error({'x': 'y' * 5000}), HOST, PORT)
    assert len(caught.value.api_msg) == MAX_MESSAGE and caught.value.api_msg.endswith('...')


@pytest.mark.parametrize('offset', range(185, 205))
def test_a_cut_never_leaves_part_of_a_secret(offset):
    """The secret straddles the cut at every offset: masked first, so no prefix of it is left."""
    msg = 'B' * offset + SECRET + 'C' * 300
    with pytest.raises(InvalidCommand) as caught:
        parse_reply('get_version', v2_error(msg), HOST, PORT, secrets=[SECRET])
    for text in (str(caught.value), caught.value.api_msg):
        assert not any(SECRET[:length] in text for length in range(3, len(SECRET) + 1))


def test_what_a_long_message_means_is_still_read_past_the_cut():
    with pytest.raises(WriteAccessDisabled):
        parse_reply('set_low_power', v2_error('x' * 500 + " can't access write cmd", code=45), HOST, PORT)


def test_a_v3_message_is_cut_to_the_same_length_and_marked():
    payload = json.dumps({'code': -1, 'msg': 'Z' * 1000, 'desc': 'set.miner.pools'}).encode()
    with pytest.raises(Exception) as caught:
        v3replies.parse('set.miner.pools', payload, HOST, PORT)
    assert len(caught.value.api_msg) == v3replies.MAX_MESSAGE and caught.value.api_msg.endswith('...')


def test_the_parser_quote_of_an_unparsable_reply_holds_no_secret():
    """jsonrepair quotes up to 20 characters of a bad word; with secrets in the request it is left out."""
    payload = b'{"STATUS":"S","Msg":' + SECRET.encode() + b'}'
    with pytest.raises(MalformedReply, match='not valid JSON') as caught:
        parse_reply('get_version', payload, HOST, PORT, secrets=[SECRET])
    assert SECRET[:4] not in str(caught.value)
    with pytest.raises(MalformedReply, match='is not a JSON value'):
        parse_reply('get_version', payload, HOST, PORT)  # no secrets: the detail stays


# --- 4. parse cost: masking only when a secret can be there; depth decided on the text -------------------------

def _no_scrub(*_args):
    raise AssertionError('scrub walked a document that cannot hold a secret')


def test_no_scrub_walk_when_no_secret_is_in_the_text(monkeypatch):
    monkeypatch.setattr(replies, 'scrub', _no_scrub)
    payload = json.dumps({'STATUS': 'S', 'Msg': [[[]]] * 1000}).encode()
    assert parse_reply('get_version', payload, HOST, PORT, secrets=[SECRET, PASSWORD]).msg == [[[]]] * 1000
    v3 = json.dumps({'code': 0, 'msg': {'a': [[]] * 100}, 'desc': 'get.device.info'}).encode()
    assert v3replies.parse('get.device.info', v3, HOST, PORT, secrets=[SECRET]).data == {'a': [[]] * 100}


@pytest.mark.parametrize('spelled', [SECRET, '\\u0074ok3nSignXYZ', 'tok3n\\u0053ignXYZ'])
def test_a_secret_in_the_text_plain_or_escaped_is_still_masked(spelled):
    payload = ('{"STATUS":"S","Msg":{"echo":"sign=%s;", "%s":1}}' % (spelled, spelled)).encode()
    got = parse_reply('get_version', payload, HOST, PORT, secrets=[SECRET])
    assert got.msg == {'echo': 'sign=%s;' % replies.MASK, replies.MASK: 1}
    v3 = ('{"code":-1,"msg":"sign=%s","desc":"set.miner.pools"}' % spelled).encode()
    with pytest.raises(Exception) as caught:
        v3replies.parse('set.miner.pools', v3, HOST, PORT, secrets=[SECRET])
    assert SECRET not in str(caught.value) and replies.MASK in str(caught.value)


def _reference_deeper_than(value, max_depth):
    """The walk this replaces: True when a value sits inside more than ``max_depth`` containers."""
    pending = [(value, 0)] if isinstance(value, (dict, list)) else []
    while pending:
        container, depth = pending.pop()
        children = list(container.values()) if isinstance(container, dict) else container
        if children and depth >= max_depth:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _random_value(rng, depth, limit):
    roll = rng.random()
    if depth >= limit or roll < 0.25:
        return rng.choice([0, -1.5e300, True, None, '', 'w:', '"[{\\', '}]:,', '\u00e9[', 'x' * rng.randint(0, 4)])
    if roll < 0.6:
        return [_random_value(rng, depth + 1, limit) for _index in range(rng.randint(0, 3))]
    return dict((rng.choice(['k', '[', '"{:', '0', '']) + str(index), _random_value(rng, depth + 1, limit))
                for index in range(rng.randint(0, 3)))


def test_the_text_depth_check_agrees_with_a_walk_of_the_value():
    rng = random.Random(20260101)
    for _round in range(3000):
        value = _random_value(rng, 0, rng.randint(1, 12))
        text = json.dumps(value, indent=rng.choice([None, 1]), ensure_ascii=rng.random() < 0.5)
        for max_depth in range(0, 12):
            expected = _reference_deeper_than(value, max_depth)
            assert jsonrepair._deeper_than(text, max_depth) == expected, (text, max_depth)


@pytest.mark.parametrize('levels, leaf, accepted', [
    (64, '1', True), (65, '1', False), (64, '[]', True), (65, '[]', False), (64, '{}', True), (64, '{"a":1}', False),
    (63, '{"a":"x"}', True), (64, '"[[[["', True),
])
def test_the_limit_is_the_same_at_the_edge(levels, leaf, accepted):
    """A value inside 64 containers is fine (an empty 65th container too); inside 65 it is refused, as before."""
    text = '[' * levels + leaf + ']' * levels
    if accepted:
        assert jsonrepair.loads(text) == json.loads(text)
    else:
        with pytest.raises(jsonrepair.JsonRepairError, match=r'^nesting deeper than 64 levels at character \d+$'):
            jsonrepair.loads(text)


def test_a_too_deep_reply_is_refused_before_json_builds_it(monkeypatch):
    calls = []
    real = jsonrepair.json.loads
    monkeypatch.setattr(jsonrepair.json, 'loads', lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    wide = '[' + ','.join(['[' * 70 + ']' * 70] * 50) + ']'
    with pytest.raises(jsonrepair.JsonRepairError, match=r'^nesting deeper than 64 levels at character \d+$'):
        jsonrepair.loads(wide)
    assert not calls
    assert jsonrepair.loads('[' + ','.join(['[' * 60 + ']' * 60] * 50) + ']') and calls == [1]


def test_the_v2_answer_after_an_image_is_parsed_with_the_password_masked_too():
    """The miner's last word after a v2 upload may echo the request: sign and password both stay out."""
    import socket  # pylint: disable=import-outside-toplevel

    from ansible_collections.minerops.whatsminer.plugins.module_utils._api import apiv2, crypto  # pylint: disable=import-outside-toplevel
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import Token  # pylint: disable=import-outside-toplevel

    password, sign = 'Fw2_secret_pw', 'sign4321'
    token = Token(sign, crypto.aes_key('k' * 16), 0.0)
    echoed = json.dumps(dict(STATUS='E', When=1, Code=14, Description='',
                             Msg='bad image for %s with %s' % (password, sign)))
    mine, theirs = socket.socketpair()
    with mine, theirs:
        theirs.sendall(json.dumps({'enc': crypto.encrypt(token.aeskey, echoed)}).encode('ascii'))
        theirs.shutdown(socket.SHUT_WR)
        protocol = apiv2.ApiV2(HOST, PORT, 2.0, 2.0, None)
        with pytest.raises(ImageRefused) as caught:
            protocol._after_image(mine, token, password, None, 1000)  # pylint: disable=protected-access
    for text in (str(caught.value), repr(caught.value.api_msg)):
        assert password not in text and sign not in text
    assert replies.MASK in str(caught.value)
