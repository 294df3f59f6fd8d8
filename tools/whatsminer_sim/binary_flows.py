# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two binary flows: the log archive a miner sends and the version an uploaded image installs."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import tarfile

from whatsminer_sim.firmware_image import line_value

MAX_IMAGE_BYTES = 256 * 1024 * 1024
_FW_VERSION = re.compile(rb'FW_VERSION=([A-Za-z0-9._+-]{1,64})\s*$', re.M)


def firmware_version_of(image, start=0, end=None):
    """``FW_VERSION=<ver>`` from a line of the image (or of ``image[start:end]``, one package of
    a combined image), else ``sim-<8 hex of the sha256 of those bytes>``."""
    version = line_value(image, _FW_VERSION, start, end)
    if version is not None:
        return version
    return 'sim-%s' % hashlib.sha256(memoryview(image)[start:end]).hexdigest()[:8]


def log_archive(state):
    """A small deterministic tar.gz (same miner, same settings -> same bytes)."""
    files = {
        'miner.log': ('btminer started; model %s; firmware %s; power mode %s\n'
                      % (state.model, state.firmware, state.power_mode)).encode('utf-8') * 20,
        'api.log': ('api listening on %s:4028\n' % state.address).encode('utf-8') * 10,
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.USTAR_FORMAT) as archive:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = 0
            archive.addfile(info, io.BytesIO(files[name]))
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode='wb', mtime=0) as zipped:
        zipped.write(raw.getvalue())
    return packed.getvalue()
