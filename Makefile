# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PLAN_FILE := fixtures/kumamoto_4th_plan.yaml
# System packages the tests need: Chromium and a Japanese font for browser tests and screenshots,
# LibreOffice Calc and poppler for opening the Excel report in a real spreadsheet program.
TEST_APT_PACKAGES := chromium fonts-noto-cjk libreoffice-calc poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# What running needs from the system: Pango (WeasyPrint draws the PDF report with it), a Japanese font, and
# gettext's msgfmt, which compiles the English catalogue (locale/en/LC_MESSAGES/django.po).
RUN_APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext

# The production test (tests/production) and the benchmarks need PostgreSQL and Redis on this machine.
SERVICE_APT_PACKAGES := redis-server
PG_ADMIN := psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q
# A load generator for `make bench` and `make soak`, which send requests only to 127.0.0.1.
BENCH_APT_PACKAGES := wrk

.PHONY: run test lint format install install-test run-tools messages test-tools services bench-tools bench soak clean

# `make run` installs what running needs; `make test` adds the test tools (the [test] extras).
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.test-installed

node_modules/.installed: package.json
	npm install --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

run-tools:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list | grep -qi "Noto Sans CJK" || ! command -v msgfmt >/dev/null; then \
	  echo "Installing system packages for running: $(RUN_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(RUN_APT_PACKAGES) >/dev/null; \
	fi

test-tools: run-tools node_modules/.installed
	@if ! command -v chromium >/dev/null || ! command -v libreoffice >/dev/null || ! command -v pdftotext >/dev/null \
	   || ! fc-list | grep -qi "Noto Sans CJK"; then \
	  echo "Installing system packages for the tests: $(TEST_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(TEST_APT_PACKAGES) >/dev/null; \
	fi

# Starts PostgreSQL and Redis when they do not answer, and makes the role the app and the tests use.
services:
	@if ! command -v redis-server >/dev/null; then \
	  echo "Installing system packages for the services: $(SERVICE_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SERVICE_APT_PACKAGES) >/dev/null; \
	fi
	@if ! pg_isready -h 127.0.0.1 -p 5432 -q; then \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n 1)" main start; \
	  for _ in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; \
	fi
	@if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  $(SUDO) mkdir -p /var/lib/redis /var/log/redis; \
	  $(SUDO) redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	  for _ in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done; \
	fi
	@echo "DO \$$\$$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kumamoto') \
	  THEN CREATE ROLE kumamoto LOGIN CREATEDB; END IF; END \$$\$$;" | $(PG_ADMIN)

# The translations the site serves (the compiled .mo files are not kept in git).
messages: install run-tools
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

run: install run-tools messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_plan --if-missing --publish $(PLAN_FILE)
	$(PY) manage.py build_publication_files
	$(PY) manage.py create_demo_admin
	$(PY) manage.py runserver 127.0.0.1:8000

test: install-test test-tools services messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

bench-tools:
	@command -v wrk >/dev/null || { echo "Installing $(BENCH_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BENCH_APT_PACKAGES) >/dev/null; }

# Speed: gunicorn with the production settings against PostgreSQL and Redis on this machine (docs/benchmarks.md).
bench: install services bench-tools
	$(PY) bench/run.py

# Reliability: 60 s of load, then PostgreSQL restarted under load (a private PostgreSQL, started for the run).
soak: install services bench-tools
	$(PY) bench/soak.py

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules *.egg-info
