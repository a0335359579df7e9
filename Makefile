# scrm-graph: `make run` serves the API on HOST:PORT; `make test` runs the whole suite.
# Both set themselves up from nothing: a .venv, the Python package, the npm tools.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install lint typecheck clean help explorer browser-deps

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

# --- the web explorer (web/): npm ci from the committed lockfile, then a production build
# into web/dist, which `scrm serve` serves at /.  Rebuilt when a source changes.
EXPLORER_SOURCES := $(shell find web/src web/graphiql -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.installed $(EXPLORER_SOURCES)
	cd web && npm run --silent build

explorer: web/dist/index.html

# Headless Chromium and CJK fonts for the browser tests (Debian packages), when missing.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! { command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; }; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi
# ---

run: install explorer
	$(BIN)/scrm demo seed
	$(BIN)/scrm serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

test: install tools/cypher-lint/node_modules/.installed explorer browser-deps lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info tools/cypher-lint/node_modules web/node_modules web/dist
