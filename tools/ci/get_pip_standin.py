# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stand-in for ansible-test's pip bootstrap script (minerops-get-pip-standin).

ansible-test ``--venv`` downloads ``get-pip-<version>.py`` from a host CI machines
cannot reach, unless the file is already in ``~/.ansible/test/cache``. This script is
placed there instead: it bootstraps pip with the interpreter's own ``ensurepip`` and
then lets pip install the versions ansible-test asked for.
"""

from __future__ import annotations

import os
import subprocess
import sys

CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'
DROPPED = ('--no-setuptools', '--no-wheel')


def main():
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    command = [sys.executable, '-m', 'pip', 'install']
    if os.path.exists(CA_BUNDLE) and '--cert' not in args:
        # pip 23.2 (Python 3.11's ensurepip) does not use the system trust store
        command += ['--cert', CA_BUNDLE]
    subprocess.check_call(command + args)


if __name__ == '__main__':
    main()
