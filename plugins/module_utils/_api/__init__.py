# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Whatsminer API client library.

Private to this collection (the leading underscore says so): its interface may change
in any release. It is the only code in the collection that speaks the wire protocol,
and it imports nothing from Ansible, so that modules, action plugins, the inventory
plugin, the simulator and the tests all share exactly one implementation.
"""
