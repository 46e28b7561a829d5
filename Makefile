# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint bench demo clean-db demo-db

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Build the demo database when the app would use the default SQLite file and it has no tables yet (missing,
# or left empty by an app started without it: SQLite creates the file on first connect).
HAS_DB := import sqlite3, sys; c = sqlite3.connect("file:data/dashboard.db?mode=ro", uri=True); \
	sys.exit(0 if c.execute("SELECT 1 FROM sqlite_master WHERE name = ?", ("meta",)).fetchone() else 1)
demo-db: | $(VENV)/.runtime
	@if [ -z "$$DATABASE_URL" ] && ! $(PY) -c '$(HAS_DB)' 2>/dev/null; then $(PY) -m lib.cli demo; fi

run: $(VENV)/.runtime demo-db
	$(PY) -m lib.serve --server.port $(PORT)

test: $(VENV)/.dev
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m compileall -q app.py ui.py lib pages tests

bench: $(VENV)/.dev
	$(PY) -m lib.cli bench --scale $${SCALE:-city}

demo: $(VENV)/.runtime
	$(PY) -m lib.cli demo --force
