# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_password: rotate the password (v2: admin; v3: ``account``) from ``password`` to ``new_password``.

The password cannot be read, but it can be tested: on API v2 an encrypted read works only
with the right one; API v3 has no authenticated read, so there a test is a write that
changes nothing (the password "changed" to itself), listed in ``commands`` like every
write and never sent in check mode. So the module is idempotent over a fleet where some
miners are rotated already: when ``password`` works, it sends the change and confirms that
``new_password`` works afterwards; when ``password`` no longer works but ``new_password``
does, the rotation happened before and no change is sent (``changed=false``). Check mode
sends nothing (on v2 it tests the passwords; on v3 it cannot). ``password`` unset means the
password the connection uses then (``_connection.device_from_params``: v2 ``admin``, v3 the
account's own name). ``new_password`` is checked against the API's rules before any
traffic (through the check-mode guard, which validates and sends nothing). Neither
password ever appears in a result or message.
"""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ConnectError,
    InvalidParameter,
    PrivilegedNoReply,
    TransportError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec, default_password
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import address, input_error

ARGUMENT_SPEC = connection_argument_spec(dict(
    new_password=dict(type='str', required=True, no_log=True),
))

#: outcomes
CURRENT = 'current'                  # new_password is the password in use, and it works
ALREADY_ROTATED = 'already_rotated'  # password fails, new_password works: nothing sent
WOULD_ROTATE = 'would_rotate'        # check mode: password works, the change would be sent
ROTATED = 'rotated'                  # sent, and new_password works now


def check_new_password(params, miner):
    """``new_password`` against the API's rules, without any traffic (the check-mode guard sends nothing)."""
    try:
        miner.validate_password(params['new_password'])
    except InvalidParameter as err:
        raise input_error(params, 'new_password: %s (the rule of the miner\'s API); nothing was sent' % err.reason) from None


def connection_password(params, miner):
    """The password the connection signs with: ``password``, else the default ``device_from_params`` gave it.

    API v2 has one account, ``admin``, whose factory password is ``admin``; on API v3 each
    account's default password is its own name (``account``, ``super`` by default).
    """
    if params['password'] is not None:
        return params['password']
    return default_password(miner.api_version, params.get('account'))


def works(miner):
    """(True/False/None, how it failed): whether the password of the ``miner`` handle is accepted.

    API v2 tests it with an encrypted read. API v3 tests it with a write that changes nothing
    (the password "changed" to itself): that write is listed in the task's ``commands`` like
    every other, and in check mode it is not sent (None: untested). A miner that stays silent
    on a wrong password (some firmware does) counts as "does not work".
    """
    try:
        return miner.check_password(), None
    except PrivilegedNoReply:
        return False, 'silent'


def _fail(params, message, **extra):
    raise TaskFailed('%s: %s' % (address(params), message), **extra)


def run(params, miner, check_mode, diff_mode):
    check_new_password(params, miner)
    current = connection_password(params, miner)
    result = dict(changed=False, outcome=None, commands=miner.commands)
    if params['new_password'] == current:
        ok, how = works(miner)
        if ok is False:
            _fail(params, 'new_password is the same as password, and the miner does not accept it%s'
                  % (' (no reply to an encrypted read)' if how else ''), outcome='failed', commands=list(miner.commands))
        result['outcome'] = CURRENT
        if ok is None:   # check mode on an API that tests passwords only with a write
            result['warnings'] = [
                'API %s can test a password only by sending a write, which check mode never does: new_password is '
                'the password given, so nothing would be sent; whether the miner accepts it was not tested'
                % miner.api_version]
        return result

    if check_mode and miner.password_check_writes:
        # API v3 proves a password only with a write: check mode says what would be sent, untested
        miner.change_password(params['new_password'])   # recorded in commands; the guard sends nothing
        result.update(changed=True, outcome=WOULD_ROTATE, warnings=[
            'API %s can test a password only by sending a write, which check mode never does: the change is '
            'reported without knowing whether the miner already uses new_password' % miner.api_version])
        return result
    old_ok, old_how = works(miner)
    rotated = miner.with_password(params['new_password'])
    if not old_ok:
        new_ok, new_how = works(rotated)
        if new_ok:
            result['outcome'] = ALREADY_ROTATED
            return result
        silent = ' (it sends no reply to an encrypted read with a wrong password, or API write access is off)' \
            if old_how or new_how else ''
        _fail(params, 'the miner accepts neither password nor new_password%s; the change was not sent%s'
              % (silent, ' (only the password tests, see commands)' if miner.password_check_writes else ''),
              outcome='failed', commands=list(miner.commands))

    if check_mode:
        miner.change_password(params['new_password'])   # recorded in commands; the guard sends nothing
        result.update(changed=True, outcome=WOULD_ROTATE)
        return result
    rotate(params, miner, rotated, result)
    return result


def rotate(params, miner, rotated, result):
    """Send the change once and prove it with the new password; never send it twice."""
    lost = None
    try:
        miner.change_password(params['new_password'])
    except ConnectError:
        raise   # not connected: nothing was sent
    except TransportError as err:
        lost = err   # sent, no (whole) reply: the miner may have changed it
    try:
        new_ok, _how = works(rotated)
    except TransportError as err:
        _fail(params, 'the password change was sent%s, but the miner could not be asked afterwards (%s): the outcome is '
                      'unknown, so it was not sent again; try password and new_password on the miner'
              % (' and got no reply' if lost else '', err.reason), outcome='unknown', changed=True,
              commands=list(miner.commands))
    if not new_ok:
        if lost is not None:
            _fail(params, 'the password change got no reply (%s) and new_password does not work: the outcome is '
                          'unknown, so it was not sent again' % lost.reason, outcome='unknown', changed=False,
                  commands=list(miner.commands))
        _fail(params, 'the miner acknowledged the password change, but new_password does not work afterwards',
              outcome='failed', changed=True, commands=list(miner.commands))
    result.update(changed=True, outcome=ROTATED)
    if lost is not None:
        result['warnings'] = ['the password change got no reply (%s), but new_password works now' % lost.reason]


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run)
