# Everything runs from a local virtual environment that `make` creates on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST := "$(BIN)/python" -m pytest
WORKERS ?= 2
# The emulator tests wait on timers, servers and child processes more than on the CPU (2 workers kept
# 1.2 of 2 cores busy here), so they get twice the workers: `pytest tests` 77 s -> 57 s on 2 cores.
# (WORKERS=auto or logical: the same for them.) Their lengths differ a hundredfold (a repro end to end against a
# one-line check), so idle workers take tests queued for busy ones (--dist worksteal; README, Speed).
TEST_WORKERS ?= $(shell n=$$(expr 2 \* '$(WORKERS)' 2>/dev/null) && [ "$$n" -gt 0 ] && echo "$$n" || echo '$(WORKERS)')
# make test runs the journeys of both modes at once, each with half the workers (WORKERS=auto or logical: as given).
HALF_WORKERS ?= $(shell n=$$(expr '$(WORKERS)' / 2 2>/dev/null) && { [ "$$n" -gt 0 ] && echo "$$n" || echo 1; } || echo '$(WORKERS)')
REPORT_DIR ?= allure-report
RESULTS_DIR ?= allure-results
# Kept between runs for the report's trend and "new failure / fixed" (CI: restore and save it as a cache or artifact).
export ALLURE_HISTORY_PATH ?= .allure/history.jsonl
# Failed journeys keep a trace and a screenshot. E2E_ARGS=... replaces all three options below (repeat those you keep);
# PYTEST_ARGS=... adds options after them, to make e2e's and make smoke's own: make e2e PYTEST_ARGS='-k sign_up --video retain-on-failure'
# No tracebacks in the terminal: one line per failure with its cause, then the report (which has them all).
E2E_ARGS ?= --tracing retain-on-failure --screenshot only-on-failure --tb=no
PYTEST_ARGS ?=
ALLURE := npx --no-install allure
# Allure 3's npm package (package.json), installed by the report targets the first time they need it.
ALLURE_INSTALL := test -d node_modules/allure || npm ci --silent --no-audit --no-fund \
	|| { echo "report: not written: npm ci failed (run it to see why; npm needs a writable HOME for its cache)" >&2; false; }
# Python may cache compiled modules (__pycache__/, git-ignored) even where the shell says not to: without
# the cache every pytest process compiles and assertion-rewrites the tree again (collection 2.9 s -> 1.8 s;
# `make test` starts dozens of them).
unexport PYTHONDONTWRITEBYTECODE
# The recipes run the suite's own modules (python -m fixtures...., the stack's python -m mocks) from here, which
# PYTHONSAFEPATH=1 would keep off the import path.
unexport PYTHONSAFEPATH
# make -n (and -t, -q) runs every recipe line that names $(MAKE), to show what the sub-make would do: a line that also
# runs the journeys (e2e, smoke) starts with $(DRY_RUN_STOP), so that make -n prints it and the shell runs none of it.
# MAKEFLAGS' first word holds the one-letter flags (-sn: "ns"), and is empty when there are none.
MAKE_LETTERS := $(firstword -$(MAKEFLAGS))
# make e2e and make smoke show the journeys' command alone, as the shell runs it (its trace, one line), not the whole
# recipe of checks around it: the run's first screen is the command, then pytest's. SHOWN keeps the command's status
# in $status and ends the trace, its own lines traced to /dev/null.
SHOW_NEXT = set -x;
SHOWN = { status=$$?; set +x; } 2>/dev/null;
DRY_RUN_STOP := $(if $(findstring n,$(MAKE_LETTERS))$(findstring t,$(MAKE_LETTERS))$(findstring q,$(MAKE_LETTERS)),exit 0;)

.PHONY: help setup lint test test-emulators test-journeys test-tenant-mode test-remote-browser selfcheck preflight e2e report quality-gate bench serve clean repro

