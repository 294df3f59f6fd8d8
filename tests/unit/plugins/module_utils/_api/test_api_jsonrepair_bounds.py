# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The reply parser's cost is bounded whatever a miner sends (issue 12, items 1 and 6).

Time budgets are CPU seconds of this process (``time.process_time``), so other work on
the machine does not make them flaky, and are about five times what was measured on the
project's 2-core machine (Python 3.11). The quadratic parser these replace took 3 s for
1 MiB of ``\\n`` escapes, 12 s for 2 MiB and 48 s for 4 MiB: any budget here catches a
return to that.
"""

from __future__ import annotations

import json
import random
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import MalformedReply, WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.jsonrepair import (
    MAX_DEPTH,
    JsonEndScanner,
    JsonRepairError,
    Truncated,
    find_json_end,
    loads,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import Reply, parse_reply

H, P = '127.0.1.21', 4028
MIB = 1024 * 1024

# Measured (best of 3) -> budget, CPU seconds per MiB of input.
ESCAPES_PER_MIB = 0.075      # "\n" escapes: 0.013-0.015 s/MiB
BAD_ESCAPES_PER_MIB = 0.4    # escapes JSON does not define, decoded without json: 0.08 s/MiB
ANY_INPUT_SECONDS = 5.0      # the slowest input class found (1 MiB of nested lists): 0.8 s


def cpu_seconds(function, *args):
    """(result or raised library error, CPU seconds) of ``function(*args)``."""
    started = time.process_time()
    try:
        result = function(*args)
    except JsonRepairError as exc:
        result = exc
    return result, time.process_time() - started


def escape_bomb(size, after='",}'):
    """About ``size`` bytes: a reply whose Msg is one string of "\\n" escapes."""
    count = (size - 32) // 2
    return ('{"STATUS":"S","Msg":"' + '\\n' * count + after).encode(), count


# --- escape bombs (item 1) ---------------------------------------------------

@pytest.mark.parametrize('mib', [1, 2, 4])
@pytest.mark.parametrize('after, defect', [
    ('",}', 'trailing comma'),
    ('"\x00"x":1}', 'NUL between members'),
    ('""x":1}', 'missing comma before the next key'),
    ('",\n"x":[1,2,],}', 'raw newline, trailing commas'),
])
def test_escape_bomb_that_json_rejects_parses_in_linear_time(mib, after, defect):
    payload, count = escape_bomb(mib * MIB, after)
    with pytest.raises(ValueError):  # the point: the fast path refuses it, the repair parser runs
        json.loads(payload.decode(), strict=False)
    value, seconds = cpu_seconds(loads, payload)
    assert isinstance(value, dict), (defect, value)
    assert value['Msg'] == '\n' * count
    assert seconds < ESCAPES_PER_MIB * mib, '%s: %.3f s for %d MiB' % (defect, seconds, mib)


@pytest.mark.parametrize('mib', [1, 4])
def test_escape_bomb_through_parse_reply(mib):
    payload, count = escape_bomb(mib * MIB)
    started = time.process_time()
    reply = parse_reply('summary', payload, H, P)
    seconds = time.process_time() - started
    assert isinstance(reply, Reply) and reply.raw['Msg'] == '\n' * count
    assert seconds < ESCAPES_PER_MIB * mib


@pytest.mark.parametrize('mib', [1, 4])
@pytest.mark.parametrize('unit, expected', [
    ('\\q', 'q'),            # escapes JSON does not define
    ('\\u00e9\\x', '\u00e9x'),
    ('\\n', '\n'),           # valid ones, with one bad escape at the end (below)
])
def test_bad_escape_bomb_parses_in_linear_time(mib, unit, expected):
    count = mib * MIB // len(unit)
    payload = ('{"Msg":"' + unit * count + '\\q"}').encode()
    value, seconds = cpu_seconds(loads, payload)
    assert value == {'Msg': expected * count + 'q'}
    assert seconds < BAD_ESCAPES_PER_MIB * mib, '%.3f s' % seconds


@pytest.mark.parametrize('mib', [1, 4])
def test_cut_off_escape_bomb_is_truncated_quickly(mib):
    payload, _count = escape_bomb(mib * MIB, after='')
    result, seconds = cpu_seconds(loads, payload)
    assert isinstance(result, Truncated) and result.salvaged == {'STATUS': 'S'}
    assert seconds < ESCAPES_PER_MIB * mib


# --- depth (item 6) -----------------------------------------------------------

NESTINGS = {
    'lists': ('[', ']'),
    'objects': ('{"a":', '}'),
    'mixed': ('{"a":[', ']}'),
}


@pytest.mark.parametrize('levels', [500, 5000, 100000])
@pytest.mark.parametrize('shape', sorted(NESTINGS))
@pytest.mark.parametrize('form', ['valid', 'repairable', 'unclosed', 'bare openings'])
def test_deep_nesting_is_refused_with_our_error(levels, shape, form):
    opening, closing = NESTINGS[shape]
    if shape == 'mixed':
        levels //= 2  # two levels per unit
    text = {
        'valid': opening * levels + '1' + closing * levels,
        'repairable': opening * levels + '1,' + closing * levels,
        'unclosed': opening * levels + '1',
        'bare openings': opening * levels,
    }[form]
    result, seconds = cpu_seconds(loads, text.encode())
    assert isinstance(result, JsonRepairError) and not isinstance(result, Truncated)
    assert 'nesting deeper than %d levels' % MAX_DEPTH in str(result)
    assert seconds < 1.0
    with pytest.raises(MalformedReply, match='nesting deeper than'):
        parse_reply('summary', ('{"STATUS":"S","Msg":' + text + '}').encode(), H, P)


@pytest.mark.parametrize('repair', [False, True])
def test_depth_limit_is_exact_on_both_paths(repair):
    comma = ',' if repair else ''  # a trailing comma sends it to the repair parser
    at_limit = '[' * MAX_DEPTH + '1' + comma + ']' * MAX_DEPTH    # 1 sits inside 64 lists
    empty_at_limit = '[' * (MAX_DEPTH + 1) + ']' * (MAX_DEPTH + 1)  # the 65th list is empty
    over = '[' * (MAX_DEPTH + 1) + '1' + comma + ']' * (MAX_DEPTH + 1)
    value = loads(at_limit)
    for _level in range(MAX_DEPTH):
        (value,) = value
    assert value == 1
    assert loads(empty_at_limit)
    with pytest.raises(JsonRepairError, match='nesting deeper than 64 levels at character 65'):
        loads(over)


def test_depth_is_configurable():
    assert loads('[[[1]]]', max_depth=3) == [[[1]]]
    with pytest.raises(JsonRepairError, match='nesting deeper than 2 levels'):
        loads('[[[1]]]', max_depth=2)
    with pytest.raises(JsonRepairError, match='nesting deeper than 2 levels'):
        loads('[[[1,]]]', max_depth=2)


def test_no_recursion_error_with_little_stack_left():
    """json's C scanner raises RecursionError when the caller is deep already: fall back."""
    document = '{"a":' * 60 + '[1,2]' + '}' * 60

    def call_at_depth(remaining):
        if remaining:
            return call_at_depth(remaining - 1)
        return loads(document)

    limit = sys.getrecursionlimit()
    frame, depth = sys._getframe(), 0  # pylint: disable=protected-access
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    try:
        sys.setrecursionlimit(depth + 40)
        value = call_at_depth(20)
    finally:
        sys.setrecursionlimit(limit)
    for _level in range(60):
        value = value['a']
    assert value == [1, 2]


