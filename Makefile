# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PIP_FLAGS ?= --disable-pip-version-check -q

.PHONY: install compile demo test check-static test-fast lint bench bench-run clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	touch $(STAMP)

# An editable install leaves our modules uncompiled; where PYTHONDONTWRITEBYTECODE is set,
# every `content-audit check` would compile them again (~0.3 s).  Run on every make, so an
# edited module is compiled too (compileall skips what is up to date).
compile: $(STAMP)
	@$(BIN)/python -m compileall -q src flows > /dev/null

install: $(STAMP) compile

## Serve the bundled demo clinic site on 127.0.0.1, audit it, write reports/demo/.
demo: install
	$(BIN)/content-audit demo

## Lint, format check and type check, then the whole test suite (what CI runs).
test: install check-static
	$(BIN)/python -m pytest

## ruff (lint and format) and mypy (the package, configured in pyproject.toml's [tool.mypy]).
check-static: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Skip the slow tests (sites of hundreds of pages, flows).
test-fast: install
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/bench_check.py

## content-audit against advertools on a 1,000-page sitegen site served by nginx (issue #6).
## Needs nginx; installs the bench extra (advertools).  More: bench/run --help.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench-run: install $(BENCH_STAMP)
	$(BIN)/python bench/run --pages 1000

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
