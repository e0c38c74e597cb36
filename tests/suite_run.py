"""Child runs of the suite for tests: the settings a test gives, and none of the caller's (environment or .env).

The suite reads .env under the environment, so ``tenant_mode_env`` sets .env's names blank; xdist's variables
would make a child pytest think it is a worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from scripts.tenant_mode_against_stack import tenant_mode_env

ROOT = Path(__file__).resolve().parent.parent


def tail(text: str, chars: int = 3000) -> str:
    """The end of a run's ``text`` for a failed assertion's message: at most ``chars`` characters, from the start of a
    line, unless that would drop much of them (a long last line: then cut within it)."""
    if len(text) <= chars:
        return text
    cut = text[-chars:]
    first, newline, rest = cut.partition("\n")
    return "[...]\n" + (rest if newline and rest.strip() and len(first) < chars // 4 else cut)


def allure_results(folder: Path) -> list[dict[str, Any]]:
    """The results a run wrote in its Allure results ``folder`` (one per journey attempt, and those outside any)."""
    return [json.loads(path.read_text()) for path in folder.glob("*-result.json")]


def processes_naming(text: str) -> list[int]:
    """The processes but this one whose command line has the path ``text`` (a test's temporary folder: what a run it
    started left running), whole: not ``/tmp/pytest-12`` in ``/tmp/pytest-123`` (another run's), nor in this process's
    own ``--basetemp``."""
    found = []
    named = re.compile(re.escape(text.encode()) + rb"(?![A-Za-z0-9_.-])")
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.parent.name != str(os.getpid()) and named.search(cmdline.read_bytes()):
                found.append(int(cmdline.parent.name))
        except OSError:  # ended meanwhile
            continue
    return found


def output_of(run: subprocess.Popen[str], timeout: float, grace: float = 10.0) -> str:
    """What ``run`` (stdout=PIPE, stderr=STDOUT) wrote, once it has ended within ``timeout`` s and its output closed. A
    process it left holding that output open ``grace`` s after it ended fails the test at once, named with its command
    line, where ``communicate`` waited until ``timeout`` with nothing to say (the leftover is the finding)."""
    assert run.stdout is not None
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.append(run.stdout.read() if run.stdout else ""), daemon=True)
    reader.start()
    run.wait(timeout)  # subprocess.TimeoutExpired past it, as communicate's
    reader.join(grace)
    if reader.is_alive():
        holders = holding_pipe(run.stdout.fileno())
        raise AssertionError(f"{run.args!r} ended with status {run.returncode}, but its output is still held open by "
                             f"{holders or 'a process this one cannot see'}")
    return "".join(chunks)


def holding_pipe(descriptor: int) -> list[str]:
    """The processes but this one that have the pipe of ``descriptor`` open (Linux's /proc), by pid and command line."""
    return holding(f"pipe:[{os.fstat(descriptor).st_ino}]")


def holding(target: str | Path) -> list[str]:
    """The processes but this one with a descriptor open on ``target`` (a file's path, or ``pipe:[inode]``), by pid and
    command line (Linux's /proc)."""
    found = []
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if fd.parts[2] != str(os.getpid()) and os.readlink(fd) == str(target):
                command = (fd.parents[1] / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                found.append(f"{fd.parts[2]}: {command}")
        except OSError:  # ended meanwhile, or not ours to read
            continue
    return sorted(set(found))


def left_naming(text: str, seconds: float) -> list[int]:
    """The processes naming ``text`` (``processes_naming``) still running after up to ``seconds``: a process just killed
    or told to end may take a moment to go. Polled every 0.2 s, not a core spent reading /proc meanwhile."""
    deadline = time.monotonic() + seconds
    while (left := processes_naming(text)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def suite_env(settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without its suite settings (nor .env's), with ``settings`` instead; nor a base URL for
    pytest-playwright (PYTEST_BASE_URL), which a journey run refuses."""
    return {k: v for k, v in tenant_mode_env(dict(settings or {}), dict(os.environ)).items()
            if not k.startswith("PYTEST_XDIST") and k != "PYTEST_BASE_URL"}


def pytest_with_plugins(folder: Path, plugins: tuple[str, ...], *args: str, env: Mapping[str, str | None] | None = None,
                        results: bool = True) -> subprocess.CompletedProcess[str]:
    """pytest on test files in ``folder`` with only ``plugins`` (autoload off) and this repository importable: how a
    plugin of the suite is shown on made-up tests. Its Allure results go to ``folder/allure-results`` (``results``
    False: none are written, as in `pytest tests`); ``env`` changes its environment (None: a name left out)."""
    command = [sys.executable, "-m", "pytest", *(arg for plugin in plugins for arg in ("-p", plugin)), "-p", "no:cacheprovider",
               "-o", "addopts=", "-q", "--rootdir", str(folder), *([f"--alluredir={folder / 'allure-results'}"] if results else []), *args]
    # Not the journey runs' evidence folder (tests/conftest.py evidence_of_its_own): without pytest-playwright, --output is no option.
    inherited = {name: value for name, value in os.environ.items() if name != "PYTEST_ADDOPTS"}
    changed = {**inherited, "PYTHONPATH": str(ROOT), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **(env or {})}
    environment = {name: value for name, value in changed.items() if value is not None}
    return subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, timeout=120)


def labels(result: dict[str, Any]) -> dict[str, str]:
    """An Allure result's labels by name (the suite's cause and cause_detail among them)."""
    return {label["name"]: label["value"] for label in result["labels"]}


def pytest_e2e(*args: str, **env_overrides: str) -> subprocess.CompletedProcess[str]:
    """``pytest e2e ARGS`` with the local defaults (nothing of the environment's or .env's suite settings) and no display."""
    env = {k: v for k, v in suite_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(ROOT / "nonexistent-browsers")  # so WebKit is surely not installed
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-m", "pytest", "e2e", "-p", "no:cacheprovider", "-q", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


HOLDING = ("import sys, pathlib\nfrom fixtures.alive import hold_alive\nheld = hold_alive(pathlib.Path(sys.argv[1]))\n"
           "print('held', flush=True)\nsys.stdin.read()\n")


def run_holding(folder: Path) -> subprocess.Popen[str]:
    """A process that holds ``folder`` alive (fixtures/alive.py) until it is killed, as a run that made it does."""
    folder.mkdir(parents=True, exist_ok=True)
    run = subprocess.Popen([sys.executable, "-c", HOLDING, str(folder)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None and run.stdout.readline() == "held\n"
    return run


def killed(run: subprocess.Popen[str]) -> None:
    """``run`` killed outright (SIGKILL: nothing of its own runs), and waited for."""
    run.kill()
    run.wait()


@contextlib.contextmanager
def watched(processes: dict[int, str]) -> Iterator[dict[int, str]]:
    """Pidfds of ``processes`` (those not ended already) -> command line. A pidfd stays that process's even when its pid
    is reused, and is readable once it has ended, reaped or not (a zombie under an init that does not reap ends too)."""
    fds: dict[int, str] = {}
    try:
        for pid, command in processes.items():
            with contextlib.suppress(ProcessLookupError):
                fds[os.pidfd_open(pid)] = command
        yield fds
    finally:
        for fd in fds:
            os.close(fd)


def not_ended_by(deadline: float, pidfds: dict[int, str]) -> list[str]:
    """Command lines of the processes (``watched``) that have not ended by ``deadline`` (time.monotonic)."""
    poll = select.poll()
    for fd in pidfds:
        poll.register(fd, select.POLLIN)
    waiting = dict(pidfds)
    while waiting and (left := deadline - time.monotonic()) > 0:
        for fd, _ in poll.poll(left * 1000):
            poll.unregister(fd)
            waiting.pop(fd)
    return list(waiting.values())


def child_told_to_stop(folder: Path, teardown_s: float = 0.0) -> Path:
    """A child's script: it writes its pid to ``folder/started`` once its handlers are set and, on SIGTERM or Ctrl-C,
    after ``teardown_s`` (a teardown that takes a while) writes which it had to ``folder/stopped`` and exits 2."""
    child = folder / "child.py"
    child.write_text(
        "import os, pathlib, signal, sys, time\n"
        f"folder = pathlib.Path({str(folder)!r})\n"
        "def stop(signum, frame):\n"
        f"    time.sleep({teardown_s!r})\n"
        "    (folder / 'stopped').write_text(signal.Signals(signum).name)\n"
        "    sys.exit(2)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "signal.signal(signal.SIGINT, stop)\n"
        "(folder / 'started').write_text(str(os.getpid()))\n"
        "time.sleep(60)\n")
    return child


def popen_stopped_as_it_starts(started: Path, stop: str) -> str:
    """Python lines for a script of a test: ``subprocess.Popen`` replaced by one that, once its child has written
    ``started``, runs ``stop`` (e.g. ``os.kill(os.getpid(), signal.SIGTERM)``) before it returns, as a busy machine
    delivers a stop while ``Popen`` has not returned yet."""
    return ("import os, pathlib, signal, subprocess, sys, time\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "real = subprocess.Popen\n"
            "def starting(*args, **kwargs):\n"
            "    child = real(*args, **kwargs)\n"
            f"    while not pathlib.Path({str(started)!r}).exists():\n"
            "        time.sleep(0.02)\n"
            f"    {stop}\n"
            "    return child\n"
            "subprocess.Popen = starting\n")


def journeys_with_own_policies(settings: Mapping[str, str], selection: str, tmp_path: Path) -> tuple[int, str]:
    """The journeys of ``selection`` (pytest's -k) in local mode against a stack with a team's ``settings`` (its policy
    folder, page templates...; the starter packs' Facebook key given): (status, output). Results in ``tmp_path/results``."""
    from scripts.process_group import stop_group

    env = suite_env({"FACEBOOK_SECRET": "not-a-real-secret", "E2E_STACK_POLICY_KEYS": "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET",
                     **settings})
    options = ["-k", selection, "-n", "0", "-q", "-rA", "-p", "no:cacheprovider", f"--alluredir={tmp_path / 'results'}",
               f"--output={tmp_path / 'evidence'}"]
    run = subprocess.Popen([sys.executable, "-m", "pytest", "e2e", *options], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output = output_of(run, timeout=150)
    finally:
        if run.poll() is None:
            stop_group(run)
    return run.returncode, output
