# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""WhatsminerClient against a real-socket fake miner: tokens, envelope, write semantics."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import TokenCache
from ansible_collections.minerops.whatsminer.tests.unit.plugins.module_utils._api.fakeminer import native, reset_connection


def client_for(miner, cache, password='admin', timeout=2.0):
    return WhatsminerClient(miner.host, miner.port, password=password, timeout=timeout, token_cache=cache)


def test_reads_are_plaintext_and_writes_encrypted(fake_miner, token_cache):
    miner = fake_miner('127.0.1.50')
    client = client_for(miner, token_cache)
    assert client.get_version().ok
    reply = client.write('set_power_pct', percent=50)
    assert reply.encrypted and reply.data == {'cmd': 'set_power_pct'}
    assert miner.requests == [('get_version', {}, False), ('get_token', {}, False),
                              ('set_power_pct', {'percent': '50'}, True)]


def test_one_token_is_reused_across_clients_and_threads(fake_miner, token_cache):
    miner = fake_miner('127.0.1.51')
    results = []

    def work():
        client = client_for(miner, token_cache)
        results.append(client.write('set_led', param='auto').ok)

    threads = [threading.Thread(target=work) for _index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client_for(miner, token_cache).write('power_on')
    assert results == [True] * 6
    assert miner.token_requests == 1


def test_token_expires_after_25_minutes(fake_miner):
    now = [0.0]
    cache = TokenCache(clock=lambda: now[0])
    miner = fake_miner('127.0.1.52')
    client = client_for(miner, cache)
    client.write('power_on')
    now[0] = 24 * 60
    client.write('power_on')
    assert miner.token_requests == 1
    now[0] = 25 * 60 + 1
    client.write('power_on')
    assert miner.token_requests == 2


def test_rejected_token_is_refetched_once_and_the_command_retried_once(fake_miner, token_cache):
    miner = fake_miner('127.0.1.53')
    client = client_for(miner, token_cache)
    client.write('power_on')
    miner.reject_tokens = 1
    assert client.write('enable_web_pools').ok
    assert miner.token_requests == 2
    assert [req[0] for req in miner.requests].count('enable_web_pools') == 2
    miner.reject_tokens = 5
    with pytest.raises(errors.TokenRejected):
        client.write('disable_web_pools')
    assert miner.token_requests == 3
    assert [req[0] for req in miner.requests].count('disable_web_pools') == 2


def test_token_limit(fake_miner, token_cache):
    miner = fake_miner('127.0.1.54')
    miner.token_limit = True
    with pytest.raises(errors.TokenLimitReached, match='32 tokens per client IP'):
        client_for(miner, token_cache).write('power_on')


def test_update_password_drops_tokens_and_switches(fake_miner, token_cache):
    miner = fake_miner('127.0.1.55')
    client = client_for(miner, token_cache)
    client.write('power_on')
    assert client.update_password('New_pw1').ok
    assert miner.password == 'New_pw1' and client.password == 'New_pw1'
    assert miner.requests[-1] == ('update_pwd', {'old': 'admin', 'new': 'New_pw1'}, True)
    assert len(token_cache) == 0
    client.write('power_on')
    assert miner.token_requests == 2
    assert client.check_password()


def test_wrong_password(fake_miner, token_cache):
    miner = fake_miner('127.0.1.56', password='Right_1')
    client = client_for(miner, token_cache, password='Wrong_1')
    with pytest.raises(errors.DecryptionFailed, match='password is probably wrong'):
        client.write('power_on')
    assert not client.check_password()
    assert len(token_cache) == 0
    miner.silent_on_bad_password = True
    quick = client_for(miner, token_cache, password='Wrong_1', timeout=0.5)
    with pytest.raises(errors.PrivilegedNoReply, match='wrong password, or API write access not enabled'):
        quick.write('power_on')
    with pytest.raises(errors.PrivilegedNoReply):
        quick.check_password()


def test_write_access_disabled(fake_miner, token_cache):
    miner = fake_miner('127.0.1.57')
    miner.write_access = False
    with pytest.raises(errors.WriteAccessDisabled, match='WhatsMinerTool'):
        client_for(miner, token_cache).write('set_hostname', hostname='m1')


def test_commands_that_may_not_answer(fake_miner, token_cache):
    miner = fake_miner('127.0.1.58')
    miner.silent_commands = {'reboot', 'set_low_power', 'update_pools'}
    client = client_for(miner, token_cache, timeout=0.5)
    assert client.write('reboot') is None
    assert client.write('set_low_power') is None
    with pytest.raises(errors.PrivilegedNoReply):
        client.write('update_pools', pool1='stratum+tcp://a:1')


def reset(_miner, conn, _inner, _rest):
    """A fake-miner handler: the connection reset before any reply."""
    reset_connection(conn)


def test_reset_without_reply(fake_miner, token_cache):
    miner = fake_miner('127.0.1.62')
    miner.handlers['reboot'] = reset
    miner.handlers['power_on'] = reset
    miner.handlers['get_psu'] = reset
    client = client_for(miner, token_cache)
    assert client.write('reboot') is None          # may not answer: silence is its answer
    with pytest.raises(errors.OutcomeUnknown) as raised:
        client.write('power_on')                    # sent: the miner may have acted before the reset
    assert raised.value.outcome_unknown and not raised.value.retryable
    assert 'the reply to power_on was cut off or unreadable' in str(raised.value)
    with pytest.raises(errors.ConnectionReset):
        client.read('get_psu', encrypted=True)       # a read changed nothing: the reset stays a reset


def test_validation_happens_before_anything_is_sent(fake_miner, token_cache):
    miner = fake_miner('127.0.1.59')
    client = client_for(miner, token_cache)
    with pytest.raises(errors.InvalidParameter):
        client.write('set_temp_offset', temp_offset=5)
    with pytest.raises(errors.UnsupportedCommand):
        client.write('summary')
    with pytest.raises(errors.UnsupportedCommand):
        client.read('reboot')
    with pytest.raises(errors.UnsupportedCommand):
        client.write('update_firmware')
    with pytest.raises(errors.UnsupportedCommand):
        client.write('no_such_command')
    assert miner.requests == []


def test_encrypted_read_and_joined_read(fake_miner, token_cache):
    miner = fake_miner('127.0.1.60')
    miner.plain_replies['summary+pools+edevs'] = {
        'summary': [{'STATUS': [{'STATUS': 'S'}], 'SUMMARY': [{'Power': 1}]}],
        'pools': [{'STATUS': [{'STATUS': 'S'}], 'POOLS': [{'POOL': 1}]}],
        'edevs': [{'STATUS': [{'STATUS': 'S'}], 'DEVS': [{'ASC': 0}]}],
    }
    client = client_for(miner, token_cache)
    parts = client.read_joined()
    assert parts['edevs'].data == [{'ASC': 0}]
    assert client.read('status', encrypted=True).encrypted
    assert client.get_miner_info(info=['ip']).ok
    assert miner.requests[-1] == ('get_miner_info', {'info': 'ip'}, False)


def test_call_escape_hatch(fake_miner, token_cache):
    miner = fake_miner('127.0.1.61')
    client = client_for(miner, token_cache)
    client.call('get_psu')
    client.call('get_psu', encrypted=True)
    client.call('set_led', {'param': 'auto'}, encrypted=False)   # writes are always encrypted
    client.call('future_read', {'x': 1})
    client.call('future_write', {'x': 1}, encrypted=True)
    miner.plain_replies['summary+pools'] = {'summary': [native({'Power': 1})], 'pools': [native([{'POOL': 1}])]}
    assert set(client.call('summary+pools')) == {'summary', 'pools'}
    seen = [(cmd, enc) for cmd, _params, enc in miner.requests if cmd != 'get_token']
    assert seen == [('get_psu', False), ('get_psu', True), ('set_led', True), ('future_read', False),
                    ('future_write', True), ('summary+pools', False)]
    with pytest.raises(errors.InvalidParameter):
        client.call('summary', {'token': 'x'})
    with pytest.raises(errors.UnsupportedCommand):
        client.call('download_logs')


def test_a_raw_encrypted_call_breaks_as_a_write_only_when_the_command_is_not_a_known_read(fake_miner, token_cache):
    miner = fake_miner('127.0.1.63')
    miner.handlers['get_psu'] = reset
    miner.handlers['future_write'] = reset
    client = client_for(miner, token_cache)
    with pytest.raises(errors.ConnectionReset):
        client.call('get_psu', encrypted=True)                 # a known read: nothing can have changed
    with pytest.raises(errors.OutcomeUnknown):
        client.call('future_write', {'x': 1}, encrypted=True)  # undescribed: it may be a write
