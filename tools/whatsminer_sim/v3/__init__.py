# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""API v3 (TCP 4433) of a simulated miner on current firmware.

The v3 front end shares the miner's state with the reduced v2 that such firmware keeps on
4028, so a write on one shows on both. It implements the token, the AES and the framing
itself (``auth.py``, ``server.py``), not with the collection's code, so the two ends test
each other; pyasic's v3 client is the third party that checks both.

Accounts are super, user1, user2 and user3, each with its own name as default password;
``v3_password`` sets super's. Every write is refused with -4 "no permission" while the
signing account still has its default password, while API write access is off, or with
the fault ``v3_bad_token``. At most 10 connections are served at once: the 11th is closed
at once without a reply (the vendor states the limit but not what happens past it).
"""
