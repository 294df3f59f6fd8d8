# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the connection should do with one request: the miner decides, the server carries it out.

Keeping the decision (policy, in ``miner.py``) apart from the socket work (mechanism,
in ``server.py``) lets every fault be a plain value the tests can reason about.
"""

from __future__ import annotations

REPLY = 'reply'      # send body, close (then run ``after``)
SILENT = 'silent'    # send nothing, close at the idle timeout (then run ``after``)
CLOSE = 'close'      # close at once without a reply (then run ``after``)
# UPLOAD: send body ("ready"), read 4-byte LE size + image; ``sink(image, sha256 hex)`` then gives
# (bytes to send before closing, ``after``).
UPLOAD = 'upload'
LOGS = 'logs'        # send body (header), ~10 ms later ``archive``, close

NORMAL = 'normal'
TRUNCATED = 'truncated'  # half the body, then a clean close
RESET = 'reset'          # half the body, then RST
TRICKLE = 'trickle'      # the body a few bytes at a time over the miner's trickle_seconds, then a clean close


class Outcome:
    __slots__ = ('kind', 'body', 'after', 'delay', 'delivery', 'archive', 'sink', 'log_style', 'cut_upload')

    def __init__(self, kind, body=b'', after=None, delay=0.0, delivery=NORMAL, archive=b'', sink=None,
                 log_style=None, cut_upload=False):
        self.kind = kind
        self.body = body
        self.after = after
        self.delay = delay
        self.delivery = delivery
        self.archive = archive
        self.sink = sink
        self.log_style = log_style
        self.cut_upload = cut_upload
