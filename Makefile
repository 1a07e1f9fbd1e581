# Each target bootstraps .venv on a fresh machine (python3 -m venv, then pip install).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test test-fast lint format bench bench-neo4j clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/abmgraph demo --reset

test: $(STAMP)
	scripts/ensure-chromium
	scripts/run-tests

test-fast: $(STAMP)
	scripts/ensure-chromium
	$(BIN)/python -m pytest -m "not neo4j"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_embedded.py

# About 25 minutes on 2 cores: starts its own local Neo4j on port 7699 (needs Java 17 and Maven).
bench-neo4j: $(STAMP)
	$(BIN)/python benchmarks/bench_neo4j.py

clean:
	rm -rf $(VENV) .abmgraph .pytest_cache
