# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ApiV3 against in-test framed peers: reads, signed writes, salt cache, secrets, binary flows, non-blocking reads."""

from __future__ import annotations

import io
import json
import socket
import struct
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import mux
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import apiv3, transport, v3auth
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    CommandFailed,
    ConnectionRefused,
    ImageRefused,
    InvalidCommand,
    InvalidParameter,
    LogArchiveTruncated,
    MalformedReply,
    NoReply,
    OutcomeUnknown,
    PermissionDenied,
    ReadTimeout,
    ReplyTooLarge,
    UnsupportedCommand,
)
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.test_v3_peer import (
    SALT,
    frame,
    free_port,
    peer_factory,
    recv_exactly,
    reply,
    salty,
)


@pytest.fixture(name='peer')
def peer_fixture():
    """Factory: peer(behave) -> a started framed peer, closed after the test."""
    yield from peer_factory()


pytest.importorskip('Crypto.Cipher.AES')
PASSWORD = 'Secret12'
POOLS = [dict(pool='stratum+tcp://pool.example.org:3333', worker='farm.w1', passwd='poolpw9')]


pytestmark = pytest.mark.usefixtures('fresh_v3_caches')


def api(port, password=PASSWORD, timeout=1.0, **kwargs):
    return apiv3.ApiV3('127.0.0.1', port, timeout, timeout, password=password, **kwargs)


def ok(request):
    return frame(reply(request))


# --- the object ------------------------------------------------------------------------------------------------

def test_the_object_holds_no_secret_in_its_repr_and_its_handles_keep_settings():
    client = apiv3.ApiV3('10.0.0.7', 4433, 2.0, 7.0, account='user1', password='Hunter22pw')
    assert client.version == 3 and client.password == 'Hunter22pw' and client.account == 'user1'
    assert repr(client) == 'ApiV3(10.0.0.7:4433, account=user1)'
    assert client.max_reply_bytes == transport.MAX_REPLY_BYTES
    with pytest.raises(AttributeError):
        client.password = 'other'
    other = client.with_password('Newpass1')
    moved = client.at('10.0.0.8')
    for handle in (other, moved):
        assert (handle.connect_timeout, handle.read_timeout, handle.account) == (2.0, 7.0, 'user1')
    assert other.password == 'Newpass1' and other.host == '10.0.0.7' and moved.password == 'Hunter22pw'
    assert (moved.host, moved.port) == ('10.0.0.8', 4433) and client.at('10.0.0.9', 14433).port == 14433
    with pytest.raises(InvalidParameter, match='account'):
        apiv3.ApiV3('10.0.0.7', 4433, 1, 1, account='admin')


# --- reads -----------------------------------------------------------------------------------------------------

def test_a_read_sends_the_documented_request(peer):
    server = peer(lambda conn, request: conn.sendall(frame(reply(request, {'summary': {'hash-realtime': 200.5}}))))
    got = api(server.port).read('get.miner.status', 'summary+pools')
    assert got.data == {'summary': {'hash-realtime': 200.5}} and got.command == 'get.miner.status'
    api(server.port).read('get.miner.setting')
    assert server.requests == [{'cmd': 'get.miner.status', 'param': 'summary+pools'}, {'cmd': 'get.miner.setting'}]


@pytest.mark.parametrize('command, param, error', [
    ('get.miner.status', None, InvalidParameter), ('get.device.info', 'hardware', InvalidParameter),
    ('set.miner.pools', None, UnsupportedCommand), ('get.version', None, UnsupportedCommand),
    ('get.log.download', None, UnsupportedCommand),
])
def test_reads_are_validated_before_anything_is_sent(command, param, error):
    port = free_port()                    # a send would be ConnectionRefused, not the validation error
    with pytest.raises(error) as caught:
        api(port).read(command, param)
    assert '127.0.0.1:%d' % port in str(caught.value)
    with pytest.raises(error):
        mux.run_one(api(port).aread(command, param))