help:
	@echo "make e2e      run the journeys against the local emulators (a tenant when .env says E2E_TARGET=tenant) and write the report ($(REPORT_DIR)/)"
	@echo "make smoke    the pre-release check: the smoke journeys with report and JUnit XML ($(JUNIT)), against the same target"
	@echo "              (both: PYTEST_ARGS='-k sign_up --video retain-on-failure' adds pytest options to their own;"
	@echo "              WORKERS=1 runs one journey at a time, WORKERS=auto one per core: $(WORKERS) by default)"
	@echo "make report   render $(RESULTS_DIR)/ as $(REPORT_DIR)/index.html (history: $(ALLURE_HISTORY_PATH))"
	@echo "make quality-gate  fail when $(RESULTS_DIR)/ has a failed journey or none ran (scripts/quality_gate.py, as the nightly)"
	@echo "make test     run every test: emulator tests, journeys (local and tenant mode, and through a browser server), fault self-check, types and lint, CI checks (lint-ci, shard-check)"
	@echo "make lint     ruff over the tree and mypy: strict over e2e/, conftest.py, pages/, fixtures/, mocks/, repro/, bench/, scripts/, and over tests/ without requiring their annotations (pyproject.toml)"
	@echo "make bench    our journeys, stack and suite side by side with oidc-provider (BENCH_ARGS=--quick for fewer rounds)"
	@echo "make serve    start the local stack (B2C, Mobile ID, jwt.ms) for a browser by hand on port $(SERVE_PORT) (SERVE_PORT=N for another;"
	@echo "              SERVE_ARGS=\"--fault wrong-audience --policies DIR\" adds python -m mocks serve's options: its --help)"
	@echo "make preflight  check the tenant (settings in .env / the environment) before running journeys against it"
	@echo "make repro ARGS=\"...\"  rerun one reported sign-in and write a bundle for the bug (python -m repro --help)"
	@echo "make setup    the virtual environment, its packages and a browser alone (the targets that run tests do it first)"
	@echo "make clean    remove results, report, evidence, bench results and the stack's kept keys (the report history stays)"
	@echo "The nightly's steps (README, CI): make shard SHARD=K SHARDS=N, make merge-results, make nightly-report, make durations,"
	@echo "  make browser-cache-key. make test's parts: make test-emulators, make test-journeys, make test-tenant-mode,"
	@echo "  make test-remote-browser, make selfcheck (FAULTS=\"a b\" for some), make shard-check, make lint-ci"

setup: $(VENV)/.deps $(VENV)/.browser

$(VENV)/.deps: requirements.txt
	@test -x "$(BIN)/python" || $(PYTHON) -m venv $(VENV)
	"$(BIN)/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.browser: $(VENV)/.deps scripts/install_browser.py
	"$(BIN)/python" scripts/install_browser.py
	@touch $@

# After the emulator tests, the rest two targets at a time, each target's output kept together: one run's start and
# its last journey leave a core idle that the other fills (pairs measured here: the journeys in both modes 66-69 s ->
# 61-64 s, with half the workers each; self-check, shard check and browser server (and the CI lint) 39-40 s -> 33-34 s).
test: lint test-emulators
	$(MAKE) --no-print-directory -j2 --output-sync=target test-journeys test-tenant-mode WORKERS=$(HALF_WORKERS)
	$(MAKE) --no-print-directory -j2 --output-sync=target selfcheck shard-check test-remote-browser lint-ci

# The HTML report's tests render with the Allure CLI (package.json): installed first where npm is (the shard check below
# needs it too); without it they skip, saying so.
test-emulators: setup
	@if command -v npm >/dev/null 2>&1; then test -d node_modules/allure || npm ci --silent --no-audit --no-fund \
		|| echo "test-emulators: npm ci failed (run it to see why; npm needs a writable HOME for its cache): the tests of the HTML report skip"; fi
	$(PYTEST) tests -n $(TEST_WORKERS) --dist worksteal

test-journeys: setup
	$(PYTEST) e2e -n $(WORKERS) --alluredir="$(RESULTS_DIR)" --clean-alluredir

# Its evidence apart: it runs beside test-journeys, whose start empties test-results/ (and whose journeys have its names).
test-tenant-mode: setup
	"$(BIN)/python" scripts/tenant_mode_against_stack.py -n $(WORKERS) --output test-results-tenant-mode

# The smoke journeys with browsers from a Playwright browser server started here (as from a remote one), against a stack
# whose B2C builds its pages 1 s after load, as a tenant builds them 0.25-2.2 s after navigation: a journey that reads
# a B2C page before waiting for it finds it empty here (the other runs' stack builds at once: 1 s a page would cost every journey).
PAGE_BUILD_DELAY ?= 1
test-remote-browser: setup
	E2E_STACK_PAGE_BUILD_DELAY=$(PAGE_BUILD_DELAY) "$(BIN)/python" scripts/browser_server.py -- $(PYTEST) e2e -m smoke -n $(WORKERS) --stop-with-parent

# ruff over the tree, mypy strict over e2e/, conftest.py, pages/, fixtures/, mocks/, repro/, bench/, scripts/, and over tests/
# without requiring their own annotations: settings in pyproject.toml.
lint: $(VENV)/.deps
	"$(BIN)/ruff" check .
	"$(BIN)/mypy"

preflight: setup
	"$(BIN)/python" -m fixtures.preflight

