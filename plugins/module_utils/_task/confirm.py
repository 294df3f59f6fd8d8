# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proof that a write took effect: read until the miner shows it, never repeat the write.

Some writes restart btminer or get no reply at all, so the only proof that they worked
is a later read showing the new state. A missing reply, a read timeout, or a reply cut
off, reset or unreadable after the request went out, is an unknown outcome: the state is
read, the write never repeated.
Silence to an encrypted write is also how some firmware answers a wrong password, so
there a read that does not show the change is followed by a password check, and a wrong
password ends the task at once instead of waiting out the timeout.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Sequence

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    MalformedReply,
    NoReply,
    OutcomeUnknown,
    PrivilegedNoReply,
    ReadTimeout,
    TransportError,
    WhatsminerError,
    WriteAccessDisabled,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.operations import DEFERRED
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import address
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.plan import Change


#: what a write can end in once the request went out: its outcome is unknown, to be read, never resent
UNANSWERED = (ReadTimeout, NoReply, PrivilegedNoReply, OutcomeUnknown)


def lost(command: str, err: Exception, params: Mapping[str, Any]) -> str:
    """How the reply to ``command`` went missing, for a message: none within the timeout, or a broken one."""
    if isinstance(err, OutcomeUnknown):
        return 'the reply to %s was cut off or unreadable' % command
    return 'no reply to %s within %ss' % (command, params['timeout'])


def shows_at_once(miner: Miner, change: Change) -> bool:
    """A readable setting can be waited for, unless it shows only after the next restart."""
    return change.readable and miner.operation(change.name).effect not in DEFERRED


def _why_unconfirmed(miner: Miner, change: Change) -> str:
    if not change.readable:
        return '%s cannot be read back' % change.name
    effect = miner.operation(change.name).effect
    if effect in DEFERRED:
        return '%s shows only after %s' % (change.name, DEFERRED[effect])
    return 'the miner does not show %s=%s yet' % (change.name, change.after)


