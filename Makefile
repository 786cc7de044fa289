# One task runner: the README and .ci/run call these targets, nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.sqlite

.PHONY: demo test soak soak-short lint bench bench-short bench-full clean tools

# Python writes its bytecode caches (__pycache__, which git ignores) under every target. Where
# the environment sets PYTHONDONTWRITEBYTECODE, each pytest worker rewrote the tests' asserts
# anew and each process a test starts compiled codedb again: make test on a fresh clone took
# 194 s with it, 162 s without, and 144 s once the caches were there (2026-12-07).
unexport PYTHONDONTWRITEBYTECODE

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the packaging changes; an editable install keeps bin/codedb on the checkout.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[serve,semantic,test,lint,bench]'
	touch $@

# The command-line shells the tests read the database with, the PgBouncer the tests run codedb
# through, and the headless Chromium the pages are tested in (Debian packages).
tools:
	@command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
	@command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; }
	@test -x /usr/sbin/pgbouncer || { apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null; }
	@command -v chromedriver >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

demo: $(VENV)/.installed
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	bin/codedb --db $(DEMO_DB) init
	$(BIN)/python examples/sample_library.py $(DEMO_DB)
	bin/codedb --db $(DEMO_DB) embed --quiet
	bin/codedb --db $(DEMO_DB) stats

# One worker more than the cores: many tests wait on a server, a subprocess or a browser.
WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')

test: $(VENV)/.installed tools
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal $(PYTEST_ARGS)

# The soak suite: long concurrency, kill -9, full-disk and fuzzing runs (see tests/soak/).
soak: $(VENV)/.installed tools
	CODEDB_SOAK=full $(BIN)/python -m pytest -m soak -s tests/soak $(PYTEST_ARGS)

soak-short: $(VENV)/.installed tools
	CODEDB_SOAK=short $(BIN)/python -m pytest -m soak -s tests/soak $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks --quick $(BENCH_ARGS)

# The benchmark harness end to end at tiny sizes (every workload runs and reports), for CI.
bench-short: $(VENV)/.installed
	$(BIN)/python -m pytest -m bench tests/packaging/test_benchmarks.py $(PYTEST_ARGS)

bench-full: $(VENV)/.installed
	$(BIN)/python -m benchmarks --full $(BENCH_ARGS)

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DB)*