def test_the_non_blocking_read_gives_the_same_answers_and_errors(peer):
    good = peer(lambda conn, request: conn.sendall(b'\x00\x00\x00\x00' + frame(reply(request, {'a': 1}))))
    refused = peer(lambda conn, request: conn.sendall(frame(reply(request, 'invalid command', -2))))
    text = peer(lambda conn, request: conn.sendall(b'Socket connect failed: Connection refused\n'))
    assert mux.run_one(api(good.port).aread('get.miner.status', 'summary')).data == {'a': 1}
    assert good.requests == [{'cmd': 'get.miner.status', 'param': 'summary'}]
    for server, error in ((refused, 'code -2'), (text, 'does not speak API v3')):
        with pytest.raises(Exception, match=error) as blocking:
            api(server.port).read('get.device.info')
        with pytest.raises(Exception, match=error) as other:
            mux.run_one(api(server.port).aread('get.device.info'))
        assert blocking.value.__class__ is other.value.__class__
    with pytest.raises(ConnectionRefused):
        mux.run_one(api(free_port()).aread('get.device.info'))


# --- signed writes ---------------------------------------------------------------------------------------------

def test_a_signed_write_carries_a_verifiable_token_and_an_encrypted_param(peer):
    server = peer(salty(ok))
    client = api(server.port, clock=lambda: 1692685512.7)
    assert client.write('set.miner.pools', POOLS).ok
    salt_request, request = server.requests
    assert salt_request == {'cmd': 'get.device.info', 'param': 'salt'}
    assert sorted(request) == ['account', 'cmd', 'param', 'token', 'ts']
    assert request['account'] == 'super' and request['ts'] == 1692685512
    key = v3auth.digest('set.miner.pools', PASSWORD, SALT, 1692685512)
    assert request['token'] == v3auth.token_of(key)
    assert v3auth.decrypt_param(request['param'], key) == POOLS
    assert 'poolpw9' not in json.dumps(server.requests) and PASSWORD not in json.dumps(server.requests)
    # the salt is kept, and the same (command, ts) is never signed twice while the clock stands still
    client.write('set.miner.pools', POOLS)
    client.with_password('Other123').write('set.miner.pools', POOLS)
    assert server.commands == ['get.device.info'] + ['set.miner.pools'] * 3
    assert [item['ts'] for item in server.requests[1:]] == [1692685512, 1692685513, 1692685514]


def test_plain_writes_send_their_param_as_json_and_percent_as_text(peer):
    server = peer(salty(ok))
    client = api(server.port)
    client.write('set.miner.power_percent', dict(percent=80, mode='fast'))
    client.write('set.system.reboot')
    client.write('set.system.hostname', dict(hostname='m50-rack4'))
    requests = server.requests[1:]
    assert requests[0]['param'] == {'percent': '80', 'mode': 'fast'}
    assert 'param' not in requests[1] and requests[2]['param'] == {'hostname': 'm50-rack4'}
    key = v3auth.digest('set.system.reboot', PASSWORD, SALT, requests[1]['ts'])
    assert requests[1]['token'] == v3auth.token_of(key)


def test_the_salt_is_kept_per_miner(peer):
    first, second = peer(salty(ok, salt='saltAAAA')), peer(salty(ok, salt='saltBBBB'))
    for server, salt in ((first, 'saltAAAA'), (second, 'saltBBBB'), (first, 'saltAAAA')):
        api(server.port).write('set.system.led', 'auto')
        request = server.requests[-1]
        assert request['token'] == v3auth.token_of(v3auth.digest('set.system.led', PASSWORD, salt, request['ts']))
    assert first.commands == ['get.device.info', 'set.system.led', 'set.system.led']
    assert second.commands == ['get.device.info', 'set.system.led']


def _scripted(codes):
    codes = iter(codes)

    def answer(request):
        code = next(codes)
        return frame(reply(request, 'ok' if code == 0 else 'no permission', code))
    return answer


def test_no_permission_drops_the_salt_signs_once_more_then_says_every_cause(peer):
    server = peer(salty(_scripted([0, -4, -4])))
    client = api(server.port)
    client.write('set.miner.power_mode', 'low')
    with pytest.raises(PermissionDenied) as caught:
        client.write('set.miner.power_mode', 'low')
    message = str(caught.value)
    for cause in ('password is wrong', 'account is wrong', 'default password', 'write access is switched off'):
        assert cause in message
    assert PASSWORD not in message and message.startswith('127.0.0.1:%d: ' % server.port)
    assert server.commands == ['get.device.info', 'set.miner.power_mode', 'set.miner.power_mode',
                               'get.device.info', 'set.miner.power_mode']
    assert (('127.0.0.1', server.port) not in apiv3._salts)


