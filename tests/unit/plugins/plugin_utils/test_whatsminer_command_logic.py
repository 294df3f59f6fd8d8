# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""whatsminer_command's decisions that need no miner: what counts as a write, what check mode shows."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._device.miner import Miner
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.backend import V2Backend
from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import command
from ansible_collections.minerops.whatsminer.plugins.module_utils._task.errors import TaskFailed


class RecordingClient:
    """Fails the test if anything would be sent."""

    host = '127.0.30.99'
    port = 4028

    def call(self, *args, **kwargs):
        raise AssertionError('nothing may be sent, got %r %r' % (args, kwargs))


def unsendable(check_mode):
    return Miner(V2Backend(RecordingClient()), check_mode)


def params(name, command_params=None, encrypted=False):
    return dict(host='127.0.30.99', port=4028, password='admin', timeout=1.0, command=name,
                params=command_params or {}, encrypted=encrypted)


def test_unknown_command_counts_as_a_write_and_is_not_sent_in_check_mode():
    result = command.run(params('set_something_new', {'value': '1'}), unsendable(True), True, False)
    assert result['changed'] is True and result['write'] is True and result['skipped_write'] is True
    assert result['msg'] == 'check mode: write command set_something_new not sent to 127.0.30.99:4028 (parameters: value)'


def test_check_mode_hides_secret_values_but_names_them():
    result = command.run(params('update_pwd', {'old': 'Old1', 'new': 'New2'}), unsendable(True), True, False)
    assert result['would_send']['params'] == {'old': command.NO_LOG_PLACEHOLDER, 'new': command.NO_LOG_PLACEHOLDER}
    assert 'Old1' not in repr(result) and 'New2' not in repr(result)
    assert command.no_log_values(params('update_pwd', {'old': 'Old1', 'new': 'New2', 'color': 'red'})) == {'Old1', 'New2'}


@pytest.mark.parametrize('name', ['summary+reboot', 'summary++pools', '+'])
def test_joined_writes_and_malformed_names_fail_before_sending(name):
    with pytest.raises(TaskFailed) as failure:
        command.run(params(name), unsendable(False), False, False)
    assert failure.value.msg.startswith('127.0.30.99:4028: ')


def test_binary_commands_are_refused():
    with pytest.raises(TaskFailed, match='streams binary data'):
        command.run(params('update_firmware'), unsendable(False), False, False)


def test_reads_are_known_reads_only():
    backend = V2Backend(RecordingClient())
    assert backend.describe_raw('summary+pools+edevs').write is False
    assert backend.describe_raw('summary+no_such_read').write is True


def test_short_secrets_inside_params_are_hidden_in_invocation():
    from ansible_collections.minerops.whatsminer.plugins.module_utils._no_log import invocation  # pylint: disable=import-outside-toplevel
    params = dict(host='h', port=4028, password='pw123', timeout=10.0, command='update_pwd', encrypted=False,
                  params=dict(old='ab', new='c1'))
    shown = invocation(command.TASK, params)['module_args']
    assert shown['params'] == {'old': command.NO_LOG_PLACEHOLDER, 'new': command.NO_LOG_PLACEHOLDER}
    assert shown['password'] == command.NO_LOG_PLACEHOLDER
