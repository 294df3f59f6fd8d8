# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The failure type of module logic: both execution paths turn it into a failed result."""

from __future__ import annotations

from typing import Any


class TaskFailed(Exception):
    """Raised by module logic to fail the task with ``msg`` and extra result keys."""

    def __init__(self, msg: str, **extra: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.extra = extra
