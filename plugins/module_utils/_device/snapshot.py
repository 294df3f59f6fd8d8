# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one gathering of a miner gave: the facts, and which subsets failed or do not exist.

A miner that answers some reads and not others still gives what it answered; the
facts module and the inventory decide what to warn about. Everything here is in the
schema's terms (subsets, sections); ``raw`` alone holds the API's own replies, for
``include_raw``.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import TransportError


class Snapshot:
    """``facts``: the schema dict; ``failures``: ``{subset: WhatsminerError}``; ``unsupported``: subsets."""

    __slots__ = ('facts', 'failures', 'unsupported', 'raw', 'warnings', 'answered')

    def __init__(self, facts: dict[str, Any], failures: dict[str, Exception], unsupported: list[str],
                 raw: dict[str, Any], warnings: dict[str, str], answered: bool) -> None:
        self.facts = facts
        self.failures = failures
        self.unsupported = unsupported
        self.raw = raw
        self.warnings = warnings      # {subset: one line naming the read and why it failed, host:port inside}
        self.answered = answered      # at least one read answered

    @property
    def unreachable(self) -> bool:
        """Nothing answered and the reason is the connection itself."""
        return not self.answered and bool(self.failures) and all(
            isinstance(err, TransportError) for err in self.failures.values())

    def first_failure(self) -> Exception | None:
        for err in self.failures.values():
            return err
        return None
