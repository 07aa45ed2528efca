# Two commands on a fresh machine: `make run` serves the demo directory, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help venv run setup test test-unit lint format bench messages system-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(BIN)/.installed ## create .venv and install requirements.txt

setup: venv ## migrate the database and seed the demo data the first time
	$(FLASK) db upgrade
	@if [ ! -s "$${INSTANCE_PATH:-instance}/demo-login.txt" ]; then $(FLASK) seed demo; fi

run: setup ## set up, then serve the demo directory on http://127.0.0.1:5000
	@echo
	@echo "  The directory:  http://$(HOST):$(PORT)/"
	@echo "  Demo sign-ins (e-mail, password, role):"
	@sed 's/^/    /' "$${INSTANCE_PATH:-instance}/demo-login.txt"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

system-deps: ## Debian packages the integration tests use (installed when missing, as root)
	@./.ci/install-system-deps

test: venv system-deps ## set up and run the whole suite
	$(BIN)/pytest

test-unit: venv ## the suite without the integration tests
	$(BIN)/pytest -m "not integration"

lint: venv ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format .

bench: venv ## page rendering benchmark at 1,000 and 100,000 contacts
	$(BIN)/python bench/pages.py

messages: venv ## extract every translatable string into directory/translations/messages.pot
	@mkdir -p directory/translations
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o directory/translations/messages.pot --no-location --sort-output .

clean: ## remove the virtual environment (instance/ keeps your data)
	rm -rf $(VENV)