# --- the repair budget ---------------------------------------------------------

def test_too_many_tokens_to_repair_is_refused():
    with pytest.raises(JsonRepairError, match=r'too large to repair \(more than 4 tokens\)'):
        loads('[1,2,3,]', max_tokens=4)
    assert loads('[1,2,3,]', max_tokens=8) == [1, 2, 3]
    assert loads('[1,2,3]', max_tokens=1) == [1, 2, 3]  # well-formed: no repair, no budget


def test_big_reply_needing_repair_within_the_budget():
    """A 4 MiB get_error_code list (the transport's cap) with a defect is still repaired."""
    entries = ','.join('{"%d":"2022-01-17 11:28:11"}' % (1000 + index % 9000) for index in range(4 * MIB // 30))
    payload = ('{"STATUS":"S","Code":131,"Msg":{"error_code":[' + entries + ',]},}').encode()
    assert len(payload) > 4 * MIB
    value, seconds = cpu_seconds(loads, payload)
    assert isinstance(value, dict) and len(value['Msg']['error_code']) == 4 * MIB // 30
    assert seconds < 2.0  # measured 0.3 s


# --- arbitrary bytes -----------------------------------------------------------

def _assert_bounded(payload):
    """Only the library's errors escape, and in bounded time."""
    result, seconds = cpu_seconds(loads, payload)
    assert seconds < ANY_INPUT_SECONDS, '%.2f s for %d bytes' % (seconds, len(payload))
    if not isinstance(result, JsonRepairError):
        assert result is None or isinstance(result, (dict, list, str, int, float, bool))
    try:
        parse_reply('get_error_code', payload, H, P)
    except WhatsminerError:
        pass


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(head=st.binary(max_size=24), unit=st.binary(min_size=1, max_size=24), tail=st.binary(max_size=24),
       size=st.sampled_from([1024, 65536, MIB, 4 * MIB]))
def test_large_repeated_arbitrary_bytes_only_raise_our_error(head, unit, tail, size):
    """Hypothesis picks the bytes; repeating them builds inputs of up to 4 MiB."""
    _assert_bounded(head + unit * (size // len(unit)) + tail)


JSON_FRAGMENTS = ['{', '}', '[', ']', ',', ':', '"', '\\', '\\n', '\\u', '"a"', '1', 'nan', '\x00', ' ', 'true',
                  '\u00e9', '"329":']


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(JSON_FRAGMENTS), min_size=1, max_size=40),
       size=st.sampled_from([4096, MIB, 4 * MIB]))
def test_large_repeated_json_fragments_only_raise_our_error(pieces, size):
    unit = ''.join(pieces).encode()
    _assert_bounded(b'{"STATUS":"S","Msg":' + unit * (size // len(unit)))


def _json_noise(rng, size):
    fragments = ['{', '}', '[', ']', ',', ':', '"', '\\', '\\n', '"k"', '1', '-2.5e3', 'nan', 'inf', 'true', 'x',
                 '\\u00e9', '\\q', ' ', '\n', '\x00', '"329":"2022"']
    return ''.join(rng.choices(fragments, k=size // 3)).encode()[:size]


def _mangled_reply(rng, size):
    entry = '{"%d":"2022-01-17 11:28:11"},'
    body = ''.join(entry % rng.randrange(100, 999) for _index in range(size // len(entry % 100)))
    text = list('{"STATUS":"S","Msg":{"error_code":[' + body + ']}}')
    for _cut in range(64):
        position = rng.randrange(len(text))
        text[position] = rng.choice(['', ',', '"', '\\', '}', '[', '\x00', 'e'])
    return ''.join(text).encode()


LARGE_INPUTS = {
    'random bytes': lambda rng, size: rng.randbytes(size),
    'random bytes after a brace': lambda rng, size: b'{"a":' + rng.randbytes(size),
    'random ASCII': lambda rng, size: bytes(rng.choices(range(32, 127), k=size)),
    'JSON noise': _json_noise,
    'mangled reply': _mangled_reply,
    'invalid UTF-8 in a string': lambda rng, size: b'{"Msg":"' + b'\xff\xfe' * (size // 2) + b'",}',
}


@pytest.mark.parametrize('size', [MIB, 4 * MIB])
@pytest.mark.parametrize('kind', sorted(LARGE_INPUTS))
def test_large_generated_inputs_only_raise_our_error(kind, size):
    _assert_bounded(LARGE_INPUTS[kind](random.Random('%s %d' % (kind, size)), size))


# --- find_json_end -------------------------------------------------------------

def _growing(data, step):
    """The buffer after each read of ``step`` bytes (as transport builds it: a new bytes each time)."""
    for end in range(step, len(data) + step, step):
        yield data[:end]


def test_the_scanner_on_a_growing_buffer_scans_each_byte_once():
    """What transport.read_json_object does: one scanner over the whole buffer after every read, 4 MiB in 64 KiB reads."""
    data = b'{' + b'"\\"x",[[]],' * (4 * MIB // 11)
    scanner = JsonEndScanner()
    seconds = 0.0
    for buffer in _growing(data, 65536):
        started = time.process_time()
        assert scanner.scan(buffer) is None
        seconds += time.process_time() - started
    assert seconds < 3.0, '%.2f s' % seconds  # measured 0.5 s; a rescan per read took minutes
    assert scanner.scan(data + b'}\x1f\x8b') == len(data) + 1 == find_json_end(data + b'}\x1f\x8b')


def test_find_json_end_resume_is_exact():
    header = b'{"STATUS":"S","Msg":{"logfilelen":"5","x":"' + b'}{\\"' * 40000 + b'"}}'
    glued = header + b'\x1f\x8b{}' * 10
    for step in (1000, 65536, 70001):
        assert [find_json_end(buffer) for buffer in _growing(glued, step)][-1] == len(header)
    # a buffer that does not extend the last one is scanned from the start
    unclosed = b'{"a":"' + b'x' * 100000
    closed = b'{"a":"' + b'x' * 80000 + b'"}' + b'x' * 20000
    assert find_json_end(unclosed[:90000]) is None
    assert find_json_end(closed) == 80008
    assert find_json_end(unclosed[:90000]) is None
    assert find_json_end(b'{"b":' + b'1' * 100000 + b'}') == 100006
    with pytest.raises(JsonRepairError):
        find_json_end(b'PK' + b'\x00' * 100000)


def test_json_end_scanner_is_incremental():
    scanner = JsonEndScanner()
    data = b'\x00 {"a":"}\\"{","b":[{}, [1]]} trailing'
    for end in range(len(data) - 9):
        assert scanner.scan(data[:end]) is None
    assert scanner.scan(data[:len(data) - 9]) == len(data) - 9
    assert scanner.scan(data) == len(data) - 9
    assert scanner.copy().scan(data) == len(data) - 9


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b'{', b'}', b'[', b']', b'"', b'\\', b'a', b' ', b'\x00', b'[]', b'\\"']),
                max_size=40), st.integers(min_value=1, max_value=7))
def test_find_json_end_agrees_with_a_byte_by_byte_scan(pieces, step):
    data = b'{' + b''.join(pieces)
    expected = _reference_json_end(data)
    assert find_json_end(data) == expected
    scanner = JsonEndScanner()
    found = None
    for buffer in _growing(data, step):
        found = scanner.scan(buffer)
        if found is not None:
            break
    assert found == expected


def _reference_json_end(data):
    """The obvious byte-by-byte scan (slow; for comparison only)."""
    depth, in_string, escaped = 0, False, False
    for index, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5c:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b'{[':
            depth += 1
        elif byte in b'}]':
            depth -= 1
            if depth == 0:
                return index + 1
    return None
