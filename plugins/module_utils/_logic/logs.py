# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_logs: the miner's log archive, downloaded to a file on the controller.

The archive is written to a temporary file in the directory of the final one and
renamed into place only when every byte the miner announced has arrived, so a file
under the final name is always a whole archive. The device layer counts the bytes
against the size in the miner's header (too few: ``LogArchiveTruncated``; announced
more than ``max_size``: ``ReplyTooLarge``); this module hashes and counts what it
wrote, checks both counts and the file on disk agree, and removes the temporary file
on every failure. Check mode sends nothing at all: it says which file would be written.

``dest`` is a directory (it ends with ``/`` or is one already: the file is named
``<name>_<UTC time>.tar.gz``, ``name`` being the inventory host by default) or a file
path (replaced atomically; unchanged when it already holds the same bytes).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    LogArchiveTruncated,
    ReplyTooLarge,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.transport import MAX_ARCHIVE_BYTES
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import address, input_error

#: the largest archive ``max_size`` may allow (the header's size field is 32 bits on the wire)
MAX_SIZE_LIMIT = 0xFFFFFFFF
SUFFIX = '.tar.gz'
STAMP = '%Y%m%dT%H%M%SZ'
GZIP_MAGIC = b'\x1f\x8b'
#: files of one name and second that may exist side by side before the task gives up
MAX_COLLISIONS = 100
DEFAULT_DOWNLOAD_TIMEOUT = 120.0

ARGUMENT_SPEC = connection_argument_spec(dict(
    dest=dict(type='path', required=True),
    name=dict(type='str'),
    max_size=dict(type='int', default=MAX_ARCHIVE_BYTES),
    download_timeout=dict(type='float', default=DEFAULT_DOWNLOAD_TIMEOUT),
))


class Target:
    """Where the archive goes: ``directory`` and the final ``path`` (``in_directory``: named by us)."""

    def __init__(self, dest: str, name: str, started: datetime.datetime) -> None:
        self.in_directory = dest.endswith(os.sep) or os.path.isdir(dest)
        if self.in_directory:
            self.directory = os.path.normpath(dest)
            self.stem = '%s_%s' % (name, started.strftime(STAMP))
            self.path = os.path.join(self.directory, self.stem + SUFFIX)
        else:
            self.path = os.path.normpath(dest)
            self.directory = os.path.dirname(self.path) or os.curdir
            self.stem = os.path.basename(self.path)

    def candidates(self):
        """Final names to try in a directory: the plain one, then ``-2``, ``-3``... (same host, same second)."""
        yield self.path
        for number in range(2, MAX_COLLISIONS + 1):
            yield os.path.join(self.directory, '%s-%d%s' % (self.stem, number, SUFFIX))


class HashingWriter:
    """A binary sink that hashes and counts every byte on its way to the file."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b''

    def write(self, data) -> int:
        data = bytes(data)
        self.handle.write(data)
        self.digest.update(data)
        if len(self.head) < len(GZIP_MAGIC):
            self.head += data[:len(GZIP_MAGIC) - len(self.head)]
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.handle.flush()


# --- checks before any traffic ------------------------------------------------------

def file_name(params) -> str:
    """The name part of the file in a ``dest`` directory: option ``name``, else the miner's ``host``."""
    name = params.get('name')
    option = 'name'
    if name is None:
        name, option = params['host'], 'host'
    if not name or name in ('.', '..') or name.startswith('.'):
        raise input_error(params, '%s must be usable as the start of a file name (not empty, not starting with "."), '
                                  'got %r' % (option, name))
    bad = [char for char in name if char in ('/', '\\') or ord(char) < 32 or ord(char) == 127]
    if bad:
        raise input_error(params, '%s must be usable as the start of a file name, without "/", "\\" or control '
                                  'characters, got %r' % (option, name[:80]))
    return name


def nearest_existing(path: str) -> str:
    """``path`` or its closest ancestor that exists."""
    path = os.path.abspath(path)
    while not os.path.lexists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def check_params(params):
    """Every input error, before any traffic, naming the miner and the option."""
    dest = params['dest']
    if not dest or not dest.strip():
        raise input_error(params, 'dest must name a directory (ending with "/") or a file on the controller')
    if not 1 <= params['max_size'] <= MAX_SIZE_LIMIT:
        raise input_error(params, 'max_size must be between 1 and %d bytes, got %s' % (MAX_SIZE_LIMIT, params['max_size']))
    if not params['download_timeout'] > 0:
        raise input_error(params, 'download_timeout must be a positive number of seconds, got %s'
                          % params['download_timeout'])


