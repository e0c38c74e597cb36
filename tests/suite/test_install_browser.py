"""Set-up's browser step: the system's headless shell and ffmpeg are installed where they can be, and their absence is said."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.video import ffmpeg_path
from scripts import install_browser as script


def test_a_missing_headless_shell_is_installed_when_it_can_be(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    installed: list[tuple[str, ...]] = []
    monkeypatch.setattr(script, "system_headless_shell", lambda: "/usr/bin/chromium-headless-shell" if installed else None)
    monkeypatch.setattr(script, "apt_install", lambda *packages, recommends=True: installed.append(packages))
    script.headless_shell_support()
    assert installed == [("chromium-headless-shell",)]
    assert "headless: Chromium's headless shell at /usr/bin/chromium-headless-shell" in capsys.readouterr().out


def test_without_a_headless_shell_the_full_browser_runs_headless_and_set_up_says_so(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(script, "system_headless_shell", lambda: None)
    monkeypatch.setattr(script, "apt_install", lambda *packages, recommends=True: None)  # not root: nothing installed
    script.headless_shell_support()
    said = capsys.readouterr().out
    assert "no chromium-headless-shell" in said and "apt-get install chromium-headless-shell" in said


def test_video_support_installs_the_systems_ffmpeg_and_links_it_where_playwright_looks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Playwright's ffmpeg cannot be downloaded everywhere: set-up installs Debian's (as root) and links it in its place."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    installed: list[tuple[str, ...]] = []

    def apt_install(*packages: str, recommends: bool = True) -> None:  # what apt-get would leave on PATH
        installed.append(packages)
        (bin_dir / "ffmpeg").write_text("#!/bin/sh\n")
        (bin_dir / "ffmpeg").chmod(0o755)

    monkeypatch.setattr(script, "apt_install", apt_install)
    script.video_support()
    assert installed == [("ffmpeg",)]
    assert ffmpeg_path().resolve() == bin_dir / "ffmpeg" and f"video: ffmpeg at {ffmpeg_path()}" in capsys.readouterr().out


def test_without_any_ffmpeg_set_up_says_video_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    monkeypatch.setattr(script, "apt_install", lambda *packages, recommends=True: None)  # not root: nothing installed
    script.video_support()
    assert "video: no ffmpeg, so --video is refused (apt-get install ffmpeg" in capsys.readouterr().out
    assert not (tmp_path / "browsers").exists()


def test_a_system_ffmpeg_that_cannot_be_linked_says_so_and_installs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A read-only home (a container's user): ffmpeg is there, Playwright's folder is not writable. Set-up says that,
    not "no ffmpeg", and does not install an ffmpeg that is already there."""
    (tmp_path / "ffmpeg").write_text("#!/bin/sh\n")
    (tmp_path / "ffmpeg").chmod(0o755)
    (tmp_path / "browsers").write_text("")  # a file where Playwright's folder should be: nothing can be made in it
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    installed: list[tuple[str, ...]] = []
    monkeypatch.setattr(script, "apt_install", lambda *packages, recommends=True: installed.append(packages))
    script.video_support()
    said = capsys.readouterr().out
    assert installed == [] and f"video: {tmp_path / 'ffmpeg'} cannot be linked into Playwright's folder" in said, said
    assert "no ffmpeg" not in said


