# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared on-disk token store: permissions, expiry, drop, corrupt files, locking across real processes."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import stat
import threading
import time

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import tokenstore
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import DEFAULT_CACHE, TOKEN_MAX_AGE, Token
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokenstore import SharedTokenStore, token_cache_from_settings

HOST, PORT, PASSWORD = '127.0.89.7', 4028, 'Pw_9kQz2'
SIGN, AESKEY = 'W7vZynrBZBwIIjR5dvDJb0', bytes(range(32))


class WallClock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def fetcher(sign=SIGN, calls=None):
    def fetch(now):
        if calls is not None:
            calls.append(now)
        return Token(sign, AESKEY, now)
    return fetch


def store_in(directory, **kwargs):
    return SharedTokenStore(tokenstore.prepare_directory(str(directory)), **kwargs)


def token_file(store, host=HOST, port=PORT):
    return store._path(host, port)  # pylint: disable=protected-access


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


# --- directory and file permissions ---------------------------------------------------------


def test_directory_and_files_are_private_and_hold_no_password(tmp_path):
    directory = tmp_path / 'a' / 'b' / 'tokens'
    store = token_cache_from_settings(str(directory))
    assert isinstance(store, SharedTokenStore) and store.directory == str(directory)
    for part in (tmp_path / 'a', tmp_path / 'a' / 'b', directory):
        assert mode(part) == 0o700
    token = store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    assert (token.sign, token.aeskey) == (SIGN, AESKEY)
    path = token_file(store)
    assert mode(path) == 0o600 and os.lstat(path).st_uid == os.geteuid()
    text = open(path, encoding='utf-8').read()
    assert PASSWORD not in text and hashlib.sha256(PASSWORD.encode()).hexdigest() not in text
    stored = json.loads(text)
    assert sorted(stored) == ['entries', 'format', 'host', 'port', 'salt']
    assert [sorted(entry) for entry in stored['entries']] == [['aeskey', 'fetched_at', 'sign', 'verifier']]
    lock = store._path(HOST, PORT, tokenstore.LOCK_SUFFIX)  # pylint: disable=protected-access
    assert mode(lock) == 0o600
    assert [name for name in os.listdir(directory) if name.startswith('.tmp-')] == []
    for shown in (repr(store), repr(token)):
        assert SIGN not in shown and PASSWORD not in shown and AESKEY.hex() not in shown


@pytest.mark.parametrize('bits', [0o750, 0o705, 0o777])
def test_a_group_or_world_accessible_directory_is_refused(tmp_path, bits):
    directory = tmp_path / 'open'
    directory.mkdir()
    directory.chmod(bits)
    assert token_cache_from_settings(str(directory)) is DEFAULT_CACHE
    assert os.listdir(directory) == []                        # nothing written there


def test_a_directory_turning_insecure_later_is_no_longer_used(tmp_path):
    store = store_in(tmp_path / 'tokens')
    os.chmod(store.directory, 0o755)
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    assert os.listdir(store.directory) == []
    assert store.get(HOST, PORT, PASSWORD).sign == SIGN       # memory still works


def test_a_directory_of_another_user_is_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip('changing a directory owner needs root')
    directory = tmp_path / 'foreign'
    directory.mkdir(mode=0o700)
    os.chown(directory, 54321, 54321)
    assert token_cache_from_settings(str(directory)) is DEFAULT_CACHE


def test_a_symlinked_directory_is_refused(tmp_path):
    real = tmp_path / 'real'
    real.mkdir(mode=0o700)
    link = tmp_path / 'link'
    link.symlink_to(real)
    assert token_cache_from_settings(str(link)) is DEFAULT_CACHE


@pytest.mark.parametrize('setting', ['off', 'OFF', ' off ', 'memory', 'relative/dir', '/proc/no/such/place'])
def test_off_relative_or_unusable_settings_mean_memory_only(setting):
    assert token_cache_from_settings(setting) is DEFAULT_CACHE


