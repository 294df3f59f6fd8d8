# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run ``ansible-test ARGS...`` on a copy of this checkout at ``.../ansible_collections/minerops/whatsminer``.

ansible-test insists on the real path of the collection ending in
``ansible_collections/<namespace>/<name>`` (a symlink is resolved and then fails),
and the repository root is the collection root, so it runs on a copy of the files git
would ship (tracked plus untracked-but-not-ignored). It also installs the pip bootstrap
stand-in (``get_pip_standin.py``) where ``--venv`` looks for its download.

Usage: tools/ci/ansible_test.py sanity --venv --python 3.11
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STANDIN = os.path.join(REPO, 'tools', 'ci', 'get_pip_standin.py')
STANDIN_MARKER = 'minerops-get-pip-standin'
CACHE = os.path.expanduser('~/.ansible/test/cache')
PIP_VERSIONS = ('24_2', '25_2', '25_3')
SKIPPED_DIRS = ('.git', '.venv', '.venv-pyasic', '.venv-core-latest', '__pycache__', '.pytest_cache', '.hypothesis', '.cache', 'output')


def shipped_files():
    """Relative paths of the files to copy; git's view when this is a checkout."""
    try:
        listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                                cwd=REPO, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = None
    if listed is not None:
        return [path for path in listed.decode('utf-8').split('\0') if path and os.path.isfile(os.path.join(REPO, path))]
    files = []
    for root, dirs, names in os.walk(REPO):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        files.extend(os.path.relpath(os.path.join(root, name), REPO) for name in names if not name.endswith('.pyc'))
    return files


def copy_tree(dest):
    for path in shipped_files():
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(REPO, path), target)


def install_standin():
    """Place the stand-in for every pip version ansible-test may ask for; keep real downloads."""
    os.makedirs(CACHE, exist_ok=True)
    for version in PIP_VERSIONS:
        path = os.path.join(CACHE, 'get_pip_%s.py' % version)
        if os.path.exists(path):
            with open(path, encoding='utf-8', errors='replace') as stream:
                if STANDIN_MARKER not in stream.read():
                    continue
        shutil.copyfile(STANDIN, path)


def main(argv):
    ansible_test = os.path.join(os.path.dirname(sys.executable), 'ansible-test')
    if not os.path.exists(ansible_test):
        ansible_test = shutil.which('ansible-test') or 'ansible-test'
    install_standin()
    work = tempfile.mkdtemp(prefix='minerops-ansible-test-')
    try:
        dest = os.path.join(work, 'ansible_collections', 'minerops', 'whatsminer')
        copy_tree(dest)
        env = dict(os.environ)
        env.pop('ANSIBLE_COLLECTIONS_PATH', None)
        return subprocess.run([ansible_test] + argv, cwd=dest, env=env, check=False).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
