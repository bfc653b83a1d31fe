# speedlab: `make test` and `make demo` do all their set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test lint demo bench install clean translations

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

test: lint
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/speedlab demo

# primesieve (the C++ speed anchor of benchmarks/primes.py) builds from source: it needs
# Debian's libprimesieve-dev and a C++ compiler, then the pinned PyPI package.
bench: $(STAMP)
	dpkg -s libprimesieve-dev g++ >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq libprimesieve-dev g++)
	$(BIN)/python -c 'import primesieve' 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -c constraints.txt 'primesieve==2.3.4'
	$(BIN)/python benchmarks/primes.py
	$(BIN)/python benchmarks/io.py

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

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
