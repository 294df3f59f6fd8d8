# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every malformed reply seen in the field is repaired or rejected cleanly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import MalformedReply, WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.jsonrepair import JsonRepairError, Truncated, find_json_end, loads
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply, parse_reply

H, P = '127.0.1.20', 4028

PSU_MISSING_COMMA = (b'{"STATUS":"S","When":1643182793,"Code":131,"Msg":{"name":"P221B","iin":"8718","vin":"22400",'
                     b'"vender":"7""temp0":"33.5"},"Description":""}')


@pytest.mark.parametrize('payload, expected', [
    (b'{"a":1}\x00', {'a': 1}),
    (b'{"a":1}\x00\x00\x00', {'a': 1}),
    (b'{"a":1,}', {'a': 1}),
    (b'{"a":[1,2,],}', {'a': [1, 2]}),
    (b'{"a":"line1\nline2\ttab\x01"}', {'a': 'line1\nline2\ttab\x01'}),
    (b'{"a":inf,"b":-inf,"c":nan,"d":NaN,"e":Infinity}', {'a': None, 'b': None, 'c': None, 'd': None, 'e': None}),
    (b'{"a":"1" "b":2}', {'a': '1', 'b': 2}),
    (b'{"a":{"x":1}"b":[1]"c":true}', {'a': {'x': 1}, 'b': [1], 'c': True}),
    (b'{"e":["329":"2022-01-17 11:28:11","330":"2022-01-18 00:00:00"]}',
     {'e': [{'329': '2022-01-17 11:28:11'}, {'330': '2022-01-18 00:00:00'}]}),
    (b'{"a":"\\u00e9\\"q\\""}', {'a': '\u00e9"q"'}),
    (b'  \r\n{"a":1}\n', {'a': 1}),
    # the same defects where json.loads gives up, so the repair parser decodes the strings
    (b'{"a":"line1\nline2\ttab\x01",}', {'a': 'line1\nline2\ttab\x01'}),
    (b'{"a":"\\u00e9\\"q\\"\\/\\b\\f\\r\\t\\\\",}', {'a': '\u00e9"q"/\b\f\r\t\\'}),
    (b'{"a":"\\ud83d\\ude00","b":"\\ud83d\\ude00",}', {'a': '\U0001f600', 'b': '\U0001f600'}),
    (b'{"a":"x\\qy\\ud83d\\ude00",}', {'a': 'xqy\U0001f600'}),   # unknown escape: the character
    (b'{"a":"\\ud800",}', {'a': '\ud800'}),                       # a lone surrogate stays
    (b'{"a":"\\u12","b":"\\uZZZZ",}', {'a': '12', 'b': 'ZZZZ'}),   # \u without 4 hex digits: dropped
    (b'{"a":"\\u12"}', {'a': '12'}),
    (b'\x00{"a":1}\x00', {'a': 1}),
    (b'{"a":1\x00,\x00"b":2\x00}', {'a': 1, 'b': 2}),
    (b'{"a":1,,,"b":2}', {'a': 1, 'b': 2}),
    (b'[,1,,2,]', [1, 2]),
    (b'[1"a"{"b":2}[3]]', [1, 'a', {'b': 2}, [3]]),
    (b'{"a":+5,"b":1.,"c":.5,"d":True,"e":-NaN,"f":1e999}',
     {'a': 5, 'b': 1.0, 'c': 0.5, 'd': True, 'e': None, 'f': float('inf')}),
])
def test_repairs(payload, expected):
    assert loads(payload) == expected


@pytest.mark.parametrize('payload, message, salvaged', [
    (b'{"a":{"b":[1,2', 'inside a list', {'a': {'b': [1, 2]}}),
    (b'[{"a":1},{"b":', 'where a value should be', [{'a': 1}]),
    (b'{"a":[1,{"x":"cut', 'inside a string', {'a': [1]}),
    (b'{"a":1,"b', 'inside a string', None),             # a key cut off in the outermost object
    (b'{"x":{"a":1,"b', 'inside a string', {'x': {'a': 1}}),
    (b'{"a":1,"b"', 'after a key', {'a': 1}),
    (b'{"a":tru', 'inside a value', {}),
    (b'{"e":["329":', 'where a value should be', {'e': []}),
    (b'"abc\\"', 'inside a string', None),
])
def test_cut_off_replies_carry_what_is_complete(payload, message, salvaged):
    with pytest.raises(Truncated, match=message) as info:
        loads(payload)
    assert info.value.salvaged == salvaged


