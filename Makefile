# scrm-graph: `make run` serves the API on HOST:PORT; `make test` runs the whole suite.
# Both set themselves up from nothing: a .venv, the Python package, the npm tools.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install lint typecheck clean help

help:
	@echo "make run    - set up, then serve the API on http://$(HOST):$(PORT)"
	@echo "make test   - set up, then ruff, mypy and the whole test suite"
	@echo "make clean  - remove the virtualenv and build output (keeps ./data)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

tools/cypher-lint/node_modules/.installed: tools/cypher-lint/package-lock.json
	cd tools/cypher-lint && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/scrm serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

test: install tools/cypher-lint/node_modules/.installed lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info tools/cypher-lint/node_modules