def test_a_changed_salt_is_picked_up_after_one_refusal(peer):
    salts = iter(['oldSalt1', 'newSalt2'])
    state = {}

    def behave(conn, request):
        if request['cmd'] == 'get.device.info':
            state['salt'] = next(salts)
            conn.sendall(frame(reply(request, {'salt': state['salt']})))
            return
        good = request['token'] == v3auth.token_of(v3auth.digest(request['cmd'], PASSWORD, 'newSalt2', request['ts']))
        conn.sendall(frame(reply(request, 'ok' if good else 'no permission', 0 if good else -4)))
    server = peer(behave)
    assert api(server.port).write('set.system.webpools', 'enable').ok
    assert server.commands == ['get.device.info', 'set.system.webpools', 'get.device.info', 'set.system.webpools']


def test_a_miner_that_echoes_the_request_never_shows_a_secret(peer):
    server = peer(salty(lambda request: frame(reply(request, 'bad: %s' % json.dumps(request), -1))))
    client = api(server.port, password='Hunter22pw')
    with pytest.raises(CommandFailed) as caught:
        client.write('set.user.change_passwd', dict(account='super', old='Hunter22pw', new='NewSecret9'))
    request = server.requests[-1]
    for secret in ('Hunter22pw', 'NewSecret9', request['token'], request['param']):
        assert secret not in str(caught.value) and secret not in repr(caught.value.api_msg)
    assert 'Hunter22pw' not in repr(client)


@pytest.mark.parametrize('command, param, silent', [
    ('set.system.reboot', None, True), ('set.miner.service', 'restart', True), ('set.miner.power_mode', 'high', True),
    ('set.miner.service', 'enable', False), ('set.miner.pools', POOLS, False),
])
def test_only_commands_that_may_not_answer_return_none_on_silence(peer, command, param, silent):
    server = peer(salty(lambda request: b''))
    if silent:
        assert api(server.port).write(command, param) is None
    else:
        with pytest.raises(NoReply):
            api(server.port).write(command, param)
    assert server.commands[-1] == command


def test_a_reboot_that_cannot_connect_is_an_error_not_none():
    with pytest.raises(ConnectionRefused):
        api(free_port()).write('set.system.reboot')


def test_a_write_that_times_out_is_read_timeout_not_none(peer):
    server = peer(salty(lambda request: time.sleep(3)))
    started = time.monotonic()
    with pytest.raises(ReadTimeout, match='the outcome is unknown') as caught:
        api(server.port, timeout=0.4).write('set.system.led', 'auto')
    assert time.monotonic() - started < 2.0
    assert not caught.value.retryable


def test_a_read_that_times_out_changed_nothing_and_may_be_asked_again(peer):
    server = peer(lambda conn, request: time.sleep(3))
    with pytest.raises(ReadTimeout) as caught:
        api(server.port, timeout=0.4).read('get.device.info', 'system')
    assert caught.value.retryable and 'outcome' not in str(caught.value)


def test_prepare_validates_and_sends_nothing():
    port = free_port()
    api(port).prepare('set.miner.power_limit', 3000)
    with pytest.raises(InvalidParameter, match='127.0.0.1:%d: set.miner.power_limit' % port):
        api(port).prepare('set.miner.power_limit', 100000)
    with pytest.raises(UnsupportedCommand):
        api(port).prepare('set.system.update_firmware')
    with pytest.raises(UnsupportedCommand):
        api(port).write('get.device.info')


def test_call_is_the_unvalidated_escape_hatch(peer):
    server = peer(salty(ok))
    client = api(server.port)
    assert client.call('get.miner.report', 'anything').ok                 # undocumented read: sent as asked
    assert client.call(' set.miner.power_limit ', 123456).ok              # no range check, but signed
    assert client.call('set.miner.pools', [dict(pool='p', worker='w', passwd='topsecret')]).ok
    plain, _salt, signed, pools = server.requests
    assert plain == {'cmd': 'get.miner.report', 'param': 'anything'}
    assert signed['cmd'] == 'set.miner.power_limit' and signed['param'] == 123456 and len(signed['token']) == 8
    assert 'topsecret' not in json.dumps(pools)
    for command in ('get.log.download', 'set.system.update_firmware'):
        with pytest.raises(UnsupportedCommand):
            client.call(command)
    with pytest.raises(InvalidParameter):
        client.call('  ')


