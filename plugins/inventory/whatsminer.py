# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: whatsminer
short_description: Discover Whatsminer miners on the network
version_added: 0.1.0
author:
  - minerops.whatsminer contributors (@minerops)
description:
  - Scans addresses, CIDRs and ranges for Whatsminer miners on their API port and adds
    every miner found as a host, grouped by model, firmware, mining state and error codes.
  - Reads only, in plain text; no password is needed. One joined read per miner
    identifies it and gives its basic facts; O(facts=full) adds every read of
    M(minerops.whatsminer.whatsminer_facts).
  - Hosts that are down, refuse, time out, or answer on the port but are not Whatsminers
    are skipped and counted in a debug line (C(-vvv)); one bad host never fails the
    inventory. The whole scan is bounded by O(scan_timeout).
  - Sets C(ansible_host), C(whatsminer_api_version), C(whatsminer_port) (and C(whatsminer_v3_port) for v3 miners),
    C(ansible_connection=local) and
    C(ansible_python_interpreter={{ ansible_playbook_python }}) for every miner, because
    the modules of this collection run on the controller.
  - Values the miners report are data, never templates. A text longer than 255 characters in the C(whatsminer)
    variable (model, firmware, host name, serial, pool, ...) is cut to 255 characters ending in C(...), and the
    whole facts of O(facts=full) keep the limits of a task result (16384 characters a text), so a hostile miner's
    reply cannot become an endless variable or group name; a warning names the miner and the values cut.
  - The configuration file name must end in C(whatsminer.yml) or C(whatsminer.yaml).
  - With O(cache), a cached scan is reused only if it was made with the same O(networks), O(exclude),
    O(port), O(v3_port) and O(api_version), the same reads (O(facts=full), or V(none)/V(basic), which read
    the same) and the same answer to whether O(hostnames) needs C(get_miner_info) (a V(hostname) or
    V(serial) before V(ip)); otherwise the source is scanned again and the cache rewritten. The timeouts,
    O(concurrency) and O(processes) are not compared - they bound how long a scan takes, not what it looks
    for; use C(--flush-cache) to scan again after changing them. A cache written by an earlier version of this
    plugin is scanned again once.
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; makes the file a source for it.
    required: true
    type: str
    choices: [minerops.whatsminer.whatsminer]
  networks:
    description:
      - What to scan. Each entry is a CIDR (V(10.20.0.0/22); network and broadcast
        addresses are left out except for /31 and /32), a range (V(10.20.0.10-10.20.0.99)
        or V(10.20.0.10-99)) or a single address. Entries may also be comma separated.
      - At most 65536 addresses in total.
    type: list
    elements: str
    required: true
  exclude:
    description: Addresses, ranges or CIDRs to leave out, in the same forms as O(networks).
    type: list
    elements: str
    default: []
  port:
    description: TCP port of the miners' API v2.
    type: int
    default: 4028
  v3_port:
    description: TCP port of the miners' API v3 (firmware from about mid-2024 on).
    type: int
    default: 4433
  api_version:
    description:
      - Which API to discover miners by.
      - V(auto) asks every address on O(v3_port) first and on O(port) when nothing answers
        API v3 there, so one scan finds v2-only and v3 miners. Current firmware keeps a
        reduced API v2 on O(port), so a miner that answers v3 is always recorded as v3.
        An address whose O(v3_port) cannot be connected to within O(connect_timeout) is
        taken as down and not asked again on O(port).
      - A well-formed API v3 error reply counts as answering v3 too - a miner whose O(v3_port) refuses the
        identifying read (C(get.device.info)) with a v3 failure code, for example -4 (no permission), is
        recorded as v3 with the facts its other reads give (the rest are null, and at O(facts=full) listed in
        C(failed_subsets)); a warning counts and names these miners. It is never asked again on O(port).
      - Each miner's API is set as the host variable C(whatsminer_api_version) (V(v2) or
        V(v3)); C(whatsminer_port) is the API v2 port and, for v3 miners,
        C(whatsminer_v3_port) the API v3 port. The modules use C(whatsminer_api_version)
        instead of probing again (see their O(minerops.whatsminer.whatsminer_facts#module:api_version) option).
    type: str
    choices: [auto, v2, v3]
    default: auto
  timeout:
    description:
      - Seconds one request to a miner may take in all - connecting (at most O(connect_timeout) of it), sending and
        receiving the reply.
    type: float
    default: 3.0
  connect_timeout:
    description:
      - Seconds to wait for a connection. Addresses with nothing on them cost this much,
        so keep it short on a LAN.
    type: float
    default: 1.0
  scan_timeout:
    description:
      - Upper bound in seconds for the whole scan, honoured to within a second whatever
        the miners do (silent, slow, trickling or hostile replies). Addresses not done by
        then are skipped, with a warning saying how many and which (the first ten; all
        of them at C(-vvv)).
    type: float
    default: 120.0
  concurrency:
    description:
      - How many addresses are scanned at once. Each holds at most one socket (a miner's
        reads go one after another); the value is capped at the controller's open-file
        limit (C(ulimit -n)) minus 64. Addresses that still hit that limit are not
        scanned and are counted in a warning, never taken for miners that are down.
    type: int
    default: 256
  processes:
    description:
      - How many processes share the scan, each scanning a contiguous slice of the addresses
        (the scan is CPU-bound on one core otherwise). V(0) - automatic, that is on a controller that lets
        the process use at least 4 CPU cores (its CPU affinity, capped by a container's CPU quota), one
        per core, at most 8, and only as many as leave 1024 addresses to each (so a scan of fewer than
        2048 addresses stays in one process); on fewer cores, one process. V(1) - never fork. A number
        above 1 - that many, at most 8.
      - O(concurrency) is shared between them, so the miners see no more connections at once.
      - A worker that fails has its slice scanned again by the main process in the time
        O(scan_timeout) has left; one still running 5 seconds after O(scan_timeout) is killed and
        its addresses count as not scanned.
    type: int
    default: 0
    version_added: 0.1.0
  hostnames:
    description:
      - How to name the hosts, in order of preference. The first that the miner reports
        and that no other miner of the scan reports too wins; V(ip) always works.
      - A name that two or more miners of the scan report names none of them - each takes its next preference
        (at last its IP), with one warning naming the value and how many miners report it. Factory firmware
        reports the hostname C(WhatsMiner) on every miner, so with V(hostname) first only miners given their
        own host names are named after them; the others are named by their next preference. Before this
        rule, the first miner scanned took the shared name, and the name moved to another miner whenever that
        one was down.
      - V(mac) names a host after its MAC address in lower case with C(-) between the pairs
        (C(c6-07-7f-05-04-01) for C(C6:07:7F:05:04:01)), because Ansible splits host patterns on C(:) and a
        host named with colons cannot be targeted by C(--limit) or C(hosts:). The MAC stays as the miner
        reports it in C(whatsminer.mac). Earlier versions named these hosts with the colons, so such hosts
        have new names.
      - Names come from the miners, so they are checked; a name is used only when it is a
        valid host name label (letters, digits and C(-), at most 63 characters), a MAC
        address (six hex pairs separated by C(:) or C(-)), or a serial of letters, digits, C(-) and C(_),
        and when it is not
        C(localhost), not the name of a host or group from another inventory source, not the name of
        a group this source creates (the default groups, C(model_*) and C(firmware_*) of any miner
        found, the keys of O(groups), and the groups O(keyed_groups) make), and not a scanned IP address.
        Otherwise the next preference is tried, then the IP address, with a warning naming the miner's
        address. A miner that cannot be added under any of its names is skipped with a warning; it never
        fails the inventory.
      - V(hostname) and V(serial) cost one more read per miner (C(get_miner_info)).
    type: list
    elements: str
    choices: [hostname, mac, serial, ip]
    default: [ip]
  facts:
    description:
      - What to gather into host variables while discovering.
      - V(none) sets no facts variables, only C(whatsminer_port), C(whatsminer_api_version) and C(whatsminer_v3_port).
      - V(basic) sets C(whatsminer), one mapping per host with the keys C(model), C(firmware), C(mac),
        C(hostname), C(serial), C(is_mining), C(power_mode), C(hashrate_ths), C(hashrate_avg_ths),
        C(factory_hashrate_ths), C(uptime_s), C(power_w), C(power_limit_w), C(temp_env_c),
        C(chip_temp_max_c), C(chip_temp_avg_c), C(fan_in_rpm), C(fan_out_rpm), C(pool) (the active pool's
        URL), C(error_count) and C(error_codes), from one joined read per miner (API v2; three reads on
        API v3), so a playbook reads C(whatsminer.chip_temp_max_c). On API v2 C(hostname) and C(serial) are
        read only when O(hostnames) asks for them (one more read per miner), else they are null; API v3
        miners report them in the reads basic makes anyway, so they are always set there.
      - In O(compose), O(groups) and O(keyed_groups) the same values are also there under their flat
        names C(whatsminer_model), C(whatsminer_firmware), ... C(whatsminer_error_codes) (C(whatsminer_)
        and the key), whether or not O(flat_vars) sets them as host variables.
      - V(full) also sets C(whatsminer_facts), the whole schema of
        M(minerops.whatsminer.whatsminer_facts), from every read.
    type: str
    choices: [none, basic, full]
    default: basic
  flat_vars:
    description:
      - Also set the values of C(whatsminer) as flat host variables C(whatsminer_model),
        C(whatsminer_firmware), ... C(whatsminer_error_codes), as development versions of this plugin did.
      - They cost Ansible about 15 microseconds of CPU per variable per host (about 3 s per 10,000 miners),
        which is why they are off by default; O(compose), O(groups) and O(keyed_groups) see the flat names
        either way.
    type: bool
    default: false
    version_added: 0.1.0
  default_groups:
    description:
      - Add the miners to the groups C(whatsminer) (all), C(model_<model>),
        C(firmware_<version>), C(mining) or C(not_mining), and C(with_errors) (miners
        reporting error codes), and C(api_v2) or C(api_v3). Names are lower case with unsafe characters as C(_) and
        C(+) spelled out (C(M30S++VH30) gives C(model_m30splusplus_vh30)).
    type: bool
    default: true
'''

EXAMPLES = r'''
# farm.whatsminer.yml
plugin: minerops.whatsminer.whatsminer
networks:
  - 10.20.0.0/22
  - 10.21.0.10-10.21.0.200
exclude:
  - 10.20.0.1
facts: basic
hostnames: [hostname, mac, ip]
keyed_groups:
  - key: whatsminer_power_mode
    prefix: mode
groups:
  hot: whatsminer_chip_temp_max_c is not none and whatsminer_chip_temp_max_c > 95
compose:
  rack: ansible_host.split('.')[2]

# cached for an hour, so repeated runs do not rescan
# plugin: minerops.whatsminer.whatsminer
# networks: [10.20.0.0/22]
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/whatsminer-inventory
# cache_timeout: 3600
'''

import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.minerops.whatsminer.plugins.module_utils import _discovery as discovery
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts import hostvars
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.bounds import bounded

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 templates every inventory string anyway
    def trust_as_template(value):
        return value

# what a host may be named after, per ``hostnames`` preference (miner values are untrusted)
NAME_PATTERNS = {
    'hostname': re.compile(r'\A[A-Za-z0-9-]{1,63}\Z'),
    'mac': re.compile(r'\A[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}\Z'),
    'serial': re.compile(r'\A[A-Za-z0-9][A-Za-z0-9_-]{0,62}\Z'),
}
LOCALHOST_NAMES = frozenset(('localhost', 'localhost.localdomain', '127.0.0.1', '::1'))
DEFAULT_GROUP_NAMES = frozenset(('all', 'ungrouped', 'whatsminer', 'mining', 'not_mining', 'with_errors', 'api_v2', 'api_v3'))
UNSAFE_GROUP_CHARS = re.compile(r'[^A-Za-z0-9_]+')
PLUS_RUNS = re.compile(r'\++')
PLAYBOOK_PYTHON = '{{ ansible_playbook_python }}'
UNSCANNED_SHOWN = 10
# 2: each miner records its API; 3: the basic facts as the `whatsminer` mapping; 4: the options it was scanned with
CACHE_FORMAT = 4


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'minerops.whatsminer.whatsminer'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('whatsminer.yml', 'whatsminer.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)

        scan = self._scan_settings()
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        found = None
        if use_cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                update_cache = True
            else:
                if self._cache_fits(cached, scan):
                    found = cached['miners']
                else:
                    update_cache = True
        if found is None:
            found = self._discover(scan)
        if update_cache:
            self._cache[cache_key] = {'format': CACHE_FORMAT, 'scan': scan, 'miners': found}
        with discovery.paused_gc():
            self._populate(found)

    def _cache_fits(self, cached, scan):
        """Whether ``cached`` is what a scan with the options of ``scan`` would find.

        The cache key names only the configuration file, not what is in it, so an entry
        written before the file was edited must not answer for it: a scan of other
        ``networks`` found other miners, and one that did not read ``get_miner_info`` has no
        hostname or serial for the v2 miners (the v3 ones report theirs anyway, so reusing it
        for ``hostnames: [serial, ip]`` would rename only the v3 half of the fleet). Entries of
        an older format, or without the options they were scanned with, are scanned again.
        """
        if not isinstance(cached, dict) or cached.get('format') != CACHE_FORMAT:
            return False
        if not isinstance(cached.get('miners'), list):
            return False
        stored = cached.get('scan')
        if stored == scan:
            return True
        if isinstance(stored, dict):
            changed = sorted(str(key) for key in set(stored) | set(scan) if stored.get(key) != scan.get(key))
            self.display.vvv('whatsminer inventory: the cached scan was made with other %s; scanning again'
                             % ', '.join(changed))
        return False

    def _scan_settings(self):
        """The options that decide what a scan finds, as plain values: the scan's arguments and the cache's fingerprint.

        Stored with a cached scan and compared whole before it is reused. ``facts: none`` and
        ``basic`` read the same (``reads``), and ``miner_info`` is whether ``get_miner_info``
        was read (``hostnames`` asks for a hostname or serial before ``ip``, or ``facts: full``),
        so switching between ``hostnames: [mac, ip]`` and ``[ip]`` keeps the cache.
        ``timeout``, ``connect_timeout``, ``scan_timeout``, ``concurrency`` and ``processes``
        are left out: they bound how long a scan may take, not what it looks for, and a
        scan that hit one of them said so with a warning when it ran (``--flush-cache``
        scans again). Plain values, because an option's value carries Ansible's origin tag,
        which the cache would otherwise store as a tagged object.
        """
        port = self._port('port')
        v3_port = self._port('v3_port')
        hostnames = self.get_option('hostnames') or ['ip']
        full = self.get_option('facts') == 'full'
        wants_info = any(name in ('hostname', 'serial') for name in hostnames[:self._ip_position(hostnames)])
        return {
            'networks': [str(item) for item in self.get_option('networks') or ()],
            'exclude': [str(item) for item in self.get_option('exclude') or ()],
            'port': port,
            'v3_port': v3_port,
            'api_version': str(self.get_option('api_version')),
            'reads': 'full' if full else 'basic',
            'miner_info': bool(full or wants_info),
        }

    def _port(self, name):
        value = self.get_option(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            raise AnsibleParserError('whatsminer inventory: %s must be between 1 and 65535, got %s' % (name, value))
        return int(value)

    # --- discovery -------------------------------------------------------------------

    def _positive(self, name):
        value = self.get_option(name)
        if value is None or value <= 0:
            raise AnsibleParserError('%s must be a positive number, got %r' % (name, value))
        return value

    def _discover(self, scan):
        """Scan as ``scan`` (:meth:`_scan_settings`) says; the records of the miners found, in scan order."""
        try:
            addresses = discovery.expand(scan['networks'], scan['exclude'])
        except discovery.AddressError as err:
            raise AnsibleParserError('whatsminer inventory: %s' % err) from None
        full = scan['reads'] == 'full'
        result = discovery.scan(
            addresses,
            port=scan['port'],
            facts=self.get_option('facts'),
            concurrency=int(self._positive('concurrency')),
            processes=self._processes(),
            connect_timeout=self._positive('connect_timeout'),
            read_timeout=self._positive('timeout'),
            scan_timeout=self._positive('scan_timeout'),
            want_miner_info=scan['miner_info'],
            api_version=scan['api_version'],
            v3_port=scan['v3_port'],
            keep=self._record if full else self._basic_record,
        )
        self.display.debug('whatsminer inventory: %s' % result.summary_line())
        self.display.vvv('whatsminer inventory: %s' % result.summary_line())
        for line in result.errors:
            self.display.vvv('whatsminer inventory: skipped %s' % line)
        if result.skipped['open_files']:
            self.display.warning('whatsminer inventory: %d addresses were not scanned because this controller ran out of '
                                 'open files (ulimit -n); raise the limit or lower concurrency (now %s)'
                                 % (result.skipped['open_files'], result.concurrency))
        if result.partial:
            self.display.warning('whatsminer inventory: %d miners are missing facts because this controller ran out of '
                                 'open files (ulimit -n); raise the limit or lower concurrency (now %s)'
                                 % (result.partial, result.concurrency))
        if result.refused:
            # recorded as v3, but their identifying read was refused: their facts are partial (details at -vvv)
            refused = [item for item in result.found if item.refused is not None]
            shown = ', '.join(item.address for item in refused[:UNSCANNED_SHOWN])
            more = len(refused) - UNSCANNED_SHOWN
            self.display.warning('whatsminer inventory: %d miners answered API v3 with an error to the read that '
                                 'identifies a miner; they are added as API v3 with only the facts their other reads '
                                 'gave: %s%s (first: %s)'
                                 % (len(refused), shown, ' and %d more' % more if more > 0 else '', refused[0].refused))
        if result.hit_deadline:
            shown = ', '.join(result.unscanned[:UNSCANNED_SHOWN])
            more = len(result.unscanned) - UNSCANNED_SHOWN
            self.display.warning('whatsminer inventory: the scan hit scan_timeout (%s s); %d addresses were not scanned: %s%s'
                                 % (self.get_option('scan_timeout'), result.skipped['deadline'], shown,
                                    ' and %d more (all at -vvv)' % more if more > 0 else ''))
            if more > 0:
                self.display.vvv('whatsminer inventory: not scanned: %s' % ', '.join(result.unscanned))
        miners = []
        for item in result.found:
            for warning in item.warnings:
                self.display.vvv('whatsminer inventory: %s' % warning)
            record = item.facts
            cut = record.pop('cut', None)
            if cut:
                self.display.warning('whatsminer inventory: %s reported values too long to keep whole; they were cut: %s'
                                     % (item.address, ', '.join(cut)))
            record.update(address=item.address, port=item.port, api=item.api)
            miners.append(record)
        return miners

    def _processes(self):
        value = self.get_option('processes')
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise AnsibleParserError('whatsminer inventory: processes must be 0 (one per core) or a positive number, '
                                     'got %r' % (value,))
        return int(value)

    @staticmethod
    def _basic_record(facts):
        """What the inventory keeps of a miner at ``facts: none`` or ``basic``: its basic facts only.

        Kept as soon as the miner is read, so a scan of 10,000 miners never holds 10,000
        whole facts schemas (about 200 values each) it would throw away. Over-long texts
        are cut (``hostvars.MAX_TEXT``); ``cut`` names them for the warning.
        """
        cut = []
        record = {'whatsminer': hostvars.summary(facts, cut)}
        if cut:
            record['cut'] = ['whatsminer.%s' % key for key in cut]
        return record

    @classmethod
    def _record(cls, facts):
        """At ``facts: full``: the basic record and the whole schema, within the limits a task's result has."""
        record = cls._basic_record(facts)
        full = bounded(facts)
        full.pop('warnings', None)
        truncated = full.pop('truncated', None)
        if truncated:
            record['cut'] = record.get('cut', []) + ['whatsminer_facts.%s' % path for path in truncated]
        record['facts'] = full
        return record

    @staticmethod
    def _ip_position(hostnames):
        return hostnames.index('ip') if 'ip' in hostnames else len(hostnames)

    # --- inventory ---------------------------------------------------------------------

    def _reserved_names(self, miners):
        """Names a miner may never take: hosts and groups from other sources, localhost, and every
        group this run can be known to create before it adds a host.

        A host and a group of one name break Ansible: adding the host to its namesake group
        raises "can't add group to itself" (and the whole source is dropped), and
        ``set_variable``/``add_child`` take the group for the host. So the default groups
        (``model_*`` and ``firmware_*`` of every miner found, not only of the miners named
        so far) and the keys of ``groups`` are reserved up front; the names of ``keyed_groups``
        depend on each host's templated values and are checked as they appear
        (:meth:`_populate`).
        """
        reserved = set(self.inventory.hosts) | set(self.inventory.groups)
        reserved.update(LOCALHOST_NAMES)
        reserved.update(DEFAULT_GROUP_NAMES)
        if self.get_option('default_groups'):
            for miner in miners:
                basic = miner.get('whatsminer') or {}
                reserved.add(self._group('model', basic.get('model')))
                reserved.add(self._group('firmware', basic.get('firmware')))
        groups = self.get_option('groups')
        if isinstance(groups, dict):
            for group in groups:
                if isinstance(group, str) and group:
                    reserved.update((group, self._sanitize_group_name(group)))
        reserved.discard(None)
        return reserved

    def _host_names(self, miners):
        """The names each miner may take, best first, in scan order (an empty list: skip it).

        Names come from what the miners report, so they are untrusted: only a valid
        hostname label (or a MAC / serial of the expected form) counts, and never one
        that names a host or group from another source, a group this run creates, or another
        miner's IP. Every scanned IP is reserved up front, so the IP fallback always belongs
        to its own miner and two miners never merge. A name that two or more miners of the
        scan report goes to none of them (:meth:`_shared_names`), so the names of the miners
        left never depend on which of them answered, or answered first.
        """
        reserved = self._reserved_names(miners)
        addresses = set(miner['address'] for miner in miners)
        preferences = list(self.get_option('hostnames') or ['ip'])
        reported = []    # per miner: [(preference, name)], each name once
        for miner in miners:
            own = []
            identity = miner['whatsminer']
            for preference in preferences:
                if preference == 'ip':
                    break
                candidate = identity.get(preference)
                if not isinstance(candidate, str) or not NAME_PATTERNS[preference].match(candidate):
                    if candidate is not None:
                        self.display.vvv('whatsminer inventory: %s reports an unusable %s %r; not naming the host after it'
                                         % (miner['address'], preference, str(candidate)[:80]))
                    continue
                if preference == 'mac':
                    candidate = self._mac_name(candidate)
                if candidate in reserved or candidate in addresses:
                    self.display.warning('whatsminer inventory: %s reports %s %r, which names an existing host, group or '
                                         'address, or a group this inventory creates; not naming the host after it'
                                         % (miner['address'], preference, candidate))
                    continue
                if all(candidate != name for _preference, name in own):
                    own.append((preference, candidate))
            reported.append(own)
        shared = self._shared_names(miners, reported)
        names = []
        for miner, own in zip(miners, reported):
            candidates = [name for _preference, name in own if name not in shared]
            if miner['address'] in reserved:
                # another source already has a host (or group) of this name: adding
                # the miner would overwrite its ansible_host and ansible_connection
                if not candidates:
                    self.display.warning('whatsminer inventory: %s answers like a miner but a host or group of that '
                                         'name already exists; skipping it' % miner['address'])
            else:
                candidates.append(miner['address'])
            names.append(candidates)
        return names

    def _shared_names(self, miners, reported):
        """The names two or more miners of the scan report, each warned about once.

        Factory firmware reports the hostname ``WhatsMiner`` on every miner, and cloned
        configurations repeat other names. Giving such a name to the first miner that reports
        it would make a host name that moves to another miner whenever that one is down or
        the scan order changes, and a playbook run against it would reach a different
        machine. So none of them gets it; each takes its next ``hostnames`` preference.
        """
        holders = {}     # name -> [preferences it came as, addresses of the miners that report it]
        for miner, own in zip(miners, reported):
            for preference, name in own:
                holder = holders.setdefault(name, [[], []])
                if preference not in holder[0]:
                    holder[0].append(preference)
                holder[1].append(miner['address'])
        shared = [(name, holder) for name, holder in holders.items() if len(holder[1]) > 1]
        for index, (name, (preferences, owners)) in enumerate(shared):
            if index < UNSCANNED_SHOWN:
                self.display.warning('whatsminer inventory: %d miners report the %s %r; a name several miners share '
                                     'names none of them (factory firmware names every miner WhatsMiner), so each takes '
                                     'its next hostnames preference' % (len(owners), ' or '.join(preferences), name))
            self.display.vvv('whatsminer inventory: %r is reported by %s' % (name, ', '.join(owners)))
        if len(shared) > UNSCANNED_SHOWN:
            self.display.warning('whatsminer inventory: %d more names are each reported by several miners and name no '
                                 'host (all at -vvv)' % (len(shared) - UNSCANNED_SHOWN))
        return frozenset(name for name, _holder in shared)

    @staticmethod
    def _mac_name(mac):
        """``C6:07:7F:05:04:01`` -> ``c6-07-7f-05-04-01``: the host name of a miner named after its MAC.

        Ansible splits host patterns on ``:`` (``--limit``, ``hosts:``), so a host named with
        colons can never be targeted; the MAC itself stays as reported in ``whatsminer.mac``.
        """
        return mac.lower().replace(':', '-')

    @staticmethod
    def _group(prefix, value):
        """``model`` + ``M30S+VE40`` -> ``model_m30splus_ve40``: always a valid group name.

        "+" is spelled out because it tells models apart (M30S+ and M30S++ are different
        machines); other unsafe characters become ``_``.
        """
        if value is None or value == '':
            return None
        value = PLUS_RUNS.sub(lambda match: 'plus' * len(match.group(0)) + '_', str(value))
        return '%s_%s' % (prefix, UNSAFE_GROUP_CHARS.sub('_', value).strip('_').lower())

    def _populate(self, miners):
        """Add every miner under the first of its names that is no host or group of the inventory.

        A name may still turn out to be a group's only after the host is in: ``keyed_groups``
        build group names from templated values, of this host or of a later one. Such a host
        is taken out again and added under its next name (then its IP); one that has no name
        left is skipped with a warning. An error adding one host to its groups (Ansible raises
        a bare ``Exception`` for a group made a child of itself) costs that host, never the
        whole source; only ``strict`` errors of ``compose``/``groups``/``keyed_groups`` and
        configuration errors (``AnsibleParserError``) stop the inventory, as they always did.
        No two miners have a name in common (:meth:`_host_names`), so ``taken`` is a last guard.
        """
        settings = self._settings()
        taken = set()
        placed = {}      # name -> (miner, the names it may still fall back to)
        for miner, candidates in zip(miners, self._host_names(miners)):
            self._place(miner, candidates, settings, taken, placed)
        groups = self.inventory.groups
        while True:     # ends: every round moves each clashing host on to a later one of its names, or drops it
            clashes = [name for name in placed if name in groups]
            if not clashes:
                return
            for name in clashes:
                miner, rest = placed.pop(name)
                self._remove(name)
                self.display.warning('whatsminer inventory: %s was named %r, which is also the name of a group this '
                                     'inventory created; renaming it' % (miner['address'], name))
                self._place(miner, rest, settings, taken, placed)

    def _settings(self):
        """The options :meth:`_add_miner` uses, read once per run rather than once per miner."""
        level = self.get_option('facts')
        return dict(
            strict=self.get_option('strict'),
            level=level,
            default_groups=self.get_option('default_groups'),
            flat_vars=self.get_option('flat_vars') and level != 'none',
            compose=self.get_option('compose'),
            groups=self.get_option('groups'),
            keyed=self.get_option('keyed_groups'),
            v2_port=int(self.get_option('port')),
        )

    def _place(self, miner, candidates, settings, taken, placed):
        """Add ``miner`` under the first of ``candidates`` that is free; False if none is."""
        for index, name in enumerate(candidates):
            if name in taken:
                self.display.vvv('whatsminer inventory: %s reports %r, already used in this scan' % (miner['address'], name))
                continue
            if name in self.inventory.groups or name in self.inventory.hosts:
                self.display.warning('whatsminer inventory: %s would be named %r, which names a group or host of the '
                                     'inventory; %s' % (miner['address'], name,
                                                        'trying its next name' if index + 1 < len(candidates)
                                                        else 'skipping it'))
                continue
            try:
                self._add_miner(miner, name, settings)
            except Exception as err:  # pylint: disable=broad-exception-caught
                # a wrong configuration fails the source, as does with ``strict`` an entry that cannot be
                # templated (ansible-core 2.19 raises the template error itself); anything else is about
                # this one miner, and one miner must never fail the whole inventory source
                if isinstance(err, AnsibleParserError) or settings['strict'] and isinstance(err, AnsibleError):
                    raise
                self._remove(name)
                self.display.warning('whatsminer inventory: %s could not be added as %r (%s: %s); %s'
                                     % (miner['address'], name, type(err).__name__, err,
                                        'trying its next name' if index + 1 < len(candidates) else 'skipping it'))
                continue
            taken.add(name)
            placed[name] = (miner, candidates[index + 1:])
            return True
        if candidates:
            self.display.warning('whatsminer inventory: %s answers like a miner but none of its names (%s) is free; '
                                 'skipping it' % (miner['address'], ', '.join(candidates)))
        return False

    def _remove(self, name):
        """Take the host ``name`` out of the inventory and every group (the groups stay)."""
        host = self.inventory.hosts.get(name)
        if host is not None:
            self.inventory.remove_host(host)

    def _add_miner(self, miner, name, settings):
        """Add one miner as host ``name``: its variables, the default groups, then compose, groups and keyed_groups."""
        level = settings['level']
        compose, groups, keyed = settings['compose'], settings['groups'], settings['keyed']
        basic = miner['whatsminer']
        self.inventory.add_host(name)
        variables = {
            'ansible_host': miner['address'],
            'ansible_connection': 'local',
            'ansible_python_interpreter': trust_as_template(PLAYBOOK_PYTHON),
            'whatsminer_port': settings['v2_port'] if miner['api'] == 'v3' else miner['port'],
            'whatsminer_api_version': miner['api'],
        }
        if miner['api'] == 'v3':
            variables['whatsminer_v3_port'] = miner['port']
        flat = hostvars.flat(basic) if level != 'none' and (settings['flat_vars'] or compose or groups or keyed) else None
        if level != 'none':
            variables['whatsminer'] = basic
            if settings['flat_vars']:
                variables.update(flat)
        if level == 'full':
            variables['whatsminer_facts'] = miner['facts']
        for key, value in variables.items():
            self.inventory.set_variable(name, key, value)
        if settings['default_groups']:
            self._add_default_groups(name, basic, miner['api'])
        if compose or groups or keyed:
            strict = settings['strict']
            context = dict(flat, **variables) if flat else variables
            self._set_composite_vars(compose, context, name, strict=strict)
            self._add_host_to_composed_groups(groups, context, name, strict=strict)
            self._add_host_to_keyed_groups(keyed, context, name, strict=strict)

    def _add_default_groups(self, name, basic, api):
        groups = [
            'whatsminer',
            self._group('model', basic.get('model')),
            self._group('firmware', basic.get('firmware')),
            {True: 'mining', False: 'not_mining'}.get(basic.get('is_mining')),
            'with_errors' if basic.get('error_count') else None,
            'api_%s' % api,
        ]
        for group in groups:
            if group:
                if group == name:
                    # _reserved_names keeps this from happening; should it still, _place falls back to the next name
                    raise ValueError('the host %r would be a member of the group of its own name' % name)
                self.inventory.add_group(group)
                # add_host, not add_child: add_child takes a group of the host's name for the host
                self.inventory.add_host(name, group)
