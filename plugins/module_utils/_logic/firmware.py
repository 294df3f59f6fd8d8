# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_firmware: the miner runs ``version``; upload ``src`` only if it does not.

The only proof of an upgrade is the version the miner reports after it rebooted: an
upload that "worked" can leave the old version running, and a lost connection after
the image started to flow says nothing. So the module checks everything it can before
any traffic (the checksum, the slice for the miner's platform), uploads once, waits for
the reboot (the uptime starts again), reads the version, and names the outcome. It
never uploads twice by itself: a timeout is ``unknown``, for the operator to look at.

Outcomes: ``current`` (already on ``version``), ``would_upgrade`` (check mode),
``upgraded``, ``uploaded`` (``wait=false``: accepted, not confirmed), ``failed`` (the
miner refused, or came back on another version), ``unknown`` (the connection was lost
after the image started to flow and the miner did not come back in time).
"""

from __future__ import annotations

import os
import re
import time

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ImageRefused, OutcomeUnknown, WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import connection_argument_spec
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import firmware_image as images
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.confirm import wait_until
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.contract import ArgumentSpec, Task
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.inputs import address, check_wait_options, input_error
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.reboot import wait_for_reboot

SHA256 = re.compile(r'\A[0-9a-fA-F]{64}\Z')

ARGUMENT_SPEC = connection_argument_spec(dict(
    src=dict(type='path', required=True),
    version=dict(type='str', required=True),
    sha256=dict(type='str'),
    force=dict(type='bool', default=False),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='float', default=900.0),
    poll_interval=dict(type='float', default=5.0),
))


def check_params(params):
    """Errors in the task itself, before anything is read: the usual input failure."""
    check_wait_options(params)
    if not params['version'].strip():
        raise input_error(params, 'version must name the firmware version the miner must report afterwards')
    if params.get('sha256') is not None and not SHA256.match(params['sha256'].strip()):
        raise input_error(params, 'sha256 must be 64 hexadecimal digits, got %r' % params['sha256'][:80])


def refuse(params, result, message):
    """A pre-flight refusal: nothing was sent; the result still has every documented key."""
    _fail(params, result, 'failed', '%s; nothing was sent' % message, changed=False)


def check_file(params, result):
    """The file must be readable and, when ``sha256`` is given, be the expected one. Returns its digest."""
    path = params['src']
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        refuse(params, result, 'src: %s is not a readable file' % path)
    if os.path.getsize(path) == 0:
        refuse(params, result, 'src: %s is empty' % path)
    if images.text_instead_of_image(path):
        refuse(params, result, 'src: %s is a text file, not a firmware image (an error page saved by a failed '
               'download?)' % path)
    if not params.get('sha256'):
        return None
    digest = images.sha256_of(path)
    wanted = params['sha256'].strip().lower()
    if digest != wanted:
        refuse(params, result, 'src: %s has SHA-256 %s, not the expected %s' % (path, digest, wanted))
    return digest


def image_facts(part, digest):
    package = part.package
    return dict(path=part.path, size=os.path.getsize(part.path), sha256=digest,
                slice=None if package is None else dict(platform=package.platform, chip=package.chip,
                                                        offset=package.offset, size=package.size))


def _fail(params, result, outcome, message, changed):
    """Fail the task with the outcome and every figure gathered so far."""
    result.update(outcome=outcome, changed=changed)
    raise TaskFailed('%s: %s' % (address(params), message), **result)


def run(params, miner, check_mode, diff_mode):
    check_params(params)
    wanted = params['version'].strip()
    result = dict(version_before=None, version_after=None, platform=None, bytes_sent=0, upload_seconds=None,
                  reboot_seconds=None, commands=miner.commands)
    digest = check_file(params, result)
    try:
        before = miner.firmware()
    except WhatsminerError as err:
        result['error'] = type(err).__name__
        refuse(params, result, 'cannot read the firmware version before upgrading: %s' % err.reason)
    current = before['version'] == wanted and not params['force']
    result.update(version_before=before['version'], version_after=before['version'], platform=before['platform'])
    if diff_mode:
        after = before['version'] if current else wanted
        result['diff'] = dict(before=dict(version=before['version']), after=dict(version=after))
    if current:
        result.update(changed=False, outcome='current')
        return result

    try:
        part = images.slice_for(params['src'], before['platform'])
    except images.ImageError as err:
        refuse(params, result, str(err))
    result['image'] = image_facts(part, digest)
    if check_mode:
        miner.upload_firmware(None, part.size)   # recorded in commands; the guard sends nothing
        result.update(changed=True, outcome='would_upgrade', version_after=wanted)
        return result

    try:
        uptime_before = miner.uptime()
    except WhatsminerError:
        uptime_before = None
    lost = upload(params, miner, part, wanted, result)
    if not params['wait']:
        if lost:
            _fail(params, result, 'unknown', 'the connection was lost after the image started to flow (%s) and '
                  'wait=false, so the miner was not watched: check its version before retrying' % lost, changed=True)
        result.update(changed=True, outcome='uploaded', version_after=None)
        return result
    try:
        confirm(params, miner, wanted, uptime_before, lost, result)
    except WhatsminerError as err:
        result['error'] = type(err).__name__
        _fail(params, result, 'unknown', 'the image was sent, but the miner could not be watched coming back (%s); the '
              'outcome is unknown, so the image was not sent again: check the miner before retrying' % err.reason,
              changed=True)
    return result


def upload(params, miner, part, wanted, result):
    """Send the slice once. None when the miner took it all; the reason when the outcome is unknown.

    A refusal (before the image flowed, or the miner's own "no" after it) is final: the
    miner keeps its version, and the task fails saying both versions.
    """
    started = time.monotonic()

    def took():
        return round(time.monotonic() - started, 3)

    try:
        with images.SliceReader(part) as stream:
            miner.upload_firmware(stream, part.size)
    except OutcomeUnknown as err:
        result.update(upload_seconds=took(), bytes_sent=None)
        return err.reason
    except WhatsminerError as err:
        # the miner's own "no" comes after the whole image; any other refusal before it flowed
        result.update(upload_seconds=took(), bytes_sent=part.size if isinstance(err, ImageRefused) else 0,
                      error=type(err).__name__)
        _fail(params, result, 'failed', 'the miner refused the upgrade to %s and keeps version %s: %s'
              % (wanted, result['version_before'], err.reason), changed=False)
    result.update(upload_seconds=took(), bytes_sent=part.size)
    return None


def confirm(params, miner, wanted, uptime_before, lost, result):
    """Wait for the reboot, then read the version: upgraded, failed (another version) or unknown."""
    back = wait_for_reboot(miner.uptime, uptime_before, params['wait_timeout'], params['poll_interval'])
    if not back.ok:
        what = ('the connection was lost after the image started to flow (%s)' % lost) if lost else 'the image was sent'
        _fail(params, result, 'unknown',
              '%s and the miner did not come back rebooted within %ss (wait_timeout); the outcome is unknown, so the '
              'image was not sent again: check the miner (it may still be flashing) before retrying'
              % (what, params['wait_timeout']), changed=True)
    result['reboot_seconds'] = round(back.seconds, 3)
    # what is left of wait_timeout; at least one read is made even when nothing is
    ok, seen, error = wait_until(miner.firmware, lambda firmware: True, params['wait_timeout'] - back.seconds,
                                 params['poll_interval'])
    if not ok:
        _fail(params, result, 'unknown', 'the miner rebooted but its version could not be read (%s)'
              % (error.reason if error else 'no answer'), changed=True)
    result['version_after'] = seen['version']
    if seen['version'] != wanted:
        _fail(params, result, 'failed', 'the miner rebooted and came back on version %s, not %s (it was on %s)'
              % (seen['version'], wanted, result['version_before']), changed=True)
    result.update(changed=True, outcome='upgraded')


TASK = Task(ArgumentSpec(ARGUMENT_SPEC), run, controller_files=('src',))
