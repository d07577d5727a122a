# make run   install the toolkit, validate the graph and run every canned query
# make test  install with the test extras, lint, run the tests
# make lint  lint only
# make infer  regenerate data/inferred.ttl (the generated part) after changing the
#             ontology, the data or the links
# make release  build dist/: every export, the description, docs, SHA256SUMS (needs
#               Graphviz's dot: apt-get install graphviz)
# make bench-serve  kg serve against an Oxigraph server over HTTP: throughput, p50/p99
# make bench  cost of every job at 1, 10, 100 and 1000 copies of the graph, and the
#             peers side by side: regenerates bench/RESULTS.md (45 to 60 minutes);
#             .venv/bin/python -m bench --only validate re-runs the validation section alone
# Each target creates .venv with python3.11 when it is missing. A stamp per install
# keeps pip from running again until pyproject.toml changes.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint infer release bench-serve bench

run: $(VENV)/.installed-run
	$(BIN)/kg validate
	$(BIN)/kg query --all

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

infer: $(VENV)/.installed-run
	$(BIN)/kg infer

release: $(VENV)/.installed-release
	$(BIN)/kg release --out dist

bench-serve: $(VENV)/.installed-bench
	$(BIN)/python bench/serve.py

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-release: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[release]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed-run
