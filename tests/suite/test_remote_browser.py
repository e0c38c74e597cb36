"""Browsers from a Playwright browser server: connect options from settings, the proxy path, the server's Chromium.

The journeys themselves run through a server in ``make test-remote-browser``
(scripts/browser_server.py); these are the fast checks of the pieces.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import socket
import ssl
import subprocess
from pathlib import Path

import playwright
import pytest

from fixtures.browser import (
    CONNECT_TIMEOUT_MS,
    browser_not_there,
    browser_server_unreachable,
    context_options,
    pins_certificate,
    remote_connect_options,
    uses_proxy,
)
from fixtures.settings import SettingsError, build_settings
from tests.suite_run import allure_results, suite_env, tail

ROOT = Path(__file__).resolve().parents[2]
MAPPED = {"contoso.b2clogin.com": ("127.0.0.1", 8443)}


def browser_server_script():
    spec = importlib.util.spec_from_file_location("browser_server", ROOT / "scripts" / "browser_server.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_no_endpoint_launches_locally() -> None:
    assert remote_connect_options(build_settings({})) is None


def test_endpoint_headers_and_exposed_network_become_connect_options() -> None:
    settings = build_settings({"E2E_BROWSER_WS_ENDPOINT": "wss://browsers.example/ws", "E2E_BROWSER_EXPOSE_NETWORK": "<loopback>",
                               "E2E_BROWSER_WS_HEADERS": '{"Authorization": "Bearer s3cret"}'})
    assert remote_connect_options(settings) == {"endpoint": "wss://browsers.example/ws", "expose_network": "<loopback>",
                                                "headers": {"Authorization": "Bearer s3cret"}, "timeout": CONNECT_TIMEOUT_MS}
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings.describe())


def test_a_browser_server_nothing_listens_at_stops_the_run_naming_the_setting(tmp_path: Path) -> None:
    """Refused (or no such host): said before any journey, as a setting to fix, not a traceback per journey; the nightly's
    report says it too (its one result, the network's), and its JUnit XML, where the repro reads it (exit 5, not 2)."""
    from fixtures.run_results import junit_stop_causes
    from tests.suite_run import pytest_e2e

    endpoint = "ws://127.0.0.1:9/ws?token=sk-live-abcdef123456"  # a hosted service's key rides in the query
    result = pytest_e2e("-m", "smoke", "-n", "2", f"--alluredir={tmp_path}", f"--junitxml={tmp_path / 'junit.xml'}",
                        E2E_BROWSER_WS_ENDPOINT=endpoint)
    assert junit_stop_causes(tmp_path / "junit.xml") == {"infrastructure"}
    assert result.returncode == 4, tail(result.stdout + result.stderr, 2000)
    written = allure_results(tmp_path)
    assert len(written) == 1, (written, tail(result.stderr, 2000))
    assert (written[0]["name"], written[0]["status"]) == ("browser server", "broken") and "sk-live" not in json.dumps(written), written
    assert "E2E_BROWSER_WS_ENDPOINT (host 127.0.0.1, port 9): nothing answers there (ConnectionRefusedError" in result.stderr, tail(result.stderr, 2000)
    assert "Traceback" not in result.stdout + result.stderr and "passed" not in result.stdout
    assert "sk-live" not in result.stdout + result.stderr
    # Collecting runs nothing: never refused for a server that is not up (CI collects before it starts one).
    assert pytest_e2e("-m", "smoke", "--collect-only", E2E_BROWSER_WS_ENDPOINT=endpoint).returncode == 0


def answering(listener: socket.socket, tls: ssl.SSLContext | None) -> None:
    """Answer one HTTP request on ``listener`` as any web server would (a browser server's front, over TLS or not)."""
    connection, _ = listener.accept()
    with tls.wrap_socket(connection, server_side=True) if tls else connection as stream:
        stream.recv(1024)
        stream.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nRunning")


@pytest.mark.parametrize("scheme", ["ws", "wss"])
def test_a_browser_server_that_takes_the_connection_and_says_nothing_is_told_from_one_that_answers(scheme: str) -> None:
    """A server that takes the connection and never answers (a firewall's, a wrong service): connect waited its
    CONNECT_TIMEOUT_MS saying nothing, then failed with a traceback; the check at the start asks it for a page and names
    the silence (a run stops before any journey, as for a refused port). One that answers, over TLS too whatever its
    certificate, is left to connect, which keeps its own limit for a server that answers and then stalls: an
    infrastructure failure, instead of holding every journey until pytest-timeout."""
    import threading

    import trustme

    from fixtures.causes import INFRASTRUCTURE, classify_text

    with socket.create_server(("127.0.0.1", 0)) as silent:
        said = browser_server_unreachable(f"{scheme}://127.0.0.1:{silent.getsockname()[1]}/ws?key=sk-live-1", answer_timeout=0.3)
    assert said == "it took the connection, then sent nothing back to an HTTP request within 0.3 s", said
    tls = None
    if scheme == "wss":
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        trustme.CA().issue_cert("browsers.example").configure_cert(tls)  # a certificate for another name, of an unknown CA
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=answering, args=(listener, tls), daemon=True)
        server.start()
        assert browser_server_unreachable(f"{scheme}://127.0.0.1:{listener.getsockname()[1]}/", answer_timeout=5) is None
        server.join(5)
    assert remote_connect_options(build_settings({"E2E_BROWSER_WS_ENDPOINT": "ws://127.0.0.1:3000/"}))["timeout"] == CONNECT_TIMEOUT_MS  # type: ignore[index]
    # A connect that gives up must say so before pytest-timeout ends the journey with a bare "Timeout" (pytest.ini).
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    assert 60_000 <= CONNECT_TIMEOUT_MS < 1000 * float(ini["pytest"]["timeout"])  # a hosted service's minutes, within it
    assert classify_text(f"playwright._impl._errors.TimeoutError: BrowserType.connect: Timeout {CONNECT_TIMEOUT_MS}ms exceeded.").name == INFRASTRUCTURE
    assert classify_text("Error: BrowserType.connect: WebSocket error: connect ECONNREFUSED 127.0.0.1:9").name == INFRASTRUCTURE
    # A refused upgrade is the setting's (an expired key, a wrong path), not the network's: never retried as infrastructure.
    # Said as the settings to look at, without the URL (a key may be in it); run-server answers a wrong path with 400.
    for refused in ("401 Unauthorized", "403 Forbidden", "404 Not Found", "400 Bad Request"):
        cause = classify_text(f"Error: BrowserType.connect: WebSocket error: wss://browsers.example/ws?key=k3y {refused}\nCall log:")
        assert cause.name != INFRASTRUCTURE and cause.detail == (
            f"the browser server refused the connection (HTTP {refused}): E2E_BROWSER_WS_ENDPOINT's path, or the key in it or in "
            "E2E_BROWSER_WS_HEADERS, is not one it takes"), cause


