# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make this checkout importable as ``ansible_collections.minerops.whatsminer``.

The repository root is the collection root, but Python and Ansible only find a
collection under ``<root>/ansible_collections/<namespace>/<name>``. When the checkout
already sits at such a path (as in ansible-test's copy) that root is used; otherwise a
symlink farm outside the tree points at the checkout, so that no tool walking the tree
ever meets a loop.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile

NAMESPACE = 'minerops'
NAME = 'whatsminer'
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def collections_root(repo_root=REPO_ROOT):
    """Directory to put on ``sys.path`` / ``ANSIBLE_COLLECTIONS_PATH`` for this checkout."""
    parts = os.path.normpath(repo_root).split(os.sep)
    if parts[-3:] == ['ansible_collections', NAMESPACE, NAME]:
        return os.sep.join(parts[:-3]) or os.sep
    digest = hashlib.sha256(repo_root.encode('utf-8')).hexdigest()[:12]
    root = os.path.join(tempfile.gettempdir(), 'minerops-whatsminer-%s' % digest)
    parent = os.path.join(root, 'ansible_collections', NAMESPACE)
    link = os.path.join(parent, NAME)
    os.makedirs(parent, exist_ok=True)
    if os.path.islink(link) and os.readlink(link) != repo_root:
        os.unlink(link)
    if not os.path.lexists(link):
        try:
            os.symlink(repo_root, link)
        except FileExistsError:  # another process made it first
            pass
    return root


def ensure_importable(repo_root=REPO_ROOT):
    """Put the collections root on ``sys.path`` and in the environment; return it."""
    root = collections_root(repo_root)
    if root not in sys.path:
        sys.path.insert(0, root)
    paths = [p for p in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep) if p]
    if root not in paths:
        os.environ['ANSIBLE_COLLECTIONS_PATH'] = os.pathsep.join([root] + paths)
    return root
