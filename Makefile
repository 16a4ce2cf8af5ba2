# Two commands set everything up on a fresh machine:
#   make site   - create .venv, install the project (runtime only), build content/ into _site/
#   make test   - also install the test tools (Python extra `test`, Debian's Chromium, Java, fonts)
#                 and run the tests
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HASH := $(shell sha256sum pyproject.toml | cut -c1-12)
RUNTIME = $(VENV)/.runtime-$(HASH)
TESTTOOLS = $(VENV)/.test-$(HASH)
PIP = $(BIN)/pip install -q --disable-pip-version-check

.PHONY: site test serve check clean

$(RUNTIME): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@rm -f $(VENV)/.runtime-* && touch $(RUNTIME)

$(TESTTOOLS): $(RUNTIME)
	$(PIP) -e '.[test]'
	@rm -f $(VENV)/.test-* && touch $(TESTTOOLS)

site: $(RUNTIME)
	$(BIN)/python build.py

serve: $(RUNTIME)
	$(BIN)/python build.py serve

check: $(RUNTIME)
	$(BIN)/python build.py check --strict

test: $(TESTTOOLS)
	.ci/install-system-deps
	$(BIN)/python -m pytest

clean:
	rm -rf _site .pytest_cache
