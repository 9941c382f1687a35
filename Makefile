# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PLAN_FILE := fixtures/kumamoto_4th_plan.yaml
# System packages the tests need: Chromium and a Japanese font for browser tests and screenshots,
# LibreOffice Calc and poppler for opening the Excel report in a real spreadsheet program.
TEST_APT_PACKAGES := chromium fonts-noto-cjk libreoffice-calc poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint format install test-tools clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json
	npm install --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

test-tools: node_modules/.installed
	@if ! command -v chromium >/dev/null || ! command -v libreoffice >/dev/null || ! command -v pdftotext >/dev/null \
	   || ! fc-list | grep -qi "Noto Sans CJK"; then \
	  echo "Installing system packages for the tests: $(TEST_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(TEST_APT_PACKAGES) >/dev/null; \
	fi

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_plan --if-missing $(PLAN_FILE)
	$(PY) manage.py create_demo_admin
	$(PY) manage.py runserver 127.0.0.1:8000

test: install test-tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules *.egg-info
