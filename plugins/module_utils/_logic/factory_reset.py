# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_factory_reset: restore the factory settings, only with ``confirm: true``.

A factory reset sets the admin password back to the default and switches API write
access off, so after it this collection cannot write to the miner until write access is
re-enabled in WhatsMinerTool; pools, power settings, host name and network (DHCP) go
back to the factory values too. Without ``confirm: true`` the module refuses before any
traffic, in check mode as well. With ``wait`` it waits until the miner is back from its
reboot (the uptime starts again), reads it with the default password and reports what
it reads. An action, so always ``changed``; it is sent once and never repeated.
"""

from __future__ import annotations

import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    PrivilegedNoReply,
    WriteAccessDisabled,
    TransportError,
    WhatsminerError,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec, default_password
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import UNANSWERED, wait_until
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import WAIT_OPTIONS, address, check_wait_options, input_error
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.reboot import wait_for_reboot

#: readable settings reported after the reset
SETTINGS = ('state', 'mode', 'power_limit', 'hostname', 'network', 'led')
#: seconds to get one full reading once the miner is back
READ_BACK_SECONDS = 30.0
WRITE_ACCESS_WARNING = ('API write access is off after a factory reset and the password is the default again: this '
                        'collection cannot write to the miner until write access is enabled in WhatsMinerTool (then '
                        'set a password with whatsminer_password)')

ARGUMENT_SPEC = connection_argument_spec(dict(
    confirm=dict(type='bool', default=False),
    **WAIT_OPTIONS
))


def check_params(params):
    if not params['confirm']:
        raise input_error(params, 'a factory reset needs confirm: true. It sets the password back to the default and '
                                  'switches API write access off (no module can write to the miner until it is '
                                  're-enabled in WhatsMinerTool), and restores the factory pools, power settings, host '
                                  'name and DHCP; nothing was sent')
    check_wait_options(params)


def _fail(params, result, message):
    raise TaskFailed('%s: %s' % (address(params), message), **result)


def read_after(reset):
    """What the miner reports after the reset, read with the default password."""
    reading = dict(reset.settings(SETTINGS))
    reading['pools'] = reset.pools()
    reading['firmware_version'] = reset.firmware()['version']
    reading['uptime'] = reset.uptime()
    return reading


def run(params, miner, check_mode, diff_mode):
    check_params(params)
    result = dict(changed=True, downtime=None, after=None, password_is_default=None, commands=miner.commands)
    try:
        result['uptime_before'] = miner.uptime()
    except WhatsminerError as err:
        raise TaskFailed('%s: cannot read the miner before the factory reset, so nothing was sent: %s'
                         % (address(params), err.reason), changed=False, commands=list(miner.commands)) from None
    if check_mode:
        miner.act('factory_reset')   # recorded in commands; the guard sends nothing
        return result
    started = time.monotonic()
    lost = False
    try:
        miner.act('factory_reset')
    except UNANSWERED:
        lost = True
    result['warnings'] = [WRITE_ACCESS_WARNING]
    if not params['wait']:
        result['warnings'].append('wait=false: the factory reset was sent and not confirmed')
        return result
    # the reset puts the factory password back: admin on v2, the account's own name on v3
    reset = miner.with_password(default_password(miner.api_version, params.get('account')))
    back = wait_for_reboot(reset.uptime, result['uptime_before'], params['wait_timeout'], params['poll_interval'])
    if not back.ok:
        _fail(params, result, 'sent the factory reset%s, but the miner was not back from its reboot within %ss '
                              '(wait_timeout)%s; a reset miner uses DHCP, so it may answer on another address: find it '
                              'with the inventory plugin. The reset was not sent again'
              % (' (no usable reply)' if lost else '', params['wait_timeout'],
                 '' if back.went_down else ' and it never went down'))
    result['downtime'] = round(time.monotonic() - started, 3)
    ok, reading, error = wait_until(lambda: read_after(reset), lambda _reading: True,
                                    max(params['poll_interval'], READ_BACK_SECONDS), params['poll_interval'])
    if not ok:
        _fail(params, result, 'the miner is back from the factory reset, but it could not be read (%s)'
              % (error.reason if error is not None else 'no answer'))
    result['after'] = reading
    try:
        result['password_is_default'] = reset.check_password()
    except (PrivilegedNoReply, WriteAccessDisabled):
        # write access is off after a reset, and some firmware then answers no encrypted
        # request at all: that says nothing about the password, so it stays unknown (null)
        result['warnings'].append('the miner does not answer an encrypted read after the reset, as expected while API '
                                  'write access is off: whether it took the default password is not known until '
                                  'write access is enabled in WhatsMinerTool')
    except TransportError:
        pass   # unknown: left null
    if result['password_is_default'] is False:
        result['warnings'].append('the miner does not accept the default password after the reset')
    return result


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run)
