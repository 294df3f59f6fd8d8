# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/fleet_report.yml's HTML page, rendered by a real headless Chromium (127.0.94.x).

The page must be self-contained (no script, no external style, image or font), escape what
miners send, and show the totals, the hot miners, the miners that do not mine with the
reasons in words, and the pools. Chromium is Debian's package; ``.ci/run`` installs it and
sets MINEROPS_REQUIRE_BROWSER=1, so there the browser test cannot be skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import collection_path

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PORT = 14094
HOSTILE_POOL = 'stratum+tcp://<script>alert(1)</script>.example:3333'


def worker_base():
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    return 1 + 40 * (int(worker[2:]) % 6 if worker[2:].isdigit() else 0)


def chromium():
    path = shutil.which('chromium') or shutil.which('chromium-browser')
    if path is None:
        if os.environ.get('MINEROPS_REQUIRE_BROWSER') == '1':
            pytest.fail('chromium is not installed (apt-get install chromium), and MINEROPS_REQUIRE_BROWSER=1')
        pytest.skip('chromium is not installed: apt-get install chromium (.ci/run does)')
    return path


def browse(html, *args):
    command = [chromium(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
               '--no-first-run', '--user-data-dir=%s' % (html.parent / 'chromium-profile')] + list(args)
    command.append(html.as_uri())
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def text_of(dom, element_id):
    match = re.search(r'id="%s"[^>]*>(.*?)</' % element_id, dom, re.S)
    assert match, element_id
    return re.sub(r'\s+', ' ', match.group(1)).strip()


@pytest.fixture
def report(tmp_path, sim_fleet):
    first = '127.0.94.%d' % worker_base()
    head = first.rsplit('.', 1)[0]
    addresses = ['%s.%d' % (head, worker_base() + index) for index in range(6)]
    fleet = sim_fleet(first, count=6, port=PORT, overrides={addresses[4]: dict(model='M50VH50'),
                                                            addresses[5]: dict(model='M50VH50')})
    fleet.miners[1].state.temp_offset = 40                 # hot: its hottest chip about 104 C, the others' 91 C
    fleet.miners[2].state.mining = False                   # not mining, no error
    fleet.miners[3].state.errors = {'329': '2022-01-17 11:28:11'}
    fleet.miners[5].state.pools[0].url = HOSTILE_POOL
    config = tmp_path / 'farm.whatsminer.yml'
    config.write_text('plugin: minerops.whatsminer.whatsminer\napi_version: v2\nnetworks: [%s-%s]\nport: %d\n'
                      'timeout: 2.0\nconnect_timeout: 0.5\n' % (addresses[0], addresses[-1], PORT))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_path.collections_root(),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(config),
               os.path.join(REPO, 'playbooks', 'fleet_report.yml'), '-e', 'fleet_report_csv=%s' % (tmp_path / 'fleet.csv'),
               '-e', 'fleet_report_hot_c=95']
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, check=False, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    html = tmp_path / 'fleet_report.html'
    assert 'and %s' % html in completed.stdout
    return fleet, addresses, html


def test_the_page_is_self_contained_and_escapes_miner_text(report):
    _fleet, _addresses, html = report
    page = html.read_text(encoding='utf-8')
    assert '<script' not in page.lower()
    for reference in ('src=', 'href=', '@import', 'url(', 'http://', 'https://', '<link'):
        assert reference not in page.lower(), reference
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert len(page) < 60000


def test_chromium_shows_totals_hot_miners_problems_and_pools(report):
    fleet, addresses, html = report
    dom = browse(html, '--dump-dom')
    assert text_of(dom, 'total-miners') == '6'
    ths = float(text_of(dom, 'total-ths').split()[0])
    assert 300 < ths < 700
    assert text_of(dom, 'total-kw').endswith('kW') and text_of(dom, 'total-jth').endswith('J/TH')
    assert '1 miner at or above 95' in text_of(dom, 'hot-count')
    hot_section = dom[dom.index('id="temperature"'):dom.index('id="problems"')]
    bars = [int(count) for count in re.findall(r'<title>(\d+) miners</title>', hot_section)]
    assert len(bars) == 10 and sum(bars) == 6            # every miner read has a hottest chip
    assert bars[-1] == 1 and bars[0] == 1                # the hot one at 100+, the idle one below 60
    assert addresses[1] in hot_section and addresses[0] not in hot_section.split('hot-count')[1]
    problems = dom[dom.index('id="problems"'):dom.index('id="pools"')]
    assert 'Not mining, with errors, or not read (2)' in problems
    assert addresses[2] in problems and 'not mining' in problems and 'no error reported' in problems
    assert addresses[3] in problems and '329 control board temperature sensor cannot be read' in problems
    models = dom[dom.index('id="models"'):dom.index('id="temperature"')]
    assert 'M30S+VE40' in models and 'M50VH50' in models
    pools = dom[dom.index('id="pools"'):]
    assert '&lt;script&gt;' in pools and '<script>' not in dom   # shown as text, never parsed as a tag
    assert 'stratum+tcp://btc.ss.poolin.com:443' in pools
    assert fleet.miners[0].write_log == []


def test_chromium_draws_the_page(report, tmp_path):
    _fleet, _addresses, html = report
    shot = tmp_path / 'report.png'
    browse(html, '--screenshot=%s' % shot, '--window-size=1280,1600', '--hide-scrollbars')
    data = shot.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 20000