def test_default_directory_is_under_ansible_home_and_the_env_switch_works(tmp_path, monkeypatch):
    monkeypatch.setenv('ANSIBLE_HOME', str(tmp_path / 'ahome'))
    monkeypatch.delenv(tokenstore.SETTING_ENV, raising=False)
    store = token_cache_from_settings(None)
    assert store.directory == str(tmp_path / 'ahome' / 'minerops_whatsminer' / 'tokens')
    assert token_cache_from_settings('on') is store            # one store per directory per process
    assert WhatsminerClient(HOST, password=PASSWORD).token_cache is store
    monkeypatch.setenv(tokenstore.SETTING_ENV, 'off')
    assert WhatsminerClient(HOST, password=PASSWORD).token_cache is DEFAULT_CACHE
    monkeypatch.setenv(tokenstore.SETTING_ENV, str(tmp_path / 'mine'))
    assert WhatsminerClient(HOST, password=PASSWORD).token_cache.directory == str(tmp_path / 'mine')
    monkeypatch.delenv('ANSIBLE_HOME')
    monkeypatch.setattr(tokenstore, '_CONFIGURED_HOME', [None])     # as in a module process: no ansible.cfg read
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    assert tokenstore.default_directory() == str(tmp_path / 'home' / '.ansible' / 'minerops_whatsminer' / 'tokens')


# --- sharing and expiry --------------------------------------------------------------------


def test_a_second_process_view_reuses_the_token_and_memory_is_read_first(tmp_path):
    clock = WallClock()
    first = store_in(tmp_path / 'tokens', wall_clock=clock)
    calls = []
    first.get_or_fetch(HOST, PORT, PASSWORD, fetcher(calls=calls))
    second = store_in(tmp_path / 'tokens', wall_clock=clock)    # what another fork sees
    assert second.get_or_fetch(HOST, PORT, PASSWORD, fetcher('other', calls)).sign == SIGN
    assert calls == [clock.now] and len(second) == 1
    with open(token_file(second), 'w', encoding='utf-8') as stream:
        stream.write('garbage')                                 # the disk is not read again
    assert second.get(HOST, PORT, PASSWORD).sign == SIGN


def test_tokens_expire_at_the_token_cache_age_on_the_wall_clock(tmp_path):
    clock = WallClock()
    store = store_in(tmp_path / 'tokens', wall_clock=clock)
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    clock.now += TOKEN_MAX_AGE - 1
    assert store_in(tmp_path / 'tokens', wall_clock=clock).get(HOST, PORT, PASSWORD).sign == SIGN
    assert store.get(HOST, PORT, PASSWORD).sign == SIGN
    clock.now += 1
    assert store_in(tmp_path / 'tokens', wall_clock=clock).get(HOST, PORT, PASSWORD) is None
    assert store.get(HOST, PORT, PASSWORD) is None
    calls = []
    assert store.get_or_fetch(HOST, PORT, PASSWORD, fetcher('fresh', calls)).sign == 'fresh'
    assert calls == [clock.now]


def test_a_memory_token_also_expires_on_the_monotonic_clock(tmp_path):
    ticks = [100.0]
    store = store_in(tmp_path / 'tokens', clock=lambda: ticks[0])
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    os.unlink(token_file(store))
    ticks[0] += TOKEN_MAX_AGE
    assert store.get(HOST, PORT, PASSWORD) is None


def test_a_clock_that_went_backwards_means_expired(tmp_path):
    clock = WallClock()
    store = store_in(tmp_path / 'tokens', wall_clock=clock)
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    clock.now -= 5
    assert store_in(tmp_path / 'tokens', wall_clock=clock).get(HOST, PORT, PASSWORD) is None
    assert store.get(HOST, PORT, PASSWORD) is None


