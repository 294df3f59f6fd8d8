# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v2 tokens shared by every process of one controller user: across tasks, forks and runs.

Ansible runs each task in its own forked worker (and each module in its own process), so the
process-wide :class:`~tokens.TokenCache` alone fetches one token per task, and a miner keeps at
most 32 live tokens per client IP for 30 minutes: the 33rd write task of a play, and every task
of a re-run, fail with Code 136. :class:`SharedTokenStore` keeps one token per miner on disk so
every process of the controller user reuses it while it is younger than ``TOKEN_MAX_AGE``.

What is stored, one file per miner (``<sha256(host, port)>.token``, JSON, at most 4 KiB):
host, port, a random per-file salt and up to ``MAX_ENTRIES`` tokens, one per password in use
(while a password is being rotated, plays with the old and the new one each keep theirs
instead of replacing each other's on every task): each with its wall-clock fetch time, sign,
AES key and a verifier of its password (PBKDF2-SHA256 with the file's salt, slower per guess
than the MD5-crypt the AES key itself comes from). Never the password, never the MD5-crypt key. The sign and AES key are
derived secrets: with them anyone can send privileged commands to that miner until the token
expires, so they are as sensitive as an SSH ControlPersist socket. Hence the directory must be
the user's own and mode 0700 (else the store is not used at all), files are 0600, written
atomically (temporary file + ``os.replace``), and anything that does not parse, is too large,
is not a regular file of ours, is too old or dated in the future is ignored and replaced.

A per-miner ``flock`` makes concurrent forks fetch one token, not one each: the first fetches
and writes, the others wait (at most ``lock_wait`` seconds, then fetch anyway) and read it.
An in-process cache sits in front, so a process reads the disk once per miner.

``token_cache_from_settings(setting)`` turns the setting (environment variable
``MINEROPS_WHATSMINER_TOKEN_CACHE`` or a module option) into a cache: ``off`` keeps tokens in
memory only, a directory path stores them there, unset uses ``$ANSIBLE_HOME`` (else
``~/.ansible``)``/minerops_whatsminer/tokens``. The store never raises: any disk problem
falls back to memory for that request.
"""

from __future__ import annotations

import binascii
import errno
import fcntl
import hashlib
import hmac
import json
import math
import os
import stat
import tempfile
import threading
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import (
    DEFAULT_CACHE,
    TOKEN_MAX_AGE,
    Token,
    password_digest,
)

SETTING_ENV = 'MINEROPS_WHATSMINER_TOKEN_CACHE'
OFF_VALUES = ('off', 'false', 'no', '0', 'memory')
ON_VALUES = ('', 'on', 'true', 'yes', '1', 'default')
SUBDIRECTORY = os.path.join('minerops_whatsminer', 'tokens')
FORMAT = 'minerops.whatsminer.token/2'
#: tokens kept per miner, one per password (the newest first)
MAX_ENTRIES = 4
SUFFIX = '.token'
LOCK_SUFFIX = '.lock'
MAX_FILE_BYTES = 4096
LOCK_WAIT = 5.0
LOCK_POLL = 0.01
VERIFIER_ITERATIONS = 20000
SALT_BYTES = 16
AES_KEY_BYTES = 32
MAX_SIGN_CHARS = 128


#: the controller's configured ``ANSIBLE_HOME`` (``home`` in ansible.cfg), set by the action
#: plugins with :func:`use_ansible_home`; a module process has only the environment
_CONFIGURED_HOME = [None]


def use_ansible_home(path):
    """Take ``path`` (Ansible's ``ANSIBLE_HOME`` setting, wherever it was set) as the default home."""
    _CONFIGURED_HOME[0] = path or None


def default_directory():
    """``$ANSIBLE_HOME/minerops_whatsminer/tokens`` (the environment, else the home the controller's
    configuration names), else ``~/.ansible/...``; None without a home."""
    base = os.environ.get('ANSIBLE_HOME') or _CONFIGURED_HOME[0]
    if base:
        base = os.path.expanduser(base)
    else:
        base = os.path.expanduser(os.path.join('~', '.ansible'))
    if not os.path.isabs(base):
        return None
    return os.path.join(base, SUBDIRECTORY)


def _private_directory(path):
    """True when ``path`` is a real directory owned by this user with no group/other access."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077


def prepare_directory(path):
    """Create ``path`` (missing parts 0700) and return it when it is private; None otherwise."""
    if not path or not os.path.isabs(path):
        return None
    path = os.path.normpath(path)
    missing = []
    head = path
    while head and not os.path.lexists(head):
        missing.append(head)
        parent = os.path.dirname(head)
        if parent == head:
            break
        head = parent
    for part in reversed(missing):
        try:
            os.mkdir(part, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    return path if _private_directory(path) else None


def _miner_name(host, port):
    return hashlib.sha256(('%s\0%s' % (host, port)).encode('utf-8', 'surrogatepass')).hexdigest()[:40]


def _verifier(password, salt, host, port):
    """PBKDF2-SHA256 of the password, bound to this miner and a random salt: never the password."""
    context = b'\0'.join([salt, ('%s' % host).encode('utf-8', 'surrogatepass'), ('%s' % port).encode('ascii')])
    return hashlib.pbkdf2_hmac('sha256', password.encode('utf-8', 'surrogatepass'), context,
                               VERIFIER_ITERATIONS).hex()


class SharedTokenStore:
    """An on-disk token store with the interface of :class:`~tokens.TokenCache` and a memory cache in front."""

    def __init__(self, directory, max_age=TOKEN_MAX_AGE, wall_clock=time.time, clock=time.monotonic,
                 lock_wait=LOCK_WAIT):
        self.directory = directory
        self.max_age = max_age
        self.wall_clock = wall_clock
        self.clock = clock
        self.lock_wait = lock_wait
        self._memory = {}          # (host, port, sha256(password)) -> (Token, monotonic deadline)
        self._new_locks()

    def _new_locks(self):
        """Fresh locks (also in a forked child: a thread of the parent may have held one at the fork)."""
        self._lock = threading.Lock()
        self._miner_locks = {}

    def __repr__(self):
        return 'SharedTokenStore(%s, %d tokens in memory)' % (self.directory, len(self._memory))

    @staticmethod
    def key(host, port, password):
        return (host, port, password_digest(password))

    # --- age -----------------------------------------------------------------------

    def _fresh(self, fetched_at, now):
        """Younger than ``max_age``; a fetch time in the future means the clock went back: expired."""
        age = now - fetched_at
        return 0 <= age < self.max_age

    # --- memory ----------------------------------------------------------------------

    def _memory_get(self, key):
        with self._lock:
            entry = self._memory.get(key)
            if entry is None:
                return None
            token, deadline = entry
            if self.clock() >= deadline or not self._fresh(token.fetched_at, self.wall_clock()):
                del self._memory[key]
                return None
            return token

    def _memory_put(self, key, token, fetched_at):
        remaining = self.max_age - (self.wall_clock() - fetched_at)
        token = Token(token.sign, token.aeskey, fetched_at)
        with self._lock:
            self._memory[key] = (token, self.clock() + remaining)
        return token

    def _thread_lock(self, host, port):
        with self._lock:
            return self._miner_locks.setdefault((host, port), threading.Lock())

    # --- disk ------------------------------------------------------------------------

    def _usable(self):
        return _private_directory(self.directory)

    def _path(self, host, port, suffix=SUFFIX):
        return os.path.join(self.directory, _miner_name(host, port) + suffix)

    def _load(self, host, port):
        """The parsed file of one miner, or None when absent, not ours, too large or malformed."""
        data = self._read(self._path(host, port))
        return None if data is None else _parse_file(data, host, port)

    def _read(self, path):
        """A token file's bytes: only a regular file of this user, 0600 or stricter, at most 4 KiB; else None."""
        if not self._usable():
            return None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077
                    or info.st_size > MAX_FILE_BYTES):
                return None
            data = os.read(fd, MAX_FILE_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return data if len(data) <= MAX_FILE_BYTES else None

    def _disk_get(self, host, port, password):
        stored = self._load(host, port)
        if stored is None:
            return None
        entry = _entry_for(stored, _verifier(password, stored['salt'], host, port))
        if entry is None or not self._fresh(entry['fetched_at'], self.wall_clock()):
            return None
        return Token(entry['sign'], entry['aeskey'], entry['fetched_at'])

    def _disk_put(self, host, port, password, token, fetched_at):
        """Write this password's token into the miner's file, keeping the live tokens of other
        passwords (at most ``MAX_ENTRIES`` in all); atomically, 0600; False on any failure."""
        if not self._usable():
            return False
        stored = self._load(host, port)
        salt = stored['salt'] if stored is not None else os.urandom(SALT_BYTES)
        verifier = _verifier(password, salt, host, port)
        now = self.wall_clock()
        others = [entry for entry in (stored['entries'] if stored is not None else ())
                  if not hmac.compare_digest(entry['verifier'], verifier) and self._fresh(entry['fetched_at'], now)]
        mine = dict(verifier=verifier, fetched_at=fetched_at, sign=token.sign, aeskey=bytes(token.aeskey))
        return self._write(host, port, salt, [mine] + others[:MAX_ENTRIES - 1])

    def _write(self, host, port, salt, entries):
        """Replace the miner's file with these entries (none: remove it)."""
        if not self._usable():
            return False
        if not entries:
            _unlink(self._path(host, port))
            return True
        body = json.dumps(dict(format=FORMAT, host=host, port=port, salt=salt.hex(), entries=[
            dict(verifier=entry['verifier'], fetched_at=entry['fetched_at'], sign=entry['sign'],
                 aeskey=entry['aeskey'].hex()) for entry in entries]), separators=(',', ':')).encode('utf-8')
        if len(body) > MAX_FILE_BYTES:
            return False
        temp = None
        try:
            fd, temp = tempfile.mkstemp(prefix='.tmp-', suffix=SUFFIX, dir=self.directory)
            with os.fdopen(fd, 'wb') as stream:
                stream.write(body)
            os.replace(temp, self._path(host, port))
            temp = None
        except (OSError, ValueError):
            return False
        finally:
            if temp is not None:
                _unlink(temp)
        self._prune()
        return True

    def _prune(self):
        """Remove token files written ``max_age`` or longer ago (their tokens are expired whatever they hold),
        temporary files a crashed writer left, and the lock files of miners without a token file.
        File times are on the real wall clock, hence ``time.time()``."""
        now = time.time()
        names = self._names()
        for name in names:
            if not name.endswith(SUFFIX):
                continue
            path = os.path.join(self.directory, name)
            try:
                written = os.lstat(path).st_mtime
            except OSError:
                continue
            if now - written >= (60 if name.startswith('.tmp-') else self.max_age):
                _unlink(path)
        for name in names:
            if name.endswith(LOCK_SUFFIX) and not os.path.lexists(
                    os.path.join(self.directory, name[:-len(LOCK_SUFFIX)] + SUFFIX)):
                self._prune_lock(os.path.join(self.directory, name), now)

    def _prune_lock(self, path, now):
        """Unlink an old lock file nobody holds, while holding it: a process that opened it
        meanwhile finds, once it gets the lock, that the path is no longer its file (see
        :meth:`_acquire`) and takes a new one, so no two processes ever both hold a miner's lock."""
        try:
            if now - os.lstat(path).st_mtime < self.max_age:
                return
            fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _same_file(fd, path):
                os.unlink(path)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _acquire(self, host, port):
        """A file descriptor holding the miner's ``flock``, or None after ``lock_wait`` seconds (or any error)."""
        if not self._usable():
            return None
        path = self._path(host, port, LOCK_SUFFIX)
        deadline = self.clock() + self.lock_wait
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, 'O_CLOEXEC', 0), 0o600)
            except OSError:
                return None
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK) or self.clock() >= deadline:
                        os.close(fd)
                        return None
                time.sleep(LOCK_POLL)
            if _same_file(fd, path):
                return fd
            os.close(fd)        # pruned while this process waited for it: lock the new file
            if self.clock() >= deadline:
                return None

    @staticmethod
    def _release(fd):
        if fd is not None:
            os.close(fd)      # closing the only descriptor releases the flock

    # --- the TokenCache interface ------------------------------------------------------

    def get(self, host, port, password):
        """The token from memory, else from disk (then kept in memory); None when there is none or it is too old."""
        key = self.key(host, port, password)
        token = self._memory_get(key)
        if token is None:
            token = self._disk_get(host, port, password)
            if token is not None:
                token = self._memory_put(key, token, token.fetched_at)
        return token

    def get_or_fetch(self, host, port, password, fetch):
        """The stored token, else ``fetch(now)``'s result (``now``: wall clock), fetched once per miner
        across threads and processes; a fork that waited longer than ``lock_wait`` fetches its own."""
        key = self.key(host, port, password)
        with self._thread_lock(host, port):
            token = self.get(host, port, password)
            if token is not None:
                return token
            fd = self._acquire(host, port)
            try:
                if fd is not None:
                    token = self.get(host, port, password)     # another process may have fetched meanwhile
                    if token is not None:
                        return token
                now = self.wall_clock()
                token = self._memory_put(key, fetch(now), now)
                self._disk_put(host, port, password, token, now)
                return token
            finally:
                self._release(fd)

    def drop(self, host, port, password):
        """Forget the token for this password (Code 135, wrong password), in memory and on disk.

        The file is left alone when it holds a newer token than the one this process used
        (another process already replaced the rejected one).
        """
        key = self.key(host, port, password)
        with self._lock:
            entry = self._memory.pop(key, None)
        used = entry[0] if entry is not None else None
        fd = self._acquire(host, port)
        try:
            stored = self._load(host, port)
            if stored is None:
                self._remove(host, port)
                return
            verifier = _verifier(password, stored['salt'], host, port)
            mine = _entry_for(stored, verifier)
            if mine is not None and (used is None or mine['sign'] == used.sign) and self._usable():
                self._write(host, port, stored['salt'], [item for item in stored['entries'] if item is not mine])
        finally:
            self._release(fd)

    def drop_miner(self, host, port):
        """Forget every token for one miner (after its password changed), in memory and on disk."""
        with self._lock:
            for key in [key for key in self._memory if key[:2] == (host, port)]:
                del self._memory[key]
        fd = self._acquire(host, port)
        try:
            self._remove(host, port)
        finally:
            self._release(fd)

    def _remove(self, host, port):
        if self._usable():
            _unlink(self._path(host, port))

    def clear(self):
        """Forget every token, in memory and every token file of the directory (lock files are pruned later)."""
        with self._lock:
            self._memory.clear()
        for name in self._token_files():
            _unlink(os.path.join(self.directory, name))

    def _names(self):
        if not self._usable():
            return []
        try:
            return os.listdir(self.directory)
        except OSError:
            return []

    def _token_files(self):
        return [name for name in self._names() if name.endswith(SUFFIX) and not name.startswith('.')]

    def __len__(self):
        """Tokens held: live entries on disk, plus those in memory for a miner without one."""
        now = self.wall_clock()
        on_disk = {}
        for name in self._token_files():
            stored = self._load_name(name)
            if stored is not None:
                live = sum(1 for entry in stored['entries'] if self._fresh(entry['fetched_at'], now))
                if live:
                    on_disk[(stored['host'], stored['port'])] = live
        with self._lock:
            memory_only = [key for key, (token, deadline) in self._memory.items()
                           if key[:2] not in on_disk and self.clock() < deadline and self._fresh(token.fetched_at, now)]
        return sum(on_disk.values()) + len(memory_only)

    def _load_name(self, name):
        data = self._read(os.path.join(self.directory, name))
        try:
            head = json.loads(data.decode('utf-8')) if data is not None else None
        except ValueError:
            return None
        if not isinstance(head, dict) or name != _miner_name(head.get('host'), head.get('port')) + SUFFIX:
            return None
        return _parse_file(data, head['host'], head['port'])


