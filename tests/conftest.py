"""Shared by the emulator tests: they start their own servers and browsers, never the journey suite's stack."""

from __future__ import annotations

import itertools
import os
import shlex
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.cpu import command_line
from fixtures import texts
from fixtures.browser import CHROMIUM_FLAGS, PIN_FLAG, chromium_executable, missing_browser
from fixtures.settings_plugin import run_reaches, runs_journeys
from mocks.common.hosts import HostMap, chromium_host_resolver_rules
from tests.suite_run import left_naming

# The runs these tests start stop before any journey on purpose, and each would add that to the CI job's own page
# (fixtures/run_page.py): the pull request's summary would list dozens of refusals that are the tests' expected results.
os.environ.pop("GITHUB_STEP_SUMMARY", None)
os.environ.pop("AGENT_TEMPDIRECTORY", None)  # Azure's: its run page is written there
# What a run remembers in the user's cache folder (the policy files it validated: mocks/b2c/custom_policy/schema.py) goes
# to one of the tests' own in the temporary folder instead, shared by the workers and the stacks and runs they start.
os.environ.setdefault("XDG_CACHE_HOME", os.path.join(tempfile.gettempdir(), f"b2c-mobileid-tests-cache-{os.getuid()}"))


def pytest_configure(config: pytest.Config) -> None:
    """Stop a run that mixes these tests with the journeys, rather than let the journeys fail.

    The overrides below (no stack, no host map) are session fixtures: pytest-playwright's session
    browser and context arguments made for one side would be reused by the other, and the
    journeys' browser would not resolve the production host names (net::ERR_NAME_NOT_RESOLVED).
    """
    if not hasattr(config, "workerinput") and runs_journeys(config) and run_reaches(config, Path(__file__).parent):
        raise pytest.UsageError(
            "tests/ and the journeys in e2e/ run in separate pytest runs (their browsers are set up "
            "differently): `pytest tests` and `pytest e2e`, or `make test` for both")
    # The Ctrl-C tests send their commands SIGINT, as a terminal does. A shell without job control starts a background
    # command with SIGINT ignored (`make test &` in a script, some CI runners), and every process below it inherits
    # that: the commands would not hear it and those tests would fail for the shell's sake. Python's own handler again
    # here (controller and workers) gives the processes the tests start SIGINT as a terminal's shell gives it.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session", autouse=True)
def nothing_left_running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The processes tests start end with them: none naming this run's temporary folders outlives its tests (a viewer's
    Node child did, its test killing the Python that started it). Torn down last: after the session's own servers."""
    yield
    base = str(tmp_path_factory.getbasetemp())
    if left := left_naming(base, 10):  # a browser whose driver was just closed may take a moment to end
        commands = [command_line(pid)[:200] or f"{pid} (ended meanwhile)" for pid in left]
        pytest.fail(f"processes the tests started under {base} still run after them: {commands}")


@pytest.fixture(autouse=True)
def policy_files_of_the_seed_again() -> Iterator[None]:
    """The run's policy files are module state of fixtures.texts (one run, one set of files): a test that runs a command's
    main() in this process (`make preflight` against a tenant without B2C_POLICY_FILES) left policies/ read as standing
    in for a tenant's, and the next test of its worker read every message of the seed's files as a tenant's."""
    yield
    if texts.POLICIES_DIR != texts.SEED_POLICIES_DIR or not texts.POLICIES_KNOWN:
        texts.read_policies_from(None)


@pytest.fixture(autouse=True)
def evidence_of_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The journey runs a test starts keep their evidence in a folder of the test's (pytest's --output, given through
    PYTEST_ADDOPTS, which the test's own options follow and override; make's EVIDENCE_DIR, which its command line
    overrides): with the default, ./test-results/, each emptied the last `make e2e`'s traces and screenshots, and two at
    once in different workers would be refused (a run holds its evidence folder). Made only by a run that keeps evidence."""
    folder = tmp_path_factory.getbasetemp() / "evidence" / f"{os.getpid()}-{next(_EVIDENCE_FOLDERS)}"
    monkeypatch.setenv("PYTEST_ADDOPTS", " ".join(filter(None, [shlex.quote(f"--output={folder}"), os.environ.get("PYTEST_ADDOPTS")])))
    monkeypatch.setenv("EVIDENCE_DIR", str(folder))


_EVIDENCE_FOLDERS = itertools.count()


@pytest.fixture(scope="session")
def stack() -> None:
    """No suite stack: each test starts the servers it needs (without this, browser_proxy would start one)."""
    return None


@pytest.fixture(scope="session")
def host_map() -> dict[str, tuple[str, int]]:
    return {}


@pytest.fixture(scope="session")
def ca_file() -> None:
    return None


@pytest.fixture(scope="session")
def launch_chromium(playwright) -> Iterator[Callable[..., Any]]:
    """``launch_chromium(host_map=None, pin=None, **launch_options)``: Playwright's Chromium, else the system's (trusting the
    certificate pinned by ``pin``, as the suite's browser trusts the local stack); closed at the end."""
    if missing := missing_browser("chromium", playwright):
        pytest.skip(missing)
    launched = []

    def launch(host_map: HostMap | None = None, pin: str | None = None, **options: Any):
        args = list(CHROMIUM_FLAGS)
        if host_map:
            args.append(f"--host-resolver-rules={chromium_host_resolver_rules(host_map)}")
        if pin:
            args.append(PIN_FLAG + pin)
        executable = chromium_executable(playwright, options.get("headless", True))
        browser = playwright.chromium.launch(executable_path=executable, args=args, **options)
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()


@pytest.fixture
def english_page() -> Iterator[Callable[..., Any]]:
    """``english_page(browser, timeout_ms)``: a page in a new en-US context that trusts the test CA; closed at the end."""
    contexts = []

    def open_page(browser: Any, timeout_ms: float) -> Any:
        context = browser.new_context(ignore_https_errors=True, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        return page

    yield open_page
    for context in contexts:
        context.close()
