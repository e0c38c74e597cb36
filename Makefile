# Everything runs from a local virtual environment that `make` creates on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest
WORKERS ?= 2
REPORT_DIR ?= allure-report
RESULTS_DIR ?= allure-results
# Kept between runs for the report's trend and "new failure / fixed" (CI: restore and save it as a cache or artifact).
export ALLURE_HISTORY_PATH ?= .allure/history.jsonl
# Failed journeys keep a trace and a screenshot; add e.g. `--video retain-on-failure` with E2E_ARGS=...
E2E_ARGS ?= --tracing retain-on-failure --screenshot only-on-failure
ALLURE := npx --no-install allure

.PHONY: help setup test test-emulators test-journeys test-tenant-mode selfcheck e2e report quality-gate bench serve clean

help:
	@echo "make e2e      run the journeys against the local emulators and write the report ($(REPORT_DIR)/)"
	@echo "make report   render $(RESULTS_DIR)/ as $(REPORT_DIR)/index.html (history: $(ALLURE_HISTORY_PATH))"
	@echo "make quality-gate  fail when $(RESULTS_DIR)/ has a failed journey (allurerc.mjs qualityGate)"
	@echo "make test     run every test: emulator tests, journeys (local and tenant mode), fault self-check"
	@echo "make bench    measure stack start, journey medians/p95 and suite wall time"
	@echo "make serve    start the local stack (B2C, Mobile ID, jwt.ms) for a browser by hand"

setup: $(VENV)/.deps $(VENV)/.browser

$(VENV)/.deps: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.browser: $(VENV)/.deps scripts/install_browser.py
	$(BIN)/python scripts/install_browser.py
	@touch $@

test: test-emulators test-journeys test-tenant-mode selfcheck

test-emulators: setup
	$(PYTEST) tests -n $(WORKERS)

test-journeys: setup
	$(PYTEST) e2e -n $(WORKERS) --alluredir=$(RESULTS_DIR) --clean-alluredir

test-tenant-mode: setup
	$(BIN)/python scripts/tenant_mode_against_stack.py -n $(WORKERS)

selfcheck: setup
	$(BIN)/python scripts/selfcheck.py --workers $(WORKERS)

e2e: setup
	$(PYTEST) e2e -n $(WORKERS) --alluredir=$(RESULTS_DIR) --clean-alluredir $(E2E_ARGS); status=$$?; \
	$(MAKE) --no-print-directory report; exit $$status

report:
	@if command -v npm >/dev/null 2>&1; then \
		{ test -d node_modules/allure || npm ci --silent --no-audit --no-fund; } && \
		mkdir -p $(dir $(ALLURE_HISTORY_PATH)) && \
		$(ALLURE) generate $(RESULTS_DIR) --output $(REPORT_DIR) >/dev/null && \
		echo "report: $(REPORT_DIR)/index.html (results: $(RESULTS_DIR)/, history: $(ALLURE_HISTORY_PATH))"; \
	else \
		echo "report: results in $(RESULTS_DIR)/; install Node.js and npm to render the HTML report"; \
	fi

quality-gate:  # the helper gives Node.js 20 the Iterator.toArray Allure's quality gate calls (Node.js 22 has it)
	@ALLURE_HISTORY_PATH=off NODE_OPTIONS="--import=./scripts/node20-iterator-helpers.mjs" $(ALLURE) quality-gate $(RESULTS_DIR)

bench: setup
	$(BIN)/python bench/run.py

serve: setup
	$(BIN)/python -m mocks serve --port 8443

clean:  # keeps the report history ($(ALLURE_HISTORY_PATH))
	rm -rf $(RESULTS_DIR) $(REPORT_DIR) test-results bench-results .stack