def test_another_password_never_gets_the_token_and_both_are_kept(tmp_path):
    """While a password is rotated, plays with the old and the new one keep a token each."""
    store = store_in(tmp_path / 'tokens')
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    other = store_in(tmp_path / 'tokens')
    assert other.get(HOST, PORT, 'new_pw1') is None
    assert other.get(HOST, PORT + 1, PASSWORD) is None
    assert other.get_or_fetch(HOST, PORT, 'new_pw1', fetcher('for-new')).sign == 'for-new'
    fresh = store_in(tmp_path / 'tokens')
    calls = []
    assert fresh.get_or_fetch(HOST, PORT, PASSWORD, fetcher('again', calls)).sign == SIGN and calls == []
    assert fresh.get(HOST, PORT, 'new_pw1').sign == 'for-new' and len(fresh) == 2
    assert len(json.loads(open(token_file(store), encoding='utf-8').read())['entries']) == 2


def test_at_most_max_entries_passwords_are_kept_per_miner_the_newest(tmp_path):
    store = store_in(tmp_path / 'tokens')
    count = tokenstore.MAX_ENTRIES + 2
    for index in range(count):
        store_in(tmp_path / 'tokens').get_or_fetch(HOST, PORT, 'pw-%d' % index, fetcher('sign-%d' % index))
    fresh = store_in(tmp_path / 'tokens')
    kept = [index for index in range(count) if fresh.get(HOST, PORT, 'pw-%d' % index) is not None]
    assert kept == list(range(count - tokenstore.MAX_ENTRIES, count))
    assert os.path.getsize(token_file(store)) <= tokenstore.MAX_FILE_BYTES


def test_an_expired_token_of_another_password_is_dropped_on_the_next_write(tmp_path):
    clock = WallClock()
    store = store_in(tmp_path / 'tokens', wall_clock=clock)
    store.get_or_fetch(HOST, PORT, 'old-pw', fetcher('old'))
    clock.now += TOKEN_MAX_AGE + 1
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher('new'))
    assert [entry['sign'] for entry in json.loads(open(token_file(store), encoding='utf-8').read())['entries']] == ['new']


# --- drop ------------------------------------------------------------------------------------


def test_drop_removes_the_rejected_token_everywhere(tmp_path):
    store = store_in(tmp_path / 'tokens')
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    store.drop(HOST, PORT, PASSWORD)
    assert not os.path.exists(token_file(store)) and len(store) == 0
    assert store_in(tmp_path / 'tokens').get(HOST, PORT, PASSWORD) is None


def test_drop_keeps_a_newer_token_another_process_wrote(tmp_path):
    stale = store_in(tmp_path / 'tokens')
    stale.get_or_fetch(HOST, PORT, PASSWORD, fetcher('old'))
    other = store_in(tmp_path / 'tokens')
    other.drop(HOST, PORT, PASSWORD)
    other.get_or_fetch(HOST, PORT, PASSWORD, fetcher('new'))
    stale.drop(HOST, PORT, PASSWORD)                            # its 'old' token got Code 135
    assert stale.get_or_fetch(HOST, PORT, PASSWORD, fetcher('third')).sign == 'new'


def test_drop_takes_only_the_rejected_passwords_token(tmp_path):
    store = store_in(tmp_path / 'tokens')
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    store.get_or_fetch(HOST, PORT, 'other-pw', fetcher('other'))
    store_in(tmp_path / 'tokens').drop(HOST, PORT, 'other-pw')
    fresh = store_in(tmp_path / 'tokens')
    assert fresh.get(HOST, PORT, 'other-pw') is None and fresh.get(HOST, PORT, PASSWORD).sign == SIGN


def test_drop_for_another_password_keeps_the_file(tmp_path):
    store = store_in(tmp_path / 'tokens')
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    store_in(tmp_path / 'tokens').drop(HOST, PORT, 'wrong_pw')
    assert store_in(tmp_path / 'tokens').get(HOST, PORT, PASSWORD).sign == SIGN


