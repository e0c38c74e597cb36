# Everything runs from a local virtual environment that `make` creates on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest
WORKERS ?= 2
REPORT_DIR ?= allure-report
RESULTS_DIR ?= allure-results

.PHONY: help setup test test-emulators test-journeys test-tenant-mode selfcheck e2e report bench serve clean

help:
	@echo "make e2e      run the journeys against the local emulators and write the report ($(REPORT_DIR)/)"
	@echo "make test     run every test: emulator tests, journeys (local and tenant mode), fault self-check"
	@echo "make bench    our journeys, stack and suite side by side with oidc-provider (BENCH_ARGS=--quick for fewer rounds)"
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
	$(PYTEST) e2e -n $(WORKERS) --alluredir=$(RESULTS_DIR) --clean-alluredir; status=$$?; \
	$(MAKE) --no-print-directory report; exit $$status

report:
	@if command -v npm >/dev/null 2>&1; then \
		{ test -d node_modules/allure || npm ci --silent --no-audit --no-fund; } && \
		npx --no-install allure generate $(RESULTS_DIR) --output $(REPORT_DIR) >/dev/null && \
		echo "report: $(REPORT_DIR)/index.html (results: $(RESULTS_DIR)/)"; \
	else \
		echo "report: results in $(RESULTS_DIR)/; install Node.js and npm to render the HTML report"; \
	fi

bench: setup
	@test -d node_modules/oidc-provider || npm ci --silent --no-audit --no-fund
	$(BIN)/python bench/run.py $(BENCH_ARGS)

serve: setup
	$(BIN)/python -m mocks serve --port 8443

clean:
	rm -rf $(RESULTS_DIR) $(REPORT_DIR) test-results bench-results .stack