def test_check_password_is_a_no_change_password_write(peer):
    server = peer(salty(_scripted([0, -4, -4])))
    assert api(server.port).check_password() is True
    request = server.requests[1]
    assert request['cmd'] == 'set.user.change_passwd'
    key = v3auth.digest('set.user.change_passwd', PASSWORD, SALT, request['ts'])
    assert v3auth.decrypt_param(request['param'], key) == dict(account='super', old=PASSWORD, new=PASSWORD)
    assert PASSWORD not in json.dumps(server.requests)
    assert api(server.port).prove_password() is False          # -4, salt read again, -4 again
    assert server.commands == ['get.device.info', 'set.user.change_passwd', 'set.user.change_passwd',
                               'get.device.info', 'set.user.change_passwd']


def test_check_password_raises_what_is_not_a_refusal(peer):
    server = peer(salty(lambda request: frame(reply(request, 'invalid command', -2))))
    with pytest.raises(InvalidCommand):
        api(server.port).check_password()
    with pytest.raises(ConnectionRefused):
        api(free_port()).check_password()


# --- binary flows ----------------------------------------------------------------------------------------------

def firmware_peer(peer, ready='ready', final=None, after=None):
    """A miner for the firmware flow: ``final(request)`` is the frame after the image (None: close)."""
    got = {}

    def answer(conn, request):
        conn.sendall(frame(reply(request, ready)))
        if ready != 'ready':
            return
        size = struct.unpack('<I', recv_exactly(conn, 4))[0]
        got['image'] = recv_exactly(conn, size)
        if after:
            after(conn)
        if final is not None:
            conn.sendall(final(request))

    def behave(conn, request):
        if request['cmd'] == 'get.device.info':
            conn.sendall(frame(reply(request, {'salt': SALT})))
        else:
            answer(conn, request)
    return peer(behave), got


IMAGE = b'\x7fIMG' * 50000


def test_firmware_ready_image_and_final_frame(peer):
    server, got = firmware_peer(peer, final=lambda request: frame(reply(request, 'ok')))
    done = api(server.port).update_firmware(io.BytesIO(IMAGE), len(IMAGE))
    assert done.ok and done.msg == 'ok' and got['image'] == IMAGE
    request = server.requests[-1]
    assert request['cmd'] == 'set.system.update_firmware' and 'param' not in request
    assert request['token'] == v3auth.token_of(v3auth.digest('set.system.update_firmware', PASSWORD, SALT, request['ts']))


def test_firmware_not_ready_is_definite_and_sends_no_image(peer):
    server, got = firmware_peer(peer, ready='busy')
    with pytest.raises(MalformedReply, match='instead of "ready"; nothing was sent'):
        api(server.port).update_firmware(io.BytesIO(IMAGE), len(IMAGE))
    assert 'image' not in got


def test_firmware_refused_in_the_final_frame(peer):
    server, _got = firmware_peer(peer, final=lambda request: frame(reply(request, 'bad image', -1)))
    with pytest.raises(ImageRefused, match='refused the firmware image') as caught:
        api(server.port).update_firmware(io.BytesIO(IMAGE), len(IMAGE))
    assert caught.value.code == -1


@pytest.mark.parametrize('final, after', [
    (None, None),                                                   # EOF right after the image (rebooting?)
    (lambda request: frame(reply(request, 'ok'))[:9], None),        # a cut-off final frame
    (lambda request: b'garbage!', None),                            # no frame at all
    (None, lambda conn: time.sleep(2.5)),                           # silence: timeout
])
def test_anything_but_a_final_code_after_the_image_is_outcome_unknown(peer, final, after):
    server, got = firmware_peer(peer, final=final, after=after)
    started = time.monotonic()
    with pytest.raises(OutcomeUnknown, match='outcome is unknown') as caught:
        api(server.port, timeout=0.5).update_firmware(io.BytesIO(IMAGE), len(IMAGE))
    assert got['image'] == IMAGE and time.monotonic() - started < 2.5
    assert '127.0.0.1:%d' % server.port in str(caught.value) and PASSWORD not in str(caught.value)


