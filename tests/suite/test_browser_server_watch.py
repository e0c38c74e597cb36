"""A browser server lost mid-run (fixtures/browser_server_watch.py): frozen, nothing waits on it for good; ended or
frozen, every journey from then on says so in one cause, at once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.suite_run import killed, pytest_e2e

ROOT = Path(__file__).resolve().parents[2]

# Under scripts/browser_server.py: says the endpoint, then waits on its stdin while the test does what it will to the server
# (blocking: the server's Node, which shares that stdin, makes it non-blocking).
SAY_AND_WAIT = ("import os, sys; print(os.environ['E2E_BROWSER_WS_ENDPOINT'], flush=True); os.set_blocking(0, True); "
                "sys.stdin.read()")


@pytest.fixture
def browser_server() -> Iterator[tuple[str, int]]:
    """A browser server of this machine's (endpoint, process), made to go on (SIGCONT) and ended after the test."""
    script = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "browser_server.py"), "--", sys.executable, "-c", SAY_AND_WAIT],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = 0
    try:
        assert script.stdout is not None
        said = script.stdout.readline()
        server = int(re.search(r"\(playwright run-server, pid (\d+)\)", said).group(1))  # type: ignore[union-attr]
        yield script.stdout.readline().strip(), server
    finally:
        if server:
            try:
                os.kill(server, signal.SIGCONT)
            except ProcessLookupError:
                pass
        killed(script)


# Connects, opens a page, waits for the word; then watches the server as the run does (thresholds of a second) and
# makes one call on the page, which the test has frozen or ended the server under.
CALL_ON_A_LOST_SERVER = """
import os, sys
from playwright.sync_api import sync_playwright
import fixtures.browser_server_watch
from fixtures.browser_server_watch import ServerWatch, playwright_failed
endpoint = os.environ["E2E_BROWSER_WS_ENDPOINT"]
with sync_playwright() as playwright:
    browser = playwright.chromium.connect(endpoint)
    context = browser.new_context()
    page = context.new_page()
    print("connected", flush=True)
    sys.stdin.readline()
    watch = ServerWatch(endpoint, browser, every=0.2, answer=0.5, lost_after=1.5).start()
    # An ending server stops listening within it however busy the machine; one that goes on listening is waited on this long.
    fixtures.browser_server_watch.ENDING_S = float(os.environ["LOSE_SERVER_ENDING_S"])
    failed = None
    try:
        page.evaluate("1 + 1")
        print("answered", flush=True)
    except Exception as error:
        print("raised:", str(error).splitlines()[0], flush=True)
        failed = error
    print("lost:", watch.how_lost(playwright_failed(failed)), flush=True)  # as the run's hooks ask, with the call's error
    try:
        context.close()
    except Exception:  # a server that closed its browsers: the close fails at once, waiting on nothing
        pass
    print("context closed", flush=True)
"""


@pytest.mark.parametrize(("stop", "how"), [(signal.SIGSTOP, "stopped answering"), (signal.SIGKILL, "ended"), (signal.SIGINT, "ended"),
                                           (signal.SIGTERM, "closed the browser's connection")],
                         ids=["frozen", "ended", "ended-closing-its-browsers", "closed-its-browsers-still-listening"])
def test_a_call_on_a_server_lost_under_it_ends_saying_so_and_nothing_waits_on_it(
        browser_server: tuple[str, int], stop: signal.Signals, how: str) -> None:
    """Frozen, Playwright's call (and then the context's close, as a journey's teardown makes it) waited for the
    server for good: the run never ended. Now the watch closes the connection after its silence, with its words. A server
    that closed its browsers and goes on listening (SIGTERM) left the connection open on this side, read only during a
    call: the journey it failed said Playwright's words alone."""
    endpoint, server = browser_server
    call = subprocess.Popen([sys.executable, "-c", CALL_ON_A_LOST_SERVER], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "E2E_BROWSER_WS_ENDPOINT": endpoint,
                                                                      "LOSE_SERVER_ENDING_S": "1" if stop == signal.SIGTERM else "20"})
    try:
        assert call.stdout is not None and call.stdout.readline() == "connected\n"
        os.kill(server, stop)
        said, _ = call.communicate("go\n", timeout=30)  # the old code: the call waits on the frozen server past this
    finally:
        killed(call)
    assert "raised: Page.evaluate: " in said, said
    if stop == signal.SIGSTOP:  # closed by the watch, with its words; an ended server's own close says it in Playwright's
        assert "raised: Page.evaluate: the browser server stopped answering: it took the connection, then sent nothing" in said, said
    assert f"lost: ({how!r}," in said, said
    assert said.endswith("context closed\n"), said


