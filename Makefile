# The two commands a new user needs: `make run` and `make test` (both set up first).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python 3.12+ interpreter on PATH (pyenv shims included).
PYTHON_FOR_VENV := $(shell for p in python3.12 python3.13 python3.14 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$p; break; fi; done)

.PHONY: help setup run test lint format demo clean

help:
	@echo "make run    set up, migrate, load the demo plans (first time) and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up, lint and run the whole test suite (DATABASE_URL picks the database)"
	@echo "            one folder: make test PYTEST_ARGS=tests/kpis TEST_WORKERS=0"
	@echo "make setup  create .venv, install Python and front-end dependencies, build assets"

setup: $(VENV)/.installed static/dist/app.css

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6.1 requires it) and none was found on PATH."; \
		echo "Install it, e.g. 'pyenv install 3.12' or your system's python3.12 package, then run make again."; \
		exit 1; fi
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20+) is needed to build the GOV.UK Frontend assets."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/dist/app.css: node_modules/.package-lock.json static/src/app.scss static/build.mjs
	npm run --silent build

run: setup
	DEBUG=$${DEBUG:-on} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-on} $(PY) manage.py load_demo --if-empty
	DEBUG=$${DEBUG:-on} $(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Tests run with DEBUG=on only so that static files come from source without collectstatic;
# the test runner itself always runs with DEBUG off. They run in parallel, one process per core
# (pytest-xdist), each with its own test database; TEST_WORKERS=0 runs them in this process.
# worksteal: a process that finishes its share takes tests from a busy one.
TEST_WORKERS ?= auto
test: lint
	DEBUG=on $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

demo: setup
	DEBUG=$${DEBUG:-on} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-on} $(PY) manage.py load_demo

clean:
	rm -rf $(VENV) node_modules static/dist .pytest_cache .ruff_cache