def test_a_short_image_or_a_reset_mid_image_is_outcome_unknown(peer):
    server, _got = firmware_peer(peer, final=lambda request: frame(reply(request, 'ok')))
    with pytest.raises(OutcomeUnknown, match='ended after 100 of'):
        api(server.port).update_firmware(io.BytesIO(IMAGE[:100]), len(IMAGE))

    def reset(conn, request):
        if request['cmd'] == 'get.device.info':
            conn.sendall(frame(reply(request, {'salt': SALT})))
            return
        conn.sendall(frame(reply(request, 'ready')))
        recv_exactly(conn, 1000)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    rude = peer(reset)
    big = b'\x00' * (8 << 20)
    with pytest.raises(OutcomeUnknown):
        api(rude.port).update_firmware(io.BytesIO(big), len(big))


def test_firmware_size_is_checked_before_anything_is_sent():
    port = free_port()
    for size in (0, -1, 1 << 32, True, '10'):
        with pytest.raises(InvalidParameter):
            api(port).update_firmware(io.BytesIO(b''), size)


def test_firmware_ready_refused_with_no_permission_retries_once(peer):
    server = peer(salty(lambda request: frame(reply(request, 'no permission', -4))))
    with pytest.raises(PermissionDenied, match='default password'):
        api(server.port).update_firmware(io.BytesIO(IMAGE), len(IMAGE))
    assert server.commands == ['get.device.info', 'set.system.update_firmware'] * 2


def logs_peer(peer, logsize, archive):
    def behave(conn, request):
        conn.sendall(frame(reply(request, {'logsize': logsize})))
        conn.sendall(archive)
    return peer(behave)


ARCHIVE = bytes(range(256)) * 400


@pytest.mark.parametrize('logsize', [str(len(ARCHIVE)), len(ARCHIVE)])
def test_logs_read_exactly_logsize(peer, logsize):
    server = logs_peer(peer, logsize, ARCHIVE + b'TRAILING BYTES')
    dest = io.BytesIO()
    assert api(server.port).download_logs(dest, 1 << 20, 5.0) == len(ARCHIVE)
    assert dest.getvalue() == ARCHIVE and server.requests == [{'cmd': 'get.log.download'}]


def test_logs_glued_to_their_header(peer):
    server = peer(lambda conn, request: conn.sendall(frame(reply(request, {'logsize': '5'})) + b'abcdeXYZ'))
    dest = io.BytesIO()
    assert api(server.port).download_logs(dest, 100, None) == 5 and dest.getvalue() == b'abcde'


@pytest.mark.parametrize('logsize, error, words', [
    (str(len(ARCHIVE)), ReplyTooLarge, 'more than the 1000 byte limit'),
    ('9' * 5000, MalformedReply, 'no usable logsize'),
    ('12.5', MalformedReply, 'no usable logsize'),
    ('-5', MalformedReply, 'no usable logsize'),
    (None, MalformedReply, 'no usable logsize'),
])
def test_logsize_too_big_or_not_a_number(peer, logsize, error, words):
    server = logs_peer(peer, logsize, ARCHIVE)
    with pytest.raises(error, match=words):
        api(server.port).download_logs(io.BytesIO(), 1000, 5.0)


def test_a_log_archive_that_ends_early_is_truncated(peer):
    server = logs_peer(peer, str(len(ARCHIVE)), ARCHIVE[:5000])
    with pytest.raises(LogArchiveTruncated, match='got 5000 of'):
        api(server.port).download_logs(io.BytesIO(), 1 << 20, 5.0)


def test_a_stalled_log_archive_is_bounded_by_its_deadline(peer):
    def stall(conn, request):
        conn.sendall(frame(reply(request, {'logsize': '100'})) + b'ab')
        time.sleep(3)
    server = peer(stall)
    started = time.monotonic()
    with pytest.raises(ReadTimeout):
        api(server.port, timeout=0.3).download_logs(io.BytesIO(), 1000, 0.5)
    assert time.monotonic() - started < 0.3 * 2 + 0.5 + 1.0