def test_slowmo_goes_to_connect_itself() -> None:
    """pytest-playwright sends --slowmo to a browser server among the launch options, which the server does not apply."""
    settings = build_settings({"E2E_BROWSER_WS_ENDPOINT": "ws://127.0.0.1:3000/"})
    assert remote_connect_options(settings, 250)["slow_mo"] == 250  # type: ignore[index]
    assert "slow_mo" not in remote_connect_options(settings, None)  # type: ignore[operator]


def test_headed_on_a_server_without_a_display_skips_every_journey_saying_so() -> None:
    """--headed through a browser server whose machine has no display (the check at start is for this machine's): each
    journey failed with "Target page, context or browser has been closed", filed as infrastructure (so retried), the
    reason only in Playwright's box of the browser's log; now each skips, naming the server and the ways out."""
    import sys

    env = {name: value for name, value in suite_env().items() if name not in ("DISPLAY", "WAYLAND_DISPLAY")}  # the server's too
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "browser_server.py"), "--", sys.executable, "-m", "pytest",
                             "e2e/test_token_contract.py", "-n", "0", "-rs", "-p", "no:cacheprovider", "--headed"],
                            capture_output=True, text=True, timeout=170, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 5 and "no journey ran" in output, tail(output)
    assert "2 skipped" in output and not re.search(r"\d+ errors?\b", output) and "infrastructure" not in output, tail(output)
    assert re.search(r"^SKIPPED \[2\] e2e/test_token_contract\.py:\d+: the browser server \(127\.0\.0\.1:\d+\) cannot open a "
                     r"headed browser \(--headed\): its machine has no display", output, re.M), tail(output)


