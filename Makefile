# speedlab: `make test` and `make demo` do all their set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test lint demo bench install clean translations chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,dask]'
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

# Four pytest workers on two cores: most tests wait (servers, sleeps, child processes), so
# running four at once halves the wall time; tests/ never depends on another test's order.
test: lint chromium
	SPEEDLAB_REQUIRE_CHROMIUM=1 $(BIN)/python -m pytest -n 4

demo: $(STAMP)
	$(BIN)/speedlab demo

# primesieve (the C++ speed anchor of benchmarks/primes.py) builds from source: it needs
# Debian's libprimesieve-dev and a C++ compiler, then the pinned PyPI package. Installing them
# needs root; without it (or without apt-get) each step says so in one line and the benchmark
# skips only primesieve's row.
bench: $(STAMP)
	@$(BIN)/python -c 'import primesieve' 2>/dev/null || { \
		dpkg -s libprimesieve-dev g++ >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq libprimesieve-dev g++; } >/dev/null 2>&1 || \
		echo "make bench: cannot apt-get install libprimesieve-dev g++ (needs root and Debian)"; \
		$(BIN)/python -m pip install --quiet -c constraints.txt primesieve >/dev/null 2>&1 || \
		echo "make bench: cannot build the primesieve package; benchmarks/primes.py skips it"; \
	}
	@$(BIN)/python -c 'import orjson' 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -c constraints.txt 'orjson==3.13.0' || \
		echo "make bench: cannot install orjson; benchmarks/parse.py skips it"
	@$(BIN)/python -c 'import joblib' 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -c constraints.txt 'joblib==1.6.0' || \
		echo "make bench: cannot install joblib; benchmarks/cpu.py skips it"
	$(BIN)/python benchmarks/primes.py
	$(BIN)/python benchmarks/io.py
	$(BIN)/python benchmarks/loop.py
	$(BIN)/python benchmarks/parse.py
	$(BIN)/python benchmarks/spinner.py
	$(BIN)/python benchmarks/cpu.py

# Translations (gettext catalogs, Babel): extract the lesson's messages, merge them into each
# catalog (new or changed ones come out empty or fuzzy: translate them), and compile the .mo that
# is committed and shipped. tests/lesson/test_catalogs.py fails until source, .po and .mo agree.
LOCALE := src/speedlab/locale
translations: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel -q extract --no-location --sort-output --project speedlab \
		-o build/speedlab.pot src/speedlab/lesson
	$(BIN)/pybabel update -i build/speedlab.pot -d $(LOCALE) -D speedlab \
		--ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel compile -d $(LOCALE) -D speedlab --statistics
	$(BIN)/python benchmarks/loop.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