@pytest.mark.parametrize('payload', [b'', b'\x00', b'hello', b'{"a":1}}', b'{a:1}', b'{"a" 1}', b'[' * 100000 + b']' * 100000,
                                     b'{"a":1.2.3}', b'{"a":tru}x'])
def test_rejects(payload):
    with pytest.raises(JsonRepairError):
        loads(payload)


def test_get_psu_missing_comma_and_vender():
    reply = parse_reply('get_psu', PSU_MISSING_COMMA, H, P)
    assert reply.data['temp0'] == '33.5'
    assert reply.data['vendor'] == '7' and 'vender' not in reply.data
    assert reply.data['iin'] == '8718'  # numbers stay as the miner sent them


def test_api_204_error_code_shape():
    reply = parse_reply('get_error_code', b'{"STATUS":"S","Code":131,"Msg":{"error_code":["329":"2022-01-17 11:28:11"]}}', H, P)
    assert reply.data == {'error_code': [{'329': '2022-01-17 11:28:11'}]}


def test_cut_off_error_list_is_salvaged():
    entries = ','.join('{"%d":"2022-01-17 11:28:11"}' % code for code in range(100, 160))
    full = ('{"STATUS":"S","When":1,"Code":131,"Msg":{"error_code":[%s]},"Description":""}' % entries).encode()
    cut = full[:full.index(b'{"150"') + 9]
    reply = parse_reply('get_error_code', cut, H, P)
    assert reply.truncated
    assert [list(entry) for entry in reply.data['error_code']] == [[str(code)] for code in range(100, 150)]


def test_cut_off_reply_elsewhere_is_malformed():
    with pytest.raises(MalformedReply) as info:
        parse_reply('summary', b'{"STATUS":[{"STATUS":"S"}],"SUMMARY":[{"Elapsed":2648,"MHS av":8498', H, P)
    assert str(info.value).startswith('127.0.1.20:4028: ')
    with pytest.raises(MalformedReply):
        parse_reply('get_error_code', b'{"STATUS":"E","Msg":{"error_code":[{"1":"x"},', H, P)
    with pytest.raises(MalformedReply):
        parse_reply('get_error_code', b'{"STATUS":"S","Msg":{"error_co', H, P)


@pytest.mark.parametrize('payload', [b'[1,2]', b'"text"', b'42', b'null', b'{"no":"status"}', b'{"STATUS":[]}',
                                     b'{"STATUS":[1]}', b'{"enc":5}', b'{"enc":"AAAA"}', b'\xff\xfe\x00garbage'])
def test_unusable_replies_are_malformed_reply_naming_the_miner(payload):
    with pytest.raises(MalformedReply) as info:
        parse_reply('summary', payload, H, P)
    assert '127.0.1.20:4028' in str(info.value)


def test_encrypted_reply_with_bad_ciphertext():
    aeskey = crypto.aes_key('RxmaDUO33TS7O26yeMHZ81')
    for ciphertext in ('!!!notbase64', 'QUJD', crypto.encrypt(crypto.aes_key('other'), '{"STATUS":"S"}')):
        with pytest.raises(MalformedReply):
            parse_reply('status', ('{"enc":"%s"}' % ciphertext).encode(), H, P, aeskey=aeskey)


def test_find_json_end_is_string_aware():
    header = b'{"STATUS":"S","Msg":{"logfilelen":"5","x":"}{\\"}"}}'
    assert find_json_end(header + b'\x1f\x8bABC') == len(header)
    assert find_json_end(header[:10]) is None
    assert find_json_end(b'\x00 ' + header) == len(header) + 2
    with pytest.raises(JsonRepairError):
        find_json_end(b'PK\x03\x04')


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_reply_or_our_error(payload):
    for command in ('summary', 'get_error_code', 'get_psu', 'summary+pools'):
        try:
            result = parse_reply(command, payload, H, P, aeskey=b'k' * 32)
        except WhatsminerError:
            continue
        assert isinstance(result, Reply)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(JSONISH, st.sampled_from(['summary', 'pools', 'get_psu', 'get_error_code', 'status', 'summary+pools+edevs']),
       st.integers(min_value=0, max_value=400))
def test_mangled_json_values_give_a_reply_or_our_error(value, command, cut):
    import json  # pylint: disable=import-outside-toplevel
    text = json.dumps({'STATUS': 'S', 'Msg': value, 'summary': [value]}).replace('NaN', 'nan').encode()
    for payload in (text, text[:cut], text.replace(b',', b'', 1), text + b',\x00'):
        try:
            parse_reply(command, payload, H, P)
        except WhatsminerError:
            pass
