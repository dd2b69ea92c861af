PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run test lint bench chromium postgresql axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

## make run: set up .venv and start the app on http://localhost:$(PORT)
run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

## make test: set up test requirements and Chromium, lint, run the whole suite
test: $(VENV)/.test chromium postgresql axe
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's Chromium: run 'sudo apt-get install chromium'"; exit 1; \
	fi

## make postgresql: Debian's PostgreSQL binaries; the class-mode tests start a throwaway server on loopback
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's PostgreSQL for the class-mode tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "The class-mode tests need PostgreSQL: run 'sudo apt-get install postgresql'"; exit 1; \
	fi

## make axe: axe-core for the accessibility test, the version pinned in package.json and package-lock.json
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's npm for the accessibility test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
		else \
			echo "The accessibility test needs npm: run 'sudo apt-get install npm'"; exit 1; \
		fi; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench: $(VENV)/.test chromium
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_class.py
	$(BIN)/python bench/bench_watchers.py
	$(BIN)/python bench/bench_class_mode.py