# Loaded into the journey run (-p): the watch's thresholds of a second, and the server frozen or ended once the first
# journey has run (its pid and signal from the environment).
LOSE_THE_SERVER = """
import os, signal
import fixtures.browser_server_watch as watch
watch.PROBE_EVERY_S, watch.PROBE_ANSWER_S, watch.LOST_AFTER_S = 0.2, 0.5, 1.5
# An ending server stops listening within it however busy the machine; one that goes on listening is waited on this long.
watch.ENDING_S = float(os.environ["LOSE_SERVER_ENDING_S"])
done = []
def pytest_runtest_logreport(report):
    if report.when == "teardown" and not done:
        done.append(report.nodeid)
        os.kill(int(os.environ["LOSE_SERVER_PID"]), getattr(signal, os.environ["LOSE_SERVER_BY"]))
"""


@pytest.mark.parametrize(("stop", "how"), [("SIGSTOP", "stopped answering"), ("SIGKILL", "ended"), ("SIGINT", "ended"),
                                           ("SIGTERM", "closed the browser's connection")],
                         ids=["frozen", "ended", "ended-closing-its-browsers", "closed-its-browsers-still-listening"])
def test_journeys_after_the_browser_server_is_lost_fail_at_once_with_one_cause_naming_it(
        browser_server: tuple[str, int], tmp_path: Path, stop: str, how: str) -> None:
    """Ended, each later journey failed with Playwright's "Target page, context or browser has been closed", a page of
    traceback each, the cause naming nothing; frozen, the run never ended."""
    endpoint, server = browser_server
    (tmp_path / "lose_the_server.py").write_text(LOSE_THE_SERVER)
    result = pytest_e2e("-m", "smoke", "-n", "0", "-p", "lose_the_server", f"--alluredir={tmp_path / 'results'}",
                        E2E_BROWSER_WS_ENDPOINT=endpoint, PYTHONPATH=str(tmp_path), LOSE_SERVER_PID=str(server), LOSE_SERVER_BY=stop,
                        LOSE_SERVER_ENDING_S="1" if stop == "SIGTERM" else "20")
    said = result.stdout
    port = endpoint.rsplit(":", 1)[1].strip("/")
    assert result.returncode == 1, said[-3000:]
    assert f"7 x infrastructure: the browser server (E2E_BROWSER_WS_ENDPOINT, host 127.0.0.1, port {port}) {how} mid-run" in said, said[-3000:]
    assert "1 passed" in said and "7 error" in said, said[-3000:]
    assert "has been closed" not in said, said[-3000:]
    assert len(said.splitlines()) < 80, said[-3000:]  # one short paragraph per journey, not a page of traceback each


def test_only_a_browser_closed_under_a_call_asks_whether_the_server_is_ending() -> None:
    """Asking takes up to ENDING_S while the server answers: a journey's own Playwright failure (a navigation refused, a
    timeout), even wrapped in the suite's failure, is not asked about, and a browser closed under a call is."""
    from playwright._impl._errors import TargetClosedError
    from playwright.sync_api import Error, TimeoutError

    from fixtures.browser_server_watch import playwright_failed
    from fixtures.causes import INFRASTRUCTURE, Cause, JourneyFailure

    def raised_from(error: Exception) -> BaseException:
        try:
            try:
                raise error
            except Exception:
                raise JourneyFailure("the page never came", cause=Cause(INFRASTRUCTURE, "never came")) from None
        except JourneyFailure as failure:
            return failure

    assert playwright_failed(raised_from(TargetClosedError()))
    assert playwright_failed(Error("BrowserType.new_context: Failed to create browser context"))
    assert playwright_failed(Error("Browser.new_context: Protocol error (Browser.setDownloadBehavior): Failed to find browser context for id 1F"))
    assert not playwright_failed(raised_from(Error("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/")))
    assert not playwright_failed(raised_from(TimeoutError("Locator.click: Timeout 15000ms exceeded.")))
    assert not playwright_failed(None)