# FAULTS="a b": check only those faults of mocks/faults.py (default: every one). Faults checked at a time: WORKERS, a
# count (WORKERS=auto or logical: one per core; WORKERS=0, pytest's "no workers": one).
SELFCHECK_WORKERS ?= $(shell case '$(WORKERS)' in (auto|logical) getconf _NPROCESSORS_ONLN ;; (0) echo 1 ;; (*) echo '$(WORKERS)' ;; esac)
# A WORKERS that is no count is refused naming it, as make e2e refuses it (selfcheck.py's argparse named its own --workers).
selfcheck: setup
	@$(WORKERS_BAD) :
	"$(BIN)/python" scripts/selfcheck.py --workers $(SELFCHECK_WORKERS) $(foreach fault,$(FAULTS),--fault $(fault))

# A run pytest passed without a journey's result (PYTEST_ADDOPTS or PYTEST_ARGS=--collect-only, --setup-plan, --markers, --fixtures: it
# lists and stops with status 0, no preflight, no journey) is no green run: status 5, pytest's own for "no tests ran".
NO_JOURNEY_RAN = [ $$status -ne 0 ] || ls "$(RESULTS_DIR)"/*-result.json >/dev/null 2>&1 \
	|| { echo "$@: no journey ran (no result in $(RESULTS_DIR)/: an option in PYTEST_ADDOPTS, E2E_ARGS or PYTEST_ARGS that only lists, or an --alluredir of its own?): status 5" >&2; status=5; }

# Another run writing RESULTS_DIR (a nightly over a make e2e, make smoke in a second terminal), or for e2e and smoke their
# evidence folder (EVIDENCE_DIR, which a run empties as it starts): refused at once, naming its pid and command, before its
# results, evidence or report are touched (fixtures/results_lock.py; its pytest holds the locks). REFUSED: what the
# refusal names as not started, the target by default.
RESULTS_FREE = { test ! -x "$(BIN)/python" || "$(BIN)/python" -m fixtures.results_lock "$(RESULTS_DIR)" $(RUN_EVIDENCE); } \
	|| { echo "$(or $(REFUSED),$@): not started: another run is writing $(RESULTS_DIR)/$(if $(RUN_EVIDENCE), or $(EVIDENCE_DIR)/)" >&2; exit 2; };
e2e smoke: RUN_EVIDENCE = "$(EVIDENCE_DIR)"
# FAULTS is make selfcheck's (the faults whose catching it checks): make e2e FAULTS=wrong-audience ran the journeys
# against a stack without it, green, where a stack with it was meant. The journeys' own setting is E2E_STACK_FAULTS.
# (No comma in the message: it is an argument of $(if).)
# WORKERS as pytest-xdist's -n takes it (a count, auto or logical), refused naming the setting: pytest's own refusal
# ("argument -n/--numprocesses: invalid parse_numprocesses value") names none of make's. After a run's results are
# emptied: a refused run leaves no last run's results for the report and gate to pass off as its own.
WORKERS_BAD = case '$(WORKERS)' in (auto|logical) ;; (''|*[!0-9]*) echo "$@: not started: WORKERS=$(WORKERS) is not a number of workers: give a count (WORKERS=2; 0 runs the journeys in pytest's own process), auto or logical (one per core)" >&2; exit 2;; esac;
FAULTS_UNREAD = $(if $(and $(FAULTS),$(if $(E2E_STACK_FAULTS),,unread)),echo "$@: not started: FAULTS is make selfcheck's setting and the journeys do not read it: E2E_STACK_FAULTS=\"$(strip $(FAULTS))\" make $@ runs them against a stack with those faults (README: Faults and the self-check)" >&2; exit 2;)
# make shard PYTEST_ARGS='-k sign_up' ran the whole shard, and make smoke E2E_ARGS='--video on' recorded no video: those
# targets read neither (make shard's options are SELECT's; make smoke adds its own with PYTEST_ARGS). Given (command line or
# environment, not empty), the run is refused naming the setting it reads. $(call ARGS_UNREAD,SETTING,the one it reads)
ARGS_UNREAD = $(if $(and $(strip $($(1))),$(filter environment command override,$(firstword $(origin $(1))))),echo "$@: not started: $(1) is not read by make $@: give those options as $(2)=\"$(strip $($(1)))\"" >&2; exit 2;)
# A count make hands a script, refused naming make's setting: the script's refusal (argparse's usage, pytest-split's
# "argument `--group` must be >= 1 and <= 2") names its own option. $(call NOT_A_COUNT,SETTING,what it is,least)
NOT_A_COUNT = case '$($(1))' in (''|*[!0-9]*) false;; (*) test '$($(1))' -ge $(3);; esac \
	|| { echo "$@: not started: $(1)=$($(1)) is not $(2): give a whole number, $(3) or more" >&2; exit 2; };
SHARD_BAD = $(call NOT_A_COUNT,SHARDS,a number of shards,1) $(call NOT_A_COUNT,SHARD,a shard's number,1) \
	test '$(SHARD)' -le '$(SHARDS)' || { echo "$@: not started: SHARD=$(SHARD) is past SHARDS=$(SHARDS): the shards are numbered 1 to $(SHARDS)" >&2; exit 2; };
# nightly-report's refusal is its render's (as REPORT_HELD's is): its message and gate still run.
nightly-report: REFUSED = report
# A results or report folder that cannot be made or written (REPORT_DIR=/proc/x): refused before the journeys, which ran
# to the end before (their report lost; a results folder pytest refused had `make report`'s "no results folder" follow).
# $(call FOLDER_USABLE,SETTING,folder,what it holds,default): mkdir's reason kept, its own line not printed; said as
# RESULTS_FREE says its refusal (REFUSED, the target by default).
FOLDER_USABLE = why="$$(mkdir -p "$(2)" 2>&1 >/dev/null)" && { test -w "$(2)" || why="not writable"; }; \
	test -z "$$why" || { echo "$(or $(REFUSED),$@): not started: $(1)=$(2): $(3) cannot be made or written there ($${why\#\#*: }): give a folder you can write, or leave $(1) out ($(4)/)" >&2; exit 2; };
FOLDERS_USABLE = $(call FOLDER_USABLE,RESULTS_DIR,$(RESULTS_DIR),the results folder,allure-results) \
	$(call FOLDER_USABLE,REPORT_DIR,$(REPORT_DIR),the report's folder,allure-report)

# A run that wrote no result into its results folder (the recipe removed the last run's first) has nothing to render:
# rendered next, it was an empty report and a run of nothing in the report history. pytest refused it before any plugin
# wrote one: an option it does not know (PYTEST_ARGS=--no-such-option: status 4), a results folder that holds what is no
# Allure result (RESULTS_DIR=~/Desktop, whose files --clean-alluredir would delete: fixtures/reporting.py; left as it was);
# or it ran no journey and said so above (a -k that selects none; one that only listed, whose status 0 NO_JOURNEY_RAN has
# made 5). The suite's own stops (a refused setting or evidence folder, a failed preflight) and a run whose journeys all
# skipped leave results that say why: rendered.
WROTE_NO_RESULT = ! ls "$(RESULTS_DIR)"/*-result.json >/dev/null 2>&1
REPORT_NOT_OF_IT = if test -n "$$("$(BIN)/python" -m fixtures.results_lock --not-results "$(RESULTS_DIR)")"; then \
	echo "report: not written: RESULTS_DIR=$(RESULTS_DIR) holds what is no Allure result, a folder a run refuses (its files left as they were): no report of it, nothing added to the history $(ALLURE_HISTORY_PATH)" >&2; \
	else echo "report: not written: the run wrote no result into RESULTS_DIR=$(RESULTS_DIR) (pytest's own error above says why, or the line saying no journey ran): no report of it, nothing added to the history $(ALLURE_HISTORY_PATH)" >&2; fi

# REPORT_RENDERED_NEXT: the run's causes then end without a `report:` line of their own (results, `make report` to run):
# this recipe renders the report next, whose line says where it and the results are.
# A report that cannot be written fails the target (status 2) even when every journey passed. The last run's results go
# first: pytest refuses a mistyped option (E2E_ARGS, PYTEST_ARGS, WORKERS) before --clean-alluredir acts, and the report rendered next
# and the quality gate would take them for this run's.
e2e: setup
	@$(DRY_RUN_STOP) $(FAULTS_UNREAD) $(RESULTS_FREE) $(FOLDERS_USABLE) rm -f "$(RESULTS_DIR)"/*-result.json; $(WORKERS_BAD) $(SHOW_NEXT) \
	env REPORT_RENDERED_NEXT=1 $(PYTEST) e2e -n $(WORKERS) --stop-with-parent --alluredir="$(RESULTS_DIR)" --clean-alluredir --output "$(EVIDENCE_DIR)" $(E2E_ARGS) $(PYTEST_ARGS); $(SHOWN) \
	$(NO_JOURNEY_RAN); \
	if $(WROTE_NO_RESULT); then $(REPORT_NOT_OF_IT); else $(MAKE) --no-print-directory report || [ $$status -ne 0 ] || status=2; fi; exit $$status

# The command that prints what the report's name adds (REPORT_NAME_ADDS, allurerc.mjs): the quality gate's verdict when
# it is not met or the run has failures it allows, with their causes. Without the virtual environment (make report may
# run before it exists), nothing: the report is named as always (so too where the gate cannot run, which says why in a line).
GATE_FOR_NAME = test ! -x "$(BIN)/python" || "$(BIN)/python" scripts/quality_gate.py "$(RESULTS_DIR)" --max-failures $(MAX_FAILURES) \
	--min-journeys $(MIN_JOURNEYS) --report-name

# make report and make nightly-report hold their report folder and history while they render (fixtures/results_lock.py,
# through descriptors 8 and 9 of their shell, which Allure inherits): two at once (a second terminal, a make e2e rendering
# its own) wrote one report and one history copy together. The second is refused, naming the first (the target, $@).
REPORT_HELD = test ! -x "$(BIN)/python" || { \
	{ lock="$$("$(BIN)/python" -m fixtures.results_lock --lock-file "$(REPORT_DIR)")" && exec 8>>"$$lock" && \
	lock="$$("$(BIN)/python" -m fixtures.results_lock --lock-file "$(ALLURE_HISTORY_PATH)")" && exec 9>>"$$lock"; } \
	|| { echo "report: not started: the lock file $$lock (beside REPORT_DIR=$(REPORT_DIR) or ALLURE_HISTORY_PATH=$(ALLURE_HISTORY_PATH)) cannot be written: make it a file you can write, or give a REPORT_DIR or ALLURE_HISTORY_PATH in a folder you can" >&2; exit 2; }; \
	"$(BIN)/python" -m fixtures.results_lock --hold 8="$(REPORT_DIR)" 9="$(ALLURE_HISTORY_PATH)" --by "make $@" \
	|| { echo "report: not started: another render (make report, make nightly-report) is writing $(REPORT_DIR)/ or $(ALLURE_HISTORY_PATH): wait for it to end, or give this one a REPORT_DIR and an ALLURE_HISTORY_PATH of its own" >&2; exit 2; }; };

# A results folder without a result (emptied by a run that ran none, or made by hand) is not rendered: it was an empty
# report, exit 0, and a run of nothing in the history, which make e2e and make smoke never add (WROTE_NO_RESULT; here
# shell builtins alone, as make report runs where PATH may lack ls).
# Its folders are checked first: Allure answers a results folder that is missing or a report folder that cannot be made
# with a Node stack trace, and writes its report into REPORT_DIR itself only when it finds no other folder there (it
# flattens its own, @allurereport/core's report.js: one holding another's got the report in awesome/, and an old
# index.html was named). Allure rewrites the history in place: it renders into a copy, which replaces the history once
# the report is written (a render stopped half-way left runs twice in the trend).
report:
	@$(RESULTS_FREE) if ! test -d "$(RESULTS_DIR)"; then \
		echo "report: no results folder $(RESULTS_DIR)/ (\`make e2e\` writes it; RESULTS_DIR=... names another)" >&2; exit 2; \
	fi; \
	$(call FOLDER_USABLE,REPORT_DIR,$(REPORT_DIR),the report's folder,allure-report) \
	folders=; for entry in "$(REPORT_DIR)"/* "$(REPORT_DIR)"/.[!.]*; do test ! -d "$$entry" || folders="$${folders:+$$folders }$${entry##*/}"; done; \
	if test -n "$$folders"; then \
		echo "report: REPORT_DIR=$(REPORT_DIR) holds folders ($$folders): Allure would write the report into one of its own beside them, not $(REPORT_DIR)/index.html; give a folder without folders (a new one)" >&2; exit 2; \
	fi; \
	if ! mkdir -p "$$(dirname "$(ALLURE_HISTORY_PATH)")"; then \
		echo "report: ALLURE_HISTORY_PATH=$(ALLURE_HISTORY_PATH): its folder cannot be made; give a file in a folder that can be" >&2; exit 2; \
	fi; \
	set -- "$(RESULTS_DIR)"/*-result.json; if test ! -e "$$1"; then \
		echo "report: not written: RESULTS_DIR=$(RESULTS_DIR) holds no journey's result (a run that ran none: \`make e2e\` writes them): no report of it, nothing added to the history $(ALLURE_HISTORY_PATH)" >&2; exit 2; \
	fi; \
	if command -v npm >/dev/null 2>&1; then \
		$(REPORT_HELD) { $(ALLURE_INSTALL); } && \
		{ rendering="$(ALLURE_HISTORY_PATH).rendering"; rm -f "$$rendering"; } && \
		{ test ! -f "$(ALLURE_HISTORY_PATH)" || cp "$(ALLURE_HISTORY_PATH)" "$$rendering"; } && \
		{ ALLURE_HISTORY_PATH="$$rendering" REPORT_NAME_ADDS="$$($(GATE_FOR_NAME))" $(ALLURE) generate "$(RESULTS_DIR)" --output "$(REPORT_DIR)" >/dev/null \
			|| { echo "report: not written: allure generate failed on $(RESULTS_DIR)/ (the history is as it was)" >&2; false; }; } && \
		{ test ! -f "$$rendering" || mv "$$rendering" "$(ALLURE_HISTORY_PATH)"; } && \
		$(PYTHON) scripts/offline_report.py "$(REPORT_DIR)/index.html" && \
		$(PYTHON) scripts/report_landing.py "$(REPORT_DIR)/index.html" && \
		echo "report: $(REPORT_DIR)/index.html (results: $(RESULTS_DIR)/, history: $(ALLURE_HISTORY_PATH))"; \
	else \
		echo "report: results in $(RESULTS_DIR)/; install Node.js and npm to render the HTML report"; \
	fi