def test_drop_miner_and_clear(tmp_path):
    store = store_in(tmp_path / 'tokens')
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    store.get_or_fetch('127.0.89.8', PORT, PASSWORD, fetcher())
    assert len(store) == 2
    store.drop_miner(HOST, PORT)                                # after update_pwd
    assert store_in(tmp_path / 'tokens').get(HOST, PORT, PASSWORD) is None
    assert store.get(HOST, PORT, PASSWORD) is None and len(store) == 1
    store.clear()
    assert len(store) == 0 and store_in(tmp_path / 'tokens').get('127.0.89.8', PORT, PASSWORD) is None


# --- corrupt, foreign, oversized --------------------------------------------------------------


def _valid_body(tmp_path):
    probe = store_in(tmp_path / 'probe')
    probe.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    return json.loads(open(token_file(probe), encoding='utf-8').read())


def _variants(body):
    yield 'garbage', b'\x00\xffnot json'
    yield 'empty', b''
    yield 'list', b'[1, 2]'
    yield 'oversized', json.dumps(dict(body, pad='x' * tokenstore.MAX_FILE_BYTES)).encode()
    entry = body['entries'][0]
    for field, value in (('format', 'other/1'), ('format', 'minerops.whatsminer.token/1'), ('host', '10.0.0.1'),
                         ('port', '4028'), ('salt', 'nothex'), ('salt', '00' * 8), ('entries', []),
                         ('entries', [entry] * (tokenstore.MAX_ENTRIES + 1)), ('entries', {'a': 1}), ('entries', [7])):
        yield '%s=%r' % (field, value), json.dumps(dict(body, **{field: value})).encode()
    for field, value in (('fetched_at', 'now'), ('fetched_at', True), ('sign', ''), ('sign', 'x' * 500),
                         ('sign', 'a\nb'), ('aeskey', 'zz'), ('aeskey', '00' * 16), ('verifier', 7), ('verifier', 'ab')):
        yield 'entry %s=%r' % (field, value), json.dumps(dict(body, entries=[dict(entry, **{field: value})])).encode()
    yield 'nan', json.dumps(body).replace(str(entry['fetched_at']), 'NaN').encode()


def test_corrupt_files_are_ignored_and_replaced(tmp_path):
    body = _valid_body(tmp_path)
    for label, data in _variants(body):
        store = store_in(tmp_path / 'tokens')
        with open(token_file(store), 'wb') as stream:
            stream.write(data)
        os.chmod(token_file(store), 0o600)
        calls = []
        assert store.get_or_fetch(HOST, PORT, PASSWORD, fetcher('fresh', calls)).sign == 'fresh', label
        assert len(calls) == 1, label
        assert store_in(tmp_path / 'tokens').get(HOST, PORT, PASSWORD).sign == 'fresh', label
        store.clear()


def test_a_readable_by_others_or_symlinked_token_file_is_ignored(tmp_path):
    body = _valid_body(tmp_path)
    store = store_in(tmp_path / 'tokens')
    path = token_file(store)
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump(body, stream)
    os.chmod(path, 0o600)
    assert store_in(tmp_path / 'tokens').get(HOST, PORT, PASSWORD).sign == SIGN     # the control: valid as is
    os.chmod(path, 0o644)
    assert store_in(tmp_path / 'tokens').get(HOST, PORT, PASSWORD) is None
    os.unlink(path)
    target = tmp_path / 'elsewhere.json'
    target.write_text(json.dumps(body))
    target.chmod(0o600)
    os.symlink(target, path)
    assert store_in(tmp_path / 'tokens').get(HOST, PORT, PASSWORD) is None
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher('fresh'))
    assert not os.path.islink(path) and json.loads(target.read_text()) == body  # replaced, target untouched


def test_a_failing_fetch_stores_nothing(tmp_path):
    store = store_in(tmp_path / 'tokens')

    def broken(now):
        raise RuntimeError('no reply')
    with pytest.raises(RuntimeError):
        store.get_or_fetch(HOST, PORT, PASSWORD, broken)
    assert len(store) == 0 and not os.path.exists(token_file(store))


