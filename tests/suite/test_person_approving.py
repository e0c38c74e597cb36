"""MOBILEID_MODE=real: a person approving, with the emulator standing in for the phone.

The journeys run in real mode against a stack started apart; the test plays the
person: it approves through the control API only after the run has printed the
prompt (number, transaction number), and checks the webhook got the same. With
nobody approving, the run ends with "nobody approved ... within N s".
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fixtures.mobile_id import fresh_number, phone_text
from fixtures.process_output import output_lines, read_until
from fixtures.redaction import masked
from fixtures.stack import Stack, tenant_settings
from mocks.common import net
from tests.suite_run import suite_env, tail

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
LANGUAGES_JOURNEY = "e2e/test_languages.py::test_each_language_reaches_b2c_and_mobile_id_pages"
PROMPT = re.compile(r"approve the sign-in on the phone (\S+) within (\d+) s\. Transaction number (\w+)")


def test_the_number_is_masked_and_the_phone_text_is_mobile_ids() -> None:
    assert masked("+41791234567") == "+4179*****67"
    for language in ("de", "de-CH"):  # the page's language, whatever its region
        assert phone_text(language, "A9W1GLUM") == "Möchten Sie sich bei <your service> anmelden? Transaktion Nummer A9W1GLUM"
    assert phone_text(None, "X1").endswith("Transaction number X1")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("real-mode-stack"))
    yield running
    running.stop()


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def real_mode(stack: Stack, number: str, timeout: float, webhook: str | None, *journeys: str, workers: str = "0",
              report: str = "p") -> subprocess.Popen[str]:
    # The stack's tenant settings and nothing of the environment's or .env's (tenant_mode_env), then real mode.
    settings = {**tenant_settings(stack.info), "B2C_POLICIES": "B2C_1A_signup_signin", "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": number,
                "MOBILEID_CONTROL_URL": "", "MOBILEID_CONTROL_TOKEN": "",  # the real service has no control API
                "MOBILEID_APPROVAL_TIMEOUT": f"{timeout:g}", "E2E_PREFLIGHT": "off", "PYTHONUNBUFFERED": "1",
                **({"MOBILEID_APPROVAL_WEBHOOK": webhook} if webhook else {})}
    env = suite_env(settings)
    command = [sys.executable, "-m", "pytest", *(journeys or ["e2e/test_sign_in.py"]), "-n", workers, "-q", f"-r{report}", "-p", "no:cacheprovider"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def approve_every_prompt(process: subprocess.Popen[str], stack: Stack, number: str) -> tuple[str, list[str]]:
    """Play the person: approve each sign-in the run prompts for, acting on what it printed (that number's pending
    transaction, nothing else); the run's output and the transaction numbers approved."""
    lines, output, approved = output_lines(process), list[str](), list[str]()
    deadline = time.monotonic() + 170
    with net.client(stack.info.host_map, verify=stack.info.ca_path) as control:
        while True:
            try:
                line = read_until(lines, deadline, lambda _: True, output)
            except EOFError:
                break  # the run ended
            except TimeoutError:
                pytest.fail("the real-mode run printed nothing more before the deadline; its last lines:\n" + "\n".join(output[-20:]))
            if match := PROMPT.search(line):
                answer = control.post(f"https://openid.mobileid.ch/control/phones/{number}/approve", params={"wait": "5"})
                assert answer.status_code == 200, answer.text
                assert match.group(1) == masked(number) and match.group(3) == answer.json()["trace"]
                assert answer.json()["message"].endswith(f"Transaction number {match.group(3)}")  # what the phone showed
                approved.append(match.group(3))
    return "\n".join(output), approved


def test_the_person_approves_after_the_prompt_names_number_and_transaction(stack: Stack, webhook: tuple[str, list[dict]]) -> None:
    number = fresh_number()
    url, received = webhook
    # With the languages journey, which reaches Mobile ID in every language without signing in: in real mode it
    # checks B2C's request to Mobile ID and leaves Mobile ID's own markup alone (its branch for the real service).
    # Asked for two workers, as `make smoke` does: real mode runs one journey at a time, in the process that prompts.
    process = real_mode(stack, number, 60, url, "e2e/test_sign_in.py", LANGUAGES_JOURNEY, workers="2")
    try:
        text, approved = approve_every_prompt(process, stack, number)
        assert process.wait(timeout=30) == 0, tail(text)
        assert len(approved) == 2, tail(text)  # the returning user's sign-up, then the journey's sign-in
        assert "MOBILEID_MODE=real: the journeys run one at a time, in this process (-n ignored)" in text and "gw0" not in text
        assert re.search(rf"^PASSED {re.escape(LANGUAGES_JOURNEY)}\[", text, re.M), tail(text)
        assert number not in text  # only the masked number is ever printed
        # Each prompt, then how it ended: the chat is left with no prompt looking open.
        assert [(m["transaction"], m.get("outcome")) for m in received] == [(t, o) for t in approved for o in (None, "moved_on")]
        assert all(m["number"] == masked(number) for m in received)
        assert all(f"Transaction number {m['transaction']}" in m["phone_text"] for m in received)
        assert all(m["text"].startswith(f"Mobile ID: the sign-in on {masked(number)} is no longer waiting (transaction {m['transaction']})")
                   for m in received if m.get("outcome"))
    finally:  # never leave the run (and its browser) behind
        process.kill()
        process.wait(timeout=10)