# A results folder a run is still writing is refused, naming that run: the gate read the journeys done so far and was met
# ("met (20 journeys ran ...)", status 0) while the run had most of them to go.
quality-gate: $(VENV)/.deps  # each journey counted once, by its final attempt (scripts/quality_gate.py says why)
	@$(call NOT_A_COUNT,MAX_FAILURES,a number of journeys,0) $(call NOT_A_COUNT,MIN_JOURNEYS,a number of journeys,0) \
	$(RESULTS_FREE) "$(BIN)/python" scripts/quality_gate.py "$(RESULTS_DIR)" --max-failures $(MAX_FAILURES) --min-journeys $(MIN_JOURNEYS)

bench: setup
	@test -d node_modules/oidc-provider || npm ci --silent --no-audit --no-fund
	"$(BIN)/python" bench/run.py $(BENCH_ARGS)

# CI: the pre-release smoke, the nightly's shards, merge and report, the CI checks (README "CI").
.PHONY: smoke shard durations merge-results nightly-report lint-ci shard-check browser-cache-key
SHARDS ?= 2
SHARD ?= 1
SELECT ?=
DURATIONS ?= .test_durations
JUNIT ?= test-results/junit.xml
INFRA_RERUNS ?= 2
# Where CI downloads the shards' results. GitHub's download-artifact extracts a pattern that matched one artifact flat
# into it (no allure-results-K folder): then the folder itself is that shard, counted, not numbered.
SHARDS_DIR ?= shards
# SHARD_RESULTS="dir1 dir2" names the shards' folders instead (paths without spaces).
SHARD_RESULTS ?=
EXPECT_SHARDS ?=
# NIGHTLY_GATE=no: nightly-report renders and notifies without the gate (Azure gates in a job of its own, so that
# Cache@2, which saves only for a job that succeeded, keeps a red night's history).
NIGHTLY_GATE ?= yes
MAX_FAILURES ?= 0
MIN_JOURNEYS ?= 1
# Set but empty (a CI variable defined blank, MAX_FAILURES= on the command line): the default, not argparse's "expected
# one argument", which names no setting of make's.
override MAX_FAILURES := $(or $(strip $(MAX_FAILURES)),0)
override MIN_JOURNEYS := $(or $(strip $(MIN_JOURNEYS)),1)
REPORT_LINK ?=
CI_EVIDENCE ?= --tracing retain-on-failure --screenshot only-on-failure
# A CI log with dozens of failures stays readable down to its causes section: short tracebacks (the report and the
# JUnit XML keep what they say; make e2e prints none).
CI_TRACEBACKS ?= --tb=short
# Where the failure evidence of make e2e, smoke and shard goes (pytest-playwright's --output; a run empties it as it starts,
# and refuses one holding anything but evidence).
EVIDENCE_DIR ?= test-results

