# The two entry points a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test install build validate stats serve lint clean

# Build and validate the graph, then serve it on http://127.0.0.1:8080/ (Ctrl-C to stop).
run: install build serve

test: install
	$(BIN)/ruff check src tests
	$(BIN)/pytest

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Front-end packages (query editor, API docs), served by labgraph itself.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

build: install
	$(BIN)/labgraph build

validate: install
	$(BIN)/labgraph validate

stats: install
	$(BIN)/labgraph stats

serve: install
	$(BIN)/labgraph serve

lint: install
	$(BIN)/ruff check src tests

clean:
	rm -rf build .pytest_cache .ruff_cache
