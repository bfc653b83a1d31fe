# speedlab: `make test` and `make demo` do all their set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test lint demo bench install clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# The report page's test opens it in headless Chromium (Debian's package); installing it needs
# root and apt-get, so without them the test fails and says how to get it.
chromium:
	@command -v chromium >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq chromium; } >/dev/null 2>&1 || \
		echo "make: cannot apt-get install chromium (needs root and Debian)"

test: lint chromium
	SPEEDLAB_REQUIRE_CHROMIUM=1 $(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/speedlab demo

# primesieve (the C++ speed anchor of benchmarks/primes.py) builds from source: it needs
# Debian's libprimesieve-dev and a C++ compiler, then the pinned PyPI package.
bench: $(STAMP)
	dpkg -s libprimesieve-dev g++ >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq libprimesieve-dev g++)
	$(BIN)/python -c 'import primesieve' 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -c constraints.txt 'primesieve==2.3.4'
	$(BIN)/python -c 'import orjson' 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -c constraints.txt 'orjson==3.13.0'
	$(BIN)/python benchmarks/primes.py
	$(BIN)/python benchmarks/io.py
	$(BIN)/python benchmarks/parse.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