# The pre-release check: the smoke journeys (local stack, or the tenant in the settings), report, JUnit XML.
smoke: setup
	@$(DRY_RUN_STOP) $(FAULTS_UNREAD) $(call ARGS_UNREAD,E2E_ARGS,PYTEST_ARGS) $(RESULTS_FREE) $(FOLDERS_USABLE) rm -f "$(RESULTS_DIR)"/*-result.json "$(JUNIT)"; $(WORKERS_BAD) $(SHOW_NEXT) \
	env REPORT_RENDERED_NEXT=1 $(PYTEST) e2e -m smoke -n $(WORKERS) --stop-with-parent --infra-reruns $(INFRA_RERUNS) $(CI_EVIDENCE) $(CI_TRACEBACKS) --output "$(EVIDENCE_DIR)" \
		--alluredir="$(RESULTS_DIR)" --clean-alluredir --junitxml="$(JUNIT)" $(PYTEST_ARGS); $(SHOWN) \
	$(NO_JOURNEY_RAN); \
	if $(WROTE_NO_RESULT); then $(REPORT_NOT_OF_IT); else $(MAKE) --no-print-directory report || [ $$status -ne 0 ] || status=2; fi; exit $$status

# One CI runner's share of the journeys (pytest-split over $(DURATIONS)): make shard SHARD=2 SHARDS=4
# The last run's results go first, as make e2e's do: a shard refused before its journeys (WORKERS=abc here, SHARD=3
# SHARDS=2 or a mistyped option in SELECT by pytest, before --clean-alluredir acts) left them for make merge-results and
# the gate to pass off as this night's (the README's nightly on one machine reuses shards/allure-results-K).
shard: setup
	@$(FAULTS_UNREAD) $(call ARGS_UNREAD,PYTEST_ARGS,SELECT) $(call ARGS_UNREAD,E2E_ARGS,SELECT) $(RESULTS_FREE) rm -f "$(RESULTS_DIR)"/*-result.json; $(WORKERS_BAD) $(SHARD_BAD) :
	$(PYTEST) e2e $(SELECT) --splits $(SHARDS) --group $(SHARD) --durations-path "$(DURATIONS)" \
		-n $(WORKERS) --infra-reruns $(INFRA_RERUNS) $(CI_EVIDENCE) $(CI_TRACEBACKS) --output "$(EVIDENCE_DIR)" \
		--alluredir="$(RESULTS_DIR)" --clean-alluredir --junitxml="$(JUNIT)"

# Refresh the journeys' durations that balance the shards (commit the file).
durations: setup
	$(PYTEST) e2e -n 0 -q --store-durations --durations-path "$(DURATIONS)"

# The shards' allure-results (default: shards/allure-results-*, as CI downloads them) into one folder.
# EXPECT_SHARDS=N (CI): a shard that uploaded no results is recorded as a broken result, so the nightly is not green without it;
# so is each shard's set of collected journeys without a result (cut short at its time limit), whatever EXPECT_SHARDS says.
# A results folder a run is writing (empty while it starts its stack) is refused, naming that run: the merge wrote the
# shards' results among that run's, for its report and gate.
merge-results: $(VENV)/.deps
	@$(if $(EXPECT_SHARDS),$(call NOT_A_COUNT,EXPECT_SHARDS,a number of shards,1)) $(RESULTS_FREE) :
	"$(BIN)/python" scripts/merge_results.py $(or $(SHARD_RESULTS),--shards-in "$(SHARDS_DIR)") --into "$(RESULTS_DIR)" $(if $(EXPECT_SHARDS),--expect $(EXPECT_SHARDS))

# One report with history ($(ALLURE_HISTORY_PATH), kept by CI between runs), the message by cause, the quality gate.
# The render refuses a results folder another run is still writing, as make report does (RESULTS_FREE), and holds its
# report and history as make report's does (REPORT_HELD), in a subshell whose end lets go of them: refused, it fails like
# a render that failed, and the message and the gate still run. Their folders are made first: the locks lie beside them.
nightly-report: $(VENV)/.deps
	@status=0; \
	( $(RESULTS_FREE) $(call FOLDER_USABLE,REPORT_DIR,$(REPORT_DIR),the report's folder,allure-report) \
	mkdir -p "$$(dirname "$(ALLURE_HISTORY_PATH)")" || { echo "$(REFUSED): not started: ALLURE_HISTORY_PATH=$(ALLURE_HISTORY_PATH): its folder cannot be made; give a file in a folder that can be" >&2; exit 1; }; \
	$(REPORT_HELD) { $(ALLURE_INSTALL); } && \
	{ "$(BIN)/python" scripts/report_history.py "$(ALLURE_HISTORY_PATH)" "$(NIGHTLY_RUN_ID)" || { echo "report: not written: the history was not put back"; false; }; } && \
	{ REPORT_NAME_ADDS="$$($(GATE_FOR_NAME))" ALLURE_HISTORY_PATH="$(ALLURE_HISTORY_PATH)" $(ALLURE) generate "$(RESULTS_DIR)" --output "$(REPORT_DIR)" >/dev/null \
		|| { echo "report: not written: allure generate failed on $(RESULTS_DIR)/"; false; }; } && \
	"$(BIN)/python" scripts/offline_report.py "$(REPORT_DIR)/index.html" && \
	"$(BIN)/python" scripts/report_landing.py "$(REPORT_DIR)/index.html" && \
	echo "report: $(REPORT_DIR)/index.html (history: $(ALLURE_HISTORY_PATH))"; ) || status=1; \
	"$(BIN)/python" scripts/notify.py "$(RESULTS_DIR)" --title "$${NOTIFY_TITLE:-B2C + Mobile ID journeys}" $(if $(REPORT_LINK),--link "$(REPORT_LINK)") || status=1; \
	$(if $(filter no,$(NIGHTLY_GATE)),,"$(BIN)/python" scripts/quality_gate.py "$(RESULTS_DIR)" --max-failures $(MAX_FAILURES) --min-journeys $(MIN_JOURNEYS) || status=1;) \
	exit $$status

# The CI definitions: actionlint and the workflow schemas (offline, vendored in check-jsonschema).
# The Azure schema's patterns are not valid in unicode-mode ECMA regex, hence nonunicode.
lint-ci: $(VENV)/.deps
	"$(BIN)/actionlint" -no-color .github/workflows/*.yml
	"$(BIN)/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
	"$(BIN)/check-jsonschema" --regex-variant nonunicode --builtin-schema vendor.azure-pipelines azure-pipelines.yml

# CI's cache key for Playwright's browsers (README, CI: what is cached): the runner's OS release and architecture, which
# pick the build Playwright downloads (ubuntu24.04-x64), and the Playwright version requirements.txt pins, which fixes
# the browsers' revisions, so a restored cache holds what a download would bring. Printed, and handed to the job's next
# steps: GitHub's step output `key`, Azure's variable BROWSER_CACHE_KEY.
browser-cache-key:
	@pin="$$(sed -n 's/^playwright==\([0-9][^ ;#]*\).*/\1/p' requirements.txt)"; \
	test -n "$$pin" || { echo "$@: requirements.txt pins no playwright==VERSION, which the key is made of" >&2; exit 2; }; \
	os="$$( . /etc/os-release && echo "$$ID-$$VERSION_ID")" && test "$$os" != "-" \
		|| { echo "$@: /etc/os-release names no OS release, which the key is made of" >&2; exit 2; }; \
	key="$$os-$$(uname -m)-playwright-$$pin"; echo "$$key"; \
	if test -n "$$GITHUB_OUTPUT"; then echo "key=$$key" >> "$$GITHUB_OUTPUT"; fi; \
	if test -n "$$TF_BUILD"; then echo "##vso[task.setvariable variable=BROWSER_CACHE_KEY]$$key"; fi

