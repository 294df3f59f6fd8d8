# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Both reply shapes, newer firmware's shapes, joined reads and the code -> error mapping."""

from __future__ import annotations

import json

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import crypto
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import parse_joined, parse_reply

H, P = '127.0.1.21', 4029

SUMMARY_CGMINER = {
    'STATUS': [{'STATUS': 'S', 'Msg': 'Summary'}],
    'SUMMARY': [{'Elapsed': 2648, 'MHS av': 84983730.62, 'MHS 5s': 102423869.64, 'Power': 3593, 'Hash Stable': True,
                 'Target MHS': 76157172}],
    'id': 1,
}
SUMMARY_NATIVE = {
    'STATUS': 'S', 'When': 1700000000, 'Code': 131, 'Description': '',
    'Msg': {'Elapsed': 2648.5, 'MHS av': 84983730.62, 'Power': 3593, 'Hash Stable': 'false'},
}
EDEVS_CGMINER = {'STATUS': [{'STATUS': 'S', 'Msg': '3 ASC(s)'}], 'DEVS': [{'ASC': 0, 'Slot': 0}, {'ASC': 1, 'Slot': 1}]}
POOLS_CGMINER = {'STATUS': [{'STATUS': 'S', 'Msg': '1 Pool(s)'}], 'POOLS': [{'POOL': 1, 'URL': 'stratum+tcp://a:3333'}]}


def encode(obj):
    return json.dumps(obj).encode()


def test_cgminer_shape():
    reply = parse_reply('summary', encode(SUMMARY_CGMINER), H, P)
    assert reply.status == 'S' and reply.msg == 'Summary' and not reply.encrypted
    assert reply.data == SUMMARY_CGMINER['SUMMARY']
    assert reply.raw == SUMMARY_CGMINER
    edevs = parse_reply('edevs', encode(EDEVS_CGMINER), H, P)
    assert [board['Slot'] for board in edevs.data] == [0, 1]


def test_devdetails_cgminer_shape_with_code_and_when():
    doc = {'STATUS': [{'STATUS': 'S', 'When': 1643181852, 'Code': 69, 'Msg': 'Device Details', 'Description': 'btminer'}],
           'DEVDETAILS': [{'DEVDETAILS': 0, 'Model': 'M30S+VE40'}]}
    reply = parse_reply('devdetails', encode(doc), H, P)
    assert (reply.code, reply.when, reply.description) == (69, 1643181852, 'btminer')
    assert reply.data[0]['Model'] == 'M30S+VE40'


def test_newer_firmware_native_summary_becomes_the_list_form():
    reply = parse_reply('summary', encode(SUMMARY_NATIVE), H, P)
    assert reply.data == [SUMMARY_NATIVE['Msg']]
    assert reply.data[0]['Hash Stable'] == 'false' and 'MHS 5s' not in reply.data[0]
    assert reply.code == 131 and reply.when == 1700000000


@pytest.mark.parametrize('command, msg, expected', [
    ('pools', {'pools': [{'POOL': 1}, {'POOL': 2}]}, [{'POOL': 1}, {'POOL': 2}]),
    ('edevs', {'DEVS': [{'ASC': 0}]}, [{'ASC': 0}]),
    ('edevs', [{'ASC': 0}, 'junk'], [{'ASC': 0}]),
    ('devs', 'no data', []),
])
def test_newer_firmware_native_records(command, msg, expected):
    reply = parse_reply(command, encode({'STATUS': 'S', 'Code': 131, 'Msg': msg}), H, P)
    assert reply.data == expected


def test_native_shape_reads():
    version = {'STATUS': 'S', 'When': 1643187652, 'Code': 131, 'Description': '',
               'Msg': {'api_ver': '2.0.3', 'fw_ver': '20220125.13.Rel', 'platform': 'H6OS'}}
    reply = parse_reply('get_version', encode(version), H, P)
    assert reply.data['fw_ver'] == '20220125.13.Rel' and reply.msg is reply.data
    newer_psu = {'STATUS': 'S', 'Code': 131, 'Msg': {'vendor': '7', 'iin': '8718'}}
    assert parse_reply('get_psu', encode(newer_psu), H, P).data == {'vendor': '7', 'iin': '8718'}


def test_bare_status_object():
    reply = parse_reply('status', b'{"btmineroff":"false","Firmware Version":"20220125.13.Rel"}', H, P)
    assert reply.data['btmineroff'] == 'false'


def test_joined_read_is_split_per_command():
    doc = {'summary': [SUMMARY_CGMINER], 'pools': [POOLS_CGMINER], 'edevs': [EDEVS_CGMINER], 'id': 1}
    parts = parse_joined('summary+pools+edevs', encode(doc), H, P)
    assert set(parts) == {'summary', 'pools', 'edevs'}
    assert parts['summary'].data[0]['Power'] == 3593
    assert parts['pools'].data[0]['URL'] == 'stratum+tcp://a:3333'
    assert parts['edevs'].command == 'edevs' and len(parts['edevs'].data) == 2
    whole = parse_reply('summary+pools+edevs', encode(doc), H, P)
    assert whole.data['pools'].command == 'pools'