def test_the_smoke_with_the_real_service_proves_sign_in_and_the_contract_with_three_approvals(stack: Stack) -> None:
    """What the README promises of `make smoke` with a person approving: the first sign-up skips, saying why (one real
    phone cannot be new every time), and so does the decline on the phone (the emulator's control API declines); the
    sign-in and the token's contract run, with three approvals for the policy (the run's returning user, then those two
    journeys)."""
    number = fresh_number()
    process = real_mode(stack, number, 60, None, "e2e", "-m", "smoke", report="ps")
    try:
        text, approved = approve_every_prompt(process, stack, number)
        assert process.wait(timeout=30) == 0, tail(text)
    finally:  # never leave the run (and its browser) behind
        process.kill()
        process.wait(timeout=10)
    passed = re.findall(r"^PASSED (e2e/\w+\.py)::", text, re.M)
    assert sorted(passed) == ["e2e/test_sign_in.py", "e2e/test_token_contract.py"], tail(text)  # the sign-up: skipped, why
    assert re.search(r"^SKIPPED \[1\] .*needs fresh Mobile ID numbers, which only the emulator has", text, re.M), tail(text)
    assert re.search(r"^SKIPPED \[1\] .*needs the Mobile ID emulator's control API; this run uses MOBILEID_MODE=real", text, re.M), tail(text)
    assert re.search(r"\b2 passed, 2 skipped\b", text) and len(approved) == 3, (approved, tail(text))


def test_nobody_approving_ends_the_journey_with_a_clear_line(stack: Stack, webhook: tuple[str, list[dict]]) -> None:
    """The journey ends with "nobody approved", its cause Mobile ID's outcome (the wait a next journey would make for
    Mobile ID to end that sign-in: tests/suite/test_person.py); the webhook hears the prompt, then that nobody did."""
    url, received = webhook
    process = real_mode(stack, fresh_number(), 3, url)
    try:
        output, _ = process.communicate(timeout=170)
    finally:  # never leave the run (and its browser) behind
        process.kill()
        process.wait(timeout=10)
    assert process.returncode == 1, tail(output)
    assert re.search(r"nobody approved the sign-in on \+\d{4}\*+\d\d within 3 s \(transaction \w+\)", output), tail(output)
    assert re.search(r"\d s left to approve transaction", output), tail(output)  # the countdown
    assert "TimeoutError" not in output and "Traceback" not in output
    assert "1 x Mobile ID outcome: nobody approved on the phone within 3 s" in output, tail(output)
    # The waiting page is known: no guess that it might be a consent page.
    assert not re.search(r"within 3 s \(transaction \w+\); the browser still shows", output), tail(output)
    assert [m.get("outcome") for m in received] == [None, "timeout"], received
    assert received[1]["text"].startswith("Mobile ID: nobody approved the sign-in on ") and received[1]["transaction"] == received[0]["transaction"]


def sigterm_once(process: subprocess.Popen[str], reached: Callable[[str], bool], within: float, moment: str) -> tuple[int, str]:
    """``process`` (a real-mode run) sent SIGTERM once a line of its output is ``reached`` (within ``within`` s, else the test
    fails, saying it ended or went on without ``moment``), then read to its end (at most 40 s): its status and output."""
    try:
        lines, output = output_lines(process), list[str]()
        try:
            read_until(lines, time.monotonic() + within, reached, output)
        except (EOFError, TimeoutError) as missing:
            pytest.fail(f"the run {'ended' if isinstance(missing, EOFError) else f'went on for {within:g} s'} without {moment}; "
                        "its last lines:\n" + "\n".join(output[-20:]))
        process.send_signal(signal.SIGTERM)
        try:
            read_until(lines, time.monotonic() + 40, lambda line: False, output)
        except EOFError:
            pass
        except TimeoutError:
            pytest.fail("the run was still going 40 s after its SIGTERM; its last lines:\n" + "\n".join(output[-20:]))
        status = process.wait(timeout=10)
    finally:  # never leave the run (and its browser) behind
        process.kill()
        process.wait(timeout=10)
    return status, "\n".join(output)


