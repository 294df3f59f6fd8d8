# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# pylint: disable=protected-access
"""What the action base does once per class instead of once per host-task, and that it changes nothing.

Every host-task runs in a freshly forked worker, so the base builds its validator when
the class is made (in the controller, before the forks) and hands validation plain
values instead of Ansible's tagged ones.
"""

from __future__ import annotations

import datetime
import json
from unittest import mock

from ansible.parsing.dataloader import DataLoader

from ansible_collections.minerops.whatsminer.plugins.plugin_utils import _action_module
from ansible_collections.minerops.whatsminer.plugins.plugin_utils._action_module import WhatsminerAction
from ansible_collections.minerops.whatsminer.tests.unit.plugins.plugin_utils import fake_logic
from ansible_collections.minerops.whatsminer.tests.unit.plugins.plugin_utils.test_action_module import (
    SECRET,
    FakeAction,
    run_action,
)


def test_the_validator_is_built_with_the_class_not_per_task(monkeypatch):
    assert FakeAction._VALIDATOR is not None and FakeAction._VALIDATOR_TASK is fake_logic.TASK
    built = mock.Mock(side_effect=AssertionError('validator built per task'))
    monkeypatch.setattr(_action_module, 'ArgumentSpecValidator', built)
    result = run_action(dict(host='h', lvl='3'))
    assert not result.get('failed') and fake_logic.CALLS[0]['params']['level'] == 3


def test_a_task_set_after_the_class_gets_its_own_validator(monkeypatch):
    class Late(WhatsminerAction):
        pass

    monkeypatch.setattr(Late, 'TASK', fake_logic.TASK)
    assert Late._VALIDATOR_TASK is not fake_logic.TASK
    action = Late(mock.MagicMock(args=dict(host='h', lvl='2'), async_val=0, environment=None, check_mode=False,
                                 diff=False), mock.MagicMock(), mock.MagicMock(), mock.MagicMock(), mock.MagicMock(),
                  mock.MagicMock())
    del fake_logic.CALLS[:]
    result = action.run(task_vars={'ansible_inject_invocation': True})
    assert not result.get('failed') and fake_logic.CALLS[0]['params']['level'] == 2


def test_tagged_arguments_reach_the_logic_as_plain_values():
    args = DataLoader().load('host: 127.0.30.9\nport: "4029"\nextra: {a: [x, 1]}\n')
    assert args['host'].__class__ is not str   # Ansible's origin tags: the case this is about
    result = run_action(args)
    params = fake_logic.CALLS[0]['params']
    assert params['host'].__class__ is str and params['host'] == '127.0.30.9' and params['port'] == 4029
    assert params['extra'] == {'a': ['x', 1]} and params['extra']['a'][0].__class__ is str
    assert result['invocation']['module_args']['host'] == '127.0.30.9'


def test_arguments_json_cannot_carry_take_the_old_path():
    when = datetime.date(2026, 12, 2)
    result = run_action(dict(host='h', extra=dict(when=when)))
    assert not result.get('failed')
    assert fake_logic.CALLS[0]['params']['extra'] == {'when': when}


def test_the_task_environment_of_one_task_does_not_leak_into_the_next(monkeypatch):
    monkeypatch.delenv('WHATSMINER_PASSWORD', raising=False)
    result = run_action(dict(host='h'), environment=[dict(WHATSMINER_PASSWORD=SECRET)])
    assert fake_logic.CALLS[0]['params']['password'] == SECRET and SECRET not in json.dumps(result)
    run_action(dict(host='h'))
    assert fake_logic.CALLS[0]['params']['password'] is None
    assert _action_module._CURRENT_ENVIRONMENT.get() is None


def test_the_environment_is_templated_only_when_a_fallback_asks(monkeypatch):
    asked = []
    monkeypatch.setattr(FakeAction, '_task_environment', lambda self: asked.append(1) or {})
    run_action(dict(host='h', password='given', token_cache='off'))
    assert asked == []
    run_action(dict(host='h'))
    assert asked == [1]   # two fallbacks consulted (password, token_cache), templated once


def test_no_config_lookup_for_invocation_on_a_core_without_the_switch(monkeypatch):
    monkeypatch.setattr(_action_module, '_HAS_INJECT_SWITCH', False)
    lookup = mock.Mock(side_effect=AssertionError('config asked'))
    monkeypatch.setattr(_action_module.C.config, 'get_config_value', lookup)
    assert _action_module._inject_invocation({}) is True
    monkeypatch.setattr(_action_module, '_HAS_INJECT_SWITCH', True)
    lookup.side_effect = None
    lookup.return_value = False
    assert _action_module._inject_invocation({'ansible_inject_invocation': False}) is False
