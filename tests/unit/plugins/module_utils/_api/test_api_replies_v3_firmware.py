# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A v2 write refused by v3 firmware ("can't access write cmd: use API v3") points at API v3, not at WhatsMinerTool."""

from __future__ import annotations

import json

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import errors
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.replies import parse_reply

H, P = '127.0.1.22', 4028


def refusal(msg):
    return json.dumps({'STATUS': 'E', 'When': 1, 'Code': 45, 'Msg': msg, 'Description': ''}).encode()


@pytest.mark.parametrize('msg', ["can't access write cmd: use API v3", "can't access write cmd, use api v3"])
def test_the_reduced_v2_of_v3_firmware_says_to_use_api_v3(msg):
    with pytest.raises(errors.WriteAccessDisabled) as caught:
        parse_reply('set_low_power', refusal(msg), H, P)
    text = str(caught.value)
    assert text.startswith('%s:%d: the miner speaks API v3' % (H, P))
    assert 'api_version: v3, or auto' in text and 'WhatsMinerTool' not in text
    assert caught.value.code == 45 and caught.value.api_msg == msg


def test_the_plain_refusal_still_means_write_access_off():
    with pytest.raises(errors.WriteAccessDisabled) as caught:
        parse_reply('set_low_power', refusal("can't access write cmd"), H, P)
    assert 'enable it in WhatsMinerTool' in str(caught.value) and 'API v3' not in str(caught.value)