def test_a_cancelled_job_ends_the_wait_for_a_person_and_tells_the_webhook(stack: Stack, webhook: tuple[str, list[dict]]) -> None:
    """docs/suite.md: SIGTERM to pytest (a CI job cancelled) while a person is to approve ends the wait at its next look, not
    at MOBILEID_APPROVAL_TIMEOUT (here 12 s), and the webhook hears ``stopped``: the prompt in the chat does not stay open.
    (tests/suite/test_person.py shows the wait itself; this, that a run's SIGTERM reaches it.)"""
    url, received = webhook
    # The returning user's sign-up asks the person; the wait looks again within its countdown's step (3 s here).
    status, text = sigterm_once(real_mode(stack, fresh_number(), 12, url), lambda line: PROMPT.search(line) is not None, 60,
                                "asking a person to approve, so there was no wait to stop")
    assert status == 2, tail(text)  # pytest's "interrupted"
    assert re.search(r"the run was stopped by SIGTERM while waiting for the sign-in on \+\d{4}\*+\d\d to be approved; "
                     r"nothing more to approve for transaction \w+", text), tail(text)
    assert "nobody approved" not in text and "Traceback" not in text, tail(text)
    assert [m.get("outcome") for m in received] == [None, "stopped"], received
    assert received[1]["text"].startswith("Mobile ID: the run was stopped by SIGTERM") and received[1]["transaction"] == received[0]["transaction"]


def test_a_slow_person_is_waited_for_before_pytests_own_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each sign-in may wait MOBILEID_APPROVAL_TIMEOUT for the person: a journey's timeout covers its sign-ins, so a slow
    person ends in "nobody approved ... within N s", not pytest-timeout's thread dump (pytest.ini: 180 s)."""
    from fixtures.journey import pytest_collection_modifyitems
    from fixtures.settings import build_settings
    from fixtures.settings_plugin import SETTINGS_KEY

    settings = build_settings({"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1A_susi", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
                               "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567", "MOBILEID_APPROVAL_TIMEOUT": "100"})

    class Config:  # what pytest-timeout reads of a config: nothing on the command line, pytest.ini's 180 s
        stash = {SETTINGS_KEY: settings}

        def getvalue(self, name: str) -> object:
            return None

        def getini(self, name: str) -> object:
            return {"timeout": "180", "timeout_func_only": False}.get(name)

    class Item:
        def __init__(self, timeout: float | None = None) -> None:
            self.markers = [pytest.mark.timeout(timeout).mark] if timeout else []

        def get_closest_marker(self, name: str) -> object:
            return next((m for m in self.markers if m.name == name), None)

        def add_marker(self, marker: pytest.MarkDecorator) -> None:
            self.markers.append(marker.mark)

    plain, own = Item(), Item(timeout=30)
    pytest_collection_modifyitems(Config(), [plain, own])  # type: ignore[arg-type,list-item]  # the parts the hook reads
    # 3 sign-ins of up to 100 s, 80 s for Mobile ID to end one an earlier journey left open, 60 s for the pages.
    assert plain.get_closest_marker("timeout").args == (440.0,)  # type: ignore[attr-defined]
    assert own.get_closest_marker("timeout").args == (30,)  # type: ignore[attr-defined]  # a journey's own is kept


def test_a_cancelled_job_ends_the_wait_for_mobile_id_to_end_a_sign_in_nobody_approved(stack: Stack, webhook: tuple[str, list[dict]]) -> None:
    """docs/suite.md: SIGTERM is heard at the wait's next look. After a sign-in nobody approved (3 s, under Mobile ID's 80 s)
    the next journey waits for Mobile ID to end it; SIGTERM then ends that wait at its next step (10 s), and no person is
    asked to approve another sign-in (it waited the whole 77 s, then prompted the person and the webhook)."""
    url, received = webhook
    # The wait looks again within its count-down's step (10 s).
    status, text = sigterm_once(real_mode(stack, fresh_number(), 3, url, "e2e/test_sign_in.py", "e2e/test_token_contract.py"),
                                lambda line: "until Mobile ID ends transaction" in line, 90,
                                "waiting for Mobile ID to end the sign-in nobody approved")
    assert status == 2, tail(text)  # pytest's "interrupted"
    assert re.search(r"the run was stopped by SIGTERM while waiting for Mobile ID to end transaction \w+, which nobody approved", text), tail(text)
    assert [m.get("outcome") for m in received] == [None, "timeout"], received  # the first sign-in's prompt, its end; no other
    assert len({prompt[2] for prompt in PROMPT.findall(text)}) == 1, tail(text)  # one transaction prompted (the report repeats it)
