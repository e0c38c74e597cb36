"""A journey run that cannot test anything says so and fails: every journey skipped (fixtures/run_outcome.py), or
--headed with no display (fixtures/browser.py); and pytest-playwright's browser options work where Playwright's own
browsers are not installed (as here)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.suite_run import ROOT, allure_results, left_naming, pytest_e2e, tail

SHOT_JOURNEY = "test_first_sign_in_creates_the_user_from_mobile_id"  # ends on the app's page with the decoded token: a tall page
TRACED_JOURNEY = "test_returning_user_signs_in_without_the_profile_page"  # a sign-up in a context of its own, then the sign-in


def test_every_journey_skipped_is_not_a_pass() -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--browser", "webkit")
    output = result.stdout + result.stderr
    assert result.returncode == 5, tail(output, 2000)
    skipped = re.search(r"^no journey ran: all (\d+) were skipped \(e\.g\. webkit is not installed", output, re.M)  # a line of its own
    assert skipped and f"{skipped.group(1)} skipped" in output, tail(output, 2000)
    # and the ways to have it: installed here, or on a browser server (this machine cannot download Playwright's builds)
    assert "playwright install webkit), or run it on a browser server that has it (E2E_BROWSER_WS_ENDPOINT)" in output, tail(output, 2000)


@pytest.mark.parametrize(("option", "selection"), [("-k", "sign_in and b2c_1_signupsigin"), ("-m", "soak")])
def test_a_selection_that_matches_no_journey_says_so(option: str, selection: str) -> None:
    """make e2e PYTEST_ARGS="-k 'sign_in and b2c_1_signupsigin'" (a typo; or a marker no journey has, -m soak): with workers (make's
    -n 2) pytest's only word was "no tests ran", which does not say that the selection matched nothing, nor where the
    journeys' names are."""
    result = pytest_e2e(option, selection, "-n", "2")
    output = result.stdout + result.stderr
    assert result.returncode == 5, tail(output, 2000)
    assert re.search(rf"^no journey ran: {option} '{selection}' selects no journey \(their names: ", output, re.M), tail(output, 2000)


def test_a_repro_run_that_left_out_its_journey_says_repro_did_not_the_selection() -> None:
    """`pytest e2e --repro sign-in -k returning` said "-k 'returning' selects no journey": --repro had left out every journey
    but its own, which the selection left out."""
    result = pytest_e2e("--repro", "sign-in", "-k", "returning", "-n", "0")
    output = result.stdout + result.stderr
    assert result.returncode == 5, tail(output, 2000)
    assert re.search(r"^no journey ran: --repro keeps e2e/test_repro.py's journey alone, which the paths or -k 'returning' given leave "
                     r"out; run it with python -m repro", output, re.M), tail(output, 2000)


def test_a_selection_that_matches_no_fast_test_is_pytests_own_to_say() -> None:
    """`pytest tests/... -k typo` runs no journey: the line that points at the journeys' names is not said there."""
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/suite/test_alive.py", "-k", "no_such_test", "-p", "no:cacheprovider",
                             "-q", "-n", "0"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 5 and "no journey ran" not in output, tail(output, 2000)


def test_journeys_that_need_the_control_api_are_skipped_with_the_reason_when_a_person_approves() -> None:
    """MOBILEID_MODE=real has no control API: the control_api journeys (Mobile ID's phone outcomes) skip, saying why."""
    real = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1A_susi", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
            "MOBILEID_MODE": "real", "MOBILEID_TEST_NUMBER": "+41791234567", "E2E_PREFLIGHT": "off"}
    result = pytest_e2e("-m", "control_api", "-n", "0", "-rs", **real)
    output = result.stdout + result.stderr
    # Every one selected (no listing of them first): the last line counts skipped and deselected journeys, nothing else.
    counts = re.search(r"^(\d+) skipped, \d+ deselected(, \d+ warnings?)? in [\d.]+s", output, re.M)
    assert result.returncode == 5 and counts and int(counts.group(1)) > 0, tail(output, 2000)
    assert output.count("needs the Mobile ID emulator's control API; this run uses MOBILEID_MODE=real") >= 2, tail(output, 2000)


