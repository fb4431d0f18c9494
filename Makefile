# Riposte — `make run` serves the app with demo data; `make test` runs the test suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

# The first interpreter that is Python 3.12 or newer: python3.13, python3.12, pyenv's, python3.
PYTHON ?= $(shell for c in python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) python3; do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$c; break; }; done)

.PHONY: help install run test lint format messages check clean

help:
	@echo "make run    install, migrate, load demo data and serve on http://$(HOST):$(PORT)/ with a worker and beat"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff lint and format check, import contracts"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Riposte needs Python 3.12 or newer (Django 6). Install it, e.g. 'sudo apt install python3.12 python3.12-venv'"; \
		echo "or 'pyenv install 3.13', then run make again (or: make PYTHON=/path/to/python3.12 ...)."; \
		exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed messages

messages: $(VENV)/.installed
	@$(PY) manage.py compilemessages --ignore=.venv -v 0

run: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

# One test process per core (pytest-xdist): each has its own test database.
test: install
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var .pytest_cache .ruff_cache
