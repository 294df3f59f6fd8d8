# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read, compare, write what differs, read back: the pieces every declarative module shares.

The pools, power and tuning modules follow community.routeros' ``api_modify`` shape. The
miner's API adds two twists this file deals with once: some settings cannot be read back
(they are sent whenever given and reported as changed, never guessed to be unchanged),
and some writes restart btminer or get no reply at all, so the only proof that they
worked is a later read showing the new state.
"""

from __future__ import annotations

import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    PrivilegedNoReply,
    ReadTimeout,
    TransportError,
    WhatsminerError,
    WriteAccessDisabled,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._facts.convert import to_int

#: Shown in ``before`` and the diff where the API cannot tell the current value.
NOT_READABLE = '(not readable)'

#: Options for confirming a change by reading; each module documents them.
WAIT_OPTIONS = dict(
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='float', default=300.0),
    poll_interval=dict(type='float', default=2.0),
)


def address(params):
    return '%s:%s' % (params['host'], params['port'])


def input_error(params, message):
    """A TaskFailed for bad task input: every message names the miner as well as the option."""
    return TaskFailed('%s: %s' % (address(params), message))


def check_wait_options(params):
    """Reject nonsense waits before any traffic, naming the option."""
    for name in ('wait_timeout', 'poll_interval'):
        if params.get(name) is not None and not params[name] > 0:
            raise input_error(params, '%s must be a positive number of seconds, got %s' % (name, params[name]))


def check_range(params, name, low, high):
    """``name`` is None (not given) or within [low, high]; else fail before any traffic."""
    value = params.get(name)
    if value is not None and not low <= value <= high:
        raise input_error(params, '%s must be between %s and %s, got %s' % (name, low, high, value))


# --- reading ---------------------------------------------------------------------

def reported_int(value):
    """A whole number as the miner reported it, or None when it did not report a usable one.

    Firmware sends numbers as ints, floats or strings, and JSON repair can turn a figure
    into ``inf``/``nan`` or a huge exponent; none of that may crash a module, and a value
    that is not a finite number counts as not reported.
    """
    try:
        return to_int(value)
    except (ArithmeticError, ValueError, TypeError):
        return None


def reported_text(value):
    """A reported scalar as stripped text; '' for a missing value or a nested object."""
    if value is None or isinstance(value, (dict, list)):
        return ''
    return str(value).strip()


def first_record(data):
    """The first record of a cgminer-shape read (``summary``), or {} when the reply has none."""
    if isinstance(data, dict):
        return data
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    return {}


def read_status_summary(client, need_summary=True):
    """``(status, summary)`` as dicts, each {} when the miner reports nothing usable.

    ``status`` must answer (its errors are raised); ``summary`` is only a second source,
    so a miner refusing it (an API error) leaves it empty instead of failing the task.
    """
    status = client.read('status').data
    status = status if isinstance(status, dict) else {}
    summary = {}
    if need_summary:
        try:
            summary = first_record(client.read('summary').data)
        except ApiError:
            summary = {}
    return status, summary


class Change:
    """One setting that will be (or was) written: what it was, what it becomes, how to write it.

    ``readable`` False: the API cannot show the setting, so it is sent without comparing
    and never waited for. ``unreported`` marks a setting the module normally reads but this
    miner left out of its reply: for this run it is handled as not readable.
    """

    __slots__ = ('name', 'before', 'after', 'command', 'params', 'readable', 'unreported')

    def __init__(self, name, before, after, command, params=None, readable=True, unreported=False):
        self.name = name
        self.before = before
        self.after = after
        self.command = command
        self.params = params or {}
        self.readable = readable and not unreported
        self.unreported = unreported

    def __repr__(self):
        return 'Change(%r, %r -> %r via %s)' % (self.name, self.before, self.after, self.command)


def plan_setting(changes, name, wanted, current, command, params=None):
    """Add a change for a readable setting only when the miner reports something else.

    A current value of None means this miner did not report the setting: comparing or
    waiting for it could never succeed, so it is sent as if it were not readable.
    """
    if wanted is None or wanted == current:
        return
    if current is None:
        changes.append(Change(name, NOT_READABLE, wanted, command, params, unreported=True))
        return
    changes.append(Change(name, current, wanted, command, params))


def unreported_warnings(changes):
    """One warning per setting sent blind because the miner did not report its current value."""
    return ['%s: the miner does not report its current value, so %s was sent without comparing and without waiting '
            'for it to show (the task reports a change every time)' % (change.name, change.command)
            for change in changes if change.unreported]


def plan_blind(changes, name, wanted, command, params=None):
    """A setting the API cannot read: sent whenever given, so always a change."""
    if wanted is None:
        return
    changes.append(Change(name, NOT_READABLE, wanted, command, params, readable=False))


def predicted(current, changes):
    """The state the changes lead to, for check mode and for the diff."""
    after = dict(current)
    for change in changes:
        after[change.name] = change.after
    return after


def before_with_blind(current, changes):
    """``current`` plus the unreadable settings that are about to be sent, shown as not readable."""
    before = dict(current)
    for change in changes:
        if not change.readable:
            before[change.name] = NOT_READABLE
    return before


def result_for(changes, before, after, diff_mode, commands):
    """The common part of every module's result."""
    result = dict(changed=bool(changes), before=before, after=after, commands=list(commands))
    if diff_mode:
        result['diff'] = dict(before=before, after=after)
    return result