def test_a_channel_playwright_does_not_know_is_a_skip_naming_it_not_a_traceback_per_journey() -> None:
    from playwright.sync_api import Error

    said = browser_not_there(Error('BrowserType.launch: Unsupported chromium channel "Chrome"'), None, None)  # type: ignore[arg-type]
    assert said == ("--browser-channel 'Chrome' is not a chromium channel Playwright knows: give one such as chrome, msedge, "
                    "chrome-beta or chromium, in lower case"), said


def test_a_channel_the_server_does_not_have_is_named_with_the_server() -> None:
    """Playwright's error through a server without Google Chrome, as the server words it: the skip names the server and
    the channel, not this machine's install."""
    from playwright.sync_api import Error

    error = Error("BrowserType.connect: Chromium distribution 'chrome' is not found at /opt/google/chrome/chrome\n"
                  'Run "playwright install chrome"')
    said = browser_not_there(error, None, "wss://browsers.example:8443/ws?key=sk-live-abcdef123456")  # type: ignore[arg-type]
    assert said is not None and said.startswith("the browser server (browsers.example:8443) has no chrome (--browser-channel chrome) "
                                                "to launch: install it where the server runs"), said
    assert "sk-live" not in said
    assert browser_not_there(Error("BrowserType.connect: Target page, context or browser has been closed"), None,  # type: ignore[arg-type]
                             "ws://127.0.0.1:3000/") is None


@pytest.mark.parametrize(("message", "says"), [
    ("Chromium distribution 'msedge-canary' is not supported on linux",
     "cannot launch msedge-canary (--browser-channel msedge-canary): Playwright has no msedge-canary for its system (linux); run "
     "with a channel its system has, or without --browser-channel"),
    ("Chromium distribution 'chrome-dev' is not found at /opt/google/chrome-unstable/chrome",
     "has no chrome-dev (--browser-channel chrome-dev) to launch: install it where the server runs (from its vendor: Playwright "
     "has no installer for it), or run without --browser-channel"),
], ids=["not supported", "no installer"])
def test_a_channel_the_servers_system_lacks_is_named_with_the_server(message: str, says: str) -> None:
    """A channel Playwright has none of for the server's system, or no installer for, was no skip or advised an install
    that fails: the skip names the server and what would launch."""
    from playwright.sync_api import Error

    said = browser_not_there(Error(f"BrowserType.connect: {message}"), None, "ws://browsers.example:3000/")  # type: ignore[arg-type]
    assert said == f"the browser server (browsers.example:3000) {says}", said


@pytest.mark.browser
def test_videos_are_recorded_through_the_browser_server(tmp_path: Path) -> None:
    """The server records --video with the ffmpeg the suite would use (linked into its private browser folder)."""
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "browser_server.py"), "--", sys.executable, "-m", "pytest",
                             "e2e/test_sign_in.py", "-k", "b2c_1_signupsignin", "-n", "0", "-q", "-p", "no:cacheprovider",
                             "--video", "on", "--output", str(tmp_path)], capture_output=True, text=True, timeout=170,
                            env=suite_env())  # not this worker's PYTEST_XDIST_* (the child would take itself for a worker)
    assert result.returncode == 0, tail(result.stdout + result.stderr)
    assert len(list(tmp_path.rglob("*.webm"))) == 2, sorted(tmp_path.rglob("*"))  # the sign-up's browser and the sign-in's