def check_directory(params, target: Target) -> None:
    """The directory exists or can be made, and can be written to."""
    existing = nearest_existing(target.directory)
    if not os.path.isdir(existing):
        raise input_error(params, 'dest: %s cannot be a directory, %s is not one' % (target.directory, existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise input_error(params, 'dest: %s is not writable' % existing)
    if not target.in_directory and os.path.isdir(target.path):
        raise input_error(params, 'dest: %s is a directory' % target.path)


# --- writing --------------------------------------------------------------------------

def failure(params, message, **extra) -> TaskFailed:
    return TaskFailed('%s: %s' % (address(params), message), **extra)


def _remove(path: str | None) -> None:
    if path is None:
        return
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _sync_directory(directory: str) -> None:
    """Make the rename durable (best effort: not every file system allows it)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def same_content(path: str, digest: str, size: int) -> bool:
    """Whether the regular file ``path`` already holds exactly these bytes."""
    if not os.path.isfile(path) or os.path.getsize(path) != size:
        return False
    hashed = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            hashed.update(block)
    return hashed.hexdigest() == digest


def place(temporary: str, target: Target, digest: str, size: int) -> tuple[str, bool]:
    """Give the complete temporary file its final name: (path, changed).

    A file ``dest`` is replaced atomically (and left alone when it holds the same
    bytes). In a directory an existing archive is never overwritten: a hard link
    claims the name atomically or fails; where links are not possible, a name that
    does not exist yet is taken by rename.
    """
    if not target.in_directory:
        if same_content(target.path, digest, size):
            _remove(temporary)
            return target.path, False
        os.replace(temporary, target.path)
        return target.path, True
    for candidate in target.candidates():
        try:
            os.link(temporary, candidate)
        except FileExistsError:
            continue
        except OSError:
            if os.path.lexists(candidate):
                continue
            os.replace(temporary, candidate)
            return candidate, True
        _remove(temporary)
        return candidate, True
    raise OSError('%d archives named %s* exist already' % (MAX_COLLISIONS, target.stem))


def receive(params, miner, handle, result: dict) -> HashingWriter:
    """The archive into ``handle``, counted and hashed; every way it can go wrong is a TaskFailed."""
    sink = HashingWriter(handle)
    started = time.monotonic()
    try:
        count = miner.download_logs(sink, params['max_size'], params['download_timeout'])
    except LogArchiveTruncated as err:
        raise failure(params, '%s; the partial archive was removed and no file was written' % err.reason,
                      error=type(err).__name__, retryable=err.retryable, received=err.received, **result) from None
    except ReplyTooLarge as err:
        raise failure(params, '%s (max_size); nothing was written: raise max_size to download it' % err.reason,
                      error=type(err).__name__, retryable=err.retryable, **result) from None
    except WhatsminerError as err:
        raise failure(params, 'the log download failed and no file was written: %s' % err.reason,
                      error=type(err).__name__, retryable=err.retryable, received=sink.size, **result) from None
    handle.flush()
    os.fsync(handle.fileno())
    on_disk = os.fstat(handle.fileno()).st_size
    result['download_seconds'] = round(time.monotonic() - started, 3)
    if not count == sink.size == on_disk:
        raise failure(params, 'the miner announced %s bytes, %d arrived and %d are on disk; no file was written'
                      % (count, sink.size, on_disk), received=sink.size, **result)
    if count == 0:
        raise failure(params, 'the miner announced an empty log archive; no file was written', received=0, **result)
    return sink


def download(params, miner, target: Target, result: dict) -> None:
    """Download into a temporary file beside the final one; rename it into place only when complete."""
    try:
        os.makedirs(target.directory, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix='.%s.' % target.stem, suffix='.part', dir=target.directory)
    except OSError as err:
        raise failure(params, 'cannot write into %s (%s); nothing was downloaded' % (target.directory, err.strerror or err),
                      **result) from None
    try:
        with os.fdopen(descriptor, 'wb') as handle:
            sink = receive(params, miner, handle, result)
        digest = sink.digest.hexdigest()
        path, changed = place(temporary, target, digest, sink.size)
        temporary = None
        result.update(changed=changed, dest=path, size=sink.size, sha256=digest)
        if sink.head != GZIP_MAGIC:
            result['warnings'] = ['the archive does not start with the gzip signature; it was saved as it came (%s)'
                                  % path]
    except OSError as err:
        raise failure(params, 'cannot write the log archive into %s (%s); no file was written'
                      % (target.directory, err.strerror or err), **result) from None
    finally:
        _remove(temporary)
    _sync_directory(target.directory)


def run(params, miner, check_mode, diff_mode):
    name = file_name(params)
    check_params(params)
    started = datetime.datetime.now(datetime.timezone.utc)
    target = Target(params['dest'], name, started)
    check_directory(params, target)
    result = dict(changed=False, dest=target.path, name=name, timestamp=started.strftime('%Y-%m-%dT%H:%M:%SZ'),
                  size=None, sha256=None, download_seconds=None, commands=miner.commands)
    if check_mode:
        miner.download_logs(None, params['max_size'], params['download_timeout'])   # recorded; the guard sends nothing
        result['changed'] = True
        return result
    download(params, miner, target, result)
    return result


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run)
