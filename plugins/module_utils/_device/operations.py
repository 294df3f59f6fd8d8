# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a miner can be asked to do, in an operator's words, and what each request costs.

Every backend (one per API version) answers for every operation in :data:`CATALOGUE`
with an :class:`Operation` of its own, because the APIs differ in exactly these
facts: API v3 can read back settings that v2 cannot (temperature offset, upfreq speed),
each API has settings the other lacks (v3: heat mode, fast hash, NTP servers; v2:
pre-power-on), and some writes restart btminer or the whole control board and may never answer.
Module logic asks the miner (``miner.operation(name)``) instead of knowing an API.
"""

from __future__ import annotations

from typing import NamedTuple

# effects of a write on the miner
NO_EFFECT = 'none'                  # applied at once, btminer keeps running
RESTARTS_MINING = 'restarts_mining'  # btminer restarts: no hash rate for a while, reply may be lost
NEXT_RESTART = 'next_restart'       # stored now, shows (and works) only after the next btminer restart
NEXT_NETWORK_RESTART = 'next_network_restart'  # stored now, in effect only after the network restarts (or a reboot)
REBOOTS = 'reboots'                 # the control board reboots: the port goes down, uptime resets
EFFECTS = (NO_EFFECT, RESTARTS_MINING, NEXT_RESTART, NEXT_NETWORK_RESTART, REBOOTS)
#: effects whose new value may not show until later: never waited for
DEFERRED = {NEXT_RESTART: 'btminer restarts or the miner reboots', NEXT_NETWORK_RESTART: 'the network restarts or the miner reboots'}

# kinds of operation
READ = 'read'          # a section of state (identity, mining, ...)
SETTING = 'setting'    # a value that is written (and, when readable, read back)
ACTION = 'action'      # something done, confirmed by reading afterwards (reboot, ...)
TRANSFER = 'transfer'  # a binary flow on the same connection (firmware, logs)
KINDS = (READ, SETTING, ACTION, TRANSFER)


class Operation(NamedTuple):
    """One operation as one backend implements it.

    ``readable``: the API can show the current value (settings) or the state (reads);
    a setting that is not readable is sent whenever given and reported as changed.
    ``effect``: one of :data:`EFFECTS`. ``may_not_answer``: a reply may never come even
    when the request worked (btminer restarts before it answers): the effect must be
    confirmed by reading. ``supported`` False: this API has no way to do it (the logic
    fails naming the API). ``bounds``: (lowest, highest) a number setting takes on this
    API, where the APIs differ (upfreq speed: 0-9 on v2, 0-10 on v3); None: no range here.
    """

    name: str
    kind: str
    readable: bool = True
    effect: str = NO_EFFECT
    may_not_answer: bool = False
    supported: bool = True
    bounds: tuple[int, int] | None = None


#: operation name -> (kind, what it is, in the words the docs use)
CATALOGUE = {
    # reads: sections of the facts schema (``_facts/schema.py``)
    'identity': (READ, 'model, serial, MAC, hostname, firmware version, platform, API version, network, LED'),
    'mining': (READ, 'whether it mines, hash rates in TH/s, uptime, shares'),
    'power': (READ, 'power draw and limit in W, efficiency in J/TH, the PSU'),
    'thermal': (READ, 'temperatures in degrees C and fan speeds in rpm'),
    'boards': (READ, 'hash boards: chips, frequency, temperatures, hash rate'),
    'pools': (READ, 'the configured pools in priority order, and their state'),
    'errors': (READ, 'error codes with their time and reason'),
    'uptime': (READ, 'seconds since the control board booted (confirms reboots)'),
    'firmware': (READ, 'the firmware version and the control-board platform (which image slice fits)'),
    # settings
    'pool_config': (SETTING, 'up to three pools (url, user, password) in priority order'),
    'web_pools': (SETTING, 'whether pools may be changed from the web interface'),
    'state': (SETTING, 'mining on or off'),
    'mode': (SETTING, 'power mode low, normal or high'),
    'power_limit': (SETTING, 'the power limit in W'),
    'percent': (SETTING, 'power percent of the limit (method fast or normal)'),
    'target_freq': (SETTING, 'target frequency in percent of the factory frequency'),
    'upfreq_speed': (SETTING, 'how fast frequency tuning goes (0-9 on API v2, 0-10 on API v3)'),
    'heat_mode': (SETTING, 'heat mode heating, normal or anti-freezing (liquid-cooled miners; API v3)'),
    'fast_hash': (SETTING, 'fast hash (API v3.0.2 and later)'),
    'fast_boot': (SETTING, 'btminer fast boot'),
    'temp_offset': (SETTING, 'temperature offset in degrees C (-30..0)'),
    'poweroff_cool': (SETTING, 'keep fans running after power off'),
    'fan_zero_speed': (SETTING, 'allow fans to stop'),
    'hostname': (SETTING, 'the host name'),
    'timezone': (SETTING, 'time zone and zone name'),
    'ntp_servers': (SETTING, 'the NTP servers (API v3)'),
    'syslog': (SETTING, 'remote log host, port and protocol'),
    'led': (SETTING, 'LED auto, or blinking for "find this miner"'),
    'network': (SETTING, 'DHCP, or a static address, netmask, gateway and DNS'),
    'password': (SETTING, 'the admin password'),
    # actions
    'restart_mining': (ACTION, 'restart the btminer service'),
    'reboot': (ACTION, 'reboot the control board'),
    'factory_reset': (ACTION, 'factory reset (password back to default, write access off)'),
    'pre_power_on': (ACTION, 'preheat before mining is switched on'),
    # binary flows
    'upload_firmware': (TRANSFER, 'send a firmware image; the miner flashes it and reboots'),
    'download_logs': (TRANSFER, 'fetch the log archive'),
}