# Two shards of the smoke journeys, merged, one report: every collected journey exactly once.
shard-check: setup
	"$(BIN)/python" scripts/shard_check.py --select="-m smoke"

# Its CA, certificate and keys kept in .stack/ (make clean removes it), where .env.example's E2E_CA_FILE points a
# tenant-mode run at it; the same at every start. SERVE_ARGS: python -m mocks serve's other options (its --help), e.g.
# make serve SERVE_PORT=9443 SERVE_ARGS="--fault wrong-audience --policies my-policies". MAKE_SERVE=1: a busy port's
# refusal names SERVE_PORT, the way to choose another here, not --port.
SERVE_PORT ?= 8443
SERVE_ARGS ?=
# FAULTS is make selfcheck's: make serve FAULTS=wrong-audience started a stack without it, to be tried by hand as if with
# it. Its --fault in SERVE_ARGS is how (given there as well, FAULTS is left aside as make e2e leaves it beside E2E_STACK_FAULTS).
SERVE_FAULTS_UNREAD = $(if $(and $(FAULTS),$(if $(findstring --fault,$(SERVE_ARGS)),,unread)),echo "serve: not started: FAULTS is make selfcheck's setting and the stack does not read it: make serve SERVE_ARGS=\"$(strip $(foreach fault,$(FAULTS),--fault $(fault)) $(SERVE_ARGS))\" starts it with those faults (README: Faults and the self-check)" >&2; exit 2;)
serve: setup
	@$(SERVE_FAULTS_UNREAD) :
	MAKE_SERVE=1 "$(BIN)/python" -m mocks serve --port $(SERVE_PORT) --state-dir .stack $(SERVE_ARGS)

