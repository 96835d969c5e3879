# Doorstep: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint format install vendor messages bench-help load clean

# --- installation (stamp files make a second run reuse everything) ----------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

.stamp-dev: pyproject.toml .stamp-install
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.stamp-vendor: node_modules/.package-lock.json tools/vendor.py | $(BIN)/python
	$(BIN)/python tools/vendor.py
	@touch $@

install: .stamp-install .stamp-vendor
vendor: .stamp-vendor

# Regenerate the translation catalogues from the source (needs GNU gettext); the
# compiled .mo files are committed so that a fresh machine needs no gettext.
messages: .stamp-install
	cd src/doorstep && ../../$(BIN)/python ../../manage.py makemessages -l zh_Hans -l ug --no-obsolete --no-wrap --ignore='tests/*'
	cd src/doorstep && ../../$(BIN)/python ../../manage.py compilemessages

# --- the two commands --------------------------------------------------------------
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) demo --if-empty
	@echo "Serving Doorstep at http://$(HOST):$(PORT)/ (Ctrl-C stops it, the task worker and the periodic runner)"
	@$(MANAGE) db_worker --no-reload --interval 1 & worker=$$!; \
	  $(MANAGE) run_periodic --interval 30 & periodic=$$!; \
	  trap 'kill $$worker $$periodic 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

test: .stamp-dev .stamp-vendor
	$(BIN)/ruff check src bench tools
	$(BIN)/ruff format --check src bench tools
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

# A bounded locust run against gunicorn on PostgreSQL (loopback only, stops by itself),
# on a throwaway migrated copy of region_full: make load DB=hardening_load (benchmarks.md).
USERS ?= 40
DURATION ?= 5m
load: .stamp-dev
	bench/load/run.sh $(DB) $(USERS) $(DURATION)

lint:
	$(BIN)/ruff check src bench tools
format:
	$(BIN)/ruff format src bench tools
	$(BIN)/ruff check --fix src bench tools

clean:
	rm -rf $(VENV) node_modules .stamp-* src/doorstep/core/static/vendor var
