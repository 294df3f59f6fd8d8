# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Let pytest import the checkout as ``ansible_collections.minerops.whatsminer`` and the simulator."""

from __future__ import annotations

import os
import sys
import tempfile

_TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tools')
if _TOOLS not in sys.path:
    sys.path.insert(0, _TOOLS)

import collection_path  # noqa: E402  pylint: disable=wrong-import-position

collection_path.ensure_importable()

# API v2 tokens go to an on-disk store shared by every process of the user: tests keep theirs
# in a directory of their own, never in the real ~/.ansible
os.environ.setdefault('MINEROPS_WHATSMINER_TOKEN_CACHE', tempfile.mkdtemp(prefix='mw-tokens-'))
