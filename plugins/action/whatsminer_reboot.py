# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs whatsminer_reboot in the controller worker; the module file holds the docs."""

from __future__ import annotations

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import reboot as logic
from ansible_collections.minerops.whatsminer.plugins.plugin_utils._action_module import WhatsminerAction


class ActionModule(WhatsminerAction):
    TASK = logic.TASK
