# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The in-process action base and the AnsibleModule runner behave the same way.

Both paths run the same fake logic module; each test checks one convention of
Ansible results (validation, no_log masking, check/diff, failures, warnings).
"""

from __future__ import annotations

import json
from unittest import mock

import pytest

from ansible.errors import AnsibleError
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.testing import patch_module_args
from ansible.playbook.play_context import PlayContext

from ansible_collections.minerops.whatsminer.plugins.module_utils import _module_runner
from ansible_collections.minerops.whatsminer.plugins.module_utils._task import execution
from ansible_collections.minerops.whatsminer.plugins.module_utils._connection import device_from_params
from ansible_collections.minerops.whatsminer.plugins.plugin_utils import _action_module
from ansible_collections.minerops.whatsminer.plugins.plugin_utils._action_module import WhatsminerAction
from ansible_collections.minerops.whatsminer.tests.unit.plugins.plugin_utils import fake_logic

SECRET = 'S3cr3tPw'
TOKEN = 'Tok3nVal'
HIDDEN = 'HiddenXy'
# ansible-core 2.21+ adds ``invocation`` only when INJECT_INVOCATION is on (default off);
# these tests turn it on to check its masking, and check the default separately
CORE_HAS_INJECT_SWITCH = 'inject_invocation' in PASS_VARS


class FakeAction(WhatsminerAction):
    TASK = fake_logic.TASK


def make_action(args, check_mode=False, diff=False, async_val=0, environment=None):
    task = mock.MagicMock()
    task.args = args
    task.check_mode = check_mode
    task.diff = diff
    task.async_val = async_val
    task.action = 'minerops.whatsminer.fake'
    task.resolved_action = 'minerops.whatsminer.fake'
    task.environment = environment
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value
    return FakeAction(task, mock.MagicMock(), PlayContext(), mock.MagicMock(), templar, mock.MagicMock())


def run_action(args, inject_invocation=True, **kwargs):
    del fake_logic.CALLS[:]
    return make_action(args, **kwargs).run(task_vars={'ansible_inject_invocation': inject_invocation})


def run_as_module(args, check_mode=False, diff=False, capsys=None, inject_invocation=True):
    del fake_logic.CALLS[:]
    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    if CORE_HAS_INJECT_SWITCH:
        module_args['_ansible_inject_invocation'] = inject_invocation
    with patch_module_args(module_args):
        with pytest.raises(SystemExit):
            _module_runner.run_module(fake_logic.TASK)
    return json.loads(capsys.readouterr().out)


def test_valid_args_come_from_the_spec_with_aliases():
    assert 'lvl' in FakeAction._VALID_ARGS
    assert {'host', 'port', 'password', 'timeout', 'behaviour'} <= FakeAction._VALID_ARGS
    assert FakeAction.TRANSFERS_FILES is False


def test_validated_parameters_reach_run_with_defaults_and_types(monkeypatch):
    monkeypatch.delenv('WHATSMINER_PASSWORD', raising=False)
    result = run_action(dict(host='127.0.30.9', port='4029', lvl='3'))
    assert result['changed'] is True and not result.get('failed')
    params = fake_logic.CALLS[0]['params']
    assert params['port'] == 4029 and params['level'] == 3 and params['timeout'] == 10.0
    # the factory default is applied where the client is built, not as a no_log default
    assert params['password'] is None
    assert device_from_params(params).backend.client.password == 'admin'
    assert result['invocation']['module_args']['level'] == 3


def test_controller_files_resolve_like_copy_src(monkeypatch):
    asked = []

    def find_needle(self, dirname, needle):
        asked.append((dirname, needle))
        if needle == 'missing.bin':
            raise AnsibleError('Could not find or access %r' % needle)
        return '/play/roles/fw/files/' + needle

    monkeypatch.setattr(FakeAction, '_find_needle', find_needle)
    run_action(dict(host='h', src='image.bin'))
    assert asked == [('files', 'image.bin')]
    assert fake_logic.CALLS[0]['params']['src'] == '/play/roles/fw/files/image.bin'

    run_action(dict(host='h', src='/srv/firmware/image.bin'))
    assert fake_logic.CALLS[0]['params']['src'] == '/srv/firmware/image.bin' and len(asked) == 1

    result = run_action(dict(host='h', src='missing.bin'))
    assert result['failed'] is True and result['msg'].startswith('src: ') and 'missing.bin' in result['msg']
    assert fake_logic.CALLS == []


def test_missing_required_option_fails_without_running():
    result = run_action(dict(port=4028))
    assert result['failed'] is True
    assert 'host' in result['msg']
    assert fake_logic.CALLS == []


def test_unknown_option_fails_like_a_module():
    result = run_action(dict(host='h', nonsense=1))
    assert result['failed'] is True
    assert result['msg'].startswith('Unsupported parameters for (minerops.whatsminer.fake) module: nonsense')


def test_constraints_of_the_logic_are_enforced():
    result = run_action(dict(host='h', color='red'))
    assert result['failed'] is True
    assert 'parameters are required together: color, period' in result['msg']


def test_wrong_type_fails():
    result = run_action(dict(host='h', port='not-a-number'))
    assert result['failed'] is True and 'port' in result['msg']


@pytest.mark.parametrize('check_mode,diff', [(True, False), (False, True), (True, True)])
def test_check_and_diff_mode_come_from_the_task(check_mode, diff):
    result = run_action(dict(host='h'), check_mode=check_mode, diff=diff)
    assert fake_logic.CALLS[0]['check_mode'] is check_mode
    assert fake_logic.CALLS[0]['diff_mode'] is diff
    assert result['changed'] is (not check_mode)


def test_every_secret_is_masked_in_results_and_invocation():
    result = run_action(dict(host='h', password=SECRET, token=TOKEN, behaviour='echo', extra=dict(secret=HIDDEN)))
    text = json.dumps(result)
    for secret in (SECRET, TOKEN, HIDDEN):
        assert secret not in text
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert result['echoed'] == '********/********/********'


def test_secret_in_a_validation_error_is_masked():
    result = run_action(dict(host='h', password=SECRET, level=SECRET))
    assert result['failed'] is True
    assert SECRET not in json.dumps(result)


def test_secret_inside_options_is_masked_when_validation_fails():
    result = run_action(dict(host='h', nonsense=1, extra=dict(secret=HIDDEN)))
    assert result['failed'] is True
    assert HIDDEN not in json.dumps(result)
    assert result['invocation']['module_args']['extra']['secret'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_unexpected_exception_becomes_a_masked_failure():
    result = run_action(dict(host='h', password=SECRET, behaviour='crash'))
    assert result['failed'] is True
    assert 'RuntimeError' in result['msg'] and 'boom with ********' in result['msg']
    assert 'Traceback' in result['exception']
    assert SECRET not in json.dumps(result)


def test_task_failed_becomes_failed_result_with_extra_keys():
    result = run_action(dict(host='127.0.30.9', behaviour='task_failed'))
    assert result['failed'] is True
    assert result['msg'] == '127.0.30.9:4028: pool check failed'
    assert result['pools'] == ['a']
    assert result['changed'] is False


def test_whatsminer_error_names_host_and_port():
    result = run_action(dict(host='127.0.30.9', port=4111, behaviour='api_error'))
    assert result['failed'] is True
    assert result['msg'] == '127.0.30.9:4111: miner said no'
    assert result['error'] == 'CommandFailed' and result['api_code'] == 132


def test_warnings_are_returned_as_a_list_of_strings():
    result = run_action(dict(host='h', behaviour='warn'))
    assert result['warnings'] == ['careful']


def test_async_is_rejected():
    result = run_action(dict(host='h'), async_val=30)
    assert result['failed'] is True and 'async' in result['msg']
    assert fake_logic.CALLS == []


def test_password_falls_back_to_the_task_environment(monkeypatch):
    monkeypatch.delenv('WHATSMINER_PASSWORD', raising=False)
    result = run_action(dict(host='h'), environment=[dict(WHATSMINER_PASSWORD=SECRET)])
    assert fake_logic.CALLS[0]['params']['password'] == SECRET
    assert SECRET not in json.dumps(result)


def test_password_falls_back_to_the_controller_environment(monkeypatch):
    monkeypatch.setenv('WHATSMINER_PASSWORD', SECRET)
    result = run_action(dict(host='h', behaviour='echo'))
    assert fake_logic.CALLS[0]['params']['password'] == SECRET
    assert SECRET not in json.dumps(result)


def test_missing_library_fails_with_install_hint(monkeypatch):
    monkeypatch.setattr(execution.crypto, 'missing_libraries', lambda: ['pycryptodome'])
    result = run_action(dict(host='h'))
    assert result['failed'] is True
    assert 'pycryptodome' in result['msg'] and fake_logic.CALLS == []


def test_force_module_env_delegates_to_the_module(monkeypatch):
    monkeypatch.setenv(_action_module.FORCE_MODULE_ENV, '1')
    action = make_action(dict(host='h'))
    with mock.patch.object(action, '_execute_module', return_value=dict(changed=False, via='module')) as execute:
        result = action.run(task_vars={})
    assert result['via'] == 'module'
    assert execute.call_args.kwargs['module_name'] == 'minerops.whatsminer.fake'
    assert fake_logic.CALLS == []


# --- the AnsibleModule path over the same logic ---------------------------------

def test_module_path_runs_the_same_logic(capsys):
    result = run_as_module(dict(host='h', lvl=2), check_mode=True, diff=True, capsys=capsys)
    assert result['changed'] is False and result['check_mode'] is True and result['diff_mode'] is True
    assert fake_logic.CALLS[0]['params']['level'] == 2


def test_module_path_masks_secrets(capsys):
    result = run_as_module(dict(host='h', password=SECRET, token=TOKEN, behaviour='echo', extra=dict(secret=HIDDEN)), capsys=capsys)
    text = json.dumps(result)
    for secret in (SECRET, TOKEN, HIDDEN):
        assert secret not in text
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_module_path_maps_errors_like_the_action(capsys):
    module_result = run_as_module(dict(host='127.0.30.9', port=4111, behaviour='api_error'), capsys=capsys)
    action_result = run_action(dict(host='127.0.30.9', port=4111, behaviour='api_error'))
    for key in ('failed', 'msg', 'error', 'api_code', 'retryable'):
        assert module_result[key] == action_result[key]
    module_result = run_as_module(dict(host='127.0.30.9', behaviour='task_failed'), capsys=capsys)
    assert module_result['failed'] is True and module_result['pools'] == ['a']
    assert module_result['msg'] == '127.0.30.9:4028: pool check failed'


def test_module_path_reports_warnings(capsys):
    # where warn() sends its text depends on whether controller code is loaded in the
    # process (it is, in this test run), so check the hand-over to AnsibleModule.warn
    with mock.patch.object(_module_runner.AnsibleModule, 'warn') as warn:
        result = run_as_module(dict(host='h', behaviour='warn'), capsys=capsys)
    warn.assert_called_once_with('careful')


def test_module_path_missing_library(capsys, monkeypatch):
    monkeypatch.setattr(execution.crypto, 'missing_libraries', lambda: ['libpass'])
    result = run_as_module(dict(host='h'), capsys=capsys)
    assert result['failed'] is True and 'libpass' in result['msg']


@pytest.mark.parametrize('path', ['action', 'module'])
def test_short_no_log_values_are_hidden_by_key_but_do_not_garble_output(path, capsys):
    # "x" is the conventional pool password: masking it as a substring would turn
    # "example" into "e********ample" in every line; by key it is still hidden.
    args = dict(host='ex.example', password='x', token='x', behaviour='echo')
    result = run_action(args) if path == 'action' else run_as_module(args, capsys=capsys)
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert result['invocation']['module_args']['token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert result['invocation']['module_args']['host'] == 'ex.example'
    assert '********' not in json.dumps(result)


@pytest.mark.parametrize('path', ['action', 'module'])
@pytest.mark.parametrize('behaviour', ['echo', 'api_error'])
def test_invocation_follows_the_core_setting_like_modules(path, behaviour, capsys):
    args = dict(host='h', password=SECRET, behaviour=behaviour)
    for inject in (True, False):
        result = run_action(args, inject_invocation=inject) if path == 'action' else run_as_module(
            args, capsys=capsys, inject_invocation=inject)
        # without the switch (before 2.21) every result has it
        assert ('invocation' in result) is (inject or not CORE_HAS_INJECT_SWITCH)
        assert SECRET not in json.dumps(result)


def test_masking_fast_path_skips_results_without_secrets_and_masks_the_rest():
    # pylint: disable=protected-access
    clean = {'msg': 'all good', 'nested': [{'a': 1}]}
    assert _action_module._masked(clean, {'S3cr3tPw'}) is clean
    leaked = {'msg': 'pw S3cr3tPw here', 'list': ['S3cr3tPw']}
    assert 'S3cr3tPw' not in json.dumps(_action_module._masked(leaked, {'S3cr3tPw'}))
    # a value JSON escapes cannot be found in the dump: it always takes the full walk
    quoted = 'ab"cd\\ef'
    assert quoted not in json.dumps(_action_module._masked({'msg': 'x %s y' % quoted}, {quoted}), ensure_ascii=False)
    assert quoted not in str(_action_module._masked({'msg': 'x %s y' % quoted}, {quoted}))


@pytest.mark.parametrize('path', ['action', 'module'])
def test_default_password_is_not_a_secret_to_mask(path, capsys, monkeypatch):
    # the factory default is public knowledge; masking it would turn pool users like
    # "admin.w1" into "********.w1" in every result
    monkeypatch.delenv('WHATSMINER_PASSWORD', raising=False)
    args = dict(host='h', behaviour='ok', extra=dict(user='admin.w1'))
    result = run_action(args) if path == 'action' else run_as_module(args, capsys=capsys)
    assert fake_logic.CALLS[-1]['params']['password'] is None
    assert result['invocation']['module_args']['extra'] == {'user': 'admin.w1'}
    assert '********' not in json.dumps(result)


def test_module_path_turns_an_unexpected_error_into_a_masked_failure(capsys):
    result = run_as_module(dict(host='h', password=SECRET, behaviour='crash'), capsys=capsys)
    assert result['failed'] and 'RuntimeError' in result['msg']
    assert SECRET not in json.dumps(result)
