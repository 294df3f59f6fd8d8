# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one simulated miner is set to, and the live readings that follow from it.

Every write changes a field here and every read is computed from these fields, so a
test that changes something through the API can see it in the reads (and in
``miner.state``) the way an operator would on a real machine. Readings are
deterministic: the same settings at the same moment give the same figures.
"""

from __future__ import annotations

import hashlib
import ipaddress

from whatsminer_sim.models import DEFAULT_API_VERSION, DEFAULT_FIRMWARE, DEFAULT_MODEL, MODE_FACTORS, default_platform, model_spec

DEFAULT_POOLS = (
    ('stratum+tcp://btc.ss.poolin.com:443', 'microbtinitial', '123'),
    ('stratum+tcp://btc.ss.poolin.com:1883', 'microbtinitial', '123'),
    ('stratum+tcp://btc.ss.poolin.com:25', 'microbtinitial', '123'),
)

#: Seconds btminer takes to come back after a restart (mode switch, target freq, ...).
DEFAULT_RESTART_SECONDS = 1.0
#: Seconds ``pre_power_on`` needs before it reports "adjust complete".
DEFAULT_PREHEAT_SECONDS = 1.0


class Pool:
    """One configured pool slot. The password is kept (the miner needs it) but never reported."""

    __slots__ = ('url', 'user', 'password')

    def __init__(self, url, user, password):
        self.url = url
        self.user = user
        self.password = password

    def __repr__(self):
        return 'Pool(url=%r, user=%r)' % (self.url, self.user)

    def __eq__(self, other):
        return isinstance(other, Pool) and (self.url, self.user, self.password) == (other.url, other.user, other.password)


class MinerState:
    """Settings and identity of one miner. Plain attributes: tests read and set them directly."""

    def __init__(self, address, model=DEFAULT_MODEL, firmware=DEFAULT_FIRMWARE, password='admin',
                 write_access=True, api_version=DEFAULT_API_VERSION, now=0.0,
                 restart_seconds=DEFAULT_RESTART_SECONDS, preheat_seconds=DEFAULT_PREHEAT_SECONDS, platform=None):
        self.address = address
        self.model = model
        self.firmware = firmware
        self.platform = platform or default_platform(model)
        # Error code of a firmware on which btminer cannot mine (fault bad_firmware), else None.
        # Not a setting: factory_reset and reboots keep it, flashing a good image cures it.
        self.firmware_fault = None
        self.api_version = api_version
        self.password = password
        self.write_access = write_access
        self.restart_seconds = restart_seconds
        self.preheat_seconds = preheat_seconds
        number = int(ipaddress.IPv4Address(address))
        self.mac = 'C6:07:%02X:%02X:%02X:%02X' % ((number >> 24) & 0xFF, (number >> 16) & 0xFF,
                                                  (number >> 8) & 0xFF, number & 0xFF)
        digest = hashlib.sha256(address.encode('ascii')).hexdigest().upper()
        self.miner_sn = 'HTM3X%s' % digest[:15]
        self.power_sn = 'A1232B%s' % digest[15:25]
        self.board_sns = ['HEM1EP9C%s%d' % (digest[25:36], slot) for slot in range(model_spec(model).boards)]
        self.errors = {}
        self.apply_factory_settings(now)
        # A miner found in a farm has been up for a while and hashes stably.
        self.boot_time = now - 3600
        self.btminer_started = now - 3000

    # -- settings -------------------------------------------------------------------

    def apply_factory_settings(self, now, pools=DEFAULT_POOLS):
        """Every setting that ``factory_reset`` restores (identity and password handled by the caller)."""
        self.pools = [Pool(url, user, password) for url, user, password in pools]
        self.mining = True
        self.power_mode = 'Normal'
        self.power_limit = model_spec(self.model).power + 200
        self.target_freq_percent = 0
        self.power_percent = 100
        self.fast_boot = False          # the setting btminer runs with (what summary reports)
        self.fast_boot_pending = None   # written, applied at the next btminer restart or reboot (spec 3.14/3.15)
        self.web_pools = True
        self.led = {'mode': 'auto'}
        self.hostname = 'WhatsMiner'
        self.net = {'proto': 'dhcp', 'ip': self.address, 'netmask': '255.255.255.0',
                    'gateway': self._gateway(), 'dns': '114.114.114.114'}
        self.timezone = 'CST-8'
        self.zonename = 'Asia/Shanghai'
        self.log_server = None
        self.upfreq_speed = 0
        self.temp_offset = 0
        self.poweroff_cool = 0
        self.fan_zero_speed = 0
        self.preheat_started = None
        self.btminer_started = now
        self.restart_until = 0.0
        # what API v3 adds (v3 miners only; the reduced v2 does not show them)
        self.ntp_servers = ['ntp1.aliyun.com', 'ntp2.aliyun.com']
        self.heat_mode = 'normal'
        self.fast_hash = 0
        self.cointype = 'BTC'
        self.custom_data = dict(('msg%d' % number, '') for number in range(10))
        self.custom_data['CustomerSn'] = ''
        self.time_randomized = {'start': 0, 'stop': 0}
        self.report_gap = 0
        self.permissions = {}
        self.autostart = True
        self.power_target = None

    def reset_mining_settings(self):
        """Default pools, power mode normal, default power limit (fault ``upgrade_resets_settings``)."""
        self.pools = [Pool(url, user, password) for url, user, password in DEFAULT_POOLS]
        self.power_mode = 'Normal'
        self.power_limit = model_spec(self.model).power + 200

    def _gateway(self):
        parts = self.address.split('.')
        return '.'.join(parts[:3] + ['1'])

    def set_fast_boot(self, enabled):
        """Fast boot is stored now but used (and reported) from the next btminer start on."""
        self.fast_boot_pending = enabled

    def _start_btminer(self):
        if self.fast_boot_pending is not None:
            self.fast_boot = self.fast_boot_pending
            self.fast_boot_pending = None

    def restart_btminer(self, now):
        """btminer restarts: mining reads as off until ``restart_seconds`` have passed."""
        self.restart_until = now + self.restart_seconds
        self.btminer_started = self.restart_until
        self._start_btminer()

    def boot_firmware(self, version, fault_code, stamp):
        """The board comes up on firmware ``version``; ``fault_code`` set: btminer fails with that error."""
        if self.firmware_fault is not None:
            self.errors.pop(str(self.firmware_fault), None)
        self.firmware = version
        self.firmware_fault = fault_code
        if fault_code is not None:
            self.errors[str(fault_code)] = stamp

    def reboot(self, now, down_seconds):
        self._start_btminer()
        self.boot_time = now + down_seconds
        self.btminer_started = now + down_seconds
        self.restart_until = 0.0
        self.preheat_started = None

    # -- derived readings -----------------------------------------------------------

    def restarting(self, now):
        return now < self.restart_until

    def hashing(self, now):
        """True while the hash boards produce hash rate."""
        return self.mining and self.firmware_fault is None and not self.restarting(now)

    def preheat_status(self, now):
        """(complete, message) for ``pre_power_on``."""
        if self.preheat_started is None:
            return False, 'wait for adjust temp'
        if now - self.preheat_started >= self.preheat_seconds:
            return True, 'adjust complete'
        return False, 'adjust continue'

    def nominal_power(self):
        spec = model_spec(self.model)
        power = spec.power * MODE_FACTORS[self.power_mode][1]
        power *= 1.0 + self.target_freq_percent / 100.0 * 0.9
        power *= self.power_percent / 100.0
        return power

    def power(self, now):
        if not self.hashing(now):
            return 0
        return int(round(min(self.nominal_power(), self.power_limit)))

    def hash_rate_mhs(self, now):
        """Total hash rate in MH/s: factory rate scaled by mode, target frequency, power percent and limit."""
        if not self.hashing(now):
            return 0.0
        spec = model_spec(self.model)
        rate = spec.factory_ghs * 1000.0 * MODE_FACTORS[self.power_mode][0]
        rate *= 1.0 + self.target_freq_percent / 100.0
        rate *= self.power_percent / 100.0
        nominal = self.nominal_power()
        if nominal > self.power_limit > 0:
            rate *= self.power_limit / nominal
        elif self.power_limit == 0:
            rate = 0.0
        return rate

    def target_freq(self):
        return int(round(model_spec(self.model).freq * (1.0 + self.target_freq_percent / 100.0)))

    def chip_temps(self, now):
        """(min, max, avg) chip temperature: warmer with more power, cooler with the temp offset."""
        if not self.hashing(now):
            base = 35.0
        else:
            base = 70.0 + self.power(now) / 400.0 + self.temp_offset / 3.0
        return round(base - 8.5, 2), round(base + 12.25, 2), round(base, 2)

    def fan_speeds(self, now):
        if not self.hashing(now):
            return (0, 0) if self.fan_zero_speed else (1200, 1200)
        speed = 3000 + self.power(now) // 3
        return speed, speed

    def elapsed(self, now):
        return max(0, int(now - self.btminer_started))

    def uptime(self, now):
        return max(0, int(now - self.boot_time))