def test_a_browser_the_server_does_not_have_is_skipped_saying_so_and_nothing_ran_is_no_pass(tmp_path: Path) -> None:
    """Firefox asked of a browser server without it: Playwright's "Executable doesn't exist" there, with its advice to
    install it here (which cannot help), failed every journey as "other"; now each skips naming the server, and the run
    that ran nothing says so (exit 5). The folders the server's failed launches leave go with the script's own."""
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "browser_server.py"), "--", sys.executable, "-m", "pytest",
                             "e2e/test_token_contract.py", "-n", "0", "-rs", "-p", "no:cacheprovider",
                             "--browser", "firefox"], capture_output=True, text=True, timeout=170,
                            env={**suite_env(), "TMPDIR": str(tmp_path)})
    output = result.stdout + result.stderr
    assert result.returncode == 5 and "no journey ran" in output, tail(output)
    # Both journeys (the first alone skipped, and the second got Playwright's error again), each at its own line, not pluggy's.
    assert "2 skipped" in output and not re.search(r"\d+ errors?\b", output), tail(output)
    assert re.search(r"^SKIPPED \[2\] e2e/test_token_contract\.py:\d+: the browser server \(127\.0\.0\.1:\d+\) has no firefox to launch: "
                     "install it where the server runs", output, re.M), tail(output)
    assert "Looks like Playwright was just installed" not in output, tail(output)
    assert [path.name for path in tmp_path.iterdir() if not path.name.startswith("pytest-of-")] == []  # the run's own: pytest's


def test_the_servers_ffmpeg_is_the_one_the_suite_records_with(tmp_path: Path) -> None:
    import shutil

    from fixtures import video

    if video.ensure_ffmpeg() is None and shutil.which("ffmpeg") is None:
        pytest.skip("no ffmpeg on this machine")
    assert video.link_ffmpeg_into(tmp_path)
    # Where this Playwright's driver looks in a browsers folder (its browsers.json), and an ffmpeg that runs.
    browsers = json.loads((Path(playwright.__file__).parent / "driver" / "package" / "browsers.json").read_text())
    revision = next(browser["revision"] for browser in browsers["browsers"] if browser["name"] == "ffmpeg")
    linked = tmp_path / f"ffmpeg-{revision}" / "ffmpeg-linux"
    ran = subprocess.run([str(linked), "-version"], capture_output=True, text=True, timeout=30)
    assert ran.returncode == 0 and ran.stdout.startswith("ffmpeg version"), ran.stdout + ran.stderr


