"""Make sure a Chromium that Playwright can drive is on this machine.

Order: Playwright's own build (installed, or downloaded by ``playwright install``
where the network allows it: tried first, so a CI runner's Google Chrome does not
stand in for it), else a system Chromium, else Debian's ``chromium`` package
installed with apt-get where we may (root, or CI with passwordless sudo). The suite's
fixtures pick the same browser at run time (``fixtures/browser.py``), so nothing is
written here.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fixtures.browser import system_chromium, system_headless_shell  # noqa: E402  (the suite picks its browser the same way)
from fixtures.video import ensure_ffmpeg, ffmpeg_path  # noqa: E402  (and finds ffmpeg for --video the same way)
from scripts.process_group import group_alive, stop_group  # noqa: E402


def bundled_chromium() -> str | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if os.path.exists(path) else None


NODE_STACK_FRAME = re.compile(r"^\s+at\s")
# apt-get's routine steps, which `install --with-deps` prints by the hundred (its errors, "E: ..." and "dpkg: error ...", stay).
APT_STEP = re.compile(r"^(Selecting previously unselected package |Preparing to unpack |Unpacking |Setting up |Processing triggers for "
                      r"|\(Reading database |(Get|Hit|Ign):\d+ |Fetched |update-alternatives: using |debconf: delaying )")


def run_without_stack_traces(command: list[str], timeout: int) -> bool:
    """Playwright's installer, its output streamed without Node's stack frames ("    at ...") and apt-get's routine steps
    (``--with-deps``): a failed download prints a trace per try and host, burying the lines that say why, and apt-get
    some 600 lines for Chromium's libraries. Says how many lines it left out.

    The installer runs in a process group of its own: at the timeout (or Ctrl-C) the whole group ends, Node too,
    which holds the output pipe open after its Python parent has gone."""
    print("+", " ".join(command), flush=True)
    frames = steps = 0
    timed_out = threading.Event()
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                              start_new_session=True) as process:
            def stop() -> None:
                if group_alive(process.pid):  # Python or the Node it started; not when all ended just as the time ran out
                    timed_out.set()
                    stop_group(process, signals=(signal.SIGKILL,))

            timer = threading.Timer(timeout, stop)  # the output is read line by line, so the timeout is a timer's
            timer.start()
            try:
                assert process.stdout is not None
                for line in process.stdout:
                    if NODE_STACK_FRAME.match(line):
                        frames += 1
                    elif APT_STEP.match(line):
                        steps += 1
                    else:
                        print(line, end="", flush=True)
                code = process.wait()  # under the same timer: an installer may close its output and still hang
            except BaseException:  # Ctrl-C reaches only our group: end the installer's before leaving
                stop_group(process)
                raise
            finally:
                timer.cancel()
    except OSError as error:
        print(f"  {error}", flush=True)
        return False
    if frames or steps:
        what = [f"{frames} lines of stack traces"] * bool(frames) + [f"{steps} lines of apt-get's package steps"] * bool(steps)
        print(f"  ({' and '.join(what)} left out)", flush=True)
    if timed_out.is_set():
        print(f"  stopped after {timeout} s", flush=True)
    return code == 0 and not timed_out.is_set()  # a Node left hanging after its Python ended: not installed


APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}  # no question may wait for an answer (CI has no terminal)
LOG_DIR = Path(sys.prefix) / "setup-logs"  # the virtual environment's: set-up runs this script with its Python
STILL_WORKING_EVERY = 20  # seconds between "still installing" lines
CONNECT_TIMEOUT = 3  # seconds Playwright's download host has to answer before the system's browser is taken
LOG_TAIL = 25  # lines of a failed command's log shown in the terminal


def run_logged(command: list[str], timeout: int, log: Path, env: dict[str, str] | None = None) -> bool:
    """apt-get, whose dpkg prints some 600 lines for Chromium: they go to ``log``, the terminal gets a
    line every ``STILL_WORKING_EVERY`` s while it works, the seconds it took, and a failure's last lines with the log's path."""
    print("+", " ".join(command), f"(output: {log})", flush=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        with log.open("w") as output, subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env) as process:
            while True:
                try:
                    code = process.wait(timeout=min(STILL_WORKING_EVERY, max(0.1, started + timeout - time.monotonic())))
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() - started >= timeout:
                        stop_sudo(process)
                        code = None
                        break
                    print(f"  still working ({time.monotonic() - started:.0f} s)", flush=True)
    except OSError as error:
        print(f"  {error}", flush=True)
        return False
    if code == 0:
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
        return True
    lines = log.read_text(errors="replace").splitlines()
    said = f"stopped after {timeout} s" if code is None else f"failed (exit {code})"
    print(f"  {said}; its last lines, all in {log}:", *(f"  | {line}" for line in lines[-LOG_TAIL:]), sep="\n", flush=True)
    return False


def stop_sudo(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM first: sudo passes it on to apt-get, which then lets go of dpkg's lock (a SIGKILL would end sudo alone).
    To sudo alone, not its group as process_group.stop_group signals: apt-get runs as root, out of this user's reach."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def on_ci() -> bool:
    """GitHub Actions sets CI, Azure Pipelines TF_BUILD."""
    return bool(os.environ.get("CI") or os.environ.get("TF_BUILD"))


def can_apt() -> bool:
    """Set-up may install Debian's packages: root, or a CI runner (CI set) whose sudo asks no password. On a person's
    machine set-up never installs system packages through sudo."""
    return shutil.which("apt-get") is not None and (is_root() or passwordless_sudo())


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@functools.cache
def passwordless_sudo() -> bool:
    """CI only (``on_ci``: hosted runners run as a user with passwordless sudo); never a password prompt."""
    if not on_ci() or shutil.which("sudo") is None:
        return False
    try:
        return subprocess.run(["sudo", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (subprocess.TimeoutExpired, OSError):
        return False


def as_root(command: list[str]) -> list[str]:
    return command if is_root() else ["sudo", "-n", "--preserve-env=DEBIAN_FRONTEND", *command]


@functools.cache
def apt_update() -> None:
    """The package lists, fetched once per set-up (a fresh machine has none)."""
    run_logged(as_root(["apt-get", "update", "-qq"]), timeout=600, log=LOG_DIR / "apt-get-update.log", env=APT_ENV)


def apt_install(*packages: str, recommends: bool = True) -> None:
    """Debian's packages, installed when we are root (quietly a no-op elsewhere)."""
    if can_apt():
        apt_update()
        options = [] if recommends else ["--no-install-recommends"]
        run_logged(as_root(["apt-get", "install", "-y", "-qq", *options, *packages]), timeout=900,
                   log=LOG_DIR / f"apt-get-install-{'-'.join(packages)}.log", env=APT_ENV)


