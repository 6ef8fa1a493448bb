# forecast: make run (serve with seed data on SQLite) and make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test test-all lint e2e clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/forecast db upgrade
	$(BIN)/forecast seed --demo
	$(BIN)/forecast serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -q

test-all: install
	$(BIN)/pytest -q -m "slow or not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .import_linter_cache test-artifacts dist build