@pytest.mark.parametrize(("env", "named"), [
    ({"E2E_BROWSER_WS_ENDPOINT": "http://browsers.example"}, "E2E_BROWSER_WS_ENDPOINT"),
    ({"E2E_BROWSER_WS_ENDPOINT": "ws://127.0.0.1:30x0/"}, "a port that is not a number"),
    ({"E2E_BROWSER_WS_HEADERS": "Authorization: Bearer x"}, "E2E_BROWSER_WS_HEADERS"),
    ({"E2E_BROWSER_PROXY": "127.0.0.1:8888"}, "E2E_BROWSER_PROXY"),
])
def test_bad_remote_settings_name_the_setting(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        build_settings(env)


def test_only_a_local_chromium_follows_the_host_map() -> None:
    assert not uses_proxy("chromium", remote=False, host_map=MAPPED)
    assert uses_proxy("chromium", remote=True, host_map=MAPPED)
    assert uses_proxy("firefox", remote=False, host_map=MAPPED) and uses_proxy("webkit", remote=False, host_map=MAPPED)
    assert not uses_proxy("firefox", remote=True, host_map={})  # a real tenant: public DNS, no proxy needed


def test_a_browser_speaks_en_us_unless_the_run_names_another_language() -> None:
    """docs/suite.md's settings: E2E_BROWSER_LOCALE defaults to en-US, locally and against a tenant."""
    for settings in (build_settings({}), build_settings({"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1_susi",
                                                         "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
                                                         "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"})):
        assert context_options(settings, {}, None, "chromium", False, None)["locale"] == "en-US", settings.target


def test_every_context_gets_the_runs_locale_and_the_proxy_where_the_browser_needs_one() -> None:
    """The journeys' contexts and the preflight's (fixtures.browser.context_options)."""
    settings = build_settings({"E2E_BROWSER_LOCALE": "fr-CH"})
    proxy = "http://proxy.example:3128"
    assert context_options(settings, {}, None, "chromium", False, None) == {"locale": "fr-CH", "service_workers": "block"}
    assert context_options(settings, {}, None, "chromium", False, proxy)["proxy"] == {"server": proxy}  # a tenant behind a proxy
    assert "proxy" not in context_options(settings, MAPPED, "ca.pem", "chromium", False, proxy)  # follows the host map itself
    mapped_remote = context_options(settings, MAPPED, "ca.pem", "chromium", True, proxy)
    assert mapped_remote["proxy"] == {"server": proxy} and mapped_remote["ignore_https_errors"] is True


def test_a_proxy_that_asks_for_a_password_gets_it_as_playwrights_own_fields() -> None:
    """E2E_BROWSER_PROXY=http://user:password@proxy:3128 (a company proxy that asks for them, as httpx takes them from
    HTTPS_PROXY): the browsers ignore a user name and password in the proxy server's URL, so every page met the proxy's 407,
    and the preflight blamed the tenant ("the sign-in page has no Mobile ID button ... tick Mobile ID")."""
    settings = build_settings({})
    given = "http://corp%5Cbob:p%40ss:w0rd@proxy.example:3128"
    assert context_options(settings, {}, None, "chromium", False, given)["proxy"] == {
        "server": "http://proxy.example:3128", "username": "corp\\bob", "password": "p@ss:w0rd"}
    assert context_options(settings, MAPPED, None, "firefox", False, "http://bob:pw@[::1]:8888")["proxy"] == {
        "server": "http://[::1]:8888", "username": "bob", "password": "pw"}
    assert context_options(settings, {}, None, "chromium", False, "http://proxy.example:3128")["proxy"] == {"server": "http://proxy.example:3128"}


def test_a_local_chromium_trusts_the_stack_by_its_pin_and_every_other_browser_by_an_exception() -> None:
    settings = build_settings({})
    assert pins_certificate("chromium", False, "pin=") and not pins_certificate("chromium", True, "pin=")  # launch flags stay here
    assert not pins_certificate("firefox", False, "pin=") and not pins_certificate("chromium", False, None)  # a tenant: no stack
    assert "ignore_https_errors" not in context_options(settings, MAPPED, "ca.pem", "chromium", False, None, pinned=True)
    assert context_options(settings, MAPPED, "ca.pem", "chromium", False, None)["ignore_https_errors"] is True


def test_the_server_finds_the_system_chromium_under_its_pinned_revision(tmp_path: Path) -> None:
    revisions = {b["name"]: b["revision"] for b in json.loads(
        (Path(playwright.__file__).parent / "driver" / "package" / "browsers.json").read_text())["browsers"]}
    browsers = browser_server_script().linked_browsers(tmp_path, "/usr/bin/chromium")
    shells = list(browsers.glob(f"chromium_headless_shell-{revisions['chromium-headless-shell']}/chrome-headless-shell-*/chrome-headless-shell"))
    fulls = list(browsers.glob(f"chromium-{revisions['chromium']}/chrome-*/chrome"))
    assert len(shells) == 1 and len(fulls) == 1
    assert os.readlink(shells[0]) == "/usr/bin/chromium" and os.readlink(fulls[0]) == "/usr/bin/chromium"


def test_headless_launches_prefer_the_system_headless_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fixtures.browser as browser

    full, shell = tmp_path / "chromium", tmp_path / "chromium-headless-shell"
    full.write_text("")
    full.chmod(0o755)
    monkeypatch.setattr(browser, "SYSTEM_CHROMIUM", (str(full),))
    monkeypatch.setattr(browser, "SYSTEM_HEADLESS_SHELL", (str(shell),))
    assert browser.system_chromium(headless=True) == str(full)  # no shell installed: the full browser runs headless
    shell.write_text("")
    shell.chmod(0o755)
    assert browser.system_chromium(headless=True) == str(shell)
    assert browser.system_chromium(headless=False) == str(full)  # --headed needs the full browser


def test_the_servers_headless_chromium_is_the_system_headless_shell(tmp_path: Path) -> None:
    browsers = browser_server_script().linked_browsers(tmp_path, "/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
    [shell] = browsers.glob("chromium_headless_shell-*/chrome-headless-shell-*/chrome-headless-shell")
    [full] = browsers.glob("chromium-*/chrome-*/chrome")
    assert os.readlink(shell) == "/usr/bin/chromium-headless-shell" and os.readlink(full) == "/usr/bin/chromium"


def test_the_suites_stack_names_its_proxy() -> None:
    from fixtures.stack import parse_ready_lines
    from fixtures.stack_description import serve_command
    from tests.local_stack import LOCAL_STACK

    lines = ["stack-port: 8443", "stack-ca: /tmp/ca.pem", "stack-host-map: jwt.ms=127.0.0.1:8443",
             f"stack-description: {LOCAL_STACK.to_json()}", "stack-proxy: http://127.0.0.1:8888", "stack-ready: https://127.0.0.1:8443"]
    assert parse_ready_lines(lines).proxy_url == "http://127.0.0.1:8888"
    assert parse_ready_lines([line for line in lines if "proxy" not in line]).proxy_url is None
    assert serve_command(ROOT, ())[-4:-2] == ["--proxy-port", "0"]


def test_the_browser_server_ends_with_the_command() -> None:
    """The command sees the endpoint; afterwards nothing of the server (Node driver included) is left listening."""
    import socket
    import sys

    probe = "import os, socket, urllib.parse as u; p = u.urlsplit(os.environ['E2E_BROWSER_WS_ENDPOINT']); print(p.port); socket.create_connection((p.hostname, p.port), 5)"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "browser_server.py"), "--", sys.executable, "-c", probe],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    port = int(result.stdout.strip().splitlines()[-1])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the browser server is still listening"


