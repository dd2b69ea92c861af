PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run test lint bench chromium nginx

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

## make test: set up test requirements, Chromium and nginx, lint, run the whole suite
test: $(VENV)/.test chromium nginx
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

nginx:
	@if [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's nginx for the two-replica rehearsal"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	else \
		echo "The two-replica rehearsal needs Debian's nginx: run 'sudo apt-get install nginx'"; exit 1; \
	fi

bench: $(VENV)/.test chromium
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_class.py
	$(BIN)/python bench/bench_watchers.py
	$(BIN)/python bench/bench_load.py