# --- locking with real processes ----------------------------------------------------------------


def _in_child(work):
    """Run ``work()`` in a forked process; returns (pid, read end) - the child writes its JSON result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:   # pragma: no cover - the child
        os.close(read_end)
        code = 0
        try:
            payload = json.dumps(work()).encode()
        except BaseException as exc:  # pylint: disable=broad-except
            payload, code = json.dumps({'error': repr(exc)}).encode(), 1
        with os.fdopen(write_end, 'wb') as stream:
            stream.write(payload)
        os._exit(code)  # pylint: disable=protected-access
    os.close(write_end)
    return pid, read_end


def _collect(children, timeout=30.0):
    results = []
    for pid, read_end in children:
        with os.fdopen(read_end, 'rb') as stream:
            data = stream.read()
        _pid, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status), status
        results.append(json.loads(data.decode() or '{}'))
    return results


def test_racing_processes_fetch_one_token(tmp_path):
    directory = tokenstore.prepare_directory(str(tmp_path / 'tokens'))
    log = str(tmp_path / 'fetches.log')
    start_at = time.time() + 0.5

    def work():
        store = SharedTokenStore(directory)

        def fetch(now):
            with open(log, 'a', encoding='utf-8') as stream:
                stream.write('%d\n' % os.getpid())
            time.sleep(0.3)                                     # a slow get_token: the others must wait
            return Token('sign-%d' % os.getpid(), AESKEY, now)
        time.sleep(max(0.0, start_at - time.time()))
        return {'sign': store.get_or_fetch(HOST, PORT, PASSWORD, fetch).sign}

    results = _collect([_in_child(work) for _index in range(6)])
    fetches = open(log, encoding='utf-8').read().split()
    assert len(fetches) == 1, fetches
    assert [result.get('sign') for result in results] == ['sign-%s' % fetches[0]] * 6


def test_the_lock_wait_is_bounded_then_the_process_fetches(tmp_path):
    directory = tokenstore.prepare_directory(str(tmp_path / 'tokens'))
    holder = SharedTokenStore(directory)
    fd = holder._acquire(HOST, PORT)  # pylint: disable=protected-access
    assert fd is not None
    try:
        def work():
            started = time.monotonic()
            sign = SharedTokenStore(directory, lock_wait=0.4).get_or_fetch(HOST, PORT, PASSWORD, fetcher('mine')).sign
            return {'sign': sign, 'waited': time.monotonic() - started}
        (result,) = _collect([_in_child(work)])
    finally:
        os.close(fd)
    assert result['sign'] == 'mine'
    assert 0.35 <= result['waited'] < 3.0, result


def test_the_lock_is_a_real_flock_held_during_the_fetch(tmp_path):
    store = store_in(tmp_path / 'tokens')
    seen = []

    def fetch(now):
        probe = os.open(store._path(HOST, PORT, tokenstore.LOCK_SUFFIX), os.O_RDWR)  # pylint: disable=protected-access
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(True)
        finally:
            os.close(probe)
        return Token(SIGN, AESKEY, now)
    store.get_or_fetch(HOST, PORT, PASSWORD, fetch)
    assert seen == [True]


def test_writing_prunes_expired_token_files_and_crash_leftovers(tmp_path):
    store = store_in(tmp_path / 'tokens')
    store.get_or_fetch(HOST, PORT, PASSWORD, fetcher())
    old = token_file(store)
    leftover = os.path.join(store.directory, '.tmp-crashed' + tokenstore.SUFFIX)
    recent = os.path.join(store.directory, '.tmp-in-flight' + tokenstore.SUFFIX)
    for path in (leftover, recent):
        open(path, 'w', encoding='utf-8').close()
    written = time.time() - TOKEN_MAX_AGE - 1
    os.utime(old, (written, written))
    os.utime(leftover, (time.time() - 120, time.time() - 120))
    store_in(tmp_path / 'tokens').get_or_fetch('127.0.89.8', PORT, PASSWORD, fetcher())
    assert not os.path.exists(old) and not os.path.exists(leftover) and os.path.exists(recent)
    assert os.path.exists(store._path(HOST, PORT, tokenstore.LOCK_SUFFIX))  # pylint: disable=protected-access
    assert store_in(tmp_path / 'tokens').get('127.0.89.8', PORT, PASSWORD).sign == SIGN


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_old_lock_files_of_miners_without_a_token_are_pruned_unless_held(tmp_path):
    store = store_in(tmp_path / 'tokens')
    lock = store._path  # pylint: disable=protected-access
    for host in ('127.0.89.20', '127.0.89.21', '127.0.89.22'):
        store.get_or_fetch(host, PORT, PASSWORD, fetcher())
    store.drop_miner('127.0.89.20', PORT)            # no token file left: its lock is a leftover
    store.drop_miner('127.0.89.21', PORT)
    for host in ('127.0.89.20', '127.0.89.21', '127.0.89.22'):
        _age(lock(host, PORT, tokenstore.LOCK_SUFFIX), TOKEN_MAX_AGE + 1)
    held = os.open(lock('127.0.89.21', PORT, tokenstore.LOCK_SUFFIX), os.O_RDWR)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)       # another process is using this one
        store_in(tmp_path / 'tokens').get_or_fetch('127.0.89.23', PORT, PASSWORD, fetcher())
    finally:
        os.close(held)
    assert not os.path.exists(lock('127.0.89.20', PORT, tokenstore.LOCK_SUFFIX))
    assert os.path.exists(lock('127.0.89.21', PORT, tokenstore.LOCK_SUFFIX))    # held: kept
    assert os.path.exists(lock('127.0.89.22', PORT, tokenstore.LOCK_SUFFIX))    # its token is live: kept
    assert store_in(tmp_path / 'tokens').get('127.0.89.22', PORT, PASSWORD).sign == SIGN


def test_a_lock_pruned_while_a_process_waited_for_it_is_not_shared(tmp_path):
    """The waiter gets the unlinked file's flock, sees the path names another file, and locks that one."""
    holder, waiter = store_in(tmp_path / 'tokens'), store_in(tmp_path / 'tokens')
    path = holder._path(HOST, PORT, tokenstore.LOCK_SUFFIX)  # pylint: disable=protected-access
    fd = holder._acquire(HOST, PORT)  # pylint: disable=protected-access
    got = []
    thread = threading.Thread(target=lambda: got.append(waiter._acquire(HOST, PORT)))  # pylint: disable=protected-access
    thread.start()
    time.sleep(0.2)                       # the waiter has opened the file and polls its flock
    os.unlink(path)                        # what _prune_lock does, holding the lock
    holder._release(fd)  # pylint: disable=protected-access
    thread.join(5)
    (mine,) = got
    try:
        assert mine is not None and os.path.exists(path)
        assert os.fstat(mine).st_ino == os.lstat(path).st_ino
        probe = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(probe)
    finally:
        os.close(mine)


def test_the_configured_ansible_home_is_the_default_when_the_environment_has_none(tmp_path, monkeypatch):
    monkeypatch.delenv('ANSIBLE_HOME', raising=False)
    monkeypatch.setattr(tokenstore, '_CONFIGURED_HOME', [None])
    tokenstore.use_ansible_home(str(tmp_path / 'from_cfg'))
    assert tokenstore.default_directory() == str(tmp_path / 'from_cfg' / 'minerops_whatsminer' / 'tokens')
    monkeypatch.setenv('ANSIBLE_HOME', str(tmp_path / 'from_env'))
    assert tokenstore.default_directory() == str(tmp_path / 'from_env' / 'minerops_whatsminer' / 'tokens')