def test_joined_read_with_newer_firmware_parts():
    doc = {'summary': [SUMMARY_NATIVE], 'pools': [POOLS_CGMINER]}
    parts = parse_joined('summary+pools', encode(doc), H, P)
    assert parts['summary'].data == [SUMMARY_NATIVE['Msg']]


def test_joined_read_errors():
    with pytest.raises(errors.MalformedReply, match='no usable .edevs. part'):
        parse_joined('summary+edevs', encode({'summary': [SUMMARY_CGMINER]}), H, P)
    refused = {'STATUS': [{'STATUS': 'E', 'Code': 14, 'Msg': 'invalid cmd'}]}
    with pytest.raises(errors.InvalidCommand):
        parse_joined('summary+get_psu', encode(refused), H, P)
    deprecated_part = {'summary': [SUMMARY_NATIVE],
                       'devdetails': [{'STATUS': 'E', 'Code': 132, 'Msg': 'This command is deprecated.'}]}
    with pytest.raises(errors.CommandFailed) as info:
        parse_joined('summary+devdetails', encode(deprecated_part), H, P)
    assert info.value.deprecated


@pytest.mark.parametrize('code, msg, cls, words', [
    (14, 'invalid cmd', errors.InvalidCommand, 'does not know the command'),
    (23, 'enc json load err', errors.DecryptionFailed, 'could not decrypt the request: the password is probably wrong'),
    (45, 'permission denied', errors.PermissionDenied, 'denied permission'),
    (132, 'API parse pools param error', errors.CommandFailed, 'could not carry out'),
    (135, 'check token err', errors.TokenRejected, 'rejected the token'),
    (136, 'over max connect', errors.TokenLimitReached, '32 tokens per client IP, 16 client IPs'),
    (137, 'base64 decode error', errors.ApiError, 'base64'),
    (999, 'odd', errors.ApiError, 'code 999'),
    (45, "can't access write cmd", errors.WriteAccessDisabled, 'enable it in WhatsMinerTool, and change the default password'),
])
def test_error_mapping(code, msg, cls, words):
    for doc in ({'STATUS': 'E', 'When': 1, 'Code': code, 'Msg': msg, 'Description': ''},
                {'STATUS': [{'STATUS': 'E', 'Code': code, 'Msg': msg}], 'id': 1}):
        with pytest.raises(cls) as info:
            parse_reply('update_pools', encode(doc), H, P)
        err = info.value
        assert type(err) is cls  # pylint: disable=unidiomatic-typecheck
        assert str(err).startswith('127.0.1.21:4029: ') and words in str(err)
        assert err.code == code and err.api_msg == msg and not err.retryable


def test_token_limit_message_says_what_to_do():
    with pytest.raises(errors.TokenLimitReached) as info:
        parse_reply('get_token', b'{"STATUS":"E","Code":136,"Msg":"over max connect"}', H, P)
    assert '30 minutes' in str(info.value) and 'fewer controllers' in str(info.value)


def test_devdetails_deprecated_is_recognisable():
    with pytest.raises(errors.CommandFailed) as info:
        parse_reply('devdetails', b'{"STATUS":"E","When":1,"Code":132,"Msg":"This command is deprecated.","Description":""}', H, P)
    assert info.value.deprecated and 'no longer supports' in str(info.value)
    with pytest.raises(errors.CommandFailed) as info:
        parse_reply('update_pools', b'{"STATUS":"E","Code":132,"Msg":"API parse pools param error"}', H, P)
    assert not info.value.deprecated


def test_encrypted_reply_is_decrypted():
    aeskey = crypto.aes_key('RxmaDUO33TS7O26yeMHZ81')
    inner = {'STATUS': 'S', 'When': 5, 'Code': 131, 'Msg': {'btmineroff': 'false'}, 'Description': ''}
    payload = encode({'enc': crypto.encrypt(aeskey, json.dumps(inner))})
    reply = parse_reply('status', payload, H, P, aeskey=aeskey)
    assert reply.encrypted and reply.data == {'btmineroff': 'false'} and reply.raw == inner
    with pytest.raises(errors.MalformedReply, match='encrypted reply to a plaintext request'):
        parse_reply('status', payload, H, P)
    failed = encode({'enc': crypto.encrypt(aeskey, '{"STATUS":"E","Code":132,"Msg":"no"}\x00\x00')})
    with pytest.raises(errors.CommandFailed):
        parse_reply('set_led', failed, H, P, aeskey=aeskey)


def test_plaintext_failure_to_encrypted_request():
    with pytest.raises(errors.TokenRejected):
        parse_reply('set_led', b'{"STATUS":"E","Code":135,"Msg":"check token err"}', H, P, aeskey=b'k' * 32)
