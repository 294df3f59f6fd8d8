# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Passwords and tokens through the client: wrong password, token reuse, expiry, the token limit, update_pwd.

Token counts come from the simulated miner's own token book (``Rig.live_tokens``), so
"one get_token for several writes" is what the miner saw, not what the client believes.
"""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from client_rig import PASSWORD, check_error
from whatsminer_sim.auth import MAX_TOKENS_PER_IP, TOKEN_LIFETIME

BLOCK = 64


@pytest.fixture
def rig(make_rig):
    return make_rig(BLOCK)


def test_wrong_password_is_decryption_failed(rig):
    wrong = rig.new_client(password='Bad_pw42')
    with pytest.raises(errors.DecryptionFailed) as caught:
        wrong.write('set_hostname', hostname='never')
    text = check_error(caught.value, wrong, extra_secrets=['Bad_pw42'])
    assert caught.value.code == 23 and 'password is probably wrong' in text
    assert len(wrong.token_cache) == 0                      # the useless token is not kept
    assert wrong.check_password() is False
    assert rig.miner.state.hostname == 'WhatsMiner' and rig.miner.write_log == []


def test_one_token_serves_many_writes_and_clients_sharing_a_cache(rig):
    client = rig.client
    client.write('set_hostname', hostname='a1')
    client.write('set_led', param='auto')
    client.write('set_power_pct', percent=90)
    client.read('status', encrypted=True)
    rig.new_client(token_cache=rig.cache).write('adjust_upfreq_speed', upfreq_speed=3)
    assert rig.live_tokens() == 1
    commands = [entry[0] for entry in rig.miner.write_log]
    assert commands == ['set_hostname', 'set_led', 'set_power_pct', 'adjust_upfreq_speed']
    rig.new_client().write('set_hostname', hostname='a2')  # a separate cache means a second token
    assert rig.live_tokens() == 2


def test_expired_token_is_refetched_and_the_write_retried_once(rig):
    client = rig.client
    client.write('set_hostname', hostname='before')
    first = rig.cache.get(client.host, client.port, client.password)
    rig.fleet.advance_time(TOKEN_LIFETIME + 60)             # the miner's token dies; the client's cache is younger
    assert rig.live_tokens() == 0
    assert client.write('set_hostname', hostname='after').ok
    second = rig.cache.get(client.host, client.port, client.password)
    assert second is not None and second is not first and second.sign != first.sign
    assert rig.live_tokens() == 1
    assert rig.miner.write_log == [('set_hostname', {'hostname': 'before'}), ('set_hostname', {'hostname': 'after'})]
    assert rig.miner.state.hostname == 'after'


def test_token_limit_is_a_clear_error(rig):
    holder = rig.client
    holder.check_password()                                 # holds one live token in its own cache
    for _index in range(MAX_TOKENS_PER_IP - 1):             # every other controller brings its own cache
        assert rig.new_client().check_password() is True
    assert rig.live_tokens() == MAX_TOKENS_PER_IP
    late = rig.new_client()
    with pytest.raises(errors.TokenLimitReached) as caught:
        late.write('set_hostname', hostname='never')
    text = check_error(caught.value, late)
    assert caught.value.code == 136 and 'token limit is reached' in text and '32 tokens per client IP' in text
    assert len(late.token_cache) == 0
    assert holder.write('set_hostname', hostname='reused').ok      # a cached token still works
    rig.fleet.advance_time(TOKEN_LIFETIME)
    assert late.write('set_hostname', hostname='later').ok         # once tokens expire the limit lifts
    assert rig.miner.state.hostname == 'later'


def test_update_password(rig):
    client = rig.client
    client.write('set_hostname', hostname='pre')
    assert len(rig.cache) == 1
    stale = rig.new_client()                                 # still holds the old password
    reply = client.update_password('N3w_pw_9')
    assert reply.ok and client.password == 'N3w_pw_9' and rig.miner.state.password == 'N3w_pw_9'
    assert len(rig.cache) == 0                               # every cached token for that miner dropped
    assert ('update_pwd', {}) in rig.miner.write_log         # old/new never logged by the miner
    with pytest.raises(errors.DecryptionFailed) as caught:
        stale.write('set_hostname', hostname='old-pw')
    check_error(caught.value, stale, extra_secrets=['N3w_pw_9'])
    assert client.write('set_hostname', hostname='new-pw').ok
    assert client.check_password() is True and stale.check_password() is False
    assert rig.miner.state.hostname == 'new-pw'


def test_update_password_refuses_a_bad_new_password_before_sending(rig):
    with pytest.raises(errors.InvalidParameter) as caught:
        rig.client.update_password('far-too-long-pw')
    assert 'far-too-long-pw' not in str(caught.value) and PASSWORD not in str(caught.value)
    assert rig.client.password == PASSWORD and rig.miner.write_log == []


def test_update_password_with_a_wrong_old_password_changes_nothing(rig):
    rig.miner.state.password = 'Other_1'                     # changed behind the client's back
    with pytest.raises(errors.DecryptionFailed):
        rig.client.update_password('N3w_pw_9')
    assert rig.client.password == PASSWORD and rig.miner.state.password == 'Other_1'


def test_errors_never_carry_the_password(rig):
    """A sweep over failures from every layer: each names host:port and none carries a secret."""
    client = rig.client
    client.check_password()
    failures = []
    for faults, call in [
        (('not_whatsminer',), client.summary),
        (('truncated_reply',), lambda: client.write('set_hostname', hostname='x')),
        (('write_access_off',), lambda: client.write('power_off')),
        (('new_firmware',), client.devdetails),
        ((), lambda: client.write('set_target_freq', percent=5)),
        ((), lambda: client.call('no_such_command', encrypted=True)),
    ]:
        rig.miner.set_faults(*faults)
        with pytest.raises(errors.WhatsminerError) as caught:
            call()
        failures.append(caught.value)
    rig.miner.clear_faults()
    rig.miner.state.password = 'Other_1'
    with pytest.raises(errors.WhatsminerError) as caught:
        client.write('power_off')
    failures.append(caught.value)
    assert len({type(err) for err in failures}) >= 5
    for err in failures:
        check_error(err, client)
