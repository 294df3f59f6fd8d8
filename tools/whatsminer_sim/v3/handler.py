# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One v3 request -> what the miner does: the reply document and what follows it.

Checks in the order a v3 miner makes them (notes 8): reads need nothing; a write needs a
known account, a token that matches the account's password, the salt and ``ts``, API
write access on, and a password changed from the default (``set.user.change_passwd``
itself is allowed with the default password, so a fresh miner can be given one); then
the encrypted param must decrypt. Every refusal is -4 "no permission", as the vendor
documents it; an undecryptable param is -1.
"""

from __future__ import annotations

from whatsminer_sim.binary_flows import log_archive
from whatsminer_sim.v3 import reads, writes
from whatsminer_sim.v3.auth import ACCOUNTS, decrypt_param, expected_token, request_key

NO_PERMISSION = (-4, 'no permission')


class Result:
    """``reply`` (a document, or None for no answer), ``action`` (see ``writes``), ``archive`` for logs."""

    __slots__ = ('reply', 'action', 'archive')

    def __init__(self, reply, action=None, archive=None):
        self.reply = reply
        self.action = action
        self.archive = archive


def document(now, command, code, msg):
    return {'code': code, 'when': int(now), 'msg': msg, 'desc': command}


def handle(miner, request, now):
    if not isinstance(request, dict) or not isinstance(request.get('cmd'), str):
        return Result(document(now, '', -1, 'invalid json'))
    command = request['cmd']
    param = request.get('param')
    if command in reads.READS:
        code, msg = reads.READS[command](miner, now, param)
        return Result(document(now, command, code, msg))
    if command == 'get.log.download':
        archive = log_archive(miner.state)
        return Result(document(now, command, 0, {'logsize': str(len(archive))}), 'logs', archive)
    handler = writes.WRITES.get(command)
    if handler is None:
        return Result(document(now, command, -2, 'invalid command'))
    refusal, key = _authorise(miner, command, request, now)
    if refusal is not None:
        return Result(document(now, command, *refusal))
    if command in writes.ENCRYPTED:
        try:
            param = decrypt_param(param, key)
        except (ValueError, TypeError):
            return Result(document(now, command, -1, 'invalid json'))
    try:
        code, msg, action = handler(miner, now, param)
    except writes.ParamError as exc:
        return Result(document(now, command, -3 if 'null' in str(exc) else -2, str(exc)))
    if code == 0:
        miner.write_log.append((command, writes.loggable(param)))
    return Result(document(now, command, code, msg), action if code == 0 else None)


def _authorise(miner, command, request, now):
    account = request.get('account')
    ts = request.get('ts')
    token = request.get('token')
    if account not in ACCOUNTS or isinstance(ts, bool) or not isinstance(ts, int) or not isinstance(token, str):
        return NO_PERMISSION, None
    password = miner.v3_passwords[account]
    key = request_key(command, password, miner.v3_salt, ts)
    if token != expected_token(key) or miner.has_fault('v3_bad_token'):
        return NO_PERMISSION, None
    if miner.v3_ts_window is not None and abs(ts - now) > miner.v3_ts_window:
        return NO_PERMISSION, None
    if not miner.writes_allowed():
        return NO_PERMISSION, None
    if command != 'set.user.change_passwd' and password == account:
        return NO_PERMISSION, None     # the account's password is still the default
    if account != 'super' and command not in miner.state.permissions.get(account, ()):
        return NO_PERMISSION, None
    return None, key