# The command waits on its stdin; the second has a browser of the server's open meanwhile: Playwright's Node takes SIGTERM
# then as "close the browsers" and ran on, listening for no one (the parent-death signal is SIGINT since).
WAITING = "import sys; print('command running', flush=True); sys.stdin.read()"
WAITING_WITH_A_BROWSER = ("import os, sys; from playwright.sync_api import sync_playwright; p = sync_playwright().start(); "
                          "b = p.chromium.connect(os.environ['E2E_BROWSER_WS_ENDPOINT']); b.new_page(); " + WAITING)


@pytest.mark.parametrize("waiting", [WAITING, WAITING_WITH_A_BROWSER], ids=["no-browser", "a-browser-open"])
def test_the_browser_server_ends_with_the_script_killed_outright(tmp_path: Path, waiting: str) -> None:
    """SIGKILL to the script (none of its clean-up runs): the server, which asked for the parent-death signal before it
    became Node, stops too, rather than listen on with its browsers for nobody; the script's next run removes the
    temporary folder the killed one left."""
    import re
    import signal
    import sys
    import time

    from fixtures.alive import ALIVE_FILE, held
    from tests.suite_run import holding, killed, not_ended_by, watched

    # Its temporary folders in the test's: killed outright, neither the script nor the server removes its own.
    script = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "browser_server.py"), "--", sys.executable, "-c", waiting],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        assert script.stdout is not None
        said = script.stdout.readline()
        server = int(re.search(r"\(playwright run-server, pid (\d+)\)", said).group(1))  # type: ignore[union-attr]
        assert script.stdout.readline() == "command running\n"
        with watched({server: "the browser server"}) as pidfds:
            killed(script)
            outlived = not_ended_by(time.monotonic() + 15, pidfds)
    finally:
        killed(script)
        for pipe in (script.stdin, script.stdout):  # the command, whose stdin is the script's, reads its end and ends
            if pipe is not None:
                pipe.close()
    if outlived:
        os.killpg(server, signal.SIGKILL)
    assert outlived == [], f"the browser server {server} outlived the script killed outright"
    [left] = tmp_path.glob("browser-server-*")
    again = subprocess.run([sys.executable, str(ROOT / "scripts" / "browser_server.py"), "--", "true"], capture_output=True, text=True,
                           timeout=60, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert again.returncode == 0, again.stdout + again.stderr
    if left.exists():  # said with why: its run's lock still held (by whom), or what is in it (all: skipped; some: not removable)
        lock = left / ALIVE_FILE
        why = (f"its lock is still held by {holding(lock) or 'a process this one cannot see'}" if lock.exists() and held(lock)
               else f"left in it: {sorted(path.name for path in left.iterdir())}")
        pytest.fail(f"the next run did not remove the killed script's folder {left.name}: {why}")
    assert list(tmp_path.glob("browser-server-*")) == [], sorted(tmp_path.iterdir())