# RESULTS_DIR=~/Desktop (a run refuses it, README; or a RESULTS_DIR exported for another tool) had rm -rf delete it whole,
# and a results folder a run was writing went from under it: both are refused, naming the folder, before anything is removed
# (without the virtual environment no run wrote one: removed as before).
clean: REFUSED = clean
clean:  # keeps the report history ($(ALLURE_HISTORY_PATH))
	@$(RESULTS_FREE) not_results="$$(test ! -x "$(BIN)/python" || "$(BIN)/python" -m fixtures.results_lock --not-results "$(RESULTS_DIR)")" || exit 2; \
	test -z "$$not_results" || { echo "clean: not started: RESULTS_DIR=$(RESULTS_DIR) holds what is no Allure result ($$(echo $$not_results | head -c 200)): left as it is; give the results folder, or leave RESULTS_DIR out (allure-results/)" >&2; exit 2; }
	rm -rf "$(RESULTS_DIR)" "$(REPORT_DIR)" test-results bench-results .stack

# Rerun one reported sign-in and write a bundle: make repro ARGS="--journey sign-in --outcome user-cancel --language de"
# From a user's HAR: make repro ARGS="--from-har user.har [--run]"; from B2C's authorize URL: ARGS="--from-url 'URL' [--run]"
# make exits 2 whatever the repro's status was: say the status, which `.venv/bin/python -m repro` returns as its own.
repro: setup
	@"$(BIN)/python" -m repro $(ARGS) || { status=$$?; echo "repro: exit status $$status (python -m repro --help says what it means;" \
		"make turns it into 2)" >&2; exit $$status; }
