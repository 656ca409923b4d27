# trackops.toggl: development tasks. Needs only python3 and git on the machine; everything else
# is installed into .venv by `make venv`, which every other target depends on.
#
#   make              this list (help); nothing is run
#   make venv         .venv with requirements.txt + test-requirements.txt (re-run when they change)
#   make test         lint, sanity, unit, compat, integration, integration-pages and browser, stopping at the first failure
#   make lint         ruff + ansible-lint (production profile, offline) + changelog-lint
#   make changelog-lint  antsibull-changelog lint of changelogs/fragments and changelog.yaml
#   make release      CHANGELOG.rst for the version in galaxy.yml from the fragments (antsibull-changelog release)
#   make sanity       ansible-test sanity on a copy of the collection (.build/sanity/...)
#   make unit         pytest tests/unit
#   make compat       the unit tests and a smoke run (tests/compat) on the oldest ansible-core that
#                     requires_ansible claims (tests/requirements-ansible-2.18.txt, in .build/venv-2.18)
#   make integration  pytest tests/integration (real ansible-playbook runs against the simulator,
#                     swagger profile, 200 ms read lag; the traffic is checked against the Swagger)
#   make integration-pages  the converge cycles (-m converge) again, in the simulator's pages profile
#   make browser      pytest tests/browser (the access review page in headless Chromium; needs browser-deps)
#   make browser-deps Debian's chromium and chromium-driver, installed with apt-get when missing
#   make demo         onboard.yml, then audit.yml and access_review.yml, against one simulator (reports: .build/reports)
#   make bench        request benchmark: the playbooks on 200 members, requests vs R_min per phase (.build/bench)
#   make collection   prepare .build/collections (link) and .build/sanity (copy) trees
#   make build        ansible-galaxy collection build into .build/dist
#   make docs         module and role pages into docs/collection (antsibull-docs); `make docs-check`
#   make ee-context   execution environment build context in .build/ee/context (ansible-builder create)
#   make clean        remove .build, tests/output and caches (keeps .venv; `make distclean` too)
#   Variables: PYTEST_ARGS='-k name -x' (unit, integration), SANITY_ARGS='--test pylint' (sanity)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
SANITY_PYTHON ?= 3.11
# Extra arguments, e.g. `make unit PYTEST_ARGS='-k client -x'`.
PYTEST_ARGS ?=
SANITY_ARGS ?=

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.requirements-installed
BUILD := $(ROOT)/.build
DIST := $(BUILD)/dist
# trackops.toggl resolves to this checkout through a symlink (for unit, integration, demo).
COLLECTIONS_DIR := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS_DIR)/ansible_collections/trackops/toggl
# ansible-test needs a real ansible_collections/trackops/toggl directory: a copy, not a link.
SANITY_TREE := $(BUILD)/sanity/ansible_collections/trackops/toggl
# Generated module and role documentation, committed (make docs / docs-check).
DOCS_DIR := $(ROOT)/docs/collection
# Execution environment build context (make ee-context); execution-environment.yml names the tarball.
EE_DIR := $(BUILD)/ee
COLLECTION_VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_DIR)
# Tools started by the tests (ansible-playbook, ansible-doc, ...) come from the venv too.
export PATH := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv test lint sanity unit integration demo collection link build clean distclean

help:
	@sed -n '4,/^#   Variables/p' Makefile | sed 's/^#   //'

# --- environment -----------------------------------------------------------------------------

venv: $(VENV_STAMP)

# Re-runs only when a requirements file changes.
$(VENV_STAMP): requirements.txt test-requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing requirements into .venv (log: .venv/pip-install.log) ..."
	@$(BIN)/python -m pip install --disable-pip-version-check \
	    -r requirements.txt -r test-requirements.txt > $(VENV)/pip-install.log 2>&1 \
	    || { tail -n 40 $(VENV)/pip-install.log; exit 1; }
	@touch $@

# --- collection trees ------------------------------------------------------------------------

link: $(COLLECTION_LINK)

$(COLLECTION_LINK):
	@mkdir -p $(@D)
	@ln -sfn ../../../.. $@

# The sanity tree is re-created on every run from what git tracks plus untracked files that are
# not ignored, so it holds exactly what a commit of the work tree would hold.
collection: venv link
	@$(BIN)/python .ci/stage_collection.py $(SANITY_TREE)

# --- tests -----------------------------------------------------------------------------------

test: venv
	@start=$$(date +%s); \
	for target in lint sanity unit compat integration integration-pages browser; do \
	    echo "=== make $$target ==="; \
	    step=$$(date +%s); \
	    if ! $(MAKE) $$target; then \
	        echo "=== make $$target FAILED; make test stopped after $$(( $$(date +%s) - start ))s ==="; \
	        exit 1; \
	    fi; \
	    echo "=== make $$target passed in $$(( $$(date +%s) - step ))s ==="; \
	done; \
	echo "=== make test passed in $$(( $$(date +%s) - start ))s (lint, sanity, unit, compat, integration, integration-pages, browser) ==="