def _same_file(fd, path):
    """``path`` still names the file open as ``fd`` (it was not unlinked or replaced)."""
    try:
        held, named = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _entry_for(stored, verifier):
    """The entry of the password whose verifier this is, or None."""
    for entry in stored['entries']:
        if hmac.compare_digest(entry['verifier'], verifier):
            return entry
    return None


def _parse_file(data, host, port):
    """A miner's file as {host, port, salt (bytes), entries: [{fetched_at, verifier, sign, aeskey (bytes)}]};
    None unless every part of it is well formed."""
    try:
        stored = json.loads(data.decode('utf-8'))
    except ValueError:
        return None
    if (not isinstance(stored, dict) or stored.get('format') != FORMAT or stored.get('host') != host
            or stored.get('port') != port):
        return None
    salt, items = _hex(stored.get('salt'), SALT_BYTES), stored.get('entries')
    if salt is None or not isinstance(items, list) or not 0 < len(items) <= MAX_ENTRIES:
        return None
    entries = [_parse_entry(item) for item in items]
    if any(entry is None for entry in entries):
        return None
    return dict(host=host, port=port, salt=salt, entries=entries)


def _parse_entry(item):
    if not isinstance(item, dict):
        return None
    fetched_at, sign = item.get('fetched_at'), item.get('sign')
    if isinstance(fetched_at, bool) or not isinstance(fetched_at, (int, float)) or not math.isfinite(fetched_at):
        return None
    if not isinstance(sign, str) or not 0 < len(sign) <= MAX_SIGN_CHARS or not sign.isascii() or not sign.isprintable():
        return None
    aeskey, verifier = _hex(item.get('aeskey'), AES_KEY_BYTES), _hex(item.get('verifier'), 32)
    if aeskey is None or verifier is None:
        return None
    return dict(fetched_at=float(fetched_at), verifier=verifier.hex(), sign=sign, aeskey=aeskey)


