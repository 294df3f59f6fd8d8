# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs whatsminer_logs in the controller worker; the module file holds the docs.

Two things only the action knows are filled in before the task runs (on both paths):
the inventory host name, which names the file in a ``dest`` directory unless ``name``
is given, and the playbook's directory, against which a relative ``dest`` is taken
(as ``ansible.builtin.fetch`` does with its ``dest``).
"""

from __future__ import annotations

import os

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import logs as logic
from ansible_collections.minerops.whatsminer.plugins.plugin_utils._action_module import WhatsminerAction


def controller_dest(dest, basedir):
    """``dest`` taken relative to ``basedir`` (the playbook's directory) unless absolute or under ``~``.

    A trailing ``/`` (the sign of a directory) is kept.
    """
    if not isinstance(dest, str) or not dest:
        return dest
    expanded = os.path.expanduser(os.path.expandvars(dest))
    if os.path.isabs(expanded) or not basedir:
        return dest
    return os.path.join(basedir, expanded)


class ActionModule(WhatsminerAction):
    TASK = logic.TASK

    def run(self, tmp=None, task_vars=None):
        args = dict(self._task.args)
        if args.get('name') is None and task_vars and task_vars.get('inventory_hostname'):
            args['name'] = task_vars['inventory_hostname']
        if 'dest' in args:
            args['dest'] = controller_dest(args['dest'], self._loader.get_basedir())
        self._task.args = args
        return super().run(tmp, task_vars)