lint: venv link
	$(BIN)/ruff check .
	$(BIN)/ansible-lint --profile production
	@$(MAKE) changelog-lint

.PHONY: changelog-lint release docs docs-check ee-context

# The fragments (changelogs/fragments/*.yml) and changelog.yaml, as `antsibull-changelog release`
# will read them.
changelog-lint: venv
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# Cut the release named by galaxy.yml's version: the fragments move into changelog.yaml and
# CHANGELOG.rst is written. It reads the plugins through ansible-doc, hence the link.
# Bump galaxy.yml's version first; fragments added later go to the next release.
release: venv link
	$(BIN)/antsibull-changelog release --version $(COLLECTION_VERSION)

# --- documentation ---------------------------------------------------------------------------

# One page per module and role plus an index, from their documentation (.ci/generate_docs.py).
docs: venv link
	$(BIN)/python .ci/generate_docs.py $(DOCS_DIR)

# Fails when the committed pages differ from what `make docs` would write now.
docs-check: venv link
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN)/python .ci/generate_docs.py "$$tmp/collection" > /dev/null; \
	if ! diff -ru $(DOCS_DIR) "$$tmp/collection"; then \
	    echo "docs/collection is out of date: run make docs"; exit 1; \
	fi; \
	echo "docs/collection is current"

# ansible-test builds a venv per sanity test and bootstraps pip in it with a get-pip.py it would
# download; .ci/get_pip_standin.py replaces it offline (see that file). ansible-test names the
# cache file after the pip version it wants, which we read from its own source.
GET_PIP_CACHE = $(shell $(BIN)/python -c "import os, types; \
	from ansible_test._internal.python_requirements import get_venv_packages; \
	v = get_venv_packages(types.SimpleNamespace(version='$(SANITY_PYTHON)'))['pip']; \
	print(os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % v.replace('.', '_')))")

sanity: collection
	@cache="$(GET_PIP_CACHE)"; \
	[ -n "$$cache" ] || { echo "could not read the get-pip cache name from ansible-test"; exit 1; }; \
	if [ ! -f "$$cache" ] || { grep -q 'trackops get-pip stand-in' "$$cache" && ! cmp -s .ci/get_pip_standin.py "$$cache"; }; then \
	    echo "Installing the get-pip stand-in as $$cache"; \
	    install -D -m 0644 .ci/get_pip_standin.py "$$cache"; \
	fi
	cd $(SANITY_TREE) && env -u ANSIBLE_COLLECTIONS_PATH \
	    $(BIN)/ansible-test sanity --python $(SANITY_PYTHON) --color no $(SANITY_ARGS)

unit: venv link
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# The oldest ansible-core that meta/runtime.yml's requires_ansible claims, in a venv of its own with
# only what tests/requirements-ansible-2.18.txt names (about 10 s to create). It runs the unit tests
# that concern ansible-core (not the simulator's, nor those that compare with antsibull-docs' or
# ansible-builder's output of the main venv) and tests/compat, one real ansible-playbook run of
# playbooks/onboard.yml against the simulator, its rerun and the audit.
.PHONY: compat
COMPAT_VENV := $(BUILD)/venv-2.18
COMPAT_REQUIREMENTS := tests/requirements-ansible-2.18.txt
COMPAT_STAMP := $(COMPAT_VENV)/.requirements-installed
COMPAT_UNIT_IGNORE := --ignore=tests/unit/simulator --ignore=tests/unit/test_docs_current.py \
	--ignore=tests/unit/test_execution_environment.py

$(COMPAT_STAMP): $(COMPAT_REQUIREMENTS) requirements.txt
	@test -x $(COMPAT_VENV)/bin/python || $(PYTHON) -m venv $(COMPAT_VENV)
	@echo "Installing $(COMPAT_REQUIREMENTS) into $(COMPAT_VENV) (log: $(COMPAT_VENV)/pip-install.log) ..."
	@$(COMPAT_VENV)/bin/python -m pip install --disable-pip-version-check \
	    -r $(COMPAT_REQUIREMENTS) > $(COMPAT_VENV)/pip-install.log 2>&1 \
	    || { tail -n 40 $(COMPAT_VENV)/pip-install.log; exit 1; }
	@touch $@

compat: $(COMPAT_STAMP) link
	PATH=$(COMPAT_VENV)/bin:$$PATH $(COMPAT_VENV)/bin/python -m pytest tests/unit tests/compat \
	    $(COMPAT_UNIT_IGNORE) $(PYTEST_ARGS)

