# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which cached scan answers for which options, and which names the miners of one scan get."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData

from ansible_collections.minerops.whatsminer.plugins.inventory.whatsminer import CACHE_FORMAT, InventoryModule

# pylint: disable=protected-access

OPTIONS = dict(networks=['10.0.0.1-10.0.0.9'], exclude=[], port=4028, v3_port=4433, api_version='auto', facts='basic',
               hostnames=['ip'], default_groups=True, groups={}, keyed_groups=[], compose={}, strict=False)


class Display:
    """Records what the plugin tells the user."""

    def __init__(self):
        self.warnings = []
        self.verbose = []

    def warning(self, message):
        self.warnings.append(message)

    def vvv(self, message):
        self.verbose.append(message)

    debug = vvv


def plugin(**options):
    module = InventoryModule()
    values = dict(OPTIONS, **options)
    module.get_option = values.__getitem__
    module.inventory = InventoryData()
    module.display = Display()
    return module


def miner(address, **basic):
    identity = dict.fromkeys(('model', 'firmware', 'mac', 'hostname', 'serial'))
    identity.update(basic)
    return {'address': address, 'port': 4028, 'api': 'v2', 'whatsminer': identity}


# --- the cache ---------------------------------------------------------------------------

def entry(**options):
    return {'format': CACHE_FORMAT, 'scan': plugin(**options)._scan_settings(), 'miners': []}


def test_a_cache_fits_the_options_it_was_scanned_with():
    assert plugin()._cache_fits(entry(), plugin()._scan_settings())


@pytest.mark.parametrize('written, now', [
    (dict(networks=['10.0.0.1-10.0.0.9']), dict(networks=['10.0.0.1-10.0.0.5'])),
    (dict(exclude=[]), dict(exclude=['10.0.0.3'])),
    (dict(port=4028), dict(port=4029)),
    (dict(v3_port=4433), dict(v3_port=4434)),
    (dict(api_version='auto'), dict(api_version='v2')),
    (dict(facts='basic'), dict(facts='full')),
    (dict(facts='full'), dict(facts='basic')),
    # no get_miner_info read: the v2 miners have no hostname or serial to be named after
    (dict(hostnames=['ip']), dict(hostnames=['serial', 'ip'])),
    (dict(hostnames=['mac', 'ip']), dict(hostnames=['hostname', 'mac', 'ip'])),
    (dict(hostnames=['serial', 'ip']), dict(hostnames=['ip'])),
])
def test_a_cache_of_other_options_is_scanned_again(written, now):
    current = plugin(**now)
    assert not current._cache_fits(entry(**written), current._scan_settings())
    assert any('scanning again' in line for line in current.display.verbose)


@pytest.mark.parametrize('written, now', [
    (dict(facts='none'), dict(facts='basic')),                    # the same reads
    (dict(hostnames=['ip']), dict(hostnames=['mac', 'ip'])),      # no get_miner_info either way
    (dict(hostnames=['ip', 'serial']), dict(hostnames=['ip'])),   # nothing after ip is read
    (dict(hostnames=['serial', 'ip']), dict(hostnames=['hostname', 'mac'])),
    (dict(facts='full', hostnames=['ip']), dict(facts='full', hostnames=['serial', 'ip'])),   # full reads it anyway
    (dict(connect_timeout=1.0, timeout=3.0), dict(connect_timeout=0.2, timeout=9.0, scan_timeout=5.0)),
])
def test_options_that_do_not_change_the_scan_keep_the_cache(written, now):
    current = plugin(**now)
    assert current._cache_fits(entry(**written), current._scan_settings())


@pytest.mark.parametrize('cached', [
    {'format': 3, 'facts': 'basic', 'miners': []},                # before the options were stored
    {'format': CACHE_FORMAT, 'miners': []},
    {'format': CACHE_FORMAT, 'scan': None, 'miners': []},
    {'format': CACHE_FORMAT, 'scan': 'networks', 'miners': []},
    {'format': CACHE_FORMAT, 'scan': ['networks'], 'miners': []},
    {'format': CACHE_FORMAT, 'scan': {'networks': {'a': 1}}, 'miners': []},
    {'format': CACHE_FORMAT, 'scan': {1: 2}, 'miners': []},
    ['format', CACHE_FORMAT],
    'a string',
    None,
])
def test_an_old_or_broken_cache_entry_is_scanned_again_never_an_error(cached):
    current = plugin()
    assert not current._cache_fits(cached, current._scan_settings())


def test_a_fitting_entry_without_its_miners_is_scanned_again():
    current = plugin()
    broken = dict(entry(), miners=None)
    assert not current._cache_fits(broken, current._scan_settings())


