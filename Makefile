# Ourplan. `make run` serves the demo; `make test` runs every check and test.
# Both work on a fresh clone with only Python 3.11, Node.js and apt on the machine.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test test-postgres check lint typecheck migrations-check pytest \
        browser-deps system-deps install demo bench clean

help:
	@echo "make run            set up everything and serve the demo on http://$(HOST):$(PORT)"
	@echo "make test           install test tools (Chromium included), run checks and every test"
	@echo "make test-postgres  run the test suite against PostgreSQL ($(POSTGRES_URL))"
	@echo "make lint / typecheck / migrations-check   the individual checks"
	@echo "make bench          query-count and timing benchmarks"

# --- installation --------------------------------------------------------------------------

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(BIN)/.installed node_modules/.installed

# Pango for WeasyPrint's PDFs (the plan as PDF and large print).
system-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0; then \
		echo "Installing Pango from Debian's packages (for PDFs)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation; \
	fi

# Debian's Chromium for the real-browser tests (Playwright drives it; it never downloads one).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium from Debian's packages"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-liberation; \
	fi

# --- the demo --------------------------------------------------------------------------------

demo: install system-deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py refresh_review_schedules
	$(BIN)/python manage.py send_review_reminders

# The background worker (it sends the emails) runs beside the web server; Ctrl-C stops both.
run: demo
	@echo "Ourplan demo: http://$(HOST):$(PORT)/personas/ (sign in as any persona); emails go to /outbox/"
	@$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	PERSONAS_ENABLED=1 DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# --- checks and tests ------------------------------------------------------------------------

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy ourplan

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

check: lint typecheck migrations-check
	$(BIN)/python manage.py check

pytest: install system-deps browser-deps
	$(BIN)/pytest -p no:cacheprovider

test: check pytest

test-postgres: install system-deps browser-deps
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -p no:cacheprovider

bench: install
	$(BIN)/python -W ignore::UserWarning -m ourplan.bench

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 .pytest_cache .mypy_cache .ruff_cache