# Each test runs ansible-playbook several times, CPU-bound: one worker per core, each with its
# own simulator (the session fixture), halves the wall time on the 2-core machines here.
INTEGRATION_WORKERS ?= 2
# The simulator's API profile and read lag (tests/integration/conftest.py reads them): the 2026
# Swagger's API, where a write shows to reads only 200 ms later. Override on the command line,
# e.g. `make integration TOGGL_SIM_READ_LAG_MS=0`.
TOGGL_SIM_PROFILE ?= swagger
TOGGL_SIM_READ_LAG_MS ?= 200
integration: venv link
	TOGGL_SIM_PROFILE=$(TOGGL_SIM_PROFILE) TOGGL_SIM_READ_LAG_MS=$(TOGGL_SIM_READ_LAG_MS) \
	    $(BIN)/python -m pytest tests/integration -n $(INTEGRATION_WORKERS) $(PYTEST_ARGS)

# The converge cycles (tests marked converge) once more against the older reference pages' API.
.PHONY: integration-pages
integration-pages: venv link
	TOGGL_SIM_PROFILE=pages TOGGL_SIM_READ_LAG_MS=$(TOGGL_SIM_READ_LAG_MS) \
	    $(BIN)/python -m pytest tests/integration -m converge -n $(INTEGRATION_WORKERS) $(PYTEST_ARGS)

# The access review page in a real browser: Debian's headless Chromium, driven through Debian's
# chromedriver (the same source package, so their versions match; nothing is downloaded).
.PHONY: browser browser-deps
CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
browser: venv link browser-deps
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# Installs only what is missing (with a font, so the page lays out the same on a bare machine);
# apt-get needs root (CI runs as root), or sudo.
browser-deps:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
	    sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	    echo "Installing chromium and chromium-driver with apt-get (log: $(BUILD)/apt-browser.log) ..."; \
	    mkdir -p $(BUILD); \
	    { $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends \
	        chromium chromium-driver fonts-liberation; } > $(BUILD)/apt-browser.log 2>&1 \
	    || { tail -n 40 $(BUILD)/apt-browser.log; exit 1; }; \
	fi

# One simulator for the whole story: onboard the example people, audit them (check mode: no
# drift right after onboarding), then the access review. The simulator's request log goes to a
# file so the playbooks' output stays readable.
DEMO_VARS := playbooks/vars/onboarding.example.yml
DEMO_REPORTS := $(BUILD)/reports
DEMO_PLAYBOOK := $(BIN)/ansible-playbook -i playbooks/inventory.yml -e @$(DEMO_VARS)
demo: venv link
	@mkdir -p $(BUILD)
	$(BIN)/python tests/simulator/with_simulator.py --sim-log $(BUILD)/demo-simulator.log -- \
	    bash -c 'set -e; $(DEMO_PLAYBOOK) playbooks/onboard.yml; \
	        $(DEMO_PLAYBOOK) --check playbooks/audit.yml -e toggl_report_dir=$(DEMO_REPORTS); \
	        $(DEMO_PLAYBOOK) playbooks/access_review.yml -e toggl_report_dir=$(DEMO_REPORTS)'
	@echo "Drift report:  $(DEMO_REPORTS)/drift-report.md (and .json)"
	@echo "Access review: $(DEMO_REPORTS)/access-review.html (open it in a browser) and access-review.csv"
	@echo "Simulator request log: $(BUILD)/demo-simulator.log"

# The request benchmark (tests/benchmark/bench.py): a seeded 200-member Starter organization, the
# playbooks phase by phase against a simulator with 50 ms latency; a table, .build/bench/results.json,
# and a failure when a phase needs more requests than its targets allow.
.PHONY: bench
BENCH_LATENCY_MS ?= 50
bench: venv link
	$(BIN)/python tests/benchmark/bench.py --latency-ms $(BENCH_LATENCY_MS) --output $(BUILD)/bench/results.json

# --- artifacts -------------------------------------------------------------------------------

build: venv
	@mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) .

# The context to build the execution environment image from (docs/awx.md): this checkout's
# collection tarball under the version-free name execution-environment.yml expects, then
# `ansible-builder create` (no container engine needed). Build the image with
# `podman build -t trackops-toggl-ee .build/ee/context` (or docker build).
ee-context: build
	@rm -rf $(EE_DIR) && mkdir -p $(EE_DIR)
	cp $(DIST)/trackops-toggl-$(COLLECTION_VERSION).tar.gz $(EE_DIR)/trackops-toggl.tar.gz
	$(BIN)/ansible-builder create --file execution-environment.yml --context $(EE_DIR)/context \
	    --output-filename Containerfile

clean:
	rm -rf $(BUILD) tests/output .pytest_cache .ruff_cache .hypothesis
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
