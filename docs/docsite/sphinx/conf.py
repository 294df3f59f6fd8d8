# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sphinx configuration of the collection's docsite (``make docs``; the RST comes from antsibull-docs).

The build runs offline, in CI and on a controller without internet access, so there is
no intersphinx: references antsibull-docs writes to the Ansible documentation itself
(``action_plugins``, ``common_return_values``, ``ansible.builtin`` plugins, Ansible's own
environment variables) cannot resolve and are named below, and every other warning,
a broken reference of this collection's own included, fails the build (``-W``).
"""

project = 'minerops.whatsminer'
copyright = '2026, minerops.whatsminer contributors'  # pylint: disable=redefined-builtin
title = 'minerops.whatsminer: Ansible for Whatsminer fleets'
html_short_title = 'minerops.whatsminer'

extensions = ['sphinx_antsibull_ext']
pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = 'any'
nitpicky = True
# targets in the Ansible documentation, which an offline build cannot reach
nitpick_ignore_regex = [
    ('std:ref', r'action_plugins|common_return_values|ansible_configuration_settings'),
    ('std:ref', r'ansible_collections\.ansible\.builtin\..*'),
    ('std:envvar', r'ANSIBLE_.*'),
]