def wait_until(read: Callable[[], Any], done: Callable[[Any], bool], timeout: float, interval: float,
               clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
    """Read until ``done(state)`` or ``timeout`` seconds pass; return (ok, last_state, last_error).

    While btminer restarts the miner refuses connections, stays silent or sends a reply cut
    off: such transport errors and malformed replies mean "not yet", not failure. Any other
    error (wrong password, ...) is raised. At least one read is made, even with a tiny timeout.
    """
    deadline = clock() + timeout
    state, error = None, None
    while True:
        try:
            state = read()
            error = None
            if done(state):
                return True, state, None
        except (TransportError, MalformedReply) as err:
            error = err
        remaining = deadline - clock()
        if remaining <= 0:
            return False, state, error
        sleep(min(interval, remaining))


def send_confirmed(miner: Miner, change: Change, read: Callable[[], Any], done: Callable[[Any], bool],
                   params: Mapping[str, Any], what: Callable[[Any], str]) -> Any:
    """Send ``change`` and, when ``wait`` is on, read until ``done`` shows it took effect.

    Returns the last state read (None when not waited for, or in check mode). A write
    seen to take counts as applied even when it got no reply.
    """
    unanswered = None
    reply = None
    try:
        reply = change.send(miner)
    except UNANSWERED as err:
        unanswered = err
    if miner.check_mode:
        return None
    if not params['wait'] and unanswered is None:
        return None
    if unanswered is not None:
        shown = after_silence(miner, unanswered, read, done, params, _sent(change), what)
        if shown is not None:
            miner.confirmed(change.command)
            return shown
    timeout = params['wait_timeout'] if params['wait'] else params['timeout']
    ok, state, error = wait_until(read, done, timeout, params['poll_interval'])
    if ok:
        miner.confirmed(change.command)
        return state
    seen = _seen(state, error, what)
    if unanswered is not None:
        raise TaskFailed(
            '%s: %s and the miner does not show %s=%s (it reports %s): the outcome is unknown, so the command was not '
            'repeated; read the miner before trying again'
            % (address(params), lost(change.command, unanswered, params), change.name, change.after, seen),
            commands=list(miner.commands))
    if reply is not None:
        cause = '; it acknowledged the command, so the miner received it and did not apply it'
    else:
        cause = silent_write_cause(miner) or ('. Commands that restart btminer may get no reply, so a wrong password '
                                              'or disabled API write access can look like this too')
    raise TaskFailed('%s: sent %s, but after %ss the miner still does not show %s=%s (it reports %s)%s'
                     % (address(params), change.command, timeout, change.name, change.after, seen, cause),
                     commands=list(miner.commands))


def _sent(change: Change) -> str:
    return '%s (%s=%s)' % (change.command, change.name, change.after)


def after_silence(miner: Miner, unanswered: Exception, read: Callable[[], Any], done: Callable[[Any], bool],
                  params: Mapping[str, Any], sent: str, what: Callable[[Any], str]) -> Any:
    """After an encrypted write got no reply at all: the state if one read shows the write took, else None.

    Raises ``TaskFailed`` at once when a password check then shows a wrong password or API
    write access off: the miner could not have applied the write, and waiting would not help.
    Any other unanswered write is left to the caller to wait for.
    """
    if not isinstance(unanswered, PrivilegedNoReply):
        return None
    ok, state, error = wait_until(read, done, 0, params['poll_interval'])
    if ok:
        return state
    cause = silent_write_cause(miner)
    if cause is not None and cause != PASSWORD_RIGHT:
        raise TaskFailed('%s: sent %s and got no reply, and the miner does not show it (it reports %s)%s'
                         % (address(params), sent, _seen(state, error, what), cause), commands=list(miner.commands))
    return None


def send_unconfirmed(miner: Miner, change: Change, params: Mapping[str, Any],
                     read: Callable[[], Mapping[str, Any]] | None = None, left: Sequence[str] = ()) -> Any:
    """Send a write nothing will wait for; a missing or broken reply ends the task as an unknown outcome.

    Why it is not waited for comes from the change and the operation: it cannot be read
    back, it shows only after a restart, or the module has no wait options. Slow firmware
    applies a write and answers after the timeout, so silence is not failure: for a
    setting that shows at once, one ``read`` (settings by name) may still show it took,
    and the task goes on with that state. Otherwise the task stops there, reporting
    ``changed`` (the miner may well have applied it) and naming the settings in ``left``
    that were not sent; nothing is sent again (see :func:`unknown_outcome`).
    """
    try:
        return change.send(miner)
    except UNANSWERED as err:
        unanswered = err
    if read is not None and shows_at_once(miner, change):
        ok, state, _error = wait_until(read, lambda state: state.get(change.name) == change.after, 0,
                                       params.get('poll_interval', 1))
        if ok:
            miner.confirmed(change.command)
            return state
    raise unknown_outcome(miner, unanswered, params, _sent(change), _why_unconfirmed(miner, change), left)


def unknown_outcome(miner: Miner, unanswered: Exception, params: Mapping[str, Any], sent: str, why: str,
                    left: Sequence[str] = ()) -> TaskFailed:
    """The failure for a write that got no usable reply and cannot be confirmed (``changed``: it may have taken).

    An encrypted write met with silence gets a password check first: a wrong password or
    API write access off means the miner could not have applied it, and that is the error.
    """
    cause = silent_write_cause(miner) if isinstance(unanswered, PrivilegedNoReply) else None
    if cause is not None and cause != PASSWORD_RIGHT:
        return TaskFailed('%s: sent %s and got no reply%s' % (address(params), sent, cause),
                          commands=list(miner.commands))
    checked = ''
    if isinstance(unanswered, PrivilegedNoReply):
        checked = ' (the password is right)' if cause == PASSWORD_RIGHT else ' (the password could not be checked)'
    return TaskFailed(
        '%s: %s%s: the outcome is unknown (%s), so it was not sent again%s; read the miner before trying again'
        % (address(params), lost(sent, unanswered, params), checked, why,
           '; not sent: %s' % ', '.join(left) if left else ''),
        changed=True, commands=list(miner.commands))


def _seen(state: Any, error: Exception | None, what: Callable[[Any], str]) -> str:
    return 'no answer (%s)' % getattr(error, 'reason', error) if error is not None and state is None else what(state)


#: what :func:`silent_write_cause` says when the password check passed
PASSWORD_RIGHT = '; the password is right, so the miner received the command and did not apply it'


def silent_write_cause(miner: Miner) -> str | None:
    """Why a write that got no reply did not take effect, found with one password check.

    A silent reply is normal for commands that restart btminer, but it is also how some
    firmware answers a wrong password. Telling the two apart saves an operator a trip.
    """
    try:
        right = miner.check_password()
    except PrivilegedNoReply:
        return ('; it sent no reply, and an encrypted status read got none either: the password is probably wrong '
                '(this firmware stays silent on a wrong password) or API write access is off')
    except WriteAccessDisabled:
        return '; it sent no reply: API write access is not enabled on the miner (enable it in WhatsMinerTool)'
    except WhatsminerError:
        return None
    if not right:
        return '; it sent no reply: %s' % miner.password_refusal
    return PASSWORD_RIGHT
