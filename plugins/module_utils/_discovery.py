# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Find every Whatsminer in a set of addresses, fast, and never hang.

The inventory plugin runs once in the controller's main process before any fork, so
one selector loop (``_api/mux``) can talk to thousands of miners at once, at most
``concurrency`` at a time, taking addresses lazily from one iterator. Each host is bounded by its connect and read timeouts, and the whole
scan by ``scan_timeout``: what has not answered by then is counted and dropped.

Which API: ``api_version=auto`` asks the v3 port first (current firmware keeps only a
reduced v2 on 4028, so a v2-first scan would misread every current miner) and the v2
port when the v3 port refuses or answers in another protocol; a host that cannot even
be connected to on the v3 port is down and costs no second wait. A well-formed v3 error
reply (a failure code, e.g. -4 "no permission") is API v3 too: that miner is recorded
as v3 with what its other reads give, never asked on the v2 port (see :meth:`Prober._v3_refused`).
Each miner found records the API it answered (``api``), which the inventory passes on to the modules.

A host counts as a Whatsminer only by what it says (the backend's ``probe`` decides
from its first answer: btminer's own summary fields or driver name). Anything else on
the port (another cgminer, a web server) is skipped as "not a Whatsminer".

``facts``: ``none`` and ``basic`` read the summary, pools and devdetails subsets (one
joined round trip on API v2), plus miner_info when the host naming needs a hostname or
serial; ``full`` reads every subset of ``whatsminer_facts``. The reads and their
fallback are the facts module's own plan, walked without blocking by the same backend the
modules use, one read at a time per worker, so the scan never holds more sockets than
``concurrency`` (capped below the open-file limit).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import ipaddress
import os
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils import _discovery_workers as workers
from ansible_collections.minerops.whatsminer.plugins.module_utils._api import mux
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv3 import ApiV3
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    ConnectError,
    ConnectionRefused,
    ConnectionReset,
    ConnectTimeout,
    HostUnreachable,
    MalformedReply,
    NoReply,
    ReadTimeout,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import NotAMiner, Unidentified
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3 import gather as v3_gather
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend, snapshot_of
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.subsets import SUBSETS

MAX_ADDRESSES = 65536
FACT_LEVELS = ('none', 'basic', 'full')
API_VERSIONS = ('auto', 'v2', 'v3')

# fact subsets read at facts: none/basic (one joined read); full reads every subset
BASIC_SUBSETS = ('summary', 'pools', 'devdetails')
FD_ERRNOS = frozenset((errno.EMFILE, errno.ENFILE))
OUT_OF_FILES_TEXT = os.strerror(errno.EMFILE)
# keep this many descriptors free for Ansible itself when capping concurrency
FD_RESERVE = 64

# open_files: the controller hit its open-file limit; a scan error, not a verdict on the host
SKIP_REASONS = ('refused', 'down', 'timeout', 'no_reply', 'not_whatsminer', 'open_files', 'error', 'deadline')


class AddressError(ValueError):
    """A ``networks``/``exclude`` entry that is not an address, range or CIDR."""


# --- addresses ---------------------------------------------------------------------

def _address(text, entry, option):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise AddressError('%s: %r is not an IP address, an a.b.c.d-a.b.c.e range or a CIDR' % (option, entry)) from None


def _range(entry, option):
    start_text, end_text = entry.split('-', 1)
    start = _address(start_text, entry, option)
    end_text = end_text.strip()
    if end_text.isdigit() and start.version == 4:
        # short form 10.0.0.1-50: the end replaces the last octet
        end_text = '.'.join(str(start).split('.')[:3] + [end_text])
    end = _address(end_text, entry, option)
    if end.version != start.version:
        raise AddressError('%s: %r mixes IPv4 and IPv6' % (option, entry))
    if int(end) < int(start):
        raise AddressError('%s: %r ends before it starts' % (option, entry))
    return start, end


def _entry_size(entry, option, hosts_only):
    """(first, last, network-or-None) of one entry, validated."""
    if '/' in entry:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise AddressError('%s: %r is not a valid CIDR (%s)' % (option, entry, exc)) from None
        first, last = network.network_address, network.broadcast_address
        if hosts_only and network.num_addresses > 2 and network.version == 4:
            first, last = first + 1, last - 1
        return first, last
    if '-' in entry:
        return _range(entry, option)
    address = _address(entry, entry, option)
    return address, address


def _entries(value, option):
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    entries = []
    for item in value:
        if not isinstance(item, str):
            raise AddressError('%s: %r is not a string' % (option, item))
        entries.extend(part.strip() for part in item.split(',') if part.strip())
    return entries


def expand(networks, exclude=None, limit=MAX_ADDRESSES):
    """``networks`` minus ``exclude`` -> ordered, de-duplicated address strings.

    CIDRs give their usable hosts (network and broadcast addresses left out, except
    for /31 and /32); ranges ``a.b.c.d-a.b.c.e`` (or ``a.b.c.d-e``) and single
    addresses give themselves. ``exclude`` takes the same forms, whole CIDRs included.
    More than ``limit`` addresses is refused: a typo like ``/8`` should not start a
    scan of 16 million hosts.
    """
    spans = [_entry_size(entry, 'networks', True) for entry in _entries(networks, 'networks')]
    if not spans:
        raise AddressError('networks: give at least one address, range or CIDR')
    total = sum(int(last) - int(first) + 1 for first, last in spans)
    if total > limit:
        raise AddressError('networks: %d addresses is more than the limit of %d; split the scan or narrow the ranges'
                           % (total, limit))
    excluded = [(int(first), int(last)) for first, last in
                (_entry_size(entry, 'exclude', False) for entry in _entries(exclude, 'exclude'))]
    seen = set()
    result = []
    for first, last in spans:
        for number in range(int(first), int(last) + 1):
            if number in seen or any(low <= number <= high for low, high in excluded):
                continue
            seen.add(number)
            result.append(str(ipaddress.ip_address(number) if first.version == 4 else ipaddress.IPv6Address(number)))
    return result


# --- one host ----------------------------------------------------------------------

class Found:
    """A Whatsminer that answered: its facts (schema) and where it was found."""

    __slots__ = ('address', 'port', 'facts', 'warnings', 'out_of_files', 'api', 'refused')

    def __init__(self, address, port, facts, warnings=None, api='v2'):
        self.address = address
        self.port = port
        self.api = api
        self.facts = facts
        self.warnings = warnings or []
        # some reads failed because this controller ran out of open files, not the miner
        self.out_of_files = False
        # the identifying read was answered with an API error (v3): why, else None
        self.refused = None


def skip_reason(err):
    if out_of_files(err):
        return 'open_files'
    if isinstance(err, ConnectionRefused):
        return 'refused'
    if isinstance(err, ConnectError):
        return 'down'
    if isinstance(err, ReadTimeout):
        return 'timeout'
    if isinstance(err, (NoReply, ConnectionReset)):
        return 'no_reply'
    if isinstance(err, (MalformedReply, ApiError)):
        return 'not_whatsminer'
    return 'error'


class Skipped(Exception):
    def __init__(self, reason, err=None):
        super().__init__(reason)
        self.reason = reason
        self.err = err


def out_of_files(err):
    """The controller, not the miner, ran out of file descriptors (EMFILE/ENFILE).

    The typed connect error keeps the ``OSError`` it was raised from as its context.
    """
    cause = err
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno in FD_ERRNOS:
            return True
        cause = cause.__cause__ or cause.__context__
    return OUT_OF_FILES_TEXT in str(err)


def forget_tracebacks(err):
    """Drop the tracebacks of ``err`` and of every error it came from, once it has been classified.

    An error raised through the coroutines of a probe holds their frames in its traceback,
    and those frames hold the error (``except ... as`` names, the walk's thrown error): a
    reference cycle per failed read, which only the cyclic collector frees. Most addresses of
    a scan fail a read (refused, or a v2 miner asked on the v3 port first), so a /18 left
    600,000 such objects behind; without the tracebacks each one is freed when its last
    reference goes. Only the message and the type of an error are used after this point.
    """
    seen = []
    stack = [err]
    while stack:
        item = stack.pop()
        if item in seen:       # a chain of a few errors: a list beats a set here
            continue
        seen.append(item)
        item.__traceback__ = None
        for inner in (item.__cause__, item.__context__, getattr(item, 'err', None)):
            if isinstance(inner, BaseException):
                stack.append(inner)


class Prober:
    """Reads one host for the scan: identify it, then gather what ``facts`` asks for.

    Which reads, joined how, and what a refused join, a silent miner or a non-miner
    means are the backend's (``V2Backend.probe``, the facts module's own plan over
    without blocking); this class turns its outcome into a :class:`Found` or a :class:`Skipped`.
    """

    def __init__(self, port, facts, connect_timeout, read_timeout, want_miner_info=False, api_version='auto',
                 v3_port=4433):
        if facts not in FACT_LEVELS:
            raise ValueError('facts must be one of %s' % ', '.join(FACT_LEVELS))
        if api_version not in API_VERSIONS:
            raise ValueError('api_version must be one of %s' % ', '.join(API_VERSIONS))
        self.port = port
        self.v3_port = v3_port
        self.api_version = api_version
        self.facts = facts
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.subsets = SUBSETS if facts == 'full' else BASIC_SUBSETS + (('miner_info',) if want_miner_info else ())
        # below full, the inventory keeps only the ``whatsminer`` variable: no whole schema is built
        self.basic = facts != 'full'

    async def _snapshot(self, backend, address, port):
        """``(snapshot, refused)``: what the backend's probe read, and the API error that refused its
        identifying read when the miner still answered as v3 (else None)."""
        try:
            return await backend.probe(address, port, self.subsets, self.connect_timeout, self.read_timeout,
                                       self.basic), None
        except NotAMiner:
            raise Skipped('not_whatsminer') from None
        except Unidentified as unidentified:
            err = unidentified.err
            if backend is V3Backend and isinstance(err, ApiError):
                return await self._v3_refused(address, port), err
            raise Skipped(skip_reason(err), err) from None

    async def _v3_refused(self, address, port):
        """The facts a v3 miner gives after refusing ``get.device.info`` with a v3 error reply.

        A reply with a length header, a JSON object and an integer ``code`` is API v3 and
        nothing else: a locked account (-4), a busy (-1) or short-of-memory (-5) miner is
        still a current-firmware Whatsminer. Taking it for "not a Whatsminer" made ``auto``
        fall back to the reduced v2 of port 4028 and record it as v2, and every module then
        spoke the wrong API to it. So it is recorded as v3 with whatever the rest of the
        facts module's own v3 plan reads (unidentified: no reply was checked against
        ``is_whatsminer``), the failed subsets listed as for any partial read.
        """
        api = ApiV3(address, port, self.connect_timeout, self.read_timeout)
        return snapshot_of(await v3_gather.adrive(v3_gather.steps(self.subsets), api), address, port)

    async def probe(self, address):
        api, port = 'v2', self.port
        if self.api_version == 'v2':
            snapshot, refused = await self._snapshot(V2Backend, address, self.port)
        elif self.api_version == 'v3':
            api, port = 'v3', self.v3_port
            snapshot, refused = await self._snapshot(V3Backend, address, self.v3_port)
        else:
            try:
                api, port = 'v3', self.v3_port
                snapshot, refused = await self._snapshot(V3Backend, address, self.v3_port)
            except Skipped as skipped:
                forget_tracebacks(skipped)
                if isinstance(skipped.err, (ConnectTimeout, HostUnreachable)) or skipped.reason == 'open_files':
                    raise
                api, port = 'v2', self.port
                snapshot, refused = await self._snapshot(V2Backend, address, self.port)
        facts = snapshot.facts
        if self.facts == 'full':
            facts['unsupported_subsets'] = sorted(snapshot.unsupported)
            facts['failed_subsets'] = sorted(snapshot.failures)
        # the summary answered, so devdetails failing (or deprecated) is not worth a warning here
        warnings = [line for subset, line in snapshot.warnings.items() if subset != 'devdetails']
        found = Found(address, port, facts, warnings, api)
        found.out_of_files = any(out_of_files(err) for err in snapshot.failures.values())
        if refused is not None:
            forget_tracebacks(refused)
            found.refused = str(refused)
            found.warnings.insert(0, 'answered API v3 but refused %s, so it is recorded as v3 without being identified: %s'
                                     % (v3_gather.DEVICE_INFO, refused))
        for err in snapshot.failures.values():
            forget_tracebacks(err)
        return found


# --- the scan ----------------------------------------------------------------------

def fd_budget():
    """How many sockets the scan may hold at once: the soft open-file limit minus a reserve."""
    try:
        import resource  # pylint: disable=import-outside-toplevel
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return MAX_ADDRESSES
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return MAX_ADDRESSES
    return max(1, soft - FD_RESERVE)


class ScanResult:
    """Found miners in address order, and how many of the rest were skipped and why."""

    def __init__(self, total):
        self.total = total
        self.found = []
        self.skipped = dict((reason, 0) for reason in SKIP_REASONS)
        self.errors = []
        self.duration = 0.0
        self.hit_deadline = False
        self.unscanned = []   # addresses not done when scan_timeout struck, in address order
        self.concurrency = None
        self.workers = 1      # processes that scanned (``_discovery_workers``)
        self.partial = 0   # found, but some reads hit the open-file limit
        self.refused = 0   # found as v3, but the identifying read was refused with an API error

    def plain(self):
        """What a worker process hands back: plain values only (``marshal``)."""
        return dict(found=[(item.address, item.port, item.facts, item.warnings, item.api, item.out_of_files,
                            item.refused) for item in self.found],
                    skipped=self.skipped, errors=self.errors, unscanned=self.unscanned,
                    hit_deadline=self.hit_deadline, partial=self.partial, refused=self.refused)

    def add(self, plain):
        """Append one slice's :meth:`plain` result (slices come in address order)."""
        for address, port, facts, warnings, api, out_of_files, refused in plain['found']:
            item = Found(address, port, facts, warnings, api)
            item.out_of_files = out_of_files
            item.refused = refused
            self.found.append(item)
        for reason, count in plain['skipped'].items():
            self.skipped[reason] += count
        self.errors.extend(plain['errors'])
        self.unscanned.extend(plain['unscanned'])
        self.hit_deadline = self.hit_deadline or plain['hit_deadline']
        self.partial += plain['partial']
        self.refused += plain['refused']

    def add_unscanned(self, addresses):
        """A slice whose worker was killed at the deadline: none of it counts as scanned."""
        self.unscanned.extend(addresses)
        self.skipped['deadline'] += len(addresses)
        self.hit_deadline = True

    def summary_line(self):
        parts = ', '.join('%s %d' % (reason, count) for reason, count in self.skipped.items() if count)
        return ('scanned %d addresses in %.2f s%s: %d Whatsminers, skipped %d (%s)'
                % (self.total, self.duration, ' by %d processes' % self.workers if self.workers > 1 else '',
                   len(self.found), sum(self.skipped.values()), parts or 'none'))


def _run(addresses, prober, concurrency, scan_timeout, result, keep):
    """Every address, ``concurrency`` at a time, and not a moment past ``scan_timeout``.

    The bound holds because nothing a miner sends can hold the loop for long (replies
    are size-capped and parsed in linear time) and every probe still running at the
    deadline is closed at its ``await``; what was not done is listed in ``result.unscanned``.
    """
    found = {}
    done = set()

    async def probe(address):
        try:
            item = found[address] = await prober.probe(address)
            if keep is not None:
                item.facts = keep(item.facts)
            if item.out_of_files:
                result.partial += 1
            if item.refused is not None:
                result.refused += 1
        except Skipped as skip:
            forget_tracebacks(skip)
            result.skipped[skip.reason] += 1
            if skip.reason == 'open_files':
                result.errors.append(str(skip.err))
        except Exception as err:  # pylint: disable=broad-exception-caught
            # one odd host must never fail the whole inventory
            forget_tracebacks(err)
            result.skipped['error'] += 1
            result.errors.append('%s:%s: %s: %s' % (address, prober.port, type(err).__name__, err))
        done.add(address)

    finished = mux.run((probe(address) for address in addresses), max(1, concurrency), scan_timeout)
    result.hit_deadline = not finished
    result.unscanned = [address for address in addresses if address not in done]
    result.skipped['deadline'] = len(result.unscanned)
    order = dict((address, index) for index, address in enumerate(addresses))
    result.found = sorted(found.values(), key=lambda item: order[item.address])


@contextlib.contextmanager
def paused_gc():
    """No cyclic garbage collection inside the block (it is restored after, as it was).

    A scan and the inventory built from it create hundreds of thousands of small objects
    that all stay alive (the facts of every miner) and, since failed reads drop their
    tracebacks (:func:`forget_tracebacks`), no cycle to collect; the collector's passes
    over them cost 0.1-0.3 s of a 10,000-miner scan (4 of 13 s while failed reads still
    left cycles behind).

    What the block made is then moved to the oldest generation at once (``freeze`` then
    ``unfreeze``), as surviving a collection would move it: otherwise the first young
    collection after the block traces all of it, 0.1 s at 10,000 miners, to find it alive.
    Not when something else has frozen objects (``unfreeze`` would thaw those too).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _run_split(addresses, prober, concurrency, scan_timeout, result, keep, count):
    """``count`` contiguous slices, one per process (``_discovery_workers``), ``concurrency`` shared."""
    share = max(1, concurrency // count)

    def scan_part(part, timeout):
        part_result = ScanResult(len(part))
        _run(part, prober, share, timeout, part_result, keep)
        return part_result.plain()

    parts = workers.slices(addresses, count)
    for part, plain in zip(parts, workers.run(parts, scan_part, scan_timeout)):
        if plain == workers.DEADLINE:
            result.add_unscanned(part)
        else:
            result.add(plain)


def scan(addresses, port=4028, facts='basic', concurrency=256, connect_timeout=1.0, read_timeout=3.0,
         scan_timeout=60.0, want_miner_info=False, api_version='auto', v3_port=4433, keep=None, processes=1):
    """Scan ``addresses`` and return a :class:`ScanResult`; never raises for a host.

    Below ``facts: full`` a miner's facts are only the fields of the inventory's
    ``whatsminer`` variable (``_facts/hostvars.BASIC``), in the schema's sections.
    ``keep`` turns each miner's facts, as soon as they are read, into what the caller
    keeps of them (the inventory: its ``whatsminer`` variable, and at ``full`` the schema); it must
    return plain JSON values when more than one process scans. ``processes``: how many
    processes share the scan (0: one per usable core, see ``_discovery_workers.worker_count``).
    """
    prober = Prober(port, facts, connect_timeout, read_timeout, want_miner_info, api_version, v3_port)
    result = ScanResult(len(addresses))
    result.concurrency = concurrency = max(1, min(concurrency, fd_budget()))
    result.workers = count = workers.worker_count(processes, len(addresses))
    started = time.monotonic()
    if addresses:
        with paused_gc():
            if count > 1:
                _run_split(addresses, prober, concurrency, scan_timeout, result, keep, count)
            else:
                _run(addresses, prober, concurrency, scan_timeout, result, keep)
    result.duration = time.monotonic() - started
    return result
