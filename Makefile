# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PIP_FLAGS ?= --disable-pip-version-check -q

.PHONY: install demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	# An editable install leaves our modules uncompiled; where PYTHONDONTWRITEBYTECODE is
	# set, every `content-audit check` would compile them again (~0.3 s).
	$(BIN)/python -m compileall -q src flows > /dev/null
	touch $(STAMP)

install: $(STAMP)

## Serve the bundled demo clinic site on 127.0.0.1, audit it, write reports/demo/.
demo: $(STAMP)
	$(BIN)/content-audit demo

## The whole test suite (what CI runs).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## Skip the slow tests (sites of hundreds of pages, flows).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/bench_check.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
