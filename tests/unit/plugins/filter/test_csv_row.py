# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""csv_row: what Python's csv module reads back, and what a spreadsheet would never run."""

from __future__ import annotations

import csv
import io

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.minerops.whatsminer.plugins.filter.csv_row import FilterModule, csv_row


def read_back(line):
    return next(csv.reader(io.StringIO(line + '\r\n', newline='')))


@pytest.mark.parametrize('text', ['=1+2', '+1', '-M30', '@SUM(A1:A9)', '\tx', '\rx', '=HYPERLINK("x","y")'])
def test_text_that_starts_a_formula_gets_a_quote_and_reads_back_as_that_text(text):
    line = csv_row(['m1', text])
    assert read_back(line) == ['m1', "'" + text]


@pytest.mark.parametrize('value, cell', [(-5.0, '-5.0'), (-10, '-10'), (0, '0'), (True, 'True'), (None, '')])
def test_numbers_booleans_and_null_are_written_as_they_are(value, cell):
    assert csv_row([value]) == cell


def test_commas_quotes_and_line_breaks_are_quoted_and_read_back_whole():
    cells = ['rack 7, row 2', 'say "hi"', 'two\nlines', 'M30\rS', 'plain']
    line = csv_row(cells)
    assert '\n' not in line.replace('two\nlines', '') and read_back(line) == cells
    assert line.endswith(',plain')


def test_a_mapping_is_read_in_the_order_of_its_columns_and_containers_become_json():
    row = {'model': 'M50', 'host': 'm1', 'errors': [{'code': 110}]}
    assert read_back(csv_row(row, ['host', 'model', 'missing', 'errors'])) == ['m1', 'M50', '', '[{"code":110}]']


@pytest.mark.parametrize('data, columns, words', [
    ({'a': 1}, None, 'needs the columns'),
    ({'a': 1}, 'a', 'must be a list'),
    (['a'], ['a'], 'only for a mapping'),
    ('text', None, 'expects a list'),
])
def test_wrong_input_is_a_clear_filter_error(data, columns, words):
    with pytest.raises(AnsibleFilterError, match=words):
        csv_row(data, columns)


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {'csv_row': csv_row}
