# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Size and depth limits on what a task returns, since much of it is the miner's own data.

A reply may be up to the library's 4 MiB cap and nested up to its parser's 64 levels;
copied into a result as is, one hostile miner's reply becomes megabytes on every
callback, in every fact cache and in ``-v`` output, for each of the fork's hosts. The
result is therefore copied with limits: long strings, long lists and long mappings are
cut with a visible marker, containers past a depth are replaced by a marker, and the
paths cut are listed in ``truncated`` with one warning. The walk is iterative, so no
input costs a recursion error, and it touches each value once.
"""

from __future__ import annotations

from typing import Any

MAX_TEXT_CHARS = 16384       # one string
MAX_ITEMS = 4096             # one list or mapping
MAX_TOTAL_CHARS = 1 << 20    # all strings of the result together
MAX_DEPTH = 80               # the reply parser's 64 levels plus the result's own nesting
MAX_PATHS_LISTED = 20

_SCALARS = (bool, int, float, type(None))


class _Budget:
    __slots__ = ('chars', 'cuts')

    def __init__(self) -> None:
        self.chars = MAX_TOTAL_CHARS
        self.cuts: list[str] = []


def _text(value: str, path: str, budget: _Budget) -> str:
    keep = min(MAX_TEXT_CHARS, max(budget.chars, 0))
    if len(value) <= keep:
        budget.chars -= len(value)
        return value
    budget.chars -= keep
    budget.cuts.append(path)
    return '%s...[cut: %d more characters]' % (value[:keep], len(value) - keep)


def _copy_into(dest: Any, key: Any, value: Any, path: str, depth: int, budget: _Budget, stack: list) -> None:
    if isinstance(value, str):
        dest[key] = _text(value, path, budget)
    elif isinstance(value, _SCALARS):
        dest[key] = value
    elif isinstance(value, (dict, list, tuple)):
        if depth >= MAX_DEPTH:
            budget.cuts.append(path)
            dest[key] = '[cut: nested deeper than %d levels]' % MAX_DEPTH
            return
        copy: Any = {} if isinstance(value, dict) else []
        dest[key] = copy
        stack.append((copy, value, path, depth + 1))
    else:
        dest[key] = _text(str(value), path, budget)


def _walk(copy: Any, source: Any, path: str, depth: int, budget: _Budget, stack: list) -> None:
    if isinstance(source, dict):
        items = list(source.items())
        for count, (key, value) in enumerate(items):
            if count == MAX_ITEMS:
                budget.cuts.append(path)
                copy['...'] = '[cut: %d more keys]' % (len(items) - MAX_ITEMS)
                break
            name = key if isinstance(key, str) else str(key)
            _copy_into(copy, name, value, '%s.%s' % (path, name) if path else name, depth, budget, stack)
        return
    for index, value in enumerate(source):
        if index == MAX_ITEMS:
            budget.cuts.append(path)
            copy.append('[cut: %d more items]' % (len(source) - MAX_ITEMS))
            break
        copy.append(None)
        _copy_into(copy, index, value, '%s[%d]' % (path, index), depth, budget, stack)


def bounded(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` within the limits; with ``truncated`` (paths) and a warning when anything was cut."""
    budget = _Budget()
    top: dict[str, Any] = {}
    stack: list = [(top, result, '', 1)]
    while stack:
        _walk(*stack.pop(), budget=budget, stack=stack)
    if budget.cuts:
        paths = sorted(set(budget.cuts))
        top['truncated'] = paths[:MAX_PATHS_LISTED]
        shown = ', '.join(paths[:MAX_PATHS_LISTED]) + (' and %d more' % (len(paths) - MAX_PATHS_LISTED)
                                                       if len(paths) > MAX_PATHS_LISTED else '')
        warning = ('the result was cut to stay within %d characters per string, %d items per list and %d levels: %s'
                   % (MAX_TEXT_CHARS, MAX_ITEMS, MAX_DEPTH, shown))
        top['warnings'] = list(top.get('warnings') or []) + [warning]
    return top
