# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make venv    .venv (pinned tools from requirements-dev.txt) and .venv-pyasic (pyasic, whose
#              passlib 1.7.4 conflicts with libpass, so it gets its own environment)
# make compat  the newest ansible-core on Python 3.13 (.venv-core-latest, requirements-core-latest.txt):
#              unit and ansible-playbook tests, then ansible-test sanity; part of `make test`
# make test    every check CI runs (.ci/run) except installing Chromium (make browser), stopping at the first failure
# make demo    the README's demo on a simulated fleet
# Use another environment with e.g. `make test VENV=/tmp/venv` (it must hold requirements-dev.txt).

PYTHON ?= python3
VENV ?= .venv
PYASIC_VENV ?= .venv-pyasic
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2
ANSIBLE_TEST_PYTHON ?= 3.11
# ansible-core 2.20+ needs Python >= 3.12: the newest core is tested on 3.13 (pyenv's, unless given)
CORE_LATEST_VENV ?= .venv-core-latest
CORE_LATEST_PYTHON ?= $(or $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13))),python3.13)
CORE_LATEST_PY := $(CORE_LATEST_VENV)/bin/python
CORE_LATEST_TESTS ?= tests/unit tests/functional/ansible tests/functional/config tests/functional/facts tests/functional/inventory

export PYASIC_PYTHON ?= $(abspath $(PYASIC_VENV))/bin/python
# the tools call each other by name (antsibull-docs runs ansible-doc, ansible-lint runs ansible-playbook)
export PATH := $(abspath $(BIN)):$(PATH)
# lint and docs need to find this checkout as minerops.whatsminer (tools/collection_path.py)
COLLECTIONS_ROOT = $$($(PY) -c 'import sys; sys.path.insert(0, "tools"); import collection_path; print(collection_path.collections_root())')
# the tests make their own ANSIBLE_COLLECTIONS_PATH; nothing from the caller's shell leaks in
unexport ANSIBLE_COLLECTIONS_PATH ANSIBLE_CONFIG WHATSMINER_PASSWORD


.PHONY: venv browser test pytest compat sanity units lint docs-lint docs galaxy demo bench clean

venv: $(VENV)/.installed $(PYASIC_VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	@printf '\n==== %s ====\n' "create $(VENV) from requirements-dev.txt"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(PYASIC_VENV)/.installed:
	@printf '\n==== %s ====\n' "create $(PYASIC_VENV) with pyasic==0.79.0"
	$(PYTHON) -m venv $(PYASIC_VENV)
	$(PYASIC_VENV)/bin/python -m pip install --quiet pyasic==0.79.0
	touch $@

$(CORE_LATEST_VENV)/.installed: requirements-core-latest.txt
	@printf '\n==== %s ====\n' "create $(CORE_LATEST_VENV) from requirements-core-latest.txt"
	$(CORE_LATEST_PYTHON) -m venv $(CORE_LATEST_VENV)
	$(CORE_LATEST_PY) -m pip install --quiet -r requirements-core-latest.txt
	touch $@

# Debian's Chromium, for the test that renders the HTML fleet report (skipped without it, unless
# MINEROPS_REQUIRE_BROWSER=1, which .ci/run sets after running this)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }; }

test: venv
	@$(MAKE) --no-print-directory pytest compat sanity units lint docs-lint docs galaxy
	@printf '\n==== all checks passed ====\n'

pytest:
	@printf '\n==== %s ====\n' "pytest: unit, simulator and ansible-playbook integration tests"
	$(PY) -m pytest tests -p no:cacheprovider $(PYTEST_ARGS)

compat: $(CORE_LATEST_VENV)/.installed
	@printf '\n==== %s ====\n' "compat: newest ansible-core (requirements-core-latest.txt) on Python 3.13: unit, ansible-playbook and sanity tests"
	$(CORE_LATEST_PY) -m pytest $(CORE_LATEST_TESTS) -p no:cacheprovider $(PYTEST_ARGS)
	$(CORE_LATEST_PY) tools/ci/ansible_test.py sanity --venv --python 3.13

sanity:
	@printf '\n==== %s ====\n' "ansible-test sanity --venv --python $(ANSIBLE_TEST_PYTHON)"
	$(PY) tools/ci/ansible_test.py sanity --venv --python $(ANSIBLE_TEST_PYTHON)

units:
	@printf '\n==== %s ====\n' "ansible-test units --venv --python $(ANSIBLE_TEST_PYTHON)"
	$(PY) tools/ci/ansible_test.py units --venv --python $(ANSIBLE_TEST_PYTHON)

lint:
	@printf '\n==== %s ====\n' "ansible-lint --offline (production profile)"
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) $(BIN)/ansible-lint --offline

# the HTML docsite: plugin pages and guides from antsibull-docs, built by Sphinx offline; any warning fails
DOCS_BUILD := docs/docsite/build
docs:
	@printf '\n==== %s ====\n' "docsite: antsibull-docs collection + sphinx-build -W"
	rm -rf $(DOCS_BUILD) && mkdir -p $(DOCS_BUILD)/rst && chmod og-w $(DOCS_BUILD)/rst
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/antsibull-docs \
	  --config-file docs/docsite/antsibull-docs.cfg collection --cleanup everything --fail-on-error --use-current \
	  --squash-hierarchy --dest-dir $(DOCS_BUILD)/rst minerops.whatsminer
	$(BIN)/sphinx-build -M html $(DOCS_BUILD)/rst $(DOCS_BUILD)/build -c docs/docsite/sphinx -W --keep-going -q
	@echo "docsite built: open $(DOCS_BUILD)/build/html/index.html"

docs-lint:
	@printf '\n==== %s ====\n' "antsibull-docs lint-collection-docs + antsibull-changelog lint"
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	$(BIN)/antsibull-changelog lint

galaxy:
	@printf '\n==== %s ====\n' "ansible-galaxy collection build + install + ansible-doc of every plugin"
	$(PY) tools/ci/galaxy_check.py

demo: venv
	PYTHON=$(abspath $(PY)) tools/demo

bench: venv
	PYTHON=$(abspath $(PY)) tools/bench

clean:
	rm -rf tests/output .pytest_cache .hypothesis minerops-whatsminer-*.tar.gz
