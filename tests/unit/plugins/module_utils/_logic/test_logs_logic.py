# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_logs logic: file naming, atomic placement, cleanup on every failure, input checks.

The logic talks to the real device layer (``Miner`` over ``V2Backend``) over an in-memory
stand-in for ``WhatsminerClient`` that writes archive bytes into the sink it is given, as
the real client does, and fails the way the real one can. The real protocol and the
simulator's faults are covered by tests/functional/admin/test_logs_and_playbooks.py.
"""

from __future__ import annotations

import datetime
import errno
import gzip
import hashlib
import os
import stat

import pytest

from ansible_collections.minerops.whatsminer.plugins.action.whatsminer_logs import controller_dest
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectionRefused,
    LogArchiveTruncated,
    ReplyTooLarge,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import logs
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed

HOST = '192.0.2.77'
# about 9.6 kB that gzip cannot shrink, so a cut at 1000 or 3000 bytes is a cut inside the archive
ARCHIVE = gzip.compress(b''.join(hashlib.sha256(b'%d' % index).digest() for index in range(300)), mtime=0)


class FakeClient:
    """Writes ``archive`` into the sink like the real client; ``cut`` bytes in, it fails with ``error``."""

    host = HOST
    port = 4028
    password = 'admin'

    def __init__(self, archive=ARCHIVE, cut=None, error=None, count=None):
        self.archive = archive
        self.cut = cut
        self.error = error
        self.count = count
        self.calls = []

    def download_logs(self, dest, max_bytes, timeout):
        self.calls.append((max_bytes, timeout))
        if len(self.archive) > max_bytes:
            raise ReplyTooLarge('the log archive is %d bytes, more than the %d byte limit' % (len(self.archive), max_bytes),
                                self.host, self.port)
        data = self.archive if self.cut is None else self.archive[:self.cut]
        for start in range(0, len(data), 1000):
            dest.write(memoryview(data)[start:start + 1000])
        if self.error is not None:
            raise self.error
        return len(data) if self.count is None else self.count


class NoNetwork:
    """A client that fails the test if touched."""

    host = HOST
    port = 4028

    def __getattr__(self, name):
        raise AssertionError('the client was used (%s)' % name)


def device(client, check_mode=False):
    return Miner(V2Backend(client), check_mode)


def params(dest, **given):
    values = dict((name, spec.get('default')) for name, spec in logs.ARGUMENT_SPEC.items())
    values.update(host=HOST, port=4028, password='admin', dest=str(dest), name='rack1-m07')
    values.update(given)
    return values


def listing(directory):
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


def test_directory_dest_names_the_file_after_the_name_and_the_time(tmp_path):
    client = FakeClient()
    result = logs.run(params(str(tmp_path) + '/'), device(client), False, False)
    name = os.path.basename(result['dest'])
    assert result['changed'] is True and result['commands'] == ['download_logs']
    assert name == 'rack1-m07_%s.tar.gz' % result['timestamp'].replace('-', '').replace(':', '')
    assert listing(tmp_path) == [name]
    assert (tmp_path / name).read_bytes() == ARCHIVE
    assert result['size'] == len(ARCHIVE) and result['sha256'] == hashlib.sha256(ARCHIVE).hexdigest()
    assert stat.S_IMODE(os.stat(result['dest']).st_mode) == 0o600
    assert client.calls == [(logs.MAX_ARCHIVE_BYTES, logs.DEFAULT_DOWNLOAD_TIMEOUT)]
    assert 'warnings' not in result


def test_an_existing_directory_without_slash_is_a_directory_and_missing_ones_are_made(tmp_path):
    result = logs.run(params(tmp_path), device(FakeClient()), False, False)
    assert os.path.dirname(result['dest']) == str(tmp_path)
    deep = tmp_path / 'a' / 'b'
    result = logs.run(params(str(deep) + '/'), device(FakeClient()), False, False)
    assert os.path.dirname(result['dest']) == str(deep) and len(listing(deep)) == 1


def test_the_name_defaults_to_the_host(tmp_path):
    result = logs.run(params(str(tmp_path) + '/', name=None), device(FakeClient()), False, False)
    assert result['name'] == HOST and os.path.basename(result['dest']).startswith(HOST + '_')


def test_an_archive_of_the_same_name_and_second_is_never_overwritten(tmp_path):
    started = datetime.datetime(2026, 3, 1, 14, 25, 1, tzinfo=datetime.timezone.utc)
    target = logs.Target(str(tmp_path) + '/', 'm1', started)
    (tmp_path / 'm1_20260301T142501Z.tar.gz').write_bytes(b'older')
    temporary = tmp_path / '.part'
    temporary.write_bytes(ARCHIVE)
    path, changed = logs.place(str(temporary), target, hashlib.sha256(ARCHIVE).hexdigest(), len(ARCHIVE))
    assert changed and path == str(tmp_path / 'm1_20260301T142501Z-2.tar.gz')
    assert (tmp_path / 'm1_20260301T142501Z.tar.gz').read_bytes() == b'older'
    assert listing(tmp_path) == ['m1_20260301T142501Z-2.tar.gz', 'm1_20260301T142501Z.tar.gz']


def test_file_dest_is_replaced_atomically_and_unchanged_when_identical(tmp_path):
    dest = tmp_path / 'latest.tar.gz'
    dest.write_bytes(b'an older archive')
    first = logs.run(params(dest), device(FakeClient()), False, False)
    assert first['changed'] is True and first['dest'] == str(dest) and dest.read_bytes() == ARCHIVE
    inode = os.stat(dest).st_ino
    again = logs.run(params(dest), device(FakeClient()), False, False)
    assert again['changed'] is False and again['sha256'] == first['sha256']
    assert os.stat(dest).st_ino == inode and listing(tmp_path) == ['latest.tar.gz']


@pytest.mark.parametrize('client, words', [
    (FakeClient(cut=1000, error=LogArchiveTruncated('log archive truncated: got 1000 of 2000 bytes', HOST, 4028)),
     'log archive truncated: got 1000 of 2000 bytes; the partial archive was removed'),
    (FakeClient(cut=10, error=ConnectionRefused('connection refused', HOST, 4028)), 'the log download failed'),
    (FakeClient(count=len(ARCHIVE) + 5), 'the miner announced %d bytes, %d arrived' % (len(ARCHIVE) + 5, len(ARCHIVE))),
    (FakeClient(archive=b''), 'the miner announced an empty log archive'),
    (FakeClient(cut=3000, error=OSError(errno.ENOSPC, 'No space left on device')), 'No space left on device'),
])
def test_every_failure_leaves_no_file_and_keeps_an_existing_one(tmp_path, client, words):
    dest = tmp_path / 'latest.tar.gz'
    dest.write_bytes(b'the previous archive')
    with pytest.raises(TaskFailed) as err:
        logs.run(params(dest), device(client), False, False)
    assert err.value.msg.startswith('%s:4028: ' % HOST) and words in err.value.msg, err.value.msg
    assert 'no file was written' in err.value.msg
    assert listing(tmp_path) == ['latest.tar.gz'] and dest.read_bytes() == b'the previous archive'
    assert err.value.extra['size'] is None and err.value.extra['sha256'] is None


def test_a_truncated_archive_in_a_directory_leaves_the_directory_empty(tmp_path):
    client = FakeClient(cut=1500, error=LogArchiveTruncated('log archive truncated', HOST, 4028))
    with pytest.raises(TaskFailed) as err:
        logs.run(params(str(tmp_path) + '/'), device(client), False, False)
    assert listing(tmp_path) == [] and err.value.extra['error'] == 'LogArchiveTruncated'


def test_an_archive_over_max_size_fails_naming_the_option(tmp_path):
    with pytest.raises(TaskFailed) as err:
        logs.run(params(str(tmp_path) + '/', max_size=20), device(FakeClient()), False, False)
    assert 'more than the 20 byte limit (max_size)' in err.value.msg and listing(tmp_path) == []
    assert err.value.extra['error'] == 'ReplyTooLarge'


def test_check_mode_sends_nothing_and_creates_nothing(tmp_path):
    dest = tmp_path / 'not' / 'yet'
    result = logs.run(params(str(dest) + '/'), device(NoNetwork(), check_mode=True), True, False)
    assert result['changed'] is True and result['commands'] == ['download_logs']
    assert result['dest'].startswith(str(dest) + os.sep + 'rack1-m07_') and result['size'] is None
    assert listing(tmp_path) == []


def test_a_file_that_is_not_gzip_is_kept_with_a_warning(tmp_path):
    result = logs.run(params(tmp_path / 'x.tar.gz'), device(FakeClient(archive=b'plain text')), False, False)
    assert result['changed'] and 'gzip signature' in result['warnings'][0]


@pytest.mark.parametrize('given, words', [
    (dict(name='a/b'), 'name must be usable as the start of a file name'),
    (dict(name='.hidden'), 'name must be usable as the start of a file name'),
    (dict(name='bad\nname'), 'name must be usable as the start of a file name'),
    (dict(name=''), 'name must be usable'),
    (dict(max_size=0), 'max_size must be between 1 and'),
    (dict(max_size=1 << 40), 'max_size must be between 1 and'),
    (dict(download_timeout=0.0), 'download_timeout must be a positive number'),
    (dict(dest=''), 'dest must name a directory'),
])
def test_bad_input_fails_before_any_traffic(tmp_path, given, words):
    values = params(str(tmp_path) + '/')
    values.update(given)
    with pytest.raises(TaskFailed) as err:
        logs.run(values, device(NoNetwork()), False, False)
    assert err.value.msg.startswith('%s:4028: ' % HOST) and words in err.value.msg, err.value.msg


def test_dest_under_a_file_or_on_a_directory_fails_before_any_traffic(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_bytes(b'x')
    for dest, words in ((str(blocker) + '/', 'is not one'), (str(blocker / 'sub') + '/', 'is not one'),
                        (str(blocker / 'sub' / 'x.tar.gz'), 'is not one')):
        with pytest.raises(TaskFailed) as err:
            logs.run(params(dest), device(NoNetwork()), False, False)
        assert 'dest: ' in err.value.msg and words in err.value.msg, err.value.msg


def test_relative_dest_is_taken_from_the_playbook_directory():
    assert controller_dest('logs/', '/srv/play') == '/srv/play/logs/'
    assert controller_dest('a/b.tar.gz', '/srv/play') == '/srv/play/a/b.tar.gz'
    assert controller_dest('/abs/logs/', '/srv/play') == '/abs/logs/'
    assert controller_dest('~/logs/', '/srv/play') == '~/logs/'
    assert controller_dest('logs/', '') == 'logs/'