def test_the_stored_options_are_plain_values():
    scan = plugin()._scan_settings()
    assert scan == {'networks': ['10.0.0.1-10.0.0.9'], 'exclude': [], 'port': 4028, 'v3_port': 4433,
                    'api_version': 'auto', 'reads': 'basic', 'miner_info': False}
    assert all(type(value) in (list, int, str, bool) for value in scan.values())


@pytest.mark.parametrize('name, value', [('port', 0), ('v3_port', 65536), ('port', True), ('port', None)])
def test_bad_ports_are_configuration_errors(name, value):
    with pytest.raises(AnsibleParserError, match='%s must be between 1 and 65535' % name):
        plugin(**{name: value})._scan_settings()


# --- names -------------------------------------------------------------------------------

def test_a_name_several_miners_report_names_none_of_them():
    current = plugin(hostnames=['hostname', 'serial', 'ip'])
    miners = [miner('10.0.0.1', hostname='WhatsMiner', serial='SN1'),
              miner('10.0.0.2', hostname='rack1-m02', serial='SN2'),
              miner('10.0.0.3', hostname='WhatsMiner', serial='SN3'),
              miner('10.0.0.4', hostname='WhatsMiner')]
    assert current._host_names(miners) == [['SN1', '10.0.0.1'], ['rack1-m02', 'SN2', '10.0.0.2'],
                                           ['SN3', '10.0.0.3'], ['10.0.0.4']]
    assert current.display.warnings == [
        "whatsminer inventory: 3 miners report the hostname 'WhatsMiner'; a name several miners share names none of "
        "them (factory firmware names every miner WhatsMiner), so each takes its next hostnames preference"]


def test_the_names_do_not_depend_on_the_scan_order():
    miners = [miner('10.0.0.%d' % last, hostname='WhatsMiner', serial='SN%d' % last) for last in range(1, 4)]
    forward = plugin(hostnames=['hostname', 'serial', 'ip'])._host_names(miners)
    backward = plugin(hostnames=['hostname', 'serial', 'ip'])._host_names(miners[::-1])
    assert forward == backward[::-1] == [['SN1', '10.0.0.1'], ['SN2', '10.0.0.2'], ['SN3', '10.0.0.3']]


def test_a_name_shared_across_preferences_names_none_and_a_miner_repeating_its_own_name_keeps_it():
    current = plugin(hostnames=['hostname', 'serial', 'ip'])
    miners = [miner('10.0.0.1', hostname='box7', serial='box7'),     # one miner, the same name twice: its own
              miner('10.0.0.2', hostname='rack-a', serial='SN2'),
              miner('10.0.0.3', hostname='other', serial='rack-a')]  # another miner's hostname as its serial
    assert current._host_names(miners) == [['box7', '10.0.0.1'], ['SN2', '10.0.0.2'], ['other', '10.0.0.3']]
    (warning,) = current.display.warnings
    assert "2 miners report the hostname or serial 'rack-a'" in warning


def test_many_shared_names_warn_a_bounded_number_of_times():
    miners = [miner('10.0.%d.%d' % (pair, last), hostname='dup%d' % pair) for pair in range(25) for last in (1, 2)]
    current = plugin(hostnames=['hostname', 'ip'])
    assert all(names == [item['address']] for names, item in zip(current._host_names(miners), miners))
    assert len(current.display.warnings) == 11 and '15 more names' in current.display.warnings[-1]


def test_a_host_named_after_its_mac_can_be_targeted():
    current = plugin(hostnames=['mac', 'ip'])
    miners = [miner('10.0.0.1', mac='C6:07:7F:05:04:01'), miner('10.0.0.2', mac='c6-07-7f-05-04-02'),
              miner('10.0.0.3', mac='C6:07:7F:05-04:03')]       # mixed separators: not a MAC
    assert current._host_names(miners) == [['c6-07-7f-05-04-01', '10.0.0.1'], ['c6-07-7f-05-04-02', '10.0.0.2'],
                                           ['10.0.0.3']]
    assert miners[0]['whatsminer']['mac'] == 'C6:07:7F:05:04:01'        # the variable keeps the MAC as reported


def test_miners_with_one_mac_share_it_whatever_its_spelling():
    current = plugin(hostnames=['mac', 'ip'])
    miners = [miner('10.0.0.1', mac='C6:07:7F:05:04:01'), miner('10.0.0.2', mac='c6:07:7f:05:04:01')]
    assert current._host_names(miners) == [['10.0.0.1'], ['10.0.0.2']]
    assert "2 miners report the mac 'c6-07-7f-05-04-01'" in current.display.warnings[0]
