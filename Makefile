# Two commands set everything up on a fresh machine:
#   make site   - create .venv, install the project, build content/ into _site/
#   make test   - also install the test tools (Debian's Chromium, Java, fonts) and run the tests
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)

.PHONY: site test serve check clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

site: $(STAMP)
	$(BIN)/python build.py

serve: $(STAMP)
	$(BIN)/python build.py schema
	$(BIN)/python build.py serve

check: $(STAMP)
	$(BIN)/python build.py check --strict

test: $(STAMP)
	.ci/install-system-deps
	$(BIN)/python -m pytest

clean:
	rm -rf _site .pytest_cache
