# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rollout benchmark: playbooks/firmware_rollout.yml over a simulated fleet, per image size.

Starts N simulated miners (default 100, plus one per raw stream) in their own process and
rolls firmware out to all of them through ``ansible-playbook playbooks/firmware_rollout.yml``
(default batches [1, 5, "10%"], ``firmware_rollout_max_parallel_uploads`` 10), once per image
size (default 8 MiB, then 32 MiB: each run targets a new version, so every miner flashes
again). For each run it prints:

* wall time and controller CPU (user + system of ``ansible-playbook`` and all its
  descendants: ``getrusage(RUSAGE_CHILDREN)`` in a small wrapper process around it);
* peak memory of the controller and its workers, sampled from ``/proc`` every 50 ms over
  every descendant of the wrapper: the largest RSS of one process, the peak sum of RSS
  (shared pages counted in each process) and of PSS (shared pages split), and the
  wrapper's ``ru_maxrss`` (largest RSS of any one descendant, kernel's own figure);
* upload throughput per stream, from the report (``bytes_sent / upload_seconds`` of each
  miner, which includes the token and the ``update_firmware`` request);

then the same bytes copied over a raw socket to simulated miners (the ``update_firmware``
handshake through the library, then ``sendall`` of the size and ``socket.sendfile`` of the
image until the simulator closes): one stream alone, and ``--parallel`` streams at once.

Targets: every miner upgraded in each run, and the peak RSS of one process grows by less
than 8 MiB from the smallest to the largest image (the image is streamed, never held).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'tools'))

import collection_path  # noqa: E402  pylint: disable=wrong-import-position
from simfleet import sim_process  # noqa: E402  pylint: disable=wrong-import-position

OLD = '20220125.13.Rel'
PLAYBOOK = os.path.join(REPO, 'playbooks', 'firmware_rollout.yml')
MIB = 1 << 20
#: Runs ansible-playbook, then writes its own RUSAGE_CHILDREN (= ansible-playbook and every descendant).
WRAPPER = ('import json, resource, subprocess, sys\n'
           'with open(sys.argv[2], "w") as log:\n'
           '    rc = subprocess.call(sys.argv[3:], stdout=log, stderr=subprocess.STDOUT)\n'
           'usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n'
           'with open(sys.argv[1], "w") as out:\n'
           '    json.dump(dict(rc=rc, cpu=usage.ru_utime + usage.ru_stime, maxrss_kib=usage.ru_maxrss), out)\n')


# -- memory of a process tree, from /proc ----------------------------------------------

def _children_map():
    parents = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry, encoding='ascii', errors='replace') as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    return parents


