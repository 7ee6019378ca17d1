# progman — `make run` serves the sample program, `make test` runs every check. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck bench install install-test bytecode cc chromium java screenshots clean

$(BIN)/python:
	scripts/bootstrap-venv.sh "$(PYTHON)" "$(VENV)"

$(VENV)/.installed: pyproject.toml $(VENV)/.assets | $(BIN)/python
	$(BIN)/pip install --quiet --editable .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.assets | $(BIN)/python
	$(BIN)/pip install --quiet --editable '.[test]'
	touch $@ $(VENV)/.installed

## front-end packages (package-lock.json) copied into the Python package: served, never a CDN
$(VENV)/.assets: package-lock.json scripts/assets.sh | $(BIN)/python
	scripts/assets.sh
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## bytecode: an editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set every
## command would compile progman's modules again (0.06 s of a 0.3 s start); stale files are
## recompiled, so this is cheap to repeat
bytecode: | $(BIN)/python
	$(BIN)/python -m compileall -q src/progman

## run: create the SQLite database with the sample program, compile the engine once, serve
run: install bytecode cc
	$(BIN)/progman init --sample
	$(BIN)/progman serve --host $(HOST) --port $(PORT)

## lint: ruff, the import contracts of SPEC §4, and mypy (strict on domain/engine/planfile)
lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy src/progman

## test: every check, then the whole suite on SQLite and on a throwaway PostgreSQL
## (the engine is compiled once first, into the user cache the workers then load from)
test: lint bytecode cc chromium java
	$(BIN)/progman init --compile-only
	scripts/with-postgres.sh $(BIN)/pytest -n 2

## cc: a C compiler and Python's headers, for the scheduling kernels `progman init` builds
## ahead of time (Debian's gcc and pythonX.Y-dev when missing; numba alone works without)
cc: | $(BIN)/python
	scripts/c-toolchain.sh $(BIN)/python

## chromium: Debian's browser, which the web UI's tests drive through Playwright
chromium:
	command -v chromium >/dev/null || scripts/apt-install.sh chromium

## java: the Java runtime MPXJ runs on (the extra progman[mpxj] and its tests)
java:
	command -v java >/dev/null || scripts/apt-install.sh openjdk-17-jre-headless

## bench: performance benchmarks, each printed as a ratio against a baseline of the same run
## (TaskJuggler, the leveling baseline, comes from Debian's tj3 package when it is missing)
bench: install-test bytecode
	command -v tj3 >/dev/null || { apt-get update && apt-get install -y tj3; }
	$(BIN)/python -m benchmarks

## screenshots: the pictures of docs/user-guide.md, taken of the sample in Chromium
screenshots: install-test chromium
	$(BIN)/python scripts/docs_screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis node_modules
	rm -rf src/progman/api/static
	find src -name '*.nbi' -delete -o -name '*.nbc' -delete