class Writer:
    """Sends writes, or only records them in check mode; remembers what it sent (names only)."""

    def __init__(self, client, check_mode):
        self.client = client
        self.check_mode = check_mode
        self.commands = []

    def send(self, command, **params):
        """The reply, or None when in check mode or when a command allowed to stay silent did."""
        self.commands.append(command)
        if self.check_mode:
            return None
        return self.client.write(command, **params)

    def repeat(self, command, **params):
        """Send ``command`` again to poll its progress (``pre_power_on``): listed once in ``commands``.

        Nothing is sent in check mode; ``command`` is listed if it was not yet.
        """
        if command not in self.commands:
            self.commands.append(command)
        if self.check_mode:
            return None
        return self.client.write(command, **params)


def wait_until(read, done, timeout, interval, clock=time.monotonic, sleep=time.sleep):
    """Read until ``done(state)`` or ``timeout`` seconds pass; return (ok, last_state, last_error).

    While btminer restarts the miner refuses connections or stays silent: such transport
    errors mean "not yet", not failure. Any other error (wrong password, ...) is raised.
    At least one read is made, even with a tiny timeout.
    """
    deadline = clock() + timeout
    state, error = None, None
    while True:
        try:
            state = read()
            error = None
            if done(state):
                return True, state, None
        except TransportError as err:
            error = err
        remaining = deadline - clock()
        if remaining <= 0:
            return False, state, error
        sleep(min(interval, remaining))


def send_confirmed(writer, change, read, done, params, what):
    """Send ``change`` and, when ``wait`` is on, read until ``done`` shows it took effect.

    A missing reply (allowed for commands that restart btminer) or a read timeout after
    the request went out leaves the outcome unknown: the state is read, never the write
    repeated. Returns the last state read (None when not waited for).
    """
    timed_out = None
    reply = None
    try:
        reply = writer.send(change.command, **change.params)
    except ReadTimeout as err:
        timed_out = err
    if writer.check_mode:
        return None
    if not params['wait'] and timed_out is None:
        return None
    timeout = params['wait_timeout'] if params['wait'] else params['timeout']
    ok, state, error = wait_until(read, done, timeout, params['poll_interval'])
    if ok:
        return state
    seen = 'no answer (%s)' % error.reason if error is not None and state is None else what(state)
    if timed_out is not None:
        raise TaskFailed(
            '%s: no reply to %s within %ss and the miner does not show %s=%s (it reports %s): the outcome is '
            'unknown, so the command was not repeated; read the miner before trying again'
            % (address(params), change.command, params['timeout'], change.name, change.after, seen),
            commands=list(writer.commands))
    cause = silent_write_cause(writer.client) if reply is None else None
    raise TaskFailed(
        '%s: sent %s, but after %ss the miner still does not show %s=%s (it reports %s)%s'
        % (address(params), change.command, timeout, change.name, change.after, seen,
           cause or '. Commands that restart btminer may get no reply, so a wrong password or disabled API write '
                    'access can look like this too'),
        commands=list(writer.commands))


def silent_write_cause(client):
    """Why a write that got no reply did not take effect, found with one encrypted status read.

    A silent reply is normal for commands that restart btminer, but it is also how some
    firmware answers a wrong password. Telling the two apart saves an operator a trip.
    """
    try:
        right = client.check_password()
    except PrivilegedNoReply:
        return ('; it sent no reply, and an encrypted status read got none either: the password is probably wrong '
                '(this firmware stays silent on a wrong password) or API write access is off')
    except WriteAccessDisabled:
        return '; it sent no reply: API write access is not enabled on the miner (enable it in WhatsMinerTool)'
    except WhatsminerError:
        return None
    if not right:
        return '; it sent no reply: the password is wrong (the miner could not decrypt an encrypted status read)'
    return '; the password is right, so the miner received the command and did not apply it'