def test_a_shard_that_only_skips_is_left_to_the_quality_gate() -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--browser", "webkit", "--splits", "2", "--group", "1")
    assert result.returncode == 0 and "no journey ran" not in result.stdout, tail(result.stdout, 2000)


def stopped_result(results: Path) -> tuple[str, str, str]:
    """The one result a run stopped before any journey leaves: (name, status, its message's first line)."""
    [written] = allure_results(results)
    return written["name"], written["status"], written["statusDetails"]["message"].splitlines()[0]


def test_headed_without_a_display_stops_at_once_with_the_way_out(tmp_path: Path) -> None:
    result = pytest_e2e("-m", "smoke", "-n", "0", "--headed", f"--alluredir={tmp_path}")
    assert result.returncode == 4, tail(result.stdout + result.stderr, 2000)
    assert "--headed needs a display" in result.stderr and "xvfb-run" in result.stderr
    assert "passed" not in result.stdout and "error" not in result.stdout
    name, status, said = stopped_result(tmp_path)  # and the report rendered next says so
    assert (name, status) == ("headed browser", "broken") and said.startswith("--headed needs a display")


def test_a_journey_run_without_pytest_playwright_stops_at_once_saying_so(tmp_path: Path) -> None:
    """-p no:playwright: the run failed collecting ('only_browser' not found in `markers`), or each journey with a page of
    FixtureLookupError (browser_context_args), never saying that the journeys need pytest-playwright."""
    # Without pytest-playwright its --output (PYTEST_ADDOPTS, tests/conftest.py) is no option: pytest would refuse that first.
    result = pytest_e2e("-m", "smoke", "-n", "0", "-p", "no:playwright", f"--alluredir={tmp_path}", PYTEST_ADDOPTS="")
    assert result.returncode == 4, tail(result.stdout + result.stderr, 2000)
    assert "it is not loaded (-p no:playwright): run without -p no:playwright" in result.stderr, tail(result.stderr, 2000)
    assert "FixtureLookupError" not in result.stdout and "only_browser" not in result.stdout, tail(result.stdout, 2000)
    name, status, said = stopped_result(tmp_path)
    assert (name, status) == ("pytest-playwright", "broken") and said.startswith("the journeys run in pytest-playwright's"), said
    # Loaded by its module's name (plugin autoloading off) it is there: not refused.
    loaded = pytest_e2e("-m", "smoke", "--collect-only", "-p", "pytest_playwright.pytest_playwright", "-p", "xdist.plugin", "-p",
                        "pytest_timeout", "-p", "pytest_rerunfailures", PYTEST_ADDOPTS="", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    assert loaded.returncode == 0 and "pytest-playwright" not in loaded.stderr, tail(loaded.stdout + loaded.stderr, 2000)


def test_a_device_playwright_does_not_know_stops_at_once_with_the_close_ones(tmp_path: Path) -> None:
    """--device iphone13 (a name as people type it): every journey failed with pytest-playwright's KeyError, filed as
    "other"; now the run stops before any, naming the devices it may have meant, and the report rendered next says so."""
    result = pytest_e2e("-m", "smoke", "-n", "2", "--device", "iphone13", f"--alluredir={tmp_path}")
    assert result.returncode == 4, tail(result.stdout + result.stderr, 2000)
    assert "--device 'iphone13' is not a Playwright device; did you mean: iPhone 13, " in result.stderr, tail(result.stderr, 2000)
    assert "passed" not in result.stdout and "KeyError" not in result.stdout + result.stderr, tail(result.stdout, 2000)
    name, status, said = stopped_result(tmp_path)
    assert (name, status) == ("device", "broken") and said.startswith("--device 'iphone13' is not a Playwright device")


def test_a_phones_device_in_firefox_stops_at_once() -> None:
    """Playwright's Firefox emulates no phone (isMobile): its journeys' contexts would be refused one by one, and the
    repro command refuses it too. Refused whether Firefox is installed or not (it is not here)."""
    from fixtures.browser import device_refused

    result = pytest_e2e("-m", "smoke", "-n", "0", "--browser", "chromium", "--browser", "firefox", "--device", "Pixel 7")
    assert result.returncode == 4, tail(result.stdout + result.stderr, 2000)
    assert "--device 'Pixel 7' with --browser firefox: Playwright's Firefox has no phone or tablet emulation" in result.stderr, tail(result.stderr, 2000)
    # Nothing is asked of a run that only lists; a desktop's device is Firefox's to emulate, a phone Chromium's and WebKit's.
    listed = pytest_e2e("-m", "smoke", "--collect-only", "--browser", "firefox", "--device", "Pixel 7")
    assert listed.returncode == 0, tail(listed.stdout + listed.stderr, 2000)
    kinds = {"Desktop Firefox": False, "Pixel 7": True}
    assert device_refused("Desktop Firefox", kinds, ["firefox"]) is None and device_refused("Pixel 7", kinds, ["chromium", "webkit"]) is None


@pytest.mark.parametrize(("typed", "said"), [
    ("Pixle", "did you mean: Pixel 7, Pixel 5"), ("iPhnoe 15", "did you mean: iPhone 15, iPhone 15 Pro"),
    ("Pixel7", "did you mean: Pixel 7"), ("Toaster", "e.g. 'Pixel 7', 'iPhone 15', 'Desktop Chrome'"),
], ids=["a typo", "another", "without its space", "nothing like one"])
def test_a_device_playwright_does_not_know_is_refused_with_the_names_most_like_it(typed: str, said: str) -> None:
    """--device Pixle got "e.g. 'Pixel 7', ..." where --device Pixel7 got its name: a typo is named the devices spelt most alike."""
    from fixtures.browser import device_refused

    kinds = dict.fromkeys(["Desktop Chrome", "iPhone 15", "iPhone 15 Pro", "Pixel 5", "Pixel 7", "Galaxy S9+"], True)
    assert device_refused(typed, kinds, ["chromium"]) == f"--device {typed!r} is not a Playwright device; {said}"


def test_video_without_any_ffmpeg_stops_at_once_saying_how_to_get_one(tmp_path: Path) -> None:
    """Neither Playwright's ffmpeg (where it looks) nor a system one on PATH: refused before any journey, not failed in each."""
    empty = tmp_path / "bin"
    empty.mkdir()
    result = pytest_e2e("-m", "smoke", "-n", "0", "--video", "on", f"--alluredir={tmp_path / 'results'}", PATH=str(empty),
                        PLAYWRIGHT_BROWSERS_PATH=str(tmp_path / "browsers"))
    assert result.returncode == 4, tail(result.stdout + result.stderr, 2000)
    assert "--video needs ffmpeg" in result.stderr and "apt-get install ffmpeg" in result.stderr, tail(result.stderr, 2000)
    assert "passed" not in result.stdout and not (tmp_path / "browsers").exists()
    name, status, said = stopped_result(tmp_path / "results")
    assert (name, status) == ("video", "broken") and said.startswith("--video needs ffmpeg")
    # A browser server records the video where it runs: this machine's ffmpeg is not asked for (README, browser server)
    listed = pytest_e2e("-m", "smoke", "--collect-only", "-q", "--video", "on", PATH=str(empty), PLAYWRIGHT_BROWSERS_PATH=str(tmp_path / "browsers"),
                        E2E_BROWSER_WS_ENDPOINT="ws://127.0.0.1:9/")
    assert listed.returncode == 0 and "--video needs ffmpeg" not in listed.stderr, tail(listed.stdout + listed.stderr, 2000)


def test_the_chromium_channel_runs_the_system_chromium_where_playwrights_is_not_installed() -> None:
    """--browser-channel chromium (Chromium's new headless mode) needs Playwright's full Chromium; without it the system's
    runs (Playwright's builds are not installed here: pytest_e2e points PLAYWRIGHT_BROWSERS_PATH at an empty place). A
    journey of one page is enough to show the browser launched and drove it."""
    result = pytest_e2e("-k", "test_error_page_says_sign_in_failed and b2c_1_signupsignin", "-n", "0",
                        "--browser-channel", "chromium")
    assert result.returncode == 0 and "1 passed" in result.stdout, tail(result.stdout + result.stderr, 2000)


def test_a_channel_not_installed_skips_every_journey_saying_how_to_have_it() -> None:
    """--browser-channel chrome-beta where that browser is not installed: each journey failed with Playwright's launch
    error, a page of traceback filed as "other" (the first journey's, and pytest raised it again for every later one);
    now every journey skips, at its own line, naming the channel and the ways to have it, and the run is no pass."""
    if Path("/opt/google/chrome-beta/chrome").exists():
        pytest.skip("Google Chrome Beta is installed here: the channel launches")
    result = pytest_e2e("-k", "test_id_token_carries_every_claim_of_the_contract", "-n", "0", "-rs", "--browser-channel", "chrome-beta")
    output = result.stdout + result.stderr
    assert result.returncode == 5 and "no journey ran" in output, tail(output, 2000)
    assert "2 skipped" in output and not re.search(r"\d+ errors?\b", output), tail(output, 2000)
    assert re.search(r"^SKIPPED \[2\] e2e/test_token_contract\.py:\d+: --browser-channel chrome-beta: chrome-beta is not installed here "
                     r"\(/opt/google/chrome-beta/chrome\); install it \(.*playwright install chrome-beta", output, re.M), tail(output, 2000)


NOT_INSTALLED = "is not installed here"
ELSEWHERE = "run without --browser-channel (the suite's Chromium), or on a browser server that has it (E2E_BROWSER_WS_ENDPOINT)"


@pytest.mark.parametrize(("message", "says"), [
    # macOS and Windows paths have spaces: the reason showed "/Applications/Google"
    ("Chromium distribution 'chrome' is not found at /Applications/Google Chrome.app/Contents/MacOS/Google Chrome\n"
     'Run "playwright install chrome"',
     f"--browser-channel chrome: chrome {NOT_INSTALLED} (/Applications/Google Chrome.app/Contents/MacOS/Google Chrome); "
     "install it (PYTHON -m playwright install chrome, as root: it installs the vendor's package), " + ELSEWHERE),
    ("Chromium distribution 'msedge' is not found at C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe\n"
     'Run "playwright install msedge"',
     f"--browser-channel msedge: msedge {NOT_INSTALLED} (C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe); install it "
     "(PYTHON -m playwright install msedge, as root: it installs the vendor's package), " + ELSEWHERE),
    # no folder to look in: no path, the channel named still
    ("Chromium distribution 'chrome-beta' is not found\nRun \"playwright install chrome-beta\"",
     f"--browser-channel chrome-beta: chrome-beta {NOT_INSTALLED}; install it (PYTHON -m playwright install chrome-beta, as root: "
     "it installs the vendor's package), " + ELSEWHERE),
    # a channel Playwright has no installer for: its message gives no command, nor does the reason
    ("Chromium distribution 'chrome-dev' is not found at /opt/google/chrome-unstable/chrome",
     f"--browser-channel chrome-dev: chrome-dev {NOT_INSTALLED} (/opt/google/chrome-unstable/chrome); install it (from its vendor: "
     "Playwright has no installer for it), " + ELSEWHERE),
    ("Cannot find Firefox installation for channel 'moz-firefox-beta' at the standard system paths. Tried paths:\n"
     "  C:\\Program Files\\Mozilla Firefox\\firefox.exe\n  C:\\Program Files (x86)\\Mozilla Firefox\\firefox.exe",
     f"--browser-channel moz-firefox-beta: moz-firefox-beta {NOT_INSTALLED} (C:\\Program Files\\Mozilla Firefox\\firefox.exe, "
     "C:\\Program Files (x86)\\Mozilla Firefox\\firefox.exe); install it (from its vendor: Playwright has no installer for it), "
     + ELSEWHERE),
    # a browser its vendor does not make for this system: no install helps, another channel does
    ("Chromium distribution 'msedge-canary' is not supported on linux",
     "--browser-channel msedge-canary: Playwright has no msedge-canary for this system (linux); run without --browser-channel "
     "(the suite's Chromium), with a channel this system has, or on a browser server whose system has it (E2E_BROWSER_WS_ENDPOINT)"),
], ids=["macOS path", "Windows path", "no path", "no installer", "Firefox", "not supported"])
def test_a_channel_not_there_is_said_from_playwrights_whole_message(message: str, says: str) -> None:
    """Playwright's launch error as it words each case (playwright-core's registry): the path was read up to its first
    space, and a message without a path, or of a channel this system has none of, was no skip: every journey failed
    with Playwright's error."""
    from playwright.sync_api import Error

    from fixtures.browser import browser_not_there
    from fixtures.commands import python

    said = browser_not_there(Error(f"BrowserType.launch: {message}"), None, None)  # type: ignore[arg-type]
    assert said == says.replace("PYTHON", python()), said


def test_a_results_folder_that_cannot_be_made_stops_the_run_naming_it(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    result = pytest_e2e("-m", "smoke", "-n", "0", "--alluredir", str(tmp_path / "a-file" / "results"))
    assert result.returncode == 4 and "INTERNALERROR" not in result.stdout + result.stderr, tail(result.stdout + result.stderr, 2000)
    assert "(make's RESULTS_DIR): the results folder cannot be made there (Not a directory)" in result.stderr, tail(result.stderr, 2000)


@pytest.fixture(scope="module")
def shot_and_traced(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One run for pytest-playwright's evidence options (--screenshot on --full-page-screenshot, --tracing on), which are
    the run's, of the two journeys the tests below read: each test its own journey's line and folder. -> (run, --output)."""
    out = tmp_path_factory.mktemp("evidence") / "out"
    run = pytest_e2e("-k", f"({SHOT_JOURNEY} or {TRACED_JOURNEY}) and b2c_1_signupsignin", "-n", "0", "-rA", "--screenshot", "on",
                     "--full-page-screenshot", "--tracing", "on", f"--output={out}")
    return run, out


def journey_folder(run: subprocess.CompletedProcess[str], out: Path, journey: str) -> Path:
    """The evidence folder of ``journey``, once the run says it passed (pytest-playwright names it after the test)."""
    assert re.search(rf"^PASSED e2e/\w+\.py::{journey}\[", run.stdout, re.M), tail(run.stdout + run.stderr)
    folders = [folder for folder in out.iterdir() if journey.replace("_", "-") in folder.name] if out.is_dir() else []
    assert len(folders) == 1, sorted(out.rglob("*"))
    return folders[0]


def test_full_page_screenshots_are_the_whole_page(shot_and_traced: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """pytest-playwright's --full-page-screenshot: the screenshot taken at the end is the page's whole height, taller than
    the 1280x720 window (the app's page with the decoded token)."""
    import struct

    folder = journey_folder(*shot_and_traced, SHOT_JOURNEY)
    [shot] = folder.glob("test-finished-1.png")
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG's IHDR
    assert width == 1280 and height > 720, (width, height)


def test_a_journeys_traces_are_one_a_browser_context_and_the_viewer_serves_them_without_a_display(
        shot_and_traced: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """docs/suite.md, Reports: a journey leaves a trace per browser context in test-results/<journey>/ (a returning user
    signed up for it in a context of its own: trace-1.zip and trace-2.zip), and `playwright show-trace --port 0 FILE`
    serves the viewer at the URL it prints, where no window of Playwright's own Chromium can open."""
    import os
    import signal
    import sys

    import httpx

    folder = journey_folder(*shot_and_traced, TRACED_JOURNEY)
    assert sorted(path.name for path in folder.glob("trace*.zip")) == ["trace-1.zip", "trace-2.zip"], sorted(p.name for p in folder.iterdir())
    # In a group of its own: Python's `playwright` runs the viewer in a Node child, which outlives a kill of Python alone.
    viewer = subprocess.Popen([sys.executable, "-m", "playwright", "show-trace", "--port", "0", str(folder / "trace-2.zip")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert viewer.stdout is not None
        lines = [viewer.stdout.readline() for _ in range(2)]  # a blank line, then "Listening on http://localhost:PORT"
        url = re.search(r"http://\S+", "".join(lines))
        assert url, lines
        assert httpx.get(url.group(0), follow_redirects=True, timeout=30).status_code == 200
    finally:
        os.killpg(viewer.pid, signal.SIGKILL)
        viewer.wait(10)
    left = left_naming(str(folder), 10)  # the viewer's Node process, killed: gone once the kernel has ended it
    assert left == [], f"left running: {left}"


def test_a_desktop_device_for_the_run_skips_the_phone_journey_saying_why() -> None:
    """The run's --device wins over the phone journey's Pixel 7 (pytest-playwright's options are the run's): a desktop
    one has no touch screen, and its tap failed the journey as if the page were broken."""
    result = pytest_e2e("-k", "test_mobile_device and b2c_1_signupsignin", "-n", "0", "-rs", "--device", "Desktop Chrome")
    output = result.stdout + result.stderr
    assert result.returncode == 5 and "the run's --device has no touch screen, and this journey is a phone's" in output, tail(output)


def test_headed_with_a_display_nothing_answers_at_says_so(tmp_path: Path) -> None:
    """A $DISPLAY left from a closed session: refused before any journey, not each journey's launch failing and retried as
    the machine's fault. A display whose X server listens (Linux's abstract socket, as Xvfb's) is taken."""
    from fixtures.browser import display_missing

    free = next(n for n in range(4000, 4100) if display_missing({"DISPLAY": f":{n}"}, "linux"))
    assert f"$DISPLAY=':{free}' names no display server that answers here" in str(display_missing({"DISPLAY": f":{free}"}, "linux"))
    assert display_missing({"DISPLAY": f":{free}"}, "darwin") is None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as x_server:
        x_server.bind(f"\0/tmp/.X11-unix/X{free}")
        x_server.listen()
        assert display_missing({"DISPLAY": f":{free}.0"}, "linux") is None
        assert display_missing({"DISPLAY": f"unix:{free}"}, "linux") is None
    wayland = tmp_path / "wayland-0"
    assert display_missing({"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": str(tmp_path)}, "linux") is not None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as compositor:
        compositor.bind(str(wayland))
        compositor.listen()
        assert display_missing({"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": str(tmp_path)}, "linux") is None
    result = pytest_e2e("-m", "smoke", "-n", "0", "--headed", f"--alluredir={tmp_path}", DISPLAY=f":{free}")
    assert result.returncode == 4, tail(result.stdout + result.stderr, 2000)
    assert f"--headed needs a display, and $DISPLAY=':{free}' names no display server" in result.stderr


@pytest.mark.parametrize(("option", "said"), [
    (("-m", "negativ"), "ERROR: Unknown marker(s) in '-m' expression: negativ."),
    (("-k", "sign_in and ("), "ERROR: Wrong expression passed to '-k': sign_in and (: at column 14"),
], ids=["unknown marker", "broken -k"])
def test_a_selection_pytest_refuses_is_one_line_with_workers_too(option: tuple[str, str], said: str) -> None:
    """make e2e PYTEST_ARGS='-m negativ' (make's -n 2): pytest refused it in each worker as it collected, and xdist ended
    with an INTERNALERROR naming a crashed journey; without workers pytest says the one line. Said before any worker."""
    result = pytest_e2e(*option, "-n", "2")
    output = result.stdout + result.stderr
    assert result.returncode == 4 and said in output and "INTERNALERROR" not in output, tail(output, 2000)


def test_the_virtual_display_way_out_says_how_to_install_it_where_it_is_missing(tmp_path: Path) -> None:
    """--headed without a display points at xvfb-run, which a machine without a desktop (this one, CI's) may not have:
    following the hint then met "command not found". Where xvfb-run is not on the PATH the hint names its package."""
    from fixtures.browser import under_a_virtual_display

    assert under_a_virtual_display("python -m pytest e2e --headed", {"PATH": str(tmp_path)}) == (
        "xvfb-run python -m pytest e2e --headed (xvfb-run is not installed here: apt-get install xvfb)")
    xvfb_run = tmp_path / "xvfb-run"
    xvfb_run.write_text("#!/bin/sh\n")
    xvfb_run.chmod(0o755)
    assert under_a_virtual_display("python -m pytest e2e --headed", {"PATH": str(tmp_path)}) == "xvfb-run python -m pytest e2e --headed"


def test_a_run_whose_one_journey_skipped_says_so_in_words_for_one() -> None:
    """README's journeys are watched one at a time (-k ... --browser firefox): "all 1 were skipped (e.g. ...)" read as a
    slip; one journey is "the 1 selected", and its reason is the reason, not an example."""
    from fixtures.run_outcome import none_ran

    assert none_ran(1, "firefox is not installed") == (
        "no journey ran: the 1 selected was skipped (firefox is not installed); a run that tested nothing is not a pass")
    assert none_ran(8, "webkit is not installed") == (
        "no journey ran: all 8 were skipped (e.g. webkit is not installed); a run that tested nothing is not a pass")


def test_slowmo_grows_each_journeys_time_limit_as_the_header_says_and_a_given_timeout_or_a_negative_slowmo_is_not_taken() -> None:
    """--slowmo 5000 to watch a sign-up ran out of pytest.ini's 180 s, filed as infrastructure (retried by --infra-reruns);
    --slowmo -5 was taken silently as none. A journey's limit grows by 100 x --slowmo, as the repro command's does."""
    listed = pytest_e2e("-m", "smoke", "--collect-only", "-v", "--slowmo", "2000", "-p", "tests.suite.time_limits_listed")
    limits = set(re.findall(r"^time limit e2e/\S+ (\S+)$", listed.stdout, re.MULTILINE))
    assert listed.returncode == 0 and limits == {"380.0"}, tail(listed.stdout + listed.stderr, 2000)
    assert "a journey's time limit: 380 s (180 s, and 100 x --slowmo 2000 ms)" in listed.stdout
    given = pytest_e2e("-m", "smoke", "--collect-only", "--slowmo", "2000", "--timeout", "50", "-p", "tests.suite.time_limits_listed")
    assert set(re.findall(r"^time limit e2e/\S+ (\S+)$", given.stdout, re.MULTILINE)) == {"none"}, tail(given.stdout, 2000)
    in_env = pytest_e2e("-m", "smoke", "--collect-only", "--slowmo", "2000", "-p", "tests.suite.time_limits_listed", PYTEST_TIMEOUT="50")
    assert set(re.findall(r"^time limit e2e/\S+ (\S+)$", in_env.stdout, re.MULTILINE)) == {"none"}, tail(in_env.stdout, 2000)
    refused = pytest_e2e("-m", "smoke", "--slowmo", "-5")
    assert refused.returncode == 4 and "--slowmo -5 must be 0 or more milliseconds" in refused.stderr, tail(refused.stderr, 2000)


def test_an_empty_evidence_folder_is_refused_at_the_start() -> None:
    """make e2e EVIDENCE_DIR= gave --output "": pytest-playwright wrote each journey's evidence into the working folder (the
    repository), which nothing empties."""
    refused = pytest_e2e("-m", "smoke", "--output=", "--screenshot", "on")
    assert refused.returncode == 4, tail(refused.stdout + refused.stderr, 2000)
    assert "--output is empty (make's EVIDENCE_DIR=): give the journeys' evidence a folder of its own" in refused.stderr, tail(refused.stderr)