def _hex(value, size):
    """``size`` bytes from a hex string, or None."""
    if not isinstance(value, str):
        return None
    try:
        decoded = binascii.unhexlify(value)
    except (binascii.Error, ValueError):
        return None
    return decoded if len(decoded) == size else None


# --- settings ------------------------------------------------------------------------------

_STORES = {}
_STORES_LOCK = threading.Lock()


def token_cache_from_settings(setting=None):
    """The token cache for a setting (module option or ``MINEROPS_WHATSMINER_TOKEN_CACHE``).

    None, "" or "on": the shared store in :func:`default_directory`. "off": memory only (the
    process-wide ``TokenCache``). An absolute path (``~`` expanded): the shared store there.
    A directory that cannot be created, is not this user's, or is open to group or others
    (and a relative path) means memory only, without an error. One store per directory per
    process, so its memory cache is shared by every client of the process.
    """
    text = '' if setting is None else str(setting).strip()
    if text.lower() in OFF_VALUES:
        return DEFAULT_CACHE
    path = default_directory() if text.lower() in ON_VALUES else os.path.expanduser(text)
    with _STORES_LOCK:
        store = _STORES.get(path)
        if store is not None and store._usable():   # pylint: disable=protected-access
            return store
        directory = prepare_directory(path)
        if directory is None:
            return DEFAULT_CACHE
        store = _STORES[path] = SharedTokenStore(directory)
        return store


def default_token_cache():
    """The cache a client uses when given none: as ``MINEROPS_WHATSMINER_TOKEN_CACHE`` says (default: shared)."""
    return token_cache_from_settings(os.environ.get(SETTING_ENV))


def _after_fork_in_child():
    global _STORES_LOCK  # pylint: disable=global-statement
    _STORES_LOCK = threading.Lock()
    for store in _STORES.values():
        store._new_locks()   # pylint: disable=protected-access


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_after_fork_in_child)
