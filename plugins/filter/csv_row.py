# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One CSV line whose cells a spreadsheet shows as text and never runs as a formula.

Every CSV the collection writes (the fleet report, the drift report, the log manifest,
the firmware rollout report) is built with this one filter, so quoting and formula
neutralisation are the same everywhere.
"""

from __future__ import annotations

DOCUMENTATION = r'''
name: csv_row
short_description: One CSV line, quoted as RFC 4180 says, with text that would start a formula neutralised
version_added: 0.1.0
author:
  - minerops.whatsminer contributors (@minerops)
description:
  - Turns a list of values, or a mapping and the names of its columns, into one line of CSV
    (without the line break), for the reports the collection's playbooks and roles write.
  - Text that starts with V(=), V(+), V(-), V(@), a tab or a carriage return is what spreadsheets
    (Excel, LibreOffice, Google Sheets) run as a formula when they open the file. Such a cell gets a
    leading single quote and is quoted (the OWASP advice against CSV injection), so a model V(=1+2) is
    written as V("'=1+2"), which a spreadsheet shows as text instead of computing it.
  - Only text is neutralised, never a number. A number (V(-5.0), V(-10)) is written as Python
    writes it, so the spreadsheet still reads it as a number; text that merely looks like a
    negative number (the string V(-10)) gets the quote like any other text. Pass values as numbers
    when they are numbers.
  - A cell is quoted when it holds a comma, a double quote, a line feed or a carriage return, or
    when it was neutralised; a double quote inside is doubled. Python's C(csv) module and
    spreadsheets read such a cell back as one cell, line breaks included.
  - V(null) is an empty cell, V(true) and V(false) are C(True) and C(False), and a list or
    mapping is written as compact JSON (sorted keys), as text.
positional: columns
options:
  _input:
    description:
      - The cells, as a list of values in column order.
      - Or one row as a mapping; O(columns) then names its keys in column order, and a key the
        mapping does not have gives an empty cell.
    type: raw
    required: true
  columns:
    description:
      - The keys of a mapping O(_input), in column order. Required when O(_input) is a mapping,
        not allowed when it is a list.
    type: list
    elements: str
seealso:
  - name: OWASP CSV Injection
    description: Why cells that start with V(=), V(+), V(-), V(@), a tab or a carriage return are neutralised.
    link: https://owasp.org/www-community/attacks/CSV_Injection
'''

EXAMPLES = r'''
- name: Write a CSV report of miners
  ansible.builtin.copy:
    dest: /tmp/miners.csv
    mode: "0644"
    content: |
      {{ columns | minerops.whatsminer.csv_row }}
      {% for row in rows %}
      {{ row | minerops.whatsminer.csv_row(columns) }}
      {% endfor %}
  vars:
    columns: [host, model, temp_env_c]
    rows:
      - {host: m1, model: M30S+VE40, temp_env_c: -5.0}
      - {host: m2, model: '=HYPERLINK("http://example.invalid")', temp_env_c: 31.5}
  # host,model,temp_env_c
  # m1,M30S+VE40,-5.0
  # m2,"'=HYPERLINK(""http://example.invalid"")",31.5

- name: One line from a list of cells
  ansible.builtin.debug:
    msg: "{{ ['rack 7, row 2', none, 3, '-1'] | minerops.whatsminer.csv_row }}"
  # "rack 7, row 2",,3,"'-1"
'''

RETURN = r'''
_value:
  description: The cells as one CSV line, without a line break at the end.
  type: str
  sample: "m2,\"'=HYPERLINK(\"\"x\"\")\",31.5"
'''

import json
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

#: what a spreadsheet takes as the start of a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')
#: what makes a cell need quotes (RFC 4180, and a bare carriage return, which readers take as a line end)
NEEDS_QUOTES = (',', '"', '\n', '\r')


def csv_cell(value):
    """One value as one CSV cell: text neutralised and quoted as needed, numbers as they are."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return str(value)            # a number is never a formula, whatever its sign
    if isinstance(value, (Mapping, list, tuple)):
        text = json.dumps(value, sort_keys=True, separators=(',', ':'), default=str)
    else:
        text = str(value)
    neutralised = text.startswith(FORMULA_STARTS)
    if neutralised:
        text = "'" + text
    if neutralised or any(char in text for char in NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_row(data, columns=None):
    """The cells of ``data`` (a list, or a mapping read in the order of ``columns``) as one CSV line."""
    if isinstance(data, Mapping):
        if columns is None:
            raise AnsibleFilterError('csv_row: a mapping needs the columns to write, in order: row | csv_row(columns)')
        if isinstance(columns, (str, bytes)) or not isinstance(columns, (list, tuple)):
            raise AnsibleFilterError('csv_row: columns must be a list of keys, got %s' % type(columns).__name__)
        cells = [data.get(column) for column in columns]
    elif isinstance(data, (list, tuple)):
        if columns is not None:
            raise AnsibleFilterError('csv_row: columns are only for a mapping; a list is already in column order')
        cells = list(data)
    else:
        raise AnsibleFilterError('csv_row: expects a list of cells or a mapping, got %s' % type(data).__name__)
    return ','.join(csv_cell(cell) for cell in cells)


class FilterModule:
    """The collection's CSV filter."""

    def filters(self):
        return {'csv_row': csv_row}
