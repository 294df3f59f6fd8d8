# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the collection tarball, install it into an empty path, and ``ansible-doc`` every plugin from there.

Tests run against the checkout; users get the tarball. This proves the tarball holds
everything a plugin imports (build_ignore cut nothing needed), ships nothing it must
not, and that every plugin's documentation renders from the installed copy alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAMESPACE, NAME = 'minerops', 'whatsminer'
# plugin directory -> ansible-doc type (action plugins share their module's docs)
DOC_TYPES = {
    'modules': 'module', 'inventory': 'inventory', 'lookup': 'lookup', 'callback': 'callback',
    'connection': 'connection', 'filter': 'filter', 'test': 'test', 'become': 'become', 'cache': 'cache',
}
FORBIDDEN_PREFIXES = ('.venv', '.git/', '.ci/', 'tests/output/', '.pytest_cache', '.hypothesis', 'Makefile', 'requirements-dev.txt')


def cli(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else name


def run(command, env):
    print('+ ' + ' '.join(command), flush=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def plugins(installed):
    """(doc type, fully qualified name) of every plugin in the installed collection."""
    found = []
    for directory, doc_type in sorted(DOC_TYPES.items()):
        path = os.path.join(installed, 'plugins', directory)
        if not os.path.isdir(path):
            continue
        for filename in sorted(os.listdir(path)):
            base, ext = os.path.splitext(filename)
            if ext in ('.py', '.yml', '.yaml') and not base.startswith('_'):
                found.append((doc_type, '%s.%s.%s' % (NAMESPACE, NAME, base)))
    return found


def check_tarball(tarball):
    errors = []
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for name in names:
        if name.startswith(FORBIDDEN_PREFIXES) or '__pycache__' in name:
            errors.append('tarball ships %s' % name)
    for required in ('MANIFEST.json', 'FILES.json', 'meta/runtime.yml', 'LICENSE', 'requirements.txt', 'meta/execution-environment.yml'):
        if required not in names:
            errors.append('tarball lacks %s' % required)
    return errors


def main():
    work = tempfile.mkdtemp(prefix='minerops-galaxy-')
    try:
        return check(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(work):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(work, 'collections'), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
               ANSIBLE_NOCOLOR='1', ANSIBLE_HOME=os.path.join(work, 'home'))
    build = run([cli('ansible-galaxy'), 'collection', 'build', REPO, '--output-path', work, '--force'], env)
    if build.returncode:
        print(build.stdout + build.stderr)
        return 1
    tarball = [os.path.join(work, f) for f in os.listdir(work) if f.endswith('.tar.gz')][0]
    errors = check_tarball(tarball)
    install = run([cli('ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps', '-p', env['ANSIBLE_COLLECTIONS_PATH'], tarball], env)
    if install.returncode:
        print(install.stdout + install.stderr)
        return 1
    installed = os.path.join(env['ANSIBLE_COLLECTIONS_PATH'], 'ansible_collections', NAMESPACE, NAME)
    found = plugins(installed)
    if not found:
        errors.append('no plugins found in the installed collection')
    for doc_type, fqcn in found:
        doc = run([cli('ansible-doc'), '-t', doc_type, '--json', fqcn], env)
        try:
            parsed = json.loads(doc.stdout) if doc.returncode == 0 else {}
        except ValueError:
            parsed = {}
        if fqcn not in parsed or not parsed[fqcn].get('doc'):
            errors.append('ansible-doc -t %s %s failed:\n%s%s' % (doc_type, fqcn, doc.stdout[-2000:], doc.stderr[-2000:]))
    for error in errors:
        print('ERROR: ' + error)
    print('%s: %d plugins documented from the installed tarball, %d errors' % (os.path.basename(tarball), len(found), len(errors)))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
