#!/usr/bin/python
# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: whatsminer_facts
short_description: Gather facts from a Whatsminer miner
version_added: 0.1.0
description:
  - Reads a Whatsminer miner and returns one stable schema under C(ansible_facts.whatsminer) with
    identity, mining, power, thermal, hash boards, pools and error codes with their
    reasons in words.
  - Keys are snake_case with the unit in the name (C(hashrate_5s_ths), C(power_w),
    C(temp_env_c), C(uptime_s)). Every key is always present; a figure the miner did
    not give is V(null) and lists are empty.
  - Uses as few round trips as the firmware allows. The cgminer-style reads (summary,
    pools, devs, devdetails) go out as one joined command; firmware that refuses the
    join gets them one by one.
  - A miner that refuses the connection, or accepts it and sends nothing (it times out,
    closes or resets without a byte), stops the gathering at that read, so its reads cost one
    O(timeout) and not one per read; the task fails with the reason and C(host:port).
  - With O(api_version=auto) and no host variable C(whatsminer_api_version) (the inventory
    plugin sets it), finding the API comes first - O(v3_port) is asked up to twice, each time
    waiting at most O(timeout) or 5 seconds, whichever is shorter - so a silent miner can cost
    up to that much more.
  - Newer firmware that answers summary, pools and devs in the native shape is handled;
    there C(devdetails) is deprecated, so RV(ansible_facts.whatsminer.identity.model)
    may be V(null) and the subset is listed in RV(ansible_facts.whatsminer.unsupported_subsets)
    without a warning.
  - Only reads are sent, in plain text, so the password is not needed.
author:
  - minerops.whatsminer contributors (@minerops)
extends_documentation_fragment:
  - minerops.whatsminer.connection
  - minerops.whatsminer.connection.action_group
  - minerops.whatsminer.connection.controller
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.facts
attributes:
  check_mode:
    support: full
    details:
      - Facts are read-only; check mode gathers them as usual.
  diff_mode:
    support: none
  facts:
    support: full
options:
  gather_subset:
    description:
      - Which groups of facts to read. V(all) reads everything.
      - Prefix a subset with C(!) to leave it out, for example V(!psu); a list of only
        exclusions starts from V(all).
      - V(summary) gives hash rates, power, fans, temperatures and uptime; V(pools) the
        pools; V(devs) the hash boards; V(devdetails) the model; V(psu) the power supply;
        V(version) API and firmware version, platform and chip; V(status) whether btminer
        runs, power mode and hash percent; V(miner_info) network identity, MAC, hostname
        and serial numbers; V(error_code) the error codes.
    type: list
    elements: str
    default: [all]
  include_raw:
    description:
      - Also return the replies as the miner sent them, under
        RV(ansible_facts.whatsminer.raw). For debugging; off by default because the
        replies are large.
    type: bool
    default: false
notes:
  - A miner that answers some reads and not others returns what it answered, with one
    warning per failed read naming the subset and the cause. A miner that answers
    nothing fails the task with the reason and C(host:port).
  - PSU figures come as strings in fixed-point units on API v2. The module assumes C(iin) is in
    milliamps and C(vin) in hundredths of a volt, and keeps the raw integers beside the
    converted values. API v3 sends amps and volts, kept exactly in the converted values; its
    raw fields are null.
  - On API v3 the pools are always read together with the summary, because a stopped or idle
    miner can refuse the pools alone and leave them out of a combined read; for such a miner
    RV(ansible_facts.whatsminer.pools) is an empty list. Pools missing beside a summary that
    shows the miner hashing fail the C(pools) subset instead of reading as none.
seealso:
  - module: minerops.whatsminer.whatsminer_command
  - plugin: minerops.whatsminer.whatsminer
    plugin_type: inventory
