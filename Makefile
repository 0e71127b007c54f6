# journeymap: `make demo` runs the main job offline; `make test` runs linters and tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOME_DIR ?= .journeymap
OUT ?= out
SAMPLES := samples/freshbox/interviews samples/freshbox/reviews

.PHONY: install demo test lint pytest bench clean browser

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

install: $(VENV)/.installed

demo: install
	JOURNEYMAP_HOME=$(HOME_DIR) $(BIN)/journeymap ingest $(SAMPLES) --project freshbox --segment study=freshbox-2026
	JOURNEYMAP_HOME=$(HOME_DIR) $(BIN)/journeymap map --project freshbox --title "Freshbox: customer journey (draft)" \
		--out $(OUT)/freshbox.json --out $(OUT)/freshbox.html --out $(OUT)/freshbox.md \
		--out $(OUT)/freshbox.csv --out $(OUT)/freshbox.mmd
	@echo "open $(OUT)/freshbox.html to see the map"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

# CI (CI=true) installs Debian's Chromium so the HTML map is tested in a real browser; elsewhere
# that test is skipped when no Chromium is on the machine.
browser:
ifeq ($(CI),true)
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
endif

test: lint browser pytest

bench: install
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.quality
	$(BIN)/python -m bench.map

clean:
	rm -rf $(VENV) $(HOME_DIR) $(OUT) .mypy_cache .ruff_cache .pytest_cache
