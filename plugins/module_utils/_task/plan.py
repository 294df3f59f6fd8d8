# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare wanted with current and plan the writes, in community.routeros ``api_modify``'s shape.

The miner's API adds one twist: some settings cannot be read back. They are sent
whenever given and reported as changed, never guessed to be unchanged; the before side
of the diff shows :data:`NOT_READABLE` for them.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner

#: Shown in ``before`` and the diff where the API cannot tell the current value.
NOT_READABLE = '(not readable)'


class Change:
    """One setting that will be (or was) written: what it was, what it becomes, which command does it.

    ``readable`` False: the API cannot show the setting, so it is sent without comparing
    and never waited for. ``unreported`` marks a setting the module normally reads but this
    miner left out of its reply: for this run it is handled as not readable.
    """

    __slots__ = ('name', 'before', 'after', 'command', 'options', 'readable', 'unreported')

    def __init__(self, name: str, before: Any, after: Any, command: str, options: Mapping[str, Any] | None = None,
                 readable: bool = True, unreported: bool = False) -> None:
        self.name = name
        self.before = before
        self.after = after
        self.command = command
        self.options = dict(options or {})
        self.readable = readable and not unreported
        self.unreported = unreported

    def __repr__(self) -> str:
        return 'Change(%r, %r -> %r via %s)' % (self.name, self.before, self.after, self.command)

    def send(self, miner: Miner) -> Any:
        return miner.set(self.name, self.after, **self.options)


def plan_setting(changes: list[Change], miner: Miner, name: str, wanted: Any, current: Any, **options: Any) -> None:
    """Add a change for a readable setting only when the miner reports something else.

    A current value of None means this miner did not report the setting: comparing or
    waiting for it could never succeed, so it is sent as if it were not readable.
    """
    if wanted is None or wanted == current:
        return
    command = miner.command_for(name, wanted, **options)
    if current is None:
        changes.append(Change(name, NOT_READABLE, wanted, command, options, unreported=True))
        return
    changes.append(Change(name, current, wanted, command, options))


def plan_blind(changes: list[Change], miner: Miner, name: str, wanted: Any, **options: Any) -> None:
    """A setting the API cannot read: sent whenever given, so always a change."""
    if wanted is None:
        return
    changes.append(Change(name, NOT_READABLE, wanted, miner.command_for(name, wanted, **options), options,
                          readable=False))


def plan_row(changes: list[Change], miner: Miner, name: str, wanted: Any, current: Mapping[str, Any],
             **options: Any) -> None:
    """Plan one setting by what this miner's API can read back."""
    if miner.operation(name).readable:
        plan_setting(changes, miner, name, wanted, current.get(name), **options)
    else:
        plan_blind(changes, miner, name, wanted, **options)


def unreported_warnings(changes: Iterable[Change]) -> list[str]:
    """One warning per setting sent blind because the miner did not report its current value."""
    return ['%s: the miner does not report its current value, so %s was sent without comparing and without waiting '
            'for it to show (the task reports a change every time)' % (change.name, change.command)
            for change in changes if change.unreported]


def predicted(current: Mapping[str, Any], changes: Iterable[Change]) -> dict[str, Any]:
    """The state the changes lead to, for check mode and for the diff."""
    after = dict(current)
    for change in changes:
        after[change.name] = change.after
    return after


def before_with_blind(current: Mapping[str, Any], changes: Iterable[Change]) -> dict[str, Any]:
    """``current`` plus the unreadable settings that are about to be sent, shown as not readable."""
    before = dict(current)
    for change in changes:
        if not change.readable:
            before[change.name] = NOT_READABLE
    return before


def result_for(changes: list, before: Mapping[str, Any], after: Mapping[str, Any], diff_mode: bool,
               commands: Iterable[str]) -> dict[str, Any]:
    """The common part of every config module's result."""
    result = dict(changed=bool(changes), before=before, after=after, commands=list(commands))
    if diff_mode:
        result['diff'] = dict(before=before, after=after)
    return result