@pytest.mark.parametrize(("download_works", "leaves_a_browser"), [(True, True), (False, False), (True, False)])
def test_playwrights_build_is_tried_before_a_system_chromium(
        download_works: bool, leaves_a_browser: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A CI runner has Google Chrome at /usr/bin: Playwright's own build (and its headless shell) is still downloaded
    first, and the system's browser is the fallback where the download fails (this machine)."""
    downloaded: list[str] = []
    ran: list[list[str]] = []

    def run(command: list[str], timeout: int, env: dict[str, str] | None = None) -> bool:
        ran.append(command)
        if leaves_a_browser and command[-2:] == ["install", "chromium"]:
            downloaded.append("/ms-playwright/chromium/chrome")
        return download_works

    monkeypatch.setattr(script, "bundled_chromium", lambda: downloaded[0] if downloaded else None)
    monkeypatch.setattr(script, "system_chromium", lambda: "/usr/bin/google-chrome")
    monkeypatch.setattr(script, "headless_shell_support", lambda: None)
    monkeypatch.setattr(script, "can_apt", lambda: False)
    monkeypatch.setattr(script, "download_possible", lambda: None)
    monkeypatch.setattr(script, "run_without_stack_traces", run)
    assert script.find_browser() == 0
    assert ran[0][-2:] == ["install", "chromium"]  # the download came first, though a system browser was there
    said = capsys.readouterr().out
    if leaves_a_browser:
        assert "browser: Playwright's Chromium at /ms-playwright/chromium/chrome" in said and "google-chrome" not in said
    elif download_works:  # the installer said it installed, yet no browser of Playwright's is there: said as such
        assert "(Playwright's own build: installed, but Playwright finds no browser it can start)" in said
    else:
        assert "browser: system Chromium at /usr/bin/google-chrome (Playwright's own build: its download failed)" in said


@pytest.mark.parametrize(("ci", "apt", "installs_deps"), [
    ({"CI": "true"}, True, True),  # GitHub's runner, its browser restored from the cache
    ({"TF_BUILD": "True"}, True, True),  # Azure's
    ({}, True, False),  # a person's machine as root: its browser was set up there, with its libraries
    ({"CI": "true"}, False, False),  # a CI machine where set-up may not install system packages
])
def test_a_browser_a_ci_cache_restored_still_gets_its_system_libraries_and_is_not_downloaded_again(
        ci: dict[str, str], apt: bool, installs_deps: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """README, CI: the cache of Playwright's folder holds the download only; the libraries `install --with-deps` put into
    a runner's system are gone on the next runner, so a cache hit installs them as a download would (`install-deps`),
    and never the download."""
    ran: list[list[str]] = []

    def run(command: list[str], timeout: int, env: dict[str, str] | None = None) -> bool:
        ran.append(command)
        return True

    for name in ("CI", "TF_BUILD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in ci.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(script, "bundled_chromium", lambda: "/ms-playwright/chromium/chrome")
    monkeypatch.setattr(script, "can_apt", lambda: apt)
    monkeypatch.setattr(script, "run_without_stack_traces", run)
    assert script.find_browser() == 0
    assert ran == ([[sys.executable, "-m", "playwright", "install-deps", "chromium"]] if installs_deps else [])
    assert "browser: Playwright's Chromium at /ms-playwright/chromium/chrome" in capsys.readouterr().out


def test_system_libraries_that_did_not_install_for_a_cached_browser_are_said(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(script, "bundled_chromium", lambda: "/ms-playwright/chromium/chrome")
    monkeypatch.setattr(script, "can_apt", lambda: True)
    monkeypatch.setattr(script, "run_without_stack_traces", lambda command, timeout: False)
    assert script.find_browser() == 0
    said = capsys.readouterr().out
    assert "the system libraries of Playwright's Chromium did not install" in said and "Playwright's Chromium at" in said


@pytest.fixture
def fresh_sudo_answer() -> Iterator[None]:
    """``passwordless_sudo`` asks once per process: a test's made-up answer must not stay for the next test."""
    script.passwordless_sudo.cache_clear()
    yield
    script.passwordless_sudo.cache_clear()


@pytest.mark.usefixtures("fresh_sudo_answer")
def test_sudo_is_used_only_on_ci_and_only_without_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a person's machine set-up never installs system packages through sudo (it would ask for a password)."""
    asked: list[list[str]] = []

    class Done:
        returncode = 0

    def sudo(command: list[str], **kwargs: object) -> Done:
        asked.append(command)
        return Done()

    monkeypatch.setattr(subprocess, "run", sudo)
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(script, "is_root", lambda: False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TF_BUILD", raising=False)
    assert script.can_apt() is False and asked == []
    monkeypatch.setenv("CI", "true")
    script.passwordless_sudo.cache_clear()
    assert script.can_apt() is True and asked == [["sudo", "-n", "true"]]
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TF_BUILD", "True")  # Azure Pipelines' agents set this, not CI
    script.passwordless_sudo.cache_clear()
    assert script.can_apt() is True and asked == [["sudo", "-n", "true"]] * 2
    assert script.as_root(["apt-get", "update"]) == ["sudo", "-n", "--preserve-env=DEBIAN_FRONTEND", "apt-get", "update"]


def test_the_download_is_not_tried_where_it_cannot_succeed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Offline, Playwright's download retries for minutes: a 3 s connection check (or PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD) skips it."""
    for name in (*script.PROXY_SETTINGS, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as closed:  # a port nothing listens on: the connection is refused at once
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("PLAYWRIGHT_DOWNLOAD_HOST", f"https://127.0.0.1:{closed.getsockname()[1]}")
    assert script.download_possible() == "no connection to 127.0.0.1 within 3 s"
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(1)
        monkeypatch.setenv("PLAYWRIGHT_DOWNLOAD_HOST", f"https://127.0.0.1:{listening.getsockname()[1]}")
        assert script.download_possible() is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")  # through a proxy: tried
    assert script.download_possible() is None
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    assert script.download_possible() == "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set"
    ran: list[list[str]] = []
    monkeypatch.setattr(script, "bundled_chromium", lambda: None)
    monkeypatch.setattr(script, "system_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(script, "headless_shell_support", lambda: None)

    def run(command: list[str], timeout: int, env: dict[str, str] | None = None) -> bool:
        ran.append(command)
        return False

    monkeypatch.setattr(script, "run_without_stack_traces", run)
    assert script.find_browser() == 0 and ran == []
    said = capsys.readouterr().out
    assert "Playwright's Chromium is not downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set)" in said and "/usr/bin/chromium" in said


FAILED_DOWNLOAD = """\
Downloading Chromium 140.0.7339.16 (playwright build v1187) from https://cdn.playwright.dev/chromium-linux.zip
Error: getaddrinfo EAI_AGAIN cdn.playwright.dev
    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
Failed to install browsers
Error: Failed to download Chromium 140.0.7339.16 (playwright build v1187), caused by
Error: Download failure, code=1
    at ChildProcess.<anonymous> (/venv/playwright/driver/package/lib/server/registry/browserFetcher.js:94:32)
"""


def test_a_failed_download_says_why_without_its_stack_traces(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    installer = tmp_path / "installer.py"
    installer.write_text(f"import sys\nsys.stderr.write({FAILED_DOWNLOAD!r})\nsys.exit(1)\n")
    assert script.run_without_stack_traces([sys.executable, str(installer)], timeout=60) is False
    said = capfd.readouterr().out
    assert "Error: getaddrinfo EAI_AGAIN cdn.playwright.dev" in said and "Error: Download failure, code=1" in said
    assert " at " not in said.replace("(3 lines of stack traces left out)", "") and "(3 lines of stack traces left out)" in said


def test_playwrights_install_with_deps_leaves_out_apt_gets_routine_steps_but_not_its_errors(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    installer = tmp_path / "installer.py"
    installer.write_text("import sys\nfor n in range(300):\n    print(f'Unpacking libthing{n} (1.0-1) ...')\n    print(f'Setting up libthing{n} (1.0-1) ...')\n"
                         "print('update-alternatives: error: alternative path /usr/bin/x does not exist')\n"
                         "print('E: Unable to fetch some archives')\nprint('Failed to install browsers')\nsys.exit(1)\n")
    assert script.run_without_stack_traces([sys.executable, str(installer)], timeout=60) is False
    said = capfd.readouterr().out
    assert "E: Unable to fetch some archives" in said and "Failed to install browsers" in said and "libthing" not in said
    assert "update-alternatives: error: alternative path /usr/bin/x does not exist" in said
    assert "(600 lines of apt-get's package steps left out)" in said


@pytest.mark.timeout(30)  # without the group's end the call would wait out the grandchild's 60 s
def test_a_download_that_hangs_is_stopped_at_its_timeout_with_the_node_process_it_started(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Playwright's ``install`` is Python starting Node, which downloads and holds the output pipe: both must end."""
    node = tmp_path / "node.py"
    node.write_text("import time\nprint('Downloading Chromium', flush=True)\ntime.sleep(60)\n")
    installer = tmp_path / "installer.py"
    installer.write_text(f"import subprocess, sys, time\nsubprocess.Popen([sys.executable, {str(node)!r}])\ntime.sleep(60)\n")
    assert script.run_without_stack_traces([sys.executable, str(installer)], timeout=3) is False
    assert "Downloading Chromium" in (said := capfd.readouterr().out) and "stopped after 3 s" in said


@pytest.mark.timeout(30)
def test_a_download_whose_python_ended_but_whose_node_hangs_is_stopped_too(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    node = tmp_path / "node.py"
    node.write_text("import time\ntime.sleep(60)\n")
    installer = tmp_path / "installer.py"  # starts Node and ends; Node keeps the output pipe open
    installer.write_text(f"import subprocess, sys\nsubprocess.Popen([sys.executable, {str(node)!r}])\n")
    # 3 s: on a loaded machine the installer's own Python must have ended by then, or this is the plain timeout's case.
    assert script.run_without_stack_traces([sys.executable, str(installer)], timeout=3) is False
    assert "stopped after 3 s" in capfd.readouterr().out


@pytest.mark.timeout(30)
def test_an_installer_that_closes_its_output_and_hangs_is_stopped_at_its_timeout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    installer = tmp_path / "installer.py"  # the output ends, the process does not: the wait for it has the same timeout
    installer.write_text("import os, time\nos.close(1)\nos.close(2)\ntime.sleep(60)\n")
    assert script.run_without_stack_traces([sys.executable, str(installer)], timeout=1) is False
    assert "stopped after 1 s" in capfd.readouterr().out


def test_an_installer_killed_otherwise_is_not_said_to_have_timed_out(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    killed = tmp_path / "installer.py"
    killed.write_text("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")  # e.g. the kernel's out-of-memory killer
    assert script.run_without_stack_traces([sys.executable, str(killed)], timeout=60) is False
    assert "stopped after" not in capfd.readouterr().out


DPKG = "import sys\nfor n in range(600):\n    print(f'Unpacking libthing{n} (1.0-1) ...')\n"  # apt-get's output for Chromium, roughly


def test_apt_gets_output_goes_to_its_log_and_the_terminal_gets_progress_and_the_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh machine's set-up installs Chromium with apt-get: some 600 lines of dpkg, kept in a log, not the terminal."""
    flag, said = tmp_path / "may-finish", []

    def terminal(*parts: object, sep: str = " ", **_: object) -> None:
        said.append(sep.join(map(str, parts)))
        if "still working" in said[-1]:
            flag.touch()  # the fake apt-get finishes once progress was said

    monkeypatch.setattr(script, "print", terminal, raising=False)
    monkeypatch.setattr(script, "STILL_WORKING_EVERY", 0.05)
    apt = [sys.executable, "-c", DPKG + f"import os, time\nwhile not os.path.exists({str(flag)!r}):\n    time.sleep(0.01)\n"]
    log = tmp_path / "logs" / "apt.log"
    assert script.run_logged(apt, timeout=60, log=log) is True
    assert said[0].startswith("+ ") and said[0].endswith(f"(output: {log})")
    assert any(line.startswith("  still working (") for line in said) and said[-1].startswith("  done in ")
    assert not any("Unpacking" in line for line in said[1:]) and len(log.read_text().splitlines()) == 600


def test_a_failed_apt_get_shows_its_last_lines_and_where_the_rest_is(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "apt.log"
    apt = [sys.executable, "-c", DPKG + "print('E: Unable to locate package chromium-headless-shell')\nsys.exit(100)\n"]
    assert script.run_logged(apt, timeout=60, log=log) is False
    said = capfd.readouterr().out
    assert f"failed (exit 100); its last lines, all in {log}:" in said
    assert "  | E: Unable to locate package chromium-headless-shell" in said
    assert "libthing599" in said and "libthing575 " not in said  # the last 25 lines only
    assert "libthing0 " in log.read_text()


@pytest.mark.timeout(30)
def test_an_apt_get_that_hangs_is_stopped_at_its_timeout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    hangs = [sys.executable, "-c", "import time\nwhile True:\n    time.sleep(1)\n"]  # a lock another apt-get holds, say
    assert script.run_logged(hangs, timeout=1, log=tmp_path / "apt.log") is False
    assert "stopped after 1 s" in capfd.readouterr().out
