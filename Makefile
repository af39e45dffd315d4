# The two commands: `make run` (the full gate against the embedded reference app) and
# `make test` (the whole suite). Both create or update .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test lint typecheck bench venv system-deps clean example-report dashboard-screenshot

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/minitwit-harness check

system-deps:
	@bash scripts/install-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) system-deps lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

# Regenerates reports/example/: the reference app compared with a deviant app (~2 min).
example-report: $(STAMP)
	$(BIN)/python scripts/example_report.py

# Regenerates docs/simulate-dashboard.png: the status page over a made-up class (~5 s).
dashboard-screenshot: $(STAMP)
	$(BIN)/python scripts/dashboard_screenshot.py

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) harness-output .pytest_cache .mypy_cache .ruff_cache