def headless_shell_support() -> None:
    """The system's headless shell for headless runs (fixtures/browser.py says why), installed where we can."""
    if not system_headless_shell():
        apt_install("chromium-headless-shell")
    path = system_headless_shell()
    print(f"headless: Chromium's headless shell at {path}" if path else
          "headless: no chromium-headless-shell, so headless runs use the full browser (slower; apt-get install chromium-headless-shell)")


def video_support() -> None:
    """ffmpeg for --video: Playwright's build, else the system's (Debian's package, installed as root) linked in its place."""
    if not ensure_ffmpeg() and not shutil.which("ffmpeg"):
        apt_install("ffmpeg", recommends=False)
    path = ensure_ffmpeg()
    if path:
        print(f"video: ffmpeg at {path}")
    elif system := shutil.which("ffmpeg"):  # there, but Playwright's folder, where it is linked, cannot be written
        print(f"video: {system} cannot be linked into Playwright's folder ({ffmpeg_path().parent}), so --video is refused; "
              "make that folder writable (PLAYWRIGHT_BROWSERS_PATH names another) to record videos")
    else:
        print("video: no ffmpeg, so --video is refused (apt-get install ffmpeg to record videos)")


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="python scripts/install_browser.py", description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    status = find_browser()
    if status == 0:
        video_support()
    return status


# Where Playwright downloads its builds (it tries them in turn), unless PLAYWRIGHT_DOWNLOAD_HOST says otherwise.
DOWNLOAD_HOSTS = ("https://cdn.playwright.dev", "https://playwright.download.prss.microsoft.com")
PROXY_SETTINGS = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


def download_possible() -> str | None:
    """Why Playwright's download is not tried (None: try it). Offline, it would retry for minutes, printing stack traces."""
    if os.environ.get("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"):
        return "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set"
    if any(os.environ.get(name) for name in PROXY_SETTINGS):
        return None  # through the proxy it may be reachable, which a direct connection cannot tell
    hosts = [os.environ["PLAYWRIGHT_DOWNLOAD_HOST"]] if os.environ.get("PLAYWRIGHT_DOWNLOAD_HOST") else list(DOWNLOAD_HOSTS)
    for url in hosts:
        parts = urlsplit(url)
        try:
            with socket.create_connection((parts.hostname or "", parts.port or 443), timeout=CONNECT_TIMEOUT):
                return None
        except OSError:
            continue
    return f"no connection to {' or '.join(urlsplit(url).hostname or url for url in hosts)} within {CONNECT_TIMEOUT:g} s"


def find_browser() -> int:
    if path := bundled_chromium():
        # On CI a browser already there came from the CI's cache of Playwright's folder (README, CI: what is cached),
        # which holds the download only: the system libraries a download's `--with-deps` put into the runner's system
        # went with that runner, so they are installed here as there (`install-deps`): a cache hit saves the download only.
        if on_ci() and can_apt() and not run_without_stack_traces([sys.executable, "-m", "playwright", "install-deps", "chromium"],
                                                                   timeout=900):
            print("browser: the system libraries of Playwright's Chromium did not install (above); Playwright names any it "
                  "misses when it starts the browser", flush=True)
        print(f"browser: Playwright's Chromium at {path}")
        return 0
    if (why_not := download_possible()) is None:
        install = [sys.executable, "-m", "playwright", "install", "chromium"]
        if can_apt():
            install.insert(-1, "--with-deps")  # Playwright's build needs system libraries too (it uses sudo when not root)
        installed = run_without_stack_traces(install, timeout=900)
        if installed and (path := bundled_chromium()):
            print(f"browser: Playwright's Chromium at {path}")
            return 0
        why_not = "installed, but Playwright finds no browser it can start" if installed else "its download failed"
    else:
        print(f"browser: Playwright's Chromium is not downloaded ({why_not})", flush=True)
    if path := system_chromium():
        print(f"browser: system Chromium at {path} (Playwright's own build: {why_not})")
        headless_shell_support()
        return 0
    if can_apt():
        print(f"No Playwright Chromium ({why_not}) and no system Chromium: installing the system package.", flush=True)
        apt_install("chromium")  # the headless shell separately (below): a system without it still gets Chromium
        if path := system_chromium():
            print(f"browser: system Chromium at {path}")
            headless_shell_support()
            return 0
    print(
        "No Chromium found. Install one and run make again:\n"
        "  - Playwright's build: .venv/bin/python -m playwright install --with-deps chromium\n"
        "  - or your system's package, e.g. sudo apt-get install chromium",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