'''

EXAMPLES = r'''
- name: Gather facts from every miner
  hosts: whatsminer
  gather_facts: false
  module_defaults:
    group/minerops.whatsminer.whatsminer:
      host: "{{ ansible_host }}"
      port: "{{ whatsminer_port | default(4028) }}"
  tasks:
    - name: Read everything
      minerops.whatsminer.whatsminer_facts:

    - name: Show hash rate and power
      ansible.builtin.debug:
        msg: >-
          {{ ansible_facts.whatsminer.identity.model }}
          {{ ansible_facts.whatsminer.mining.hashrate_ths }} TH/s
          {{ ansible_facts.whatsminer.power.power_w }} W

    - name: Only what a dashboard needs, in one round trip
      minerops.whatsminer.whatsminer_facts:
        gather_subset: [summary, pools]

    - name: Everything but the PSU, with the raw replies for a bug report
      minerops.whatsminer.whatsminer_facts:
        gather_subset: ['!psu']
        include_raw: true
'''

RETURN = r'''
ansible_facts:
  description: Facts about the miner.
  returned: success
  type: dict
  contains:
    whatsminer:
      description: Everything gathered from the miner, in one schema.
      returned: success
      type: dict
      contains:
        schema_version:
          description: Version of this schema; bumped only on incompatible changes.
          type: int
          sample: 1
        gathered_subsets:
          description: The subsets that were asked for.
          type: list
          elements: str
          sample: [summary, pools, devs]
        failed_subsets:
          description: Subsets whose read failed (each also gave a warning).
          type: list
          elements: str
          sample: [psu]
        unsupported_subsets:
          description: Subsets this firmware does not offer (deprecated or unknown command); no warning.
          type: list
          elements: str
          sample: [devdetails]
        collected:
          description:
            - API commands that answered, in the API's own names.
            - API v2 - each command, each part of a joined read on its own (V(summary), V(pools), V(edevs), V(get_version), ...).
            - API v3 - V(get.device.info), V(get.miner.setting), and V(get.miner.status:<part>) for each
              part (V(summary), V(pools), V(edevs)) a status reply carried; an idle miner that leaves its
              pools out has no V(get.miner.status:pools).
          type: list
          elements: str
          sample: [edevs, get_version, pools, summary]
        identity:
          description: Who the miner is.
          type: dict
          contains:
            host:
              description: The address the module talked to.
              type: str
              sample: 192.0.2.10
            port:
              description: The API port the module talked to.
              type: int
              sample: 4028
            ip:
              description: IP address the miner reports (C(miner_info)), else RV(ansible_facts.whatsminer.identity.host).
              type: str
              sample: 192.0.2.10
            mac:
              description: MAC address, upper case.
              type: str
              sample: "C6:07:20:00:1E:C2"
            hostname:
              description: Hostname the miner reports.
              type: str
              sample: WhatsMiner
            model:
              description: Model, for example V(M30S+VE40) (C(devdetails)).
              type: str
              sample: M30S+VE40
            serial:
              description: Miner serial number (C(miner_info) C(minersn)).
              type: str
              sample: HTM3X10C4000933K60003
            psu_serial:
              description: Power supply serial number.
              type: str
              sample: A1232B0120100049
            api_version:
              description: API version.
              type: str
              sample: 2.0.5
            firmware_version:
              description: Firmware version (C(version), else C(status) or C(summary)).
              type: str
              sample: 20220125.13.Rel
            platform:
              description: Control board platform.
              type: str
              sample: H6OS
            chip:
              description: Chip type.
              type: str
              sample: K88Z001-2039  BINV01-195001B
            network_mode:
              description: V(dhcp) or V(static).
              type: str
              sample: dhcp
            netmask:
              description: Network mask.
              type: str
              sample: 255.255.255.0
            gateway:
              description: Default gateway.
              type: str
              sample: 192.0.2.1
            dns:
              description: DNS servers.
              type: list
              elements: str
              sample: [114.114.114.114]
            led_mode:
              description: LED state, V(auto) when not blinking for identification.
              type: str
              sample: auto
        mining:
          description: What the miner is doing.
          type: dict
          contains:
            is_mining:
              description:
                - Whether btminer runs (C(status)); without C(status), whether the hash rate is above zero.
              type: bool
              sample: true
            power_mode:
              description: V(Low), V(Normal) or V(High).
              type: str
              sample: Normal
            hashrate_ths:
              description: Current hash rate in TH/s (real-time, else 5 s, else 1 min, else average).
              type: float
              sample: 84.941
            hashrate_5s_ths:
              description: Hash rate over 5 seconds in TH/s (absent on some newer firmware).
              type: float
              sample: 102.424
            hashrate_1m_ths:
              description: Hash rate over 1 minute in TH/s.
              type: float
              sample: 86.361
            hashrate_5m_ths:
              description: Hash rate over 5 minutes in TH/s.
              type: float
              sample: 84.941
            hashrate_15m_ths:
              description: Hash rate over 15 minutes in TH/s.
              type: float
              sample: 84.969
            hashrate_avg_ths:
              description: Average hash rate since btminer started, in TH/s.
              type: float
              sample: 84.984
            hashrate_realtime_ths:
              description: Real-time hash rate (C(HS RT)) in TH/s.
              type: float
              sample: 84.941
            factory_hashrate_ths:
              description: Factory (nameplate) hash rate in TH/s.
              type: float
              sample: 84.773
            target_hashrate_ths:
              description: Target hash rate in TH/s.
              type: float
              sample: 76.157
            hash_percent:
              description:
                - The hash percent as the miner reports it. On API v2 the C(hash_percent) of C(status), which
                  C(set_target_freq) changes (the adjustment in percent, V(0) for none; see
                  M(minerops.whatsminer.whatsminer_tuning) O(minerops.whatsminer.whatsminer_tuning#module:target_freq)).
                  On API v3 the C(hash-percent) of C(get.device.info), whose scale the vendor does not document.
                - Compare it only between miners of the same API.
              type: float
              sample: 0.0
            hash_stable:
              description: Whether the hash rate has stabilised.
              type: bool
              sample: true
            hash_stable_cost_s:
              description: Seconds it took to stabilise.
              type: int
              sample: 17569
            hash_deviation_percent:
              description: Deviation of the hash rate, in percent.
              type: float
              sample: 0.1398
            uptime_s:
              description: Seconds since the control board booted.
              type: int
              sample: 20507
            elapsed_s:
              description: Seconds since btminer started.
              type: int
              sample: 2648
            accepted:
              description: Shares accepted.
              type: int
              sample: 804
            rejected:
              description: Shares rejected.
              type: int
              sample: 0
            pool_rejected_percent:
              description: Pool rejection rate, in percent.
              type: float
              sample: 0.0
            pool_stale_percent:
              description: Pool stale rate, in percent.
              type: float
              sample: 0.0
            frequency_avg_mhz:
              description: Average chip frequency in MHz.
              type: float
              sample: 646.0
            target_frequency_mhz:
              description: Target chip frequency in MHz.
              type: float
              sample: 574.0
            fast_boot:
              description: Whether btminer fast boot is enabled.
              type: bool
              sample: false
        power:
          description: Power draw and the power supply.
          type: dict
          contains:
            power_w:
              description: Input power in watts.
              type: float
              sample: 3593.0
            power_limit_w:
              description: Power limit in watts.
              type: float
              sample: 3600.0
            efficiency_j_per_th:
              description: Energy per hash (C(Power Rate)), in joules per terahash (W per TH/s).
              type: float
              sample: 42.31
            psu:
              description: The power supply (C(psu) subset).
              type: dict
              contains:
                name:
                  description: PSU name.
                  type: str
                  sample: P221B
                model:
                  description: PSU model.
                  type: str
                  sample: P221B
                hw_version:
                  description: Hardware version.
                  type: str
                  sample: V01.00
                sw_version:
                  description: Software version.
                  type: str
                  sample: V01.00.V01.03
                version:
                  description: Version field as reported.
                  type: str
                  sample: "-1"
                serial:
                  description: PSU serial number.
                  type: str
                  sample: A1232B0120100049
                vendor:
                  description: Vendor code (C(vender) on older firmware).
                  type: str
                  sample: "7"
                input_current_a:
                  description: Input current in amperes, assuming C(iin) is in milliamps.
                  type: float
                  sample: 8.718
                input_voltage_v:
                  description: Input voltage in volts, assuming C(vin) is in hundredths of a volt.
                  type: float
                  sample: 224.0
                input_current_raw:
                  description:
                    - C(iin) as the miner sent it, as a number - API v2 only, in milliamps.
                    - Null on API v3, which sends amps; those are RV(ansible_facts.whatsminer.power.psu.input_current_a) exactly.
                  type: int
                  sample: 8718
                input_voltage_raw:
                  description:
                    - C(vin) as the miner sent it, as a number - API v2 only, in hundredths of a volt.
                    - Null on API v3, which sends volts; those are RV(ansible_facts.whatsminer.power.psu.input_voltage_v) exactly.
                  type: int
                  sample: 22400
                fan_rpm:
                  description: PSU fan speed in RPM.
                  type: int
                  sample: 6976
                temp_c:
                  description: PSU temperature in degrees Celsius.
                  type: float
                  sample: 33.5
        thermal:
          description: Temperatures and fans.
          type: dict
          contains:
            temp_env_c:
              description: Ambient (intake) temperature in degrees Celsius.
              type: float
              sample: 32.0
            temp_c:
              description:
                - Miner temperature in degrees Celsius - C(Temperature) of summary on API v2, the highest entry of
                  C(summary.board-temperature) on API v3.
              type: float
              sample: 80.0
            chip_temp_min_c:
              description: Lowest chip temperature in degrees Celsius.
              type: float
              sample: 75.17
            chip_temp_max_c:
              description: Highest chip temperature in degrees Celsius.
              type: float
              sample: 101.25
            chip_temp_avg_c:
              description: Average chip temperature in degrees Celsius.
              type: float
              sample: 89.6
            board_temps_c:
              description: Temperature of each hash board in degrees Celsius (C(devs) subset).
              type: list
              elements: float
              sample: [80.0, 80.0, 80.0]
            fan_in_rpm:
              description: Intake fan speed in RPM.
              type: int
              sample: 4530
            fan_out_rpm:
              description: Exhaust fan speed in RPM.
              type: int
              sample: 4530
            psu_fan_rpm:
              description: PSU fan speed in RPM.
              type: int
              sample: 6976
            psu_temp_c:
              description: PSU temperature in degrees Celsius.
              type: float
              sample: 33.5
        boards:
          description: One entry per hash board (C(devs) subset; model from C(devdetails)).
          type: list
          elements: dict
          contains:
            slot:
              description: Slot number.
              type: int
              sample: 0
            asc:
              description: ASC index.
              type: int
              sample: 0
            enabled:
              description: Whether the board is enabled.
              type: bool
              sample: true
            status:
              description: Board status, for example V(Alive).
              type: str
              sample: Alive
            model:
              description: Model the board reports (C(devdetails)).
              type: str
              sample: M30S+VE40
            effective_chips:
              description: Chips working.
              type: int
              sample: 156
            frequency_mhz:
              description: Average chip frequency in MHz.
              type: float
              sample: 587.0
            temp_c:
              description:
                - Board temperature at the air outlet, in degrees Celsius (C(Temperature) of the board on API v2,
                  the board's entry of C(summary.board-temperature) on API v3).
                - Null when the miner sends no board temperature; the chips' maximum is
                  C(chip_temp_max_c), never this value.
              type: float
              sample: 80.0
            chip_temp_min_c:
              description: Lowest chip temperature in degrees Celsius.
              type: float
              sample: 80.56
            chip_temp_max_c:
              description: Highest chip temperature in degrees Celsius.
              type: float
              sample: 97.0
            chip_temp_avg_c:
              description: Average chip temperature in degrees Celsius.
              type: float
              sample: 89.89
            hashrate_ths:
              description: Current board hash rate in TH/s.
              type: float
              sample: 10.351
            hashrate_5s_ths:
              description: Board hash rate over 5 seconds in TH/s.
              type: float
              sample: 5.299
            hashrate_1m_ths:
              description: Board hash rate over 1 minute in TH/s.
              type: float
              sample: 8.509
            hashrate_5m_ths:
              description: Board hash rate over 5 minutes in TH/s.
              type: float
              sample: 10.351
            hashrate_15m_ths:
              description: Board hash rate over 15 minutes in TH/s.
              type: float
              sample: 10.297
            hashrate_avg_ths:
              description: Average board hash rate in TH/s.
              type: float
              sample: 10.342
            factory_hashrate_ths:
              description: Factory board hash rate in TH/s.
              type: float
              sample: 28.836
            accepted:
              description: Shares accepted from this board.
              type: int
              sample: 18
            rejected:
              description: Shares rejected from this board.
              type: int
              sample: 0
            upfreq_complete:
              description: Whether frequency ramp-up has finished.
              type: bool
              sample: false
            pcb_serial:
              description: Serial number of the board.
              type: str
              sample: HEM1EP9C400929K60003
            chip_data:
              description: Chip batch data.
              type: str
              sample: K88Z347-2039 BINV01-195001D
        pools:
          description:
            - Configured pools (C(pools) subset).
            - Empty for an API v3 miner that does not mine and leaves its pools out of its reply.
          type: list
          elements: dict
          contains:
            number:
              description: Pool number as the miner counts them.
              type: int
              sample: 1
            priority:
              description: Priority, 0 is the highest.
              type: int
              sample: 0
            url:
              description: Pool URL.
              type: str
              sample: stratum+tcp://btc.ss.poolin.com:443
            user:
              description: Worker name.
              type: str
              sample: microbtinitial
            status:
              description:
                - Pool status, for example V(Alive) or V(Dead), spelt so on both APIs (API v3 sends lower case).
                - A word the collection does not know is kept as the miner sent it.
              type: str
              sample: Alive
            active:
              description: Whether this is the pool the miner hashes on (stratum active).
              type: bool
              sample: true
            stratum_url:
              description: Stratum host the pool resolved to.
              type: str
              sample: btc-vip-3dcoa7jxu.ss.poolin.com
            accepted:
              description: Shares accepted by this pool.
              type: int
              sample: 0
            rejected:
              description: Shares rejected by this pool.
              type: int
              sample: 0
            stale:
              description: Stale shares.
              type: int
              sample: 0
            rejected_percent:
              description: Rejection rate in percent.
              type: float
              sample: 0.0
            stale_percent:
              description: Stale rate in percent.
              type: float
              sample: 0.0
            stratum_difficulty:
              description: Pool difficulty.
              type: float
              sample: 65536.0
            last_share_time:
              description: Time of the last share (Unix seconds).
              type: int
              sample: 0
            get_failures:
              description: Failed work requests.
              type: int
              sample: 0
            remote_failures:
              description: Remote failures.
              type: int
              sample: 0
        active_pool:
          description: URL of the pool the miner hashes on, else the best-priority alive pool, else V(null).
          type: str
          sample: stratum+tcp://btc.ss.poolin.com:443
        errors:
          description: Error codes the miner reports (C(error_code) subset), with their reasons in words.
          type: list
          elements: dict
          contains:
            code:
              description:
                - The error code.
                - Null for an error the miner reports only as text, such as API v3's C(error-code)
                  sent as the bare string V(btminer process is down err) instead of a list.
              type: int
              sample: 329
            time:
              description: When the miner recorded it, as the miner wrote it (null when it did not say).
              type: str
              sample: "2022-01-17 11:28:11"
            reason:
              description: What the code means; for an error without a code, the miner's text (at most 200 characters).
              type: str
              sample: control board temperature sensor cannot be read
        error_count:
          description: Number of entries in RV(ansible_facts.whatsminer.errors).
          type: int
          sample: 1
        raw:
          description: The replies as sent, by API command.
          returned: when O(include_raw=true)
          type: dict
          sample: {"get_version": {"STATUS": "S", "Code": 131, "Msg": {"fw_ver": "20220125.13.Rel"}}}
'''

from ansible_collections.minerops.whatsminer.plugins.module_utils._logic import facts as logic
from ansible_collections.minerops.whatsminer.plugins.module_utils._module_runner import run_module


def main():
    run_module(logic.TASK)


if __name__ == '__main__':
    main()
