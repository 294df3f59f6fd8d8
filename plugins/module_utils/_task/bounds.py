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

from typing import Any, Optional, Tuple

MAX_TEXT_CHARS = 16384       # one string
MAX_ITEMS = 4096             # one list or mapping
MAX_TOTAL_CHARS = 1 << 20    # all strings of the result together
MAX_DEPTH = 80               # the reply parser's 64 levels plus the result's own nesting
MAX_PATHS_LISTED = 20

_SCALARS = (bool, int, float, type(None))
# the exact types of nearly every value in a result: copied without a function call
_PLAIN_SCALARS = frozenset((bool, int, float, type(None)))

# A path is built only for what is cut: ``None`` for the top, else ``(parent, key)``
# (a str for a mapping key, an int for a list index). Formatting every value's path
# as it was walked cost more than the rest of the walk on a full facts result.
Path = Optional[Tuple[Any, Any]]


def _render(path: Path) -> str:
    """``pools[0].url`` for ``((((None, 'pools'), 0), 'url')``."""
    keys = []
    while path is not None:
        path, key = path
        keys.append(key)
    text = ''
    for key in reversed(keys):
        if isinstance(key, int):
            text = '%s[%d]' % (text, key)
        else:
            text = '%s.%s' % (text, key) if text else key
    return text


class _Budget:
    __slots__ = ('chars', 'cuts')

    def __init__(self) -> None:
        self.chars = MAX_TOTAL_CHARS
        self.cuts: list[str] = []


def _text(value: str, path: Path, budget: _Budget) -> str:
    keep = min(MAX_TEXT_CHARS, max(budget.chars, 0))
    if len(value) <= keep:
        budget.chars -= len(value)
        return value
    budget.chars -= keep
    budget.cuts.append(_render(path))
    return '%s...[cut: %d more characters]' % (value[:keep], len(value) - keep)


def _copy_into(dest: Any, key: Any, value: Any, path: Path, depth: int, budget: _Budget, stack: list) -> None:
    if isinstance(value, str):
        dest[key] = _text(value, path, budget)
    elif isinstance(value, _SCALARS):
        dest[key] = value
    elif isinstance(value, (dict, list, tuple)):
        if depth >= MAX_DEPTH:
            budget.cuts.append(_render(path))
            dest[key] = '[cut: nested deeper than %d levels]' % MAX_DEPTH
            return
        copy: Any = {} if isinstance(value, dict) else []
        dest[key] = copy
        stack.append((copy, value, path, depth + 1))
    else:
        dest[key] = _text(str(value), path, budget)


def _copy_plain(dest: Any, key: Any, value: Any, budget: _Budget) -> bool:
    """The common case without building a path: an exact scalar, or an exact str that fits. False otherwise."""
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        dest[key] = value
        return True
    if kind is str and len(value) <= MAX_TEXT_CHARS and len(value) <= budget.chars:
        budget.chars -= len(value)
        dest[key] = value
        return True
    return False


def _walk(copy: Any, source: Any, path: Path, depth: int, budget: _Budget, stack: list) -> None:
    if isinstance(source, dict):
        for count, (key, value) in enumerate(source.items()):
            if count == MAX_ITEMS:
                budget.cuts.append(_render(path))
                copy['...'] = '[cut: %d more keys]' % (len(source) - MAX_ITEMS)
                break
            name = key if isinstance(key, str) else str(key)
            if not _copy_plain(copy, name, value, budget):
                _copy_into(copy, name, value, (path, name), depth, budget, stack)
        return
    for index, value in enumerate(source):
        if index == MAX_ITEMS:
            budget.cuts.append(_render(path))
            copy.append('[cut: %d more items]' % (len(source) - MAX_ITEMS))
            break
        copy.append(None)
        if not _copy_plain(copy, index, value, budget):
            _copy_into(copy, index, value, (path, index), depth, budget, stack)


def bounded(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` within the limits; with ``truncated`` (paths) and a warning when anything was cut."""
    budget = _Budget()
    top: dict[str, Any] = {}
    stack: list = [(top, result, None, 1)]
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
