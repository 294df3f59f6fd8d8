# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a simulated miner makes of a firmware image it received, and the record it keeps of it.

Real firmware decides for itself whether an image suits its control board, and only the
version it reports after the reboot proves anything (protocol-notes, "Firmware images").
The simulator's rule, so tests can provoke each case:

* a combined image: the miner flashes the package for its own platform (names compared
  lower-case); a combined image with no such package is refused;
* the bytes to be flashed (the whole image, or that package) may declare
  ``FW_PLATFORM=<platform>``: a different platform than the miner's is refused;
* anything else is accepted (its version: ``FW_VERSION=``, else ``sim-<sha256 prefix>``).

A refused image is answered, after the image, with an encrypted ``STATUS "E"`` reply
(Code :data:`REFUSED_CODE`, the message names both platforms) and the connection is
closed; the miner neither reboots nor stops mining.
"""

from __future__ import annotations

from collections import namedtuple

from whatsminer_sim import envelopes as env
from whatsminer_sim.binary_flows import firmware_version_of
from whatsminer_sim.firmware_image import declared_platform, find_package, parse_combined

#: Code of the error reply to a refused image.
REFUSED_CODE = env.CMD_ERROR

# Outcomes of one upload, as ``UploadRecord.outcome``.
FLASHED = 'flashed'                      # rebooted into the new version, mining
BAD_FIRMWARE = 'bad_firmware'            # rebooted into the new version, not mining (fault)
STAYED_ON_OLD_VERSION = 'stayed_on_old_version'  # rebooted, still the old version (fault)
REFUSED = 'refused'                      # wrong platform: error reply, no reboot
CUT_SHORT = 'cut_short'                  # the miner aborted the upload (fault upload_cut_short)
INCOMPLETE = 'incomplete'                # the connection ended before the whole image came

#: ``accepted``: flash it; ``version``: what the flashed bytes carry; ``image_platform``:
#: their FW_PLATFORM (or None); ``package``: the combined image's package used (or None).
Verdict = namedtuple('Verdict', 'accepted version image_platform package reason')

#: One upload as the miner saw it. ``size``: image bytes received; ``sha256``: of those
#: bytes; ``version_after``: what the miner runs once any reboot is over.
UploadRecord = namedtuple('UploadRecord', 'when size sha256 outcome version_before image_version version_after '
                                          'package message')


def judge(image, platform):
    """Verdict on a complete image for a miner of ``platform``."""
    packages = parse_combined(image)
    start, end, package = 0, len(image), None
    if packages is not None:
        package = find_package(packages, platform)
        if package is None:
            held = ', '.join(item.platform for item in packages)
            return Verdict(False, None, None, None,
                           'upgrade refused: no firmware package for platform %s in this image (it holds: %s)'
                           % (platform, held))
        start, end = package.offset, package.offset + package.size
    declared = declared_platform(image, start, end)
    version = firmware_version_of(image, start, end)
    if declared is not None and declared.lower() != str(platform).lower():
        return Verdict(False, version, declared, package,
                       'upgrade refused: firmware is for platform %s, this miner is %s' % (declared, platform))
    return Verdict(True, version, declared, package, '')
