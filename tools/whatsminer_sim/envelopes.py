# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two reply shapes btminer uses, built in one place so every handler agrees on them."""

from __future__ import annotations

import json

OK = 131
CMD_ERROR = 132
TOKEN_OK = 134
INVALID_CMD = 14
JSON_ERROR = 23
PERMISSION_DENIED = 45
TOKEN_ERROR = 135
TOKEN_LIMIT = 136
BASE64_ERROR = 137

WRITE_OK_MSG = 'API command OK'
WRITE_ACCESS_OFF_MSG = "can't access write cmd"


def native(when, msg, status='S', code=OK):
    """``{"STATUS":"S","When":..,"Code":..,"Msg":..,"Description":""}``: get_*, status, writes."""
    return {'STATUS': status, 'When': int(when), 'Code': code, 'Msg': msg, 'Description': ''}


def native_error(when, code, msg):
    return native(when, msg, status='E', code=code)


def cgminer(when, code, msg, key, records, description=''):
    """``{"STATUS":[{..}],"<KEY>":[..],"id":1}``: summary, pools, edevs/devs, devdetails."""
    head = {'STATUS': 'S', 'When': int(when), 'Code': code, 'Msg': msg, 'Description': description}
    return {'STATUS': [head], key: records, 'id': 1}


def cgminer_error(when, code, msg):
    head = {'STATUS': 'E', 'When': int(when), 'Code': code, 'Msg': msg, 'Description': ''}
    return {'STATUS': [head], 'id': 1}


def dumps(document):
    """Compact JSON as btminer writes it (no spaces)."""
    return json.dumps(document, separators=(',', ':'))
