# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Faults seen on real miners, switchable per simulated miner.

Each name reproduces one behaviour that field clients had to learn to survive. A
fault is given by name; some take a value after ``=`` (``slow_reply=SECONDS``,
``bad_firmware=CODE``, ``escape_bomb=MIB``, ``deep_nesting=DEPTH``, ``slow_drain=BYTES``,
``trickle=SECONDS``).
"""

from __future__ import annotations

import re

FAULTS = {
    'json_trailing_nul': 'every reply ends with a NUL byte after the JSON',
    'json_trailing_comma': 'a comma before the closing braces ("...,}")',
    'json_raw_newline': 'a raw newline inside a JSON string (the Description)',
    'json_psu_missing_comma': 'get_psu misses the comma before "temp0"',
    'json_inf_nan': 'summary/edevs carry bare inf and nan values',
    'json_cut_error_list': 'the miner has a long error list and get_error_code is cut off in the middle of it',
    'json_error_code_204': 'get_error_code in the API 2.0.4 shape ["329":"..."]',
    'truncated_reply': 'every reply stops in the middle of the JSON and the connection closes',
    'no_reply': 'the request is read but never answered; closed at the idle timeout',
    'slow_reply': 'replies come after a delay (slow_reply=SECONDS, default 3)',
    'slow_writes': 'encrypted writes are applied at once but answered only after a delay (slow_writes=SECONDS,'
                   ' default 3), longer than a client\'s timeout: the write took, the client saw no reply',
    'reset_mid_reply': 'part of the reply, then a TCP RST',
    'write_reply_reset': 'every write is applied, then answered with part of its reply and a TCP RST (btminer'
                         ' restarting for the write cuts its own reply)',
    'write_reply_garbled': 'every write is applied, then answered with bytes that are not a reply',
    'new_firmware': 'newer firmware: native-shape summary/pools/edevs, fields missing, devdetails deprecated, PSU "vendor"',
    'upload_cut_short': 'the miner closes the connection during a firmware upload; the version stays',
    'bad_firmware': 'a firmware upload is accepted and the miner reboots into the new version, but btminer does'
                    ' not mine and get_error_code reports an error (bad_firmware=CODE, default 8410: software'
                    ' version does not match this model); a later good image cures it',
    'stays_on_old_version': 'a firmware upload is accepted and the miner reboots, but it comes back on the old'
                            ' version (and mines on it)',
    'upgrade_resets_settings': 'a firmware upload that is flashed resets the settings: the miner comes back with'
                               ' the default pools, power mode normal and the default power limit',
    'log_header_split': 'the download_logs header comes in two writes with a pause between',
    'log_glued': 'the download_logs header and archive come in one write',
    'log_truncated': 'the log archive is shorter than logfilelen, then the connection closes',
    'log_header_plain': 'the download_logs header comes as plain JSON, not encrypted (protocol notes: it may be'
                        ' either)',
    'write_access_off': 'every write is refused with "can\'t access write cmd"',
    'silent_on_bad_password': 'an undecryptable request gets no answer instead of Code 23',
    'mode_switch_no_reply': 'power-mode switches are applied but never answered',
    'mode_switch_ignored': 'power-mode switches are neither answered nor applied',
    'power_off_no_reply': 'power_off is applied but never answered (some firmware, protocol notes)',
    'default_password_blocks_writes': 'while the password is still the default "admin", every write but update_pwd'
                                      ' is refused with Code 45 "can\'t access write cmd" (some firmware,'
                                      ' protocol notes)',
    'not_whatsminer': 'every request is answered with an HTTP 400 page',
    'v3_fragmented': 'API v3: every reply frame is written a few bytes at a time',
    'v3_coalesced': 'API v3: heartbeat frames come glued in front of every reply frame',
    'v3_bad_token': 'API v3: every write token is refused with -4 "no permission"',
    'v3_reboot_no_reply': 'API v3: set.system.reboot is never answered; the board just reboots',
    'v3_idle_pools_refused': 'API v3: while the miner does not mine (stopped, or btminer restarting), get.miner.status'
                             ' with pools alone fails with -1, and a combined read (summary+pools) succeeds with pools'
                             ' left out of its reply (MDKW, v3 notes 4.2)',
    'v3_error_code_text': 'API v3: get.device.info sends error-code as the bare string "btminer process is down err"'
                          ' instead of a list of codes (PYASIC, v3 notes 4.1a)',
    # hostile or badly broken miners (issue 12): each must cost a client no more than its deadline
    'escape_bomb': 'every reply carries MIB MiB of "\\n" escapes and a trailing comma, so a strict JSON parser rejects'
                   ' it and a repair pass must cope (escape_bomb=MIB, default 2)',
    'deep_nesting': 'every reply carries valid JSON nested DEPTH levels deep (deep_nesting=DEPTH, default 500)',
    'echo': 'every encrypted write is refused with an error whose message echoes the decrypted request (token sign,'
            ' passwords), padded so a pool password (else the token sign) straddles character 200',
    'huge_length': 'download_logs announces a logfilelen of 5000 digits',
    'slow_drain': 'a firmware upload is read at BYTES per second (slow_drain=BYTES, default 16384)',
    'trickle': 'every reply is written a few bytes at a time over SECONDS (trickle=SECONDS, default 30)',
    'reboot_uptime_late': 'after a reboot (reboot, factory_reset, net_config) the port answers again while the'
                          ' uptime still counts from before the reboot; it resets reboot_seconds later',
}

DEFAULT_SLOW_REPLY_SECONDS = 3.0
#: what write_reply_garbled sends instead of a write's reply: no JSON a client could read
GARBLED = b'\x1b\x00\xfe btminer: reply lost \xff'
DEFAULT_ESCAPE_BOMB_MIB = 2.0
DEFAULT_NESTING_DEPTH = 500
DEFAULT_DRAIN_BYTES_PER_SECOND = 16384
DEFAULT_TRICKLE_SECONDS = 30.0
#: where the echo fault puts a secret of the echoed request: across the 200-character cut
ECHO_SECRET_AT = 196
#: The error code of the bad_firmware fault: 8410, "software version does not match this model".
DEFAULT_BAD_FIRMWARE_CODE = 8410

# Faults that take a value: name -> (option name, type).
_VALUED = {
    'slow_reply': ('slow_reply_seconds', float),
    'slow_writes': ('slow_write_seconds', float),
    'bad_firmware': ('bad_firmware_code', int),
    'escape_bomb': ('escape_bomb_mib', float),
    'deep_nesting': ('nesting_depth', int),
    'slow_drain': ('drain_bytes_per_second', int),
    'trickle': ('trickle_seconds', float),
}


class UnknownFault(ValueError):
    pass


def parse_faults(names):
    """Fault names (``slow_reply=2.5``, ``bad_firmware=8220`` allowed) -> (frozenset of names, options dict)."""
    active = set()
    options = {}
    for item in names:
        name, _sep, value = str(item).partition('=')
        name = name.strip()
        if name not in FAULTS:
            raise UnknownFault('unknown fault %r; known faults: %s' % (name, ', '.join(sorted(FAULTS))))
        active.add(name)
        if value:
            if name not in _VALUED:
                raise UnknownFault('fault %r takes no value' % name)
            option, kind = _VALUED[name]
            try:
                options[option] = kind(value)
            except ValueError:
                raise UnknownFault('fault %r needs a %s value, got %r' % (name, kind.__name__, value)) from None
    return frozenset(active), options


# -- text mangling, applied to the reply JSON as the buggy firmware would write it --

_DESCRIPTION = '"Description":""'
_PSU_COMMA = re.compile(r'",("temp0")')
_ERROR_LIST = re.compile(r'"error_code":\[(.*?)\]')


def poison_floats(document):
    """json_inf_nan: put inf/nan into summary and board records (in place)."""
    for key in ('SUMMARY', 'DEVS'):
        for record in document.get(key, ()) if isinstance(document, dict) else ():
            if isinstance(record, dict):
                record['Power Rate' if key == 'SUMMARY' else 'chip_vol_diff'] = float('inf')
                record['Hash Deviation%' if key == 'SUMMARY' else 'Chip Temp Min'] = float('nan')
    if isinstance(document, dict) and isinstance(document.get('Msg'), dict) and 'Power Rate' in document['Msg']:
        document['Msg']['Power Rate'] = float('inf')
        document['Msg']['Hash Deviation%'] = float('nan')


def c_floats(text):
    return text.replace('-Infinity', '-inf').replace('Infinity', 'inf').replace('NaN', 'nan')


def mangle_text(text, faults, command):
    """The text-level JSON bugs for one reply."""
    if 'json_error_code_204' in faults and command == 'get_error_code':
        text = _ERROR_LIST.sub(lambda match: '"error_code":[%s]' % match.group(1).replace('{', '').replace('}', ''), text)
    if 'json_psu_missing_comma' in faults and command == 'get_psu':
        text = _PSU_COMMA.sub(r'"\1', text)
    if 'json_raw_newline' in faults:
        text = text.replace(_DESCRIPTION, '"Description":"btminer\n"')
    if 'json_trailing_comma' in faults and text.endswith('}'):
        text = text.replace('}]', ',}]')
        text = text[:-1] + ',}'
    return text


def hostile_text(text, faults, options):
    """escape_bomb and deep_nesting: extra members before the reply's closing brace."""
    if not text.endswith('}'):
        return text
    extra = ''
    if 'deep_nesting' in faults:
        depth = options.get('nesting_depth', DEFAULT_NESTING_DEPTH)
        extra += ',"Deep":' + '[' * depth + ']' * depth
    if 'escape_bomb' in faults:
        size = int(options.get('escape_bomb_mib', DEFAULT_ESCAPE_BOMB_MIB) * (1 << 20))
        extra += ',"Pad":"' + '\\n' * (size // 2) + '",'   # the trailing comma: json.loads refuses it
    return text[:-1] + extra + '}'


def echo_message(request_text, secrets):
    """The echo fault's error message: the decrypted request, padded so one secret straddles character 200.

    ``secrets`` in order of preference (pool passwords before the token sign): the first
    one found is the one put across the cut.
    """
    head = 'invalid request: '
    found = [request_text.find(secret) for secret in secrets if secret and secret in request_text]
    pad = max(0, ECHO_SECRET_AT - len(head) - found[0]) if found else 0
    return head + '.' * pad + request_text


def http_400_page():
    body = b'<html><head><title>400 Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>\n'
    head = ('HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: %d\r\n'
            'Connection: close\r\n\r\n' % len(body)).encode('ascii')
    return head + body


def long_error_list(stamp):
    """A long list of error codes, as a miner with failing boards reports (for json_cut_error_list)."""
    codes = [110, 111, 120, 121, 130, 131, 200, 201, 202, 203, 210, 211, 212, 213, 300, 301, 302, 320, 321,
             329, 350, 351, 352, 360, 410, 411, 412, 420, 421, 430, 431, 510, 511, 530, 531, 600, 610, 710,
             2010, 2020, 2021, 2030, 2040, 2050, 2310, 2320, 5070, 5080, 8410, 8700]
    extra = [5110 + index for index in range(70)]
    return {str(code): stamp for code in codes + extra}


def trickle(loop, transport, data, piece_bytes, options, on_timer):
    """The trickle fault's delivery, for either API's server: ``data`` in pieces of ``piece_bytes``,
    spread over ``trickle_seconds`` (of ``options``), then the connection closes.

    ``on_timer`` is given each pending timer (None once it ran), so the connection can cancel
    the rest when it is dropped.
    """
    pieces = [data[start:start + piece_bytes] for start in range(0, len(data), piece_bytes)]
    interval = options.get('trickle_seconds', DEFAULT_TRICKLE_SECONDS) / max(1, len(pieces))

    def send(index):
        on_timer(None)
        if transport.is_closing():
            return
        transport.write(pieces[index])
        if index + 1 == len(pieces):
            transport.close()
        else:
            on_timer(loop.call_later(interval, send, index + 1))

    send(0)
