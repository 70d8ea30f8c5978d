# Two commands matter (README): `make run` and `make test`. Both install whatever is missing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PYTHON ?= python3
NOTEBOOK_DIR ?= $(CURDIR)/workspace
export PATH := $(BIN):$(PATH)
# Playwright drives Debian's Chromium; it must never try to download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test install install-test lint pytest jest ui-test check-install bench clean

## Install what is missing, then open JupyterLab on the embedded default workspace.
run: install
	mkdir -p "$(NOTEBOOK_DIR)"
	$(BIN)/jupyter lab --ServerApp.root_dir="$(NOTEBOOK_DIR)"

## Install what is missing (test tools and Chromium too), then lint and run every test.
test: install-test lint pytest jest check-install ui-test

install: .make/system .make/python .make/labextension
install-test: install .make/system-test

.make/system: scripts/install-system.sh
	scripts/install-system.sh
	@mkdir -p .make && touch $@

.make/system-test: scripts/install-system.sh
	scripts/install-system.sh --test
	@mkdir -p .make && touch $@

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The labextension is built by npm below, so pip's build hook is skipped here.
.make/python: pyproject.toml $(VENV)/bin/python node_modules/.package-lock.json
	SKIP_JUPYTER_BUILDER=1 $(BIN)/pip install -q -e ".[test,r]"
	@mkdir -p .make && touch $@

LABEXT_SOURCES := $(shell find src style schema -type f 2>/dev/null) package.json tsconfig.json
.make/labextension: .make/python $(LABEXT_SOURCES)
	npm run build
	$(BIN)/jupyter labextension develop --overwrite .
	@mkdir -p .make && touch $@

lint: install
	$(BIN)/ruff check jupyter_lakehouse tests
	$(BIN)/ruff format --check jupyter_lakehouse tests
	npm run lint:check

pytest: install
	$(BIN)/python -m pytest

jest: install
	npm test

check-install: install
	PYTHON=$(BIN)/python scripts/check-isolated-install.sh

ui-test: install-test
	npm run test:ui

## Benchmarks are not tests: they print figures measured in one run.
bench: install
	$(BIN)/pip install -q -e ".[bench]"
	for b in tests/benchmarks/bench_*.py; do $(BIN)/python "$$b"; done

clean:
	rm -rf .make lib jupyter_lakehouse/labextension tsconfig.tsbuildinfo
