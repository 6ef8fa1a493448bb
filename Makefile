# forecast: make run (serve with seed data on SQLite) and make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test test-all lint e2e clean lock

LOCK := requirements/dev.txt
PIP_COMPILE = $(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe \
	--no-emit-index-url --no-emit-find-links

# The pinned versions with their hashes (requirements/dev.txt), then the package itself.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolve the lock files to the newest versions pyproject.toml allows (PACKAGE=name: only it).
lock: install
	$(BIN)/pip install --quiet pip-tools
	$(PIP_COMPILE) $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade) --extra dev \
		-o requirements/dev.txt pyproject.toml
	$(PIP_COMPILE) $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade) \
		-c requirements/dev.txt -o requirements/app.txt pyproject.toml

install: $(STAMP)

run: install
	$(BIN)/forecast db upgrade
	$(BIN)/forecast seed --demo
	$(BIN)/forecast serve --host $(HOST) --port $(PORT)

# One pytest-xdist worker per core; each worker has its own PostgreSQL database (tests/conftest.py).
test: install
	$(BIN)/pytest -q -n auto --dist loadgroup

test-all: install
	$(BIN)/pytest -q -m "slow or not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .import_linter_cache test-artifacts dist build
