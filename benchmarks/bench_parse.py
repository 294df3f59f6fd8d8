# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reply parser benchmark: CPU time per MiB of ``jsonrepair`` on the worst inputs known.

A miner chooses the bytes of its reply, up to the transport's cap (4 MiB), so what
matters is the cost of the worst reply, not of a typical one. Each input class below is
built at the given sizes (default 1, 2 and 4 MiB) and parsed in this process with
``jsonrepair.loads`` (or ``find_json_end`` for the header scan); the figure is the best
of ``--runs`` runs, as CPU seconds and CPU seconds per MiB. The cost must be linear: the
per-MiB figure of a class should not grow with the size.

Target: no input of up to 4 MiB (the transport's cap) costs more than 1 s of CPU, so
no reply the transport accepts can stall a task on parsing: a reply that needs repair
and has more than ``MAX_REPAIR_TOKENS`` tokens is refused, which is what bounds the
densest classes. The script exits non-zero when an input misses it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tools'))

import collection_path  # noqa: E402  pylint: disable=wrong-import-position

collection_path.ensure_importable()

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import jsonrepair  # noqa: E402  pylint: disable=wrong-import-position

MIB = 1024 * 1024
TARGET_SECONDS = 1.0


def _repeat(unit, size, head='', tail=''):
    """``head`` + ``unit`` repeated to about ``size`` bytes + ``tail``."""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _nested(opening, size):
    return opening * (size // len(opening))


def _error_list(size, tail):
    entry = '{"%d":"2022-01-17 11:28:11"},'
    count = size // len(entry % 1000)
    entries = ''.join(entry % (1000 + index % 9000) for index in range(count))
    return '{"STATUS":"S","When":1,"Code":131,"Msg":{"error_code":[' + entries.rstrip(',') + ']},"Description":""' + tail


def _pools(size):
    pool = {'id': 1, 'url': 'stratum+tcp://pool.example.com:3333', 'status': 'Alive', 'priority': 0, 'quota': 1,
            'long-poll': 'N', 'getworks': 12345, 'accepted': 654321, 'rejected': 12, 'works': 98765432,
            'discarded': 0, 'stale': 3, 'get failures': 0, 'remote failures': 0, 'user': 'worker.001',
            'last share time': 1643182793, 'stratum active': True, 'difficulty accepted': 1.234e9}
    one = json.dumps(pool, separators=(',', ':'))
    return '{"STATUS":[{"STATUS":"S","Msg":"1 Pool(s)"}],"POOLS":[' + ','.join([one] * (size // (len(one) + 1))) + ']}'


# name -> (what it is, builder(size) -> str, scan with find_json_end instead of loads)
CLASSES = {
    'escape bomb': ('a string of "\\n" escapes, then a trailing comma (json.loads rejects it at the end)',
                    lambda size: _repeat('\\n', size, '{"STATUS":"S","Msg":"', '",}'), False),
    'escape bomb, one bad escape': ('the same with one unknown escape "\\q" at the end of the string',
                                    lambda size: _repeat('\\n', size, '{"STATUS":"S","Msg":"', '\\q"}'), False),
    'bad escapes only': ('a string of unknown "\\q" escapes',
                         lambda size: _repeat('\\q', size, '{"STATUS":"S","Msg":"', '"}'), False),
    'unicode escapes': ('a string of "\\u00e9" escapes, then a trailing comma',
                        lambda size: _repeat('\\u00e9', size, '{"STATUS":"S","Msg":"', '",}'), False),
    'unterminated string': ('a string that never ends (a cut-off reply)',
                            lambda size: _repeat('x', size, '{"STATUS":"S","Msg":"'), False),
    'deep nesting [': ('"[" repeated: refused at the depth limit',
                       lambda size: _nested('[', size), False),
    'deep nesting {"a":': ('"{"a":" repeated: refused at the depth limit',
                           lambda size: _nested('{"a":', size), False),
    'deep valid nesting': ('well-formed [[[...]]] half the size deep: refused at the depth limit',
                           lambda size: '[' * (size // 2) + ']' * (size // 2), False),
    'max-depth blocks': ('a list of 64-deep blocks, then a trailing comma',
                         lambda size: _repeat('[' * 63 + '1' + ']' * 63 + ',', size, '[', ']'), False),
    'many small repairs': ('small objects each with a trailing comma',
                           lambda size: _repeat('{"a":1,"b":"x",},', size, '[', '{}]'), False),
    'missing commas': ('an object of keys without commas between them',
                       lambda size: _repeat('"k":"v"', size, '{', '}'), False),
    'numbers, trailing comma': ('a list of numbers and bare words, then a trailing comma',
                                lambda size: _repeat('12345,-1.5e3,nan,true,', size, '[', ']'), False),
    'large valid reply': ('a well-formed pools reply (the json fast path)', _pools, False),
    'large reply, one defect': ('a long get_error_code list, a trailing comma at the very end',
                                lambda size: _error_list(size, ',}'), False),
    'large reply, cut off': ('a long get_error_code list cut off in its last entry',
                             lambda size: _error_list(size, '')[:-60], False),
    'header scan: strings': ('find_json_end over a header that is one long string',
                             lambda size: _repeat('\\"x', size, '{"a":"'), True),
    'header scan: brackets': ('find_json_end over "[]" pairs inside an unclosed object',
                              lambda size: _repeat('[]', size, '{'), True),
    'header scan: nested pairs': ('find_json_end over "[[]]" inside an unclosed object',
                                  lambda size: _repeat('[[]]', size, '{'), True),
    'header scan: short strings': ('find_json_end over "","" inside an unclosed object',
                                   lambda size: _repeat('"",', size, '{'), True),
}


def measure(text, header, runs):
    data = text.encode('utf-8')
    best = None
    outcome = None
    for _run in range(runs):
        started = time.process_time()
        try:
            if header:
                outcome = 'end at %s' % jsonrepair.find_json_end(data)
            else:
                value = jsonrepair.loads(data)
                outcome = 'parsed (%s)' % type(value).__name__
        except jsonrepair.Truncated as exc:
            outcome = 'Truncated: %s' % exc
        except jsonrepair.JsonRepairError as exc:
            outcome = 'JsonRepairError: %s' % exc
        elapsed = time.process_time() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, len(data), outcome


def header_scan_incremental(text, chunk):
    """CPU of one JsonEndScanner over a buffer growing by ``chunk`` bytes, as transport.read_json_object does."""
    data = text.encode('utf-8')
    scanner = jsonrepair.JsonEndScanner()
    buffer = bytearray()
    started = time.process_time()
    for end in range(chunk, len(data) + chunk, chunk):
        buffer += data[end - chunk:end]
        scanner.scan(buffer)
    return time.process_time() - started, len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='1,2,4', help='input sizes in MiB, comma-separated (default 1,2,4)')
    parser.add_argument('--runs', type=int, default=3, help='best of this many runs (default 3)')
    parser.add_argument('--only', default=None, help='run only the classes whose name contains this text')
    args = parser.parse_args()
    sizes = [float(item) for item in args.sizes.split(',') if item]

    print('jsonrepair.loads / find_json_end, CPU seconds (best of %d), Python %s'
          % (args.runs, sys.version.split()[0]))
    print('%-30s %8s %9s %9s  %s' % ('input class', 'MiB', 'CPU s', 's/MiB', 'outcome'))
    missed = []
    for name, (_what, build, header) in CLASSES.items():
        if args.only and args.only not in name:
            continue
        for size in sizes:
            seconds, length, outcome = measure(build(int(size * MIB)), header, args.runs)
            mib = length / MIB
            print('%-30s %8.2f %9.4f %9.4f  %s' % (name, mib, seconds, seconds / mib, outcome[:70]))
            if seconds > TARGET_SECONDS:
                missed.append(name)
    if not args.only or 'incremental' in args.only:
        for chunk in (65536, 1448):
            seconds, length = header_scan_incremental(_repeat('[[]]', 4 * MIB, '{'), chunk)
            name = 'header scan, %d B reads' % chunk
            print('%-30s %8.2f %9.4f %9.4f  %s'
                  % (name, length / MIB, seconds, seconds / (length / MIB), 'JsonEndScanner after every read'))
    print('\ninput classes:')
    for name, (what, _build, _header) in CLASSES.items():
        print('  %-28s %s' % (name, what))
    print('\ntarget: no input of up to 4 MiB costs more than %.1f s of CPU: %s'
          % (TARGET_SECONDS, 'met' if not missed else 'missed by ' + ', '.join(sorted(set(missed)))))
    return 1 if missed else 0


if __name__ == '__main__':
    sys.exit(main())
