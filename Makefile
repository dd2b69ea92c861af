PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
UV_VERSION := 0.13.8
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run test test-fast lint lock bench system chromium postgresql axe nginx

# $(call debian_package,PATH_OR_COMMAND,PACKAGE,WHAT_FOR): install Debian's PACKAGE when
# PATH_OR_COMMAND is missing, as root; otherwise say how to install it and stop.
define debian_package
	@if command -v $(1) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "$(3): installing it with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	else \
		echo "$(3): run 'sudo apt-get install $(2)'"; exit 1; \
	fi
endef

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || { \
		echo "Stateful LSTM Lab needs Python 3.11, 3.12 or 3.13 (TensorFlow 2.21's wheels):"; \
		echo "run for example 'make PYTHON=python3.12 $(MAKECMDGOALS)'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# The locks: every package of the tree pinned, for every supported platform (see pyproject.toml). uv
# installs them, bytecode compiled as pip would (where PYTHONDONTWRITEBYTECODE is set, as on this machine,
# no process could save it later: each would compile TensorFlow's modules again, 10 s to import instead of
# 4): a new .venv with the test requirements in 16 s here, against 50 s with pip. pip installs them where
# uv cannot reach the index pip is configured for (uv does not read pip.conf).
INSTALL = $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r $(1) || $(BIN)/pip install --quiet -r $(1)
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(call INSTALL,requirements.txt)
	touch $@

$(VENV)/.test: requirements-test.txt | $(BIN)/python
	$(call INSTALL,requirements-test.txt)
	touch $@

## make run: set up .venv with the locked requirements and start the app on http://localhost:$(PORT)
run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

# The suite on every core: pytest-xdist workers, one more than the cores this process may use (much of
# a test's time is spent waiting for a server, a worker process or Chromium: a fresh clone's pytest took
# 1098 s with 3 workers on 2 cores, 1123 s with 4 and 1416 s with 2). tests/conftest.py says which tests
# share a worker (a file's tests, the browser tests' one server) and hands the longest out first.
WORKERS := $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) + 1)' 2>/dev/null || echo auto)
PARALLEL := -n $(WORKERS) --dist loadgroup --no-loadscope-reorder

## make test: set up the test requirements, Chromium, PostgreSQL, axe-core and nginx, lint, run the whole
## suite; it prints the 25 slowest tests and the time per kind of test
test: lint system axe
	$(BIN)/python -m pytest -q $(PARALLEL) --durations=25

## make test-fast: the inner loop: every test but the slow experiments, the training, browser, server and
## build tests
test-fast: $(VENV)/.test
	$(BIN)/python -m pytest -q $(PARALLEL) -m "not slow and not training and not browser and not server and not build"

## make lint: ruff's checks and its formatting check
lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make lock: resolve requirements.txt and requirements-test.txt again from pyproject.toml (needs
## PyPI); versions already locked are kept unless LOCK_FLAGS=--upgrade (or --upgrade-package NAME)
COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet $(LOCK_FLAGS)
lock: | $(BIN)/python
	$(COMPILE) --extra app -o requirements.txt
	$(COMPILE) --extra app --extra test --constraint requirements.txt -o requirements-test.txt

## make system: the Debian packages the tests need that are missing, in one apt-get call (as root)
SYSTEM_PACKAGES = /usr/bin/chromium:chromium $(INITDB):postgresql /usr/sbin/nginx:nginx npm:npm
system:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
		command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "The tests need Debian's$$missing: installing them with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "The tests need Debian's$$missing: run 'sudo apt-get install$$missing'"; exit 1; \
	fi

chromium:
	$(call debian_package,/usr/bin/chromium,chromium,The browser tests need Debian's Chromium)

## make postgresql: Debian's PostgreSQL binaries; the class-mode tests start a throwaway server on loopback
INITDB := $(or $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb)),initdb)
postgresql:
	$(call debian_package,$(INITDB),postgresql,The class-mode tests need Debian's PostgreSQL)

## make axe: axe-core for the accessibility test, the version pinned in package.json and package-lock.json
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	$(call debian_package,npm,npm,The accessibility test needs npm)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

nginx:
	$(call debian_package,/usr/sbin/nginx,nginx,The two-replica rehearsal needs Debian's nginx)

bench: $(VENV)/.test chromium postgresql
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_grid.py
	$(BIN)/python bench/bench_memory.py
	$(BIN)/python bench/bench_class.py
	$(BIN)/python bench/bench_watchers.py
	$(BIN)/python bench/bench_class_mode.py
	$(BIN)/python bench/bench_load.py
