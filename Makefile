# journeymap: `make demo` runs the main job offline; `make test` runs linters and tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOME_DIR ?= .journeymap
OUT ?= out
SAMPLES := samples/freshbox/interviews samples/freshbox/reviews

.PHONY: install demo test lint pytest bench clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

install: $(VENV)/.installed

demo: install
	JOURNEYMAP_HOME=$(HOME_DIR) $(BIN)/journeymap ingest $(SAMPLES) --project freshbox --segment study=freshbox-2026
	JOURNEYMAP_HOME=$(HOME_DIR) $(BIN)/journeymap sources --project freshbox
	JOURNEYMAP_HOME=$(HOME_DIR) $(BIN)/journeymap search "the delivery was late" --project freshbox --role participant -n 3

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

test: lint pytest

bench: install
	$(BIN)/python -m bench.ingest

clean:
	rm -rf $(VENV) $(HOME_DIR) $(OUT) .mypy_cache .ruff_cache .pytest_cache
