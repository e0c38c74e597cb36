"""Run a command against a Playwright browser server (``playwright run-server``) started on this machine.

    python scripts/browser_server.py [--] COMMAND...     e.g. ... -- python -m pytest e2e -m smoke

The command gets ``E2E_BROWSER_WS_ENDPOINT`` set, so the suite takes its browsers
from the server (``connect_options``) exactly as it would from a remote one: no
launch arguments, the local stack reached through its proxy.

Which Chromium the server launches: ``run-server`` drops a client's
``executablePath`` (and ``args``) unless started ``--unsafe``, and has no option of
its own; it always looks in ``PLAYWRIGHT_BROWSERS_PATH`` under the revision its
driver pins. Where Playwright's build is not installed (Debian here), a private
``PLAYWRIGHT_BROWSERS_PATH`` links that revision's paths to the system Chromium, and
its ffmpeg's path to the ffmpeg the suite records with (``--video``: the server records).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.alive import alive_folder  # noqa: E402
from fixtures.browser import system_chromium, system_headless_shell  # noqa: E402
from fixtures.process_output import output_lines, read_until  # noqa: E402
from fixtures.video import link_ffmpeg_into  # noqa: E402
from scripts.process_group import main_stopped_cleanly, run_to_its_end, stop_group  # noqa: E402

START_TIMEOUT = 30.0
# Where a revision's executables sit inside PLAYWRIGHT_BROWSERS_PATH (the driver's registry, Linux only).
LAYOUT = {
    "chromium": ("chromium-{revision}", "chrome-{platform}", "chrome"),
    "chromium-headless-shell": ("chromium_headless_shell-{revision}", "chrome-headless-shell-{platform}", "chrome-headless-shell"),
}


def bundled_chromium_installed() -> bool:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        return os.path.exists(p.chromium.executable_path)


def linked_browsers(directory: Path, executable: str, headless_shell: str | None = None) -> Path:
    """A PLAYWRIGHT_BROWSERS_PATH whose Chromium revisions are links to ``executable``.

    The headless-shell revision (what the server launches for a headless client) links to
    ``headless_shell`` when the system has one, as the suite's own launches prefer it.
    """
    browsers = json.loads((Path(playwright.__file__).parent / "driver" / "package" / "browsers.json").read_text())["browsers"]
    arch = "linux64" if platform.machine() in ("x86_64", "AMD64") else "linux-arm64"
    for browser in browsers:
        if browser["name"] in LAYOUT:
            parts = [p.format(revision=browser["revision"], platform=arch) for p in LAYOUT[browser["name"]]]
            link = directory.joinpath(*parts)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(headless_shell if headless_shell and browser["name"] == "chromium-headless-shell" else executable)
    return directory


LISTENING = re.compile(r"Listening on (ws://\S+)")
# ``playwright run-server`` started as ``python -m playwright`` starts it (its entry point finds Node and the driver's
# cli.js), except that this Python child asks for the parent-death signal and then becomes Node (execve keeps the
# signal): this script killed outright (SIGKILL: no clean-up of its own) ends the server, and the server its browsers.
# Under ``python -m playwright`` Node is a grandchild, which outlived the script killed so.
# The signal is SIGINT: Playwright's Node takes SIGTERM and SIGHUP, once it has launched a browser, as "close the browsers"
# and runs on (processLauncher's handlers), listening for no one; SIGINT closes them and exits. Not ignored, as a
# script started with ``&`` inherits it (Node would then never hear it while no browser runs).
RUN_SERVER = ("import os, signal, sys\n"
              "from mocks.common.parent import signal_when_parent_ends\n"
              "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
              "if not signal_when_parent_ends(int(sys.argv[1]), signal.SIGINT):\n"
              "    print('browser server: the parent-death signal is not available here: killed outright, this script '\n"
              "          'leaves the server running', file=sys.stderr)\n"
              "from playwright._impl._driver import compute_driver_executable, get_driver_env\n"
              "node, cli = compute_driver_executable()\n"
              "os.execve(node, [node, cli, 'run-server', *sys.argv[2:]], get_driver_env())\n")


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """``playwright run-server`` on a free loopback port; returns the process and its ws:// endpoint."""
    server = subprocess.Popen([sys.executable, "-c", RUN_SERVER, str(os.getpid()), "--port", "0", "--host", "127.0.0.1"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
                              start_new_session=True)  # its own process group: the Node driver and its browsers end with it
    seen: list[str] = []
    try:
        line = read_until(output_lines(server), time.monotonic() + START_TIMEOUT, lambda text: LISTENING.search(text) is not None, seen)
        return server, LISTENING.findall(line)[0]
    except TimeoutError:
        said = f"did not say where it listens within {START_TIMEOUT:g} s"
    except EOFError:
        said = f"ended (exit {server.wait()}) before saying where it listens"
    stop_server(server)
    raise SystemExit(f"playwright run-server {said}: {seen[-5:]}")


def stop_server(server: subprocess.Popen[str]) -> None:
    """End the server's whole process group (Node and the browsers it launched); its clients are gone by now, so it gets
    two seconds, not ten."""
    stop_group(server, wait=2.0)


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command or command[0] in ("-h", "--help"):  # an option of the script's own, not a command to run
        parser = argparse.ArgumentParser(prog="python scripts/browser_server.py", usage="%(prog)s [--] COMMAND...",
                                         description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.parse_args(command[:1])
        parser.error("a command to run against the browser server is needed, e.g. -- python -m pytest e2e -m smoke")
    # Killed outright, the script leaves it: the next run removes it (fixtures/alive.py).
    with alive_folder("browser-server-") as directory:
        # The server's temporary folders (its browsers' profiles, traces, videos) in this one, removed with it: Playwright
        # leaves its own behind where a launch fails (a browser the server does not have).
        server_temp = directory / "tmp"
        server_temp.mkdir()
        env = {**os.environ, "TMPDIR": str(server_temp)}
        if not bundled_chromium_installed():
            executable = system_chromium()
            if executable is None:
                raise SystemExit("no Chromium for the browser server: neither Playwright's build nor a system chromium (make setup)")
            env["PLAYWRIGHT_BROWSERS_PATH"] = str(linked_browsers(directory, executable, system_headless_shell()))
            link_ffmpeg_into(directory)  # the server records --video there; none: the suite's own check says so
        server, endpoint = start_server(env)
        print(f"browser server: {endpoint} (playwright run-server, pid {server.pid})", flush=True)
        try:
            try:
                return run_to_its_end(command, cwd=ROOT, env={**os.environ, "E2E_BROWSER_WS_ENDPOINT": endpoint})
            except OSError as error:  # not found, not executable: the server is stopped below all the same
                raise SystemExit(f"browser server: cannot run {command[0]!r} ({error.strerror or error}): give a command on "
                                 "PATH or its path, e.g. -- python -m pytest e2e -m smoke") from None
        finally:
            stop_server(server)


if __name__ == "__main__":
    main_stopped_cleanly(main)