def _descendants(root):
    parents = _children_map()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def _kib(path, key):
    try:
        with open(path, encoding='ascii', errors='replace') as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak RSS of one process, peak sums of RSS and PSS, over the tree under ``root`` (the wrapper excluded)."""

    def __init__(self, root, interval=0.05):
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.stop_event = threading.Event()
        self.max_rss = self.sum_rss = self.sum_pss = self.processes = 0

    def run(self):
        while not self.stop_event.is_set():
            pids = [pid for pid in _descendants(self.root) if pid != self.root]
            rss = [_kib('/proc/%d/status' % pid, 'VmRSS:') for pid in pids]
            pss = [_kib('/proc/%d/smaps_rollup' % pid, 'Pss:') for pid in pids]
            self.max_rss = max([self.max_rss] + rss)
            self.sum_rss = max(self.sum_rss, sum(rss))
            self.sum_pss = max(self.sum_pss, sum(pss))
            self.processes = max(self.processes, len(pids))
            self.stop_event.wait(self.interval)

    def stop(self):
        self.stop_event.set()
        self.join()


# -- the rollout -----------------------------------------------------------------------

def write_inventory(path, addresses, port):
    lines = ['all:', '  vars:', '    ansible_connection: local',
             '    ansible_python_interpreter: "{{ ansible_playbook_python }}"',
             '    whatsminer_port: %d' % port, '  hosts:']
    lines += ['    m%04d: {ansible_host: %s}' % (index + 1, address) for index, address in enumerate(addresses)]
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')


def build_image(workdir, version, mib):
    from whatsminer_sim import firmware_image  # pylint: disable=import-outside-toplevel

    data = firmware_image.build_single(version, 'H6OS', size=mib * MIB)
    path = os.path.join(workdir, 'fw-%dMiB.bin' % mib)
    with open(path, 'wb') as handle:
        handle.write(data)
    return path, hashlib.sha256(data).hexdigest()


def rollout(args, workdir, inventory, mib, version):
    path, digest = build_image(workdir, version, mib)
    report_dir = os.path.join(workdir, 'report-%dMiB' % mib)
    extra = dict(firmware_rollout_hosts='all', firmware_rollout_serial=json.loads(args.serial),
                 firmware_rollout_max_parallel_uploads=args.parallel,
                 firmware_rollout_images=[dict(src=path, version=version, sha256=digest)],
                 firmware_rollout_report_dir=report_dir, firmware_rollout_wait_timeout=120,
                 firmware_rollout_poll_interval=0.25, firmware_rollout_settle_timeout=60,
                 firmware_rollout_settle_poll_interval=0.5)
    extra_path = os.path.join(workdir, 'extra-%dMiB.json' % mib)
    with open(extra_path, 'w', encoding='utf-8') as handle:
        json.dump(extra, handle)
    usage_path = os.path.join(workdir, 'usage-%dMiB.json' % mib)
    log_path = os.path.join(workdir, 'ansible-%dMiB.log' % mib)
    env = dict(os.environ)
    env.update(ANSIBLE_COLLECTIONS_PATH=collection_path.collections_root(), ANSIBLE_FORKS=str(args.forks),
               ANSIBLE_HOST_KEY_CHECKING='false', ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_NOCOLOR='1')
    ansible = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    command = [sys.executable, '-c', WRAPPER, usage_path, log_path, ansible, '-i', inventory, PLAYBOOK,
               '-e', '@' + extra_path]
    started = time.monotonic()
    wrapper = subprocess.Popen(command, env=env, cwd=workdir)
    sampler = TreeSampler(wrapper.pid)
    sampler.start()
    wrapper.wait(timeout=3600)
    wall = time.monotonic() - started
    sampler.stop()
    with open(usage_path, encoding='utf-8') as handle:
        usage = json.load(handle)
    with open(os.path.join(report_dir, 'firmware_rollout.json'), encoding='utf-8') as handle:
        report = json.load(handle)
    rates = [row['bytes_sent'] / row['upload_seconds'] / MIB for row in report['rows']
             if row.get('bytes_sent') and row.get('upload_seconds')]
    return dict(mib=mib, wall=wall, rc=usage['rc'], cpu=usage['cpu'], ru_maxrss=usage['maxrss_kib'] / 1024.0,
                max_rss=sampler.max_rss / 1024.0, sum_rss=sampler.sum_rss / 1024.0, sum_pss=sampler.sum_pss / 1024.0,
                processes=sampler.processes, outcomes=report['outcomes'], rates=rates, log=log_path, image=path)


# -- raw socket copies -------------------------------------------------------------------

def raw_copy(address, port, path, password='admin'):
    """update_firmware -> "ready" through the library, then the size and the file with sendfile; MiB/s."""
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv2 import ApiV2  # pylint: disable=import-outside-toplevel
    from ansible_collections.minerops.whatsminer.plugins.module_utils._api.tokens import TokenCache  # pylint: disable=import-outside-toplevel

    api = ApiV2(address, port, 10.0, 60.0, TokenCache())
    sock, _token, reply, _rest = api._open_flow('update_firmware', password)  # pylint: disable=protected-access
    size = os.path.getsize(path)
    try:
        assert reply.msg == 'ready', reply.msg
        sock.settimeout(120.0)
        started = time.monotonic()
        sock.sendall(struct.pack('<I', size))
        with open(path, 'rb') as handle:
            sock.sendfile(handle)
        while sock.recv(65536):        # the simulator closes once it holds the whole image
            pass
        return size / (time.monotonic() - started) / MIB
    finally:
        sock.close()


def raw_copies(addresses, port, path, streams):
    rates, threads = [0.0] * streams, []

    def one(index):
        rates[index] = raw_copy(addresses[index], port, path)
    for index in range(streams):
        threads.append(threading.Thread(target=one, args=(index,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return rates


def wait_back(addresses, port, timeout=60.0):
    """The raw copies made those miners reboot: wait until they listen again."""
    deadline = time.monotonic() + timeout
    for address in addresses:
        while time.monotonic() < deadline:
            try:
                socket.create_connection((address, port), timeout=1.0).close()
                break
            except OSError:
                time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=100)
    parser.add_argument('--first-address', default='127.3.0.1')
    parser.add_argument('--port', type=int, default=4031)
    parser.add_argument('--sizes', default='8,32', help='image sizes in MiB, comma separated (default 8,32)')
    parser.add_argument('--parallel', type=int, default=10, help='firmware_rollout_max_parallel_uploads (default 10)')
    parser.add_argument('--forks', type=int, default=20)
    parser.add_argument('--serial', default='[1, 5, "10%"]', help='firmware_rollout_serial as JSON')
    parser.add_argument('--reboot-seconds', type=float, default=0.5, help='simulated reboot after a flash')
    args = parser.parse_args()
    from whatsminer_sim.addresses import fleet_addresses  # pylint: disable=import-outside-toplevel

    collection_path.ensure_importable()
    sizes = [int(size) for size in args.sizes.split(',')]
    addresses = fleet_addresses(args.first_address, args.count + args.parallel)
    fleet, spare = addresses[:args.count], addresses[args.count:]
    workdir = tempfile.mkdtemp(prefix='bench-rollout-')
    inventory = os.path.join(workdir, 'hosts.yml')
    write_inventory(inventory, fleet, args.port)
    load = os.getloadavg()
    print('fleet: %d simulated miners from %s, port %d (simulator in its own process, reboot %.1f s); forks %d, '
          'serial %s, firmware_rollout_max_parallel_uploads %d; load average %.2f %.2f %.2f; %d CPUs'
          % (args.count, args.first_address, args.port, args.reboot_seconds, args.forks, args.serial, args.parallel,
             load[0], load[1], load[2], os.cpu_count()))
    runs, raw = [], {}
    sim_args = ['--firmware', OLD, '--reboot-seconds', str(args.reboot_seconds), '--restart-seconds', '0.3']
    with sim_process(args.first_address, len(addresses), args.port, sim_args):
        for index, mib in enumerate(sizes):
            run = rollout(args, workdir, inventory, mib, '20250301.%d.Rel' % (index + 1))
            runs.append(run)
            rates = run['rates']
            print('%2d MiB image: rc %d, %s; wall %.1f s; controller CPU %.1f s; peak RSS one process %.0f MiB '
                  '(ru_maxrss %.0f MiB), sum RSS %.0f MiB, sum PSS %.0f MiB over up to %d processes; upload per '
                  'stream %.1f MiB/s median (%.1f-%.1f, %d streams)'
                  % (mib, run['rc'], run['outcomes'], run['wall'], run['cpu'], run['max_rss'], run['ru_maxrss'],
                     run['sum_rss'], run['sum_pss'], run['processes'], statistics.median(rates) if rates else 0,
                     min(rates, default=0), max(rates, default=0), len(rates)))
            one = raw_copies(spare, args.port, run['image'], 1)
            wait_back(spare[:1], args.port)
            many = raw_copies(spare, args.port, run['image'], args.parallel)
            wait_back(spare, args.port)
            raw[mib] = (one[0], many)
            print('%2d MiB raw socket copy to the simulator: 1 stream %.1f MiB/s; %d streams at once %.1f MiB/s median '
                  'per stream (%.1f-%.1f)' % (mib, one[0], args.parallel, statistics.median(many), min(many), max(many)))
    growth = runs[-1]['max_rss'] - runs[0]['max_rss']
    flat = growth < 8.0
    upgraded = all(run['rc'] == 0 and run['outcomes'] == {'upgraded': args.count} for run in runs)
    print('peak RSS of one process from %d to %d MiB images: %+.1f MiB (target < 8 MiB: %s)'
          % (sizes[0], sizes[-1], growth, flat))
    print('every miner upgraded in every run: %s; logs and reports in %s' % (upgraded, workdir))
    return 0 if flat and upgraded else 1


if __name__ == '__main__':
    sys.exit(main())
