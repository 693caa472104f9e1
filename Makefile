# The two entry points a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test install build validate stats lint clean

run: install build

test: install
	$(BIN)/ruff check src tests
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

build: install
	$(BIN)/labgraph build

validate: install
	$(BIN)/labgraph validate

stats: install
	$(BIN)/labgraph stats

lint: install
	$(BIN)/ruff check src tests

clean:
	rm -rf build .pytest_cache .ruff_cache