def large_fleet_rows(count):
    """Rows as fleet_report_rows.j2 builds them, for a fleet too large to simulate in a test."""
    rows = []
    for index in range(count):
        address = '10.%d.%d.%d' % (index // 65536, (index // 256) % 256, index % 256)
        mining = index % 40 != 0
        rows.append(dict(host=address, address=address, model=('M30S+VE40', 'M50VH50')[index % 2],
                         firmware='20240508.18.Rel', hashrate_ths=100.0 if mining else 0.0,
                         power_w=3300.0 if mining else 0.0, temp_env_c=30.0, chip_temp_max_c=80.0 + index % 25,
                         pool='stratum+tcp://pool%d.example.org:3333' % (index % 5),
                         errors='' if index % 50 else '329 control board temperature sensor cannot be read',
                         mining=mining, efficiency_j_per_th=33.0, read=True))
    return rows


def render_page(run_playbook, tmp_path, rows, name):
    """The report template rendered by ansible-playbook over ``rows`` (as the playbook builds them) -> the page's path."""
    path = tmp_path / ('%s-rows.json' % name)
    path.write_text(json.dumps(rows), encoding='utf-8')
    html = tmp_path / ('%s.html' % name)
    play = [dict(name='Render', hosts='all', gather_facts=False, tasks=[dict(
        name='Render the page', **{'ansible.builtin.template': dict(
            src=os.path.join(REPO, 'playbooks', 'templates', 'fleet_report.html.j2'), dest=str(html), mode='0644')},
        vars=dict(fleet_report_rows="{{ lookup('ansible.builtin.file', '%s') | from_json }}" % path))])]
    run = run_playbook(play, hosts=dict(controller=dict(ansible_host='127.0.0.1')))
    assert run.rc == 0, run.describe()
    return html


def test_a_10000_miner_page_stays_small_and_readable(run_playbook, tmp_path):
    html = render_page(run_playbook, tmp_path, large_fleet_rows(10000), 'large')
    assert html.stat().st_size < 150 * 1024
    dom = browse(html, '--dump-dom')
    assert text_of(dom, 'total-miners') == '10000'
    assert text_of(dom, 'total-ths') == '%.1f TH/s' % (100.0 * 9750)
    problems = dom[dom.index('id="problems"'):dom.index('id="pools"')]
    # 250 not mining, 200 with an error, 50 of them both: 400 listed in words, 200 shown, the rest in the CSV
    assert 'Not mining, with errors, or not read (400)' in problems
    assert problems.count('<tr>') == 201 and 'and 200 more: see the CSV.' in problems
    hot = dom[dom.index('id="temperature"'):dom.index('id="problems"')]
    assert '4000 miners at or above 95' in hot and 'and 3800 more: see the CSV.' in hot


def test_a_partial_read_is_listed_as_a_problem(tmp_path, sim_fleet, monkeypatch):
    """A miner whose get_error_code read failed reports no error: the page must not call it healthy."""
    from whatsminer_sim import envelopes, reads  # pylint: disable=import-outside-toplevel

    head = '127.0.94'
    healthy, partial = '%s.%d' % (head, worker_base() + 10), '%s.%d' % (head, worker_base() + 11)
    original = reads.READS['get_error_code']

    def broken_error_code(miner, now, request):
        if miner.address == partial:
            return envelopes.native_error(now, envelopes.CMD_ERROR, 'error list unavailable')
        return original(miner, now, request)

    monkeypatch.setitem(reads.READS, 'get_error_code', broken_error_code)
    sim_fleet(healthy, count=2, port=PORT)
    config = tmp_path / 'farm.whatsminer.yml'
    config.write_text('plugin: minerops.whatsminer.whatsminer\napi_version: v2\nnetworks: [%s-%s]\nport: %d\n'
                      'timeout: 2.0\nconnect_timeout: 0.5\n' % (healthy, partial, PORT))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_path.collections_root(),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(config),
               os.path.join(REPO, 'playbooks', 'fleet_report.yml'), '-e', 'fleet_report_csv=%s' % (tmp_path / 'fleet.csv')]
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, check=False, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    page = (tmp_path / 'fleet_report.html').read_text(encoding='utf-8')
    problems = page[page.index('id="problems"'):page.index('id="pools"')]
    assert 'Every miner mines, and none reports an error.' not in problems
    assert 'Not mining, with errors, or not read (1)' in problems
    assert partial in problems and 'could not read error_code' in problems and healthy not in problems


def test_a_miner_whose_mining_state_is_unknown_is_listed_not_counted_as_idle(run_playbook, tmp_path):
    rows = large_fleet_rows(4)[1:]            # three miners that mine and report no error
    rows[1].update(mining=None, hashrate_ths=None, errors='could not read summary')
    rows[2].update(mining=None, hashrate_ths=None, errors='')      # no failed read named: still not healthy
    html = render_page(run_playbook, tmp_path, rows, 'unknown')
    page = html.read_text(encoding='utf-8')
    totals = page[page.index('id="totals"'):page.index('id="models"')]
    assert '1 mining</span> &middot; 0 not mining &middot; 2 mining state unknown &middot; 0 not read' in totals
    problems = page[page.index('id="problems"'):page.index('id="pools"')]
    assert 'Not mining, with errors, or not read (2)' in problems
    for row in rows[1:]:
        assert row['host'] in problems
    assert problems.count('mining state unknown') == 2 and 'could not read summary' in problems
    assert rows[0]['host'] not in problems
