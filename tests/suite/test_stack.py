"""Starting the stack: the ready lines, a deadline instead of sleeps, clear failures."""

from __future__ import annotations

import os
import queue
import signal
import stat
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from xml.etree import ElementTree

import pytest

from fixtures import stack as stack_module
from fixtures.alive import remove_dead
from fixtures.causes import INFRASTRUCTURE, Cause, classify
from fixtures.retries import Verdict
from fixtures.settings import build_settings
from fixtures.stack import Stack, StackStartError, parse_ready_lines, read_until_ready
from fixtures.stack_description import StackDescriptionError, serve_command
from tests.local_stack import LOCAL_STACK
from tests.suite_run import ROOT, killed, not_ended_by, run_holding, watched

READY = [
    "stack-port: 8443",
    "stack-ca: /tmp/ca.pem",
    "stack-host-map: contoso.b2clogin.com=127.0.0.1:8443,jwt.ms=127.0.0.1:8443",
    f"stack-description: {LOCAL_STACK.to_json()}",
    "stack-ready: https://127.0.0.1:8443",
]
SAYS_READY = "".join(f"print({line!r}, flush=True)\n" for line in READY)  # a fake stack's lines that say it is ready


def test_ready_lines_give_port_ca_host_map_and_description() -> None:
    info = parse_ready_lines(["uvicorn noise", *READY])
    assert (info.port, info.ca_path, info.ready_url) == (8443, "/tmp/ca.pem", "https://127.0.0.1:8443")
    assert info.host_map == {"contoso.b2clogin.com": ("127.0.0.1", 8443), "jwt.ms": ("127.0.0.1", 8443)}
    assert info.description == LOCAL_STACK


@pytest.mark.parametrize("drop", ["stack-port", "stack-ca", "stack-host-map", "stack-description"])
def test_a_missing_ready_line_is_named(drop: str) -> None:
    with pytest.raises(StackStartError, match=drop):
        parse_ready_lines([line for line in READY if not line.startswith(drop)])


def test_the_proxy_line_is_read_when_there_is_one() -> None:
    assert parse_ready_lines(READY).proxy_url is None
    with_proxy = [*READY[:-1], "stack-proxy: http://127.0.0.1:9000", READY[-1]]
    assert parse_ready_lines(with_proxy).proxy_url == "http://127.0.0.1:9000"


@pytest.mark.parametrize("port", ["abc", "-1", ""])
def test_a_port_that_is_no_number_is_named(port: str) -> None:
    with pytest.raises(StackStartError, match=f"stack-port {port!r} is not a port number") as raised:
        parse_ready_lines([f"stack-port: {port}", *READY[1:]])
    assert raised.value.cause == Cause(INFRASTRUCTURE, f"the local stack failed: stack-port {port!r} is not a port number")


def test_keys_are_copied_owner_only_and_never_over_a_key_there_already(tmp_path: Path) -> None:
    """The cache's keys fill a state directory's gaps, and a run's new keys the cache's: a kept key is never replaced (its
    tokens' kid would change under a run that trusts it)."""
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    for name in stack_module.KEY_FILES[:2]:
        (source / name).write_text(f"source {name}")
    target.mkdir()
    own = stack_module.KEY_FILES[0]
    (target / own).write_text("target's own")
    stack_module.copy_keys(source, target)
    assert (target / own).read_text() == "target's own"
    copied = target / stack_module.KEY_FILES[1]
    assert copied.read_text() == f"source {stack_module.KEY_FILES[1]}" and stat.S_IMODE(copied.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.iterdir()) == sorted(stack_module.KEY_FILES[:2])  # nothing left aside


@pytest.mark.parametrize("customized", [True, False])
def test_a_stack_started_apart_gives_tenant_settings_as_it_describes_itself(customized: bool) -> None:
    from fixtures.stack import tenant_settings

    described = LOCAL_STACK.to_json().replace('"language_customization":true', f'"language_customization":{str(customized).lower()}')
    info = parse_ready_lines([line if not line.startswith("stack-description") else f"stack-description: {described}" for line in READY])
    settings = tenant_settings(info)
    assert settings["B2C_LANGUAGE_CUSTOMIZATION"] == ("on" if customized else "off")
    assert (settings["E2E_HOST_MAP"], settings["E2E_CA_FILE"]) == ("contoso.b2clogin.com=127.0.0.1:8443,jwt.ms=127.0.0.1:8443", "/tmp/ca.pem")
    assert settings["B2C_POLICIES"] == "B2C_1_signupsignin,B2C_1A_signup_signin"
    assert settings["B2C_USER_FLOW_IDP_NAME"] == "Mobile ID"  # the stack's own user flow's provider


def test_the_readmes_by_hand_tenant_mode_settings_are_the_ones_make_test_runs_with(tmp_path: Path) -> None:
    """The README's `.env` for tenant mode against `make serve`'s stack gives the suite the same settings as
    ``tenant_settings`` (what `make test`'s tenant-mode run takes from the stack): one it left out
    (B2C_LANGUAGE_CUSTOMIZATION) skipped the user flow's language journeys by hand that ran in `make test`. A setting
    the README gives a value keeps it; one it names takes the stack's (from its description and ready lines)."""
    import dataclasses
    import re

    import trustme

    from fixtures.stack import tenant_settings

    readme = (ROOT / "README.md").read_text()
    recipe = readme[readme.index("To run the journeys in tenant mode against it"):]
    recipe = recipe[:recipe.index("then `make preflight`")]
    named = re.findall(r"`([A-Z][A-Z0-9_]+)(?:=([^`]*))?`", recipe)
    ca = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca))
    stacks = {**tenant_settings(parse_ready_lines(READY)), "E2E_CA_FILE": str(ca)}
    by_hand = {name: value if value and name != "E2E_CA_FILE" else stacks[name] for name, value in named}
    assert by_hand["MOBILEID_CONTROL_URL"] == stacks["MOBILEID_CONTROL_URL"] and by_hand["B2C_TENANT"] == stacks["B2C_TENANT"]
    readmes, make_tests = build_settings(by_hand), build_settings(stacks)
    assert {field.name: getattr(readmes, field.name) for field in dataclasses.fields(readmes)
            if getattr(readmes, field.name) != getattr(make_tests, field.name)} == {}


def test_a_stack_serving_a_teams_user_flows_tells_tenant_mode_its_mobile_id_button() -> None:
    """A tenant-mode run against a stack of a team's flows (E2E_STACK_USER_FLOWS) needs their Mobile ID button's name, which
    a team copies from the portal as B2C_USER_FLOW_IDP_NAME: the stack's description gives it per user flow."""
    from fixtures.stack import tenant_settings

    described = LOCAL_STACK.to_json().replace('"mobile_id_button":"Mobile ID"', '"mobile_id_button":"Swiss Mobile ID"', 1)
    assert described != LOCAL_STACK.to_json()
    info = parse_ready_lines([line if not line.startswith("stack-description") else f"stack-description: {described}" for line in READY])
    assert tenant_settings(info)["B2C_USER_FLOW_IDP_NAME"] == "Swiss Mobile ID"


def test_reading_stops_at_the_deadline() -> None:
    lines: queue.Queue[str | None] = queue.Queue()
    lines.put("stack-port: 1\n")
    started = time.monotonic()
    with pytest.raises(StackStartError, match="no stack-ready line"):
        read_until_ready(lines, time.monotonic() + 0.2)
    assert time.monotonic() - started < 2


def test_reading_stops_when_the_stack_exits() -> None:
    lines: queue.Queue[str | None] = queue.Queue()
    lines.put(None)
    with pytest.raises(StackStartError, match="exited"):
        read_until_ready(lines, time.monotonic() + 5)


def test_faults_and_state_dir_reach_the_command(tmp_path: Path) -> None:
    command = serve_command(tmp_path, ["wrong-idp", "slow-idp"])
    assert command[1:4] == ["-m", "mocks", "serve"]
    assert command[command.index("--state-dir") + 1] == str(tmp_path)
    assert [command[i + 1] for i, arg in enumerate(command) if arg == "--fault"] == ["wrong-idp", "slow-idp"]
    assert command[command.index("--port") + 1] == "0"


def test_the_settings_stack_options_reach_its_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """B2C_LANGUAGE_CUSTOMIZATION=off and E2E_STACK_PAGE_BUILD_DELAY are the stack's, not only the suite's idea of it."""
    from fixtures.stack_description import stack_command

    def options(command: list[str]) -> dict[str, str]:
        return {arg: command[i + 1] for i, arg in enumerate(command) if arg in ("--language-customization", "--page-build-delay")}

    assert options(stack_command(tmp_path, build_settings({}, LOCAL_STACK))) == {}  # the stack's defaults: on, no delay
    settings = build_settings({"B2C_LANGUAGE_CUSTOMIZATION": "off", "E2E_STACK_PAGE_BUILD_DELAY": "1.5"}, LOCAL_STACK)
    assert options(stack_command(tmp_path, settings)) == {"--language-customization": "off", "--page-build-delay": "1.5"}


def test_the_page_content_setting_reaches_the_stacks_command_and_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """E2E_STACK_PAGE_CONTENT (local only, a folder) is the stack's --page-content, as E2E_STACK_POLICIES is its --policies."""
    from fixtures.settings import SettingsError
    from fixtures.stack_description import stack_command

    command = stack_command(tmp_path, build_settings({"E2E_STACK_PAGE_CONTENT": str(tmp_path)}, LOCAL_STACK))
    assert command[command.index("--page-content") + 1] == str(tmp_path.resolve())
    assert "--page-content" not in stack_command(tmp_path, build_settings({}, LOCAL_STACK))
    with pytest.raises(SettingsError, match="E2E_STACK_PAGE_CONTENT='nowhere' is not a directory"):
        build_settings({"E2E_STACK_PAGE_CONTENT": "nowhere"}, LOCAL_STACK)
    # a relative folder (as .env gives it) reaches the stack as the folder it names, wherever the stack runs
    monkeypatch.chdir(tmp_path.parent)
    command = stack_command(tmp_path, build_settings({"E2E_STACK_PAGE_CONTENT": tmp_path.name}, LOCAL_STACK))
    assert command[command.index("--page-content") + 1] == str(tmp_path.resolve())
    # a tenant's pages are the tenant's: the setting is refused there rather than silently left unused
    from tests.suite.test_settings import TENANT

    with pytest.raises(SettingsError, match="E2E_STACK_PAGE_CONTENT only applies to E2E_TARGET=local"):
        build_settings({**TENANT, "E2E_STACK_PAGE_CONTENT": str(tmp_path)}, LOCAL_STACK)


STARTING_A_STACK = ("import pathlib, sys\nfrom fixtures.stack import Stack\nfrom fixtures.stack_description import serve_command\n"
                     "state = pathlib.Path(sys.argv[1])\nstack = Stack(state, command=serve_command(state, ()))\n"
                     "print(stack.process.pid, flush=True)\nsys.stdin.read()\n")


def test_a_stack_ends_with_the_run_that_started_it_killed_outright(tmp_path: Path) -> None:
    """SIGKILL to the process that started the stack (none of its clean-up runs): the stack, started by the suite's command
    (--stop-with-parent), gets SIGTERM and stops, holding no port and no state folder for anyone to kill by hand."""
    parent = subprocess.Popen([sys.executable, "-c", STARTING_A_STACK, str(tmp_path)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        stack_pid = int(parent.stdout.readline())
        with watched({stack_pid: "the stack"}) as pidfds:
            killed(parent)
            outlived = not_ended_by(time.monotonic() + 15, pidfds)
    finally:
        killed(parent)
    if outlived:
        os.kill(stack_pid, signal.SIGKILL)
    assert outlived == [], f"the stack {stack_pid} outlived the process that started it"


def _fake(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "fake_stack.py"
    script.write_text(body)
    return [sys.executable, str(script)]


def test_a_fake_stack_is_started_and_stopped(tmp_path: Path) -> None:
    running = Stack(tmp_path, command=_fake(tmp_path, SAYS_READY + "import time\ntime.sleep(60)\n"))
    try:
        assert running.info.port == 8443 and running.info.started_in < 10
        assert running.process.poll() is None
    finally:
        running.stop()
    assert running.process.poll() is not None


def test_a_stack_that_ignores_the_stop_signal_is_killed(tmp_path: Path) -> None:
    ignoring = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n" + SAYS_READY + "time.sleep(60)\n"
    running = Stack(tmp_path, command=_fake(tmp_path, ignoring))
    try:
        running.stop()
    finally:
        if running.process.poll() is None:
            running.process.kill()
    assert running.process.returncode == -signal.SIGKILL, f"a stack that ignored SIGTERM ended {running.process.returncode}, not killed"


def test_stacks_of_a_process_ending_without_its_teardown_are_killed_with_their_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fixtures/stop_signal.py: no stack left running, no state folder (keys, a client secret) left behind."""
    monkeypatch.setattr(stack_module, "_RUNNING", set())  # this process's other stacks, if any, are not this test's
    monkeypatch.setattr(stack_module, "_RUN_STACK_FOLDERS", {tmp_path / "run"})
    (tmp_path / "run").mkdir()
    state = tmp_path / "state"
    state.mkdir()
    running = Stack(state, command=_fake(tmp_path, SAYS_READY + "import time\ntime.sleep(60)\n"))
    try:
        stack_module.kill_running_stacks()
        assert running.process.wait(timeout=5) == -signal.SIGKILL
    finally:
        running.stop()
    assert not state.exists() and not (tmp_path / "run").exists()


def test_a_stack_starts_with_the_cached_keys_and_gives_its_new_ones_back(tmp_path: Path) -> None:
    """fixtures/stack.py KEY_CACHE: the next run's stack signs with the same keys instead of generating them again."""
    cache, state = tmp_path / "cache", tmp_path / "state"
    cache.mkdir()
    state.mkdir()
    cached = rsa_pem()
    (cache / "b2c-user-flow-key.pem").write_bytes(cached)
    made = state / "mobileid-signing-key.pem"
    running = Stack(state, command=_fake(tmp_path, f"import pathlib\npathlib.Path({str(made)!r}).write_text('new key')\n{SAYS_READY}"
                                                   "import time\ntime.sleep(60)\n"), key_cache=cache)
    running.stop()
    assert (state / "b2c-user-flow-key.pem").read_bytes() == cached
    kept = cache / "mobileid-signing-key.pem"
    assert kept.read_text() == "new key" and stat.S_IMODE(kept.stat().st_mode) == 0o600


def rsa_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def test_a_damaged_kept_key_is_made_anew_rather_than_stopping_every_runs_stack(tmp_path: Path) -> None:
    """A kept key cut short (a write or a disk that failed) stopped the stack of every run at its start, until `make clean`,
    saying "<temporary state directory>/<key> is not an RSA private key in PEM; delete it": a file gone by the time anyone
    read the night's report. The stack starts (the real one: it makes a new key), and that new key is kept."""
    cache, state = tmp_path / "cache", tmp_path / "state"
    cache.mkdir()
    good, damaged = rsa_pem(), rsa_pem()[:900]
    (cache / "b2c-user-flow-key.pem").write_bytes(good)
    (cache / "b2c-token-signing-key.pem").write_bytes(damaged)
    running = Stack(state, key_cache=cache)
    running.stop()
    assert (state / "b2c-user-flow-key.pem").read_bytes() == good  # a sound kept key is still used
    kept = (cache / "b2c-token-signing-key.pem").read_bytes()
    assert kept != damaged and kept.startswith(b"-----BEGIN PRIVATE KEY-----"), kept[:40]


def test_the_stack_starts_and_describes_itself_with_the_working_folder_off_the_import_path(tmp_path: Path,
                                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """PYTHONSAFEPATH=1 in the shell that runs the journeys (Python then leaves the working folder off the import path):
    the stack's `python -m mocks` said "No module named mocks", and the run that the stack refused its settings."""
    from fixtures.stack_description import describe_stack

    monkeypatch.setenv("PYTHONSAFEPATH", "1")
    assert describe_stack(serve_command(None, ())).tenant == "contoso"
    (tmp_path / "state").mkdir()
    running = Stack(tmp_path / "state", key_cache=None)
    running.stop()
    assert running.info.description.tenant == "contoso"


def test_the_stderr_tail_is_its_last_lines(tmp_path: Path) -> None:
    path = tmp_path / "stack.stderr"
    path.write_text("".join(f"line {n}\n" for n in range(1, 6)))
    assert stack_module.stderr_tail(path, 2) == f"{stack_module.STDERR_TAIL}\nline 4\nline 5"
    assert stack_module.stderr_tail(tmp_path / "none", 2) == f"{stack_module.STDERR_TAIL}\n"


def test_a_crashing_stack_shows_its_stderr(tmp_path: Path) -> None:
    command = _fake(tmp_path, "import sys\nprint('a warning before', file=sys.stderr)\nprint('cannot listen on 127.0.0.1:0', file=sys.stderr)\n"
                              "sys.exit(2)\n")  # its last words are why it ended
    with pytest.raises(StackStartError, match="(?s)exited before it was ready.*cannot listen") as error:
        Stack(tmp_path, command=command)
    # What the report and the terminal's causes show: the machine's failure, in the stack's own words, in its first line.
    assert str(error.value).splitlines()[0].startswith("the stack exited before it was ready: cannot listen on 127.0.0.1:0; command:")
    assert classify(error.value) == Cause(INFRASTRUCTURE, "the local stack failed: the stack exited before it was ready: cannot listen on 127.0.0.1:0")
    assert isinstance(error.value, Verdict)  # --infra-reruns does not start it again: it fails the same way


def test_a_silent_stack_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack_module, "START_TIMEOUT", 0.5)
    with pytest.raises(StackStartError, match="no stack-ready line within 0.5 s"):
        Stack(tmp_path, command=_fake(tmp_path, "import time\ntime.sleep(60)\n"))


def test_workers_read_the_run_stack(tmp_path: Path) -> None:
    command = _fake(tmp_path, SAYS_READY + "import time\ntime.sleep(60)\n")
    run_stack = stack_module.RunStack()
    try:
        started = run_stack.start(lambda state: command)
        info = stack_module.read_run_stack(run_stack.directory)
        assert info == started and (info.port, info.ca_path, info.ready_url) == (8443, "/tmp/ca.pem", "https://127.0.0.1:8443")
        assert info.host_map["jwt.ms"] == ("127.0.0.1", 8443) and info.description == LOCAL_STACK
        assert run_stack.running is not None and run_stack.running.process.poll() is None
    finally:
        run_stack.stop()
    assert run_stack.running.process.poll() is not None and not run_stack.directory.exists()


def test_a_run_stack_that_did_not_start_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    command = _fake(tmp_path, "import sys\nprint('a warning before', file=sys.stderr)\nprint('cannot listen on 127.0.0.1:0', file=sys.stderr)\n"
                              "sys.exit(2)\n")  # its last words are why it ended
    with pytest.raises(StackStartError, match="(?s)exited before it was ready.*cannot listen") as error:
        stack_module.RunStack().start(lambda state: command)
    assert isinstance(error.value, stack_module.StackExited)
    assert list((tmp_path / "tmp").iterdir()) == []  # its state folder (keys, a client secret) removed
    monkeypatch.setattr(stack_module, "START_TIMEOUT", 0.5)
    with pytest.raises(StackStartError, match="no stack-ready line within 0.5 s") as error:
        stack_module.RunStack().start(lambda state: _fake(tmp_path, "import time\ntime.sleep(60)\n"))
    assert not isinstance(error.value, stack_module.StackExited)  # still running when given up on
    assert list((tmp_path / "tmp").iterdir()) == []
    # Ready, then its address book cannot be written for the workers: stopped, not left running with its keys. (The start
    # timeout as a run has it: a Python that starts in over 0.5 s on a busy machine is no stack that never got ready.)
    monkeypatch.setattr(stack_module, "START_TIMEOUT", 30.0)
    monkeypatch.setattr(stack_module, "INFO_FILE", "no-such-folder/stack.json")
    run_stack = stack_module.RunStack()
    with pytest.raises(FileNotFoundError):
        run_stack.start(lambda state: _fake(tmp_path, SAYS_READY + "import time\ntime.sleep(60)\n"))
    assert run_stack.running is not None and run_stack.running.process.poll() is not None
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_run_stack_that_refuses_its_settings_says_so_as_its_describe_would() -> None:
    """The stack a run starts with the settings' command: its refusal is the settings' error, in the suite's words."""
    config = types.SimpleNamespace(stash=pytest.Stash())
    settings = build_settings({"E2E_STACK_POLICIES": str(ROOT / "tests/b2c/starterpack/SocialAndLocalAccounts")})  # without Facebook's key
    with pytest.raises(StackDescriptionError, match=r"^the local stack does not start with these settings: policy refused: .*"
                                                    r"add the policy key \(E2E_STACK_POLICY_KEYS=B2C_1A_FacebookSecret=env:VAR"):
        stack_module.start_run_stack(config, settings)  # type: ignore[arg-type]
    assert not config.stash[stack_module.RUN_STACK_KEY].directory.exists()


def test_a_run_stack_that_ends_for_another_reason_is_this_machines_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stack that exits before it is ready, though its --describe takes the settings (a corrupt kept key, a crash): not
    the settings' error, which would send the reader to fix a setting that is right."""
    config = types.SimpleNamespace(stash=pytest.Stash())
    crash = _fake(tmp_path, "import sys\nprint('ValueError: not an RSA private key', file=sys.stderr)\nsys.exit(1)\n")
    monkeypatch.setattr(stack_module, "stack_command", lambda state, settings: crash)
    with pytest.raises(StackStartError, match="exited before it was ready: ValueError: not an RSA private key") as error:
        stack_module.start_run_stack(config, build_settings({}))  # type: ignore[arg-type]
    assert classify(error.value).name == INFRASTRUCTURE


def _tls_set(directory: Path, tag: str, hosts: str = "contoso.b2clogin.com") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in stack_module.TLS_FILES:
        (directory / name).write_text(hosts if name == "tls-hosts.txt" else f"{tag} {name}")


def _real_tls_set(directory: Path, hosts: str = "contoso.b2clogin.com") -> None:
    """A set the stack would make (a CA, a certificate and its key that load), as the stack writes it."""
    from mocks.common.tls import issue_local_certificates

    directory.mkdir(parents=True, exist_ok=True)
    issue_local_certificates(directory, [hosts])
    (directory / "tls-hosts.txt").write_text(hosts)


def test_a_run_keeps_its_tls_set_and_the_next_run_starts_with_it(tmp_path: Path) -> None:
    cache, first, second = tmp_path / "cache", tmp_path / "first", tmp_path / "second"
    _real_tls_set(first)
    stack_module.keep_tls(first, cache)
    kept = cache / stack_module.KEPT_TLS
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700 and {stat.S_IMODE((kept / n).stat().st_mode) for n in stack_module.TLS_FILES} == {0o600}
    second.mkdir()
    stack_module.reuse_tls(cache, second)
    assert {name: (second / name).read_text() for name in stack_module.TLS_FILES} == {n: (first / n).read_text() for n in stack_module.TLS_FILES}
    assert stat.S_IMODE((second / "server-key.pem").stat().st_mode) == 0o600
    _tls_set(tmp_path / "third", "third")
    stack_module.keep_tls(tmp_path / "third", cache)  # the same host names: the cache keeps the first run's set
    assert (kept / "server-key.pem").read_bytes() == (first / "server-key.pem").read_bytes()


def test_a_kept_set_that_no_longer_loads_is_not_given_to_a_stack_and_is_removed(tmp_path: Path) -> None:
    """A key cut short in .stack/keys/ stopped every run's stack ("cannot serve HTTPS with ..."), naming the run's own
    copy, not the kept one: the stack now gets none and makes a new set, which the run keeps."""
    cache, first, second = tmp_path / "cache", tmp_path / "first", tmp_path / "second"
    _real_tls_set(first)
    stack_module.keep_tls(first, cache)
    (cache / stack_module.KEPT_TLS / "server-key.pem").write_text("-----BEGIN PRIVATE KEY-----\ncut")
    stack_module.reuse_tls(cache, second)
    assert not any((second / name).exists() for name in stack_module.TLS_FILES) and not (cache / stack_module.KEPT_TLS).exists()
    stack_module.keep_tls(first, cache)  # the next run keeps its new set
    assert (cache / stack_module.KEPT_TLS / "server-key.pem").read_bytes() == (first / "server-key.pem").read_bytes()


def test_a_set_for_other_host_names_replaces_the_kept_one(tmp_path: Path) -> None:
    """Another tenant's run: its set is kept instead, so its next runs start with it rather than issue again each time."""
    cache = tmp_path / "cache"
    _tls_set(tmp_path / "contoso", "contoso")
    stack_module.keep_tls(tmp_path / "contoso", cache)
    _tls_set(tmp_path / "fabrikam", "fabrikam", hosts="fabrikam.b2clogin.com")
    stack_module.keep_tls(tmp_path / "fabrikam", cache)
    assert (cache / stack_module.KEPT_TLS / "server-key.pem").read_text() == "fabrikam server-key.pem"
    assert sorted(p.name for p in cache.iterdir()) == [stack_module.KEPT_TLS]  # nothing left aside


def test_tls_sets_are_never_mixed(tmp_path: Path) -> None:
    """An incomplete set is neither kept nor reused, and a state directory with any TLS file of its own gets none."""
    cache, partial, own = tmp_path / "cache", tmp_path / "partial", tmp_path / "own"
    _tls_set(partial, "partial")
    (partial / "server-key.pem").unlink()
    stack_module.keep_tls(partial, cache)
    assert not (cache / stack_module.KEPT_TLS).exists()
    _tls_set(tmp_path / "whole", "whole")
    stack_module.keep_tls(tmp_path / "whole", cache)
    own.mkdir()
    (own / "server-chain.pem").write_text("own chain")
    stack_module.reuse_tls(cache, own)
    assert sorted(p.name for p in own.iterdir()) == ["server-chain.pem"]


def test_a_set_replaced_while_it_is_read_is_not_mixed_with_the_new_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another run keeps its set (other host names) while this one reads the kept set: this state directory gets the
    old set whole or none of it (the old set is removed as it is replaced, so here: none), never a mix."""
    cache, state = tmp_path / "cache", tmp_path / "state"
    _tls_set(tmp_path / "contoso", "contoso")
    stack_module.keep_tls(tmp_path / "contoso", cache)
    _tls_set(tmp_path / "fabrikam", "fabrikam", hosts="fabrikam.b2clogin.com")
    real_fdopen, replaced = os.fdopen, list[bool]()

    def replacing_after_the_first_file(*args, **kwargs):
        if not replaced:
            replaced.append(True)
            stack_module.keep_tls(tmp_path / "fabrikam", cache)
        return real_fdopen(*args, **kwargs)

    monkeypatch.setattr(os, "fdopen", replacing_after_the_first_file)
    stack_module.reuse_tls(cache, state)
    assert replaced and (cache / stack_module.KEPT_TLS / "server-key.pem").read_text() == "fabrikam server-key.pem"
    assert not any((state / name).exists() for name in stack_module.TLS_FILES)


def test_keeping_survives_a_kept_set_gone_half_and_a_killed_runs_leftovers(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / stack_module.KEPT_TLS).mkdir(parents=True)  # a kept set without its host names (another run replacing it)
    killed = subprocess.Popen(["true"])  # a process that has ended: its pid stands for a killed run's
    killed.wait()
    for name in (f".{stack_module.KEPT_TLS}.{killed.pid}.1", f".{stack_module.KEPT_TLS}.old.{killed.pid}.1"):
        (cache / name).mkdir()
        (cache / name / "server-key.pem").write_text("a killed run's key")
    live = cache / f".{stack_module.KEPT_TLS}.{os.getppid()}.1"  # a run still keeping its set: left to it
    live.mkdir()
    _tls_set(tmp_path / "state", "state")
    stack_module.keep_tls(tmp_path / "state", cache)
    assert (cache / stack_module.KEPT_TLS / "ca.pem").read_text() == "state ca.pem"
    assert sorted(p.name for p in cache.iterdir()) == sorted([stack_module.KEPT_TLS, live.name])


def test_a_killed_runs_leftovers_go_also_when_the_kept_set_is_this_runs(tmp_path: Path) -> None:
    """The usual run keeps nothing new (same host names); what a killed run left aside, a copy of the key, goes all the same."""
    cache = tmp_path / "cache"
    _tls_set(tmp_path / "first", "first")
    stack_module.keep_tls(tmp_path / "first", cache)
    killed = subprocess.Popen(["true"])
    killed.wait()
    leftover = cache / f".{stack_module.KEPT_TLS}.{killed.pid}.1"
    leftover.mkdir()
    (leftover / "server-key.pem").write_text("a killed run's key")
    _tls_set(tmp_path / "second", "second")
    stack_module.keep_tls(tmp_path / "second", cache)
    assert sorted(p.name for p in cache.iterdir()) == [stack_module.KEPT_TLS]


def test_a_folder_aside_that_names_no_pid_is_left_and_does_not_stop_the_keeping(tmp_path: Path) -> None:
    """Only ``.tls.<pid>.<thread>`` and ``.tls.old.<pid>.<thread>`` are a run's: someone's ``.tls.backup`` is theirs."""
    cache = tmp_path / "cache"
    (cache / f".{stack_module.KEPT_TLS}.backup").mkdir(parents=True)
    (cache / f".{stack_module.KEPT_TLS}.old.x1").mkdir()
    _tls_set(tmp_path / "first", "first")
    stack_module.keep_tls(tmp_path / "first", cache)
    assert sorted(p.name for p in cache.iterdir()) == [f".{stack_module.KEPT_TLS}.backup", f".{stack_module.KEPT_TLS}.old.x1", stack_module.KEPT_TLS]


def test_a_run_whose_stack_does_not_start_stops_before_any_journey_saying_why(tmp_path: Path) -> None:
    """The run's stack starts as the run reads its settings: one that never gets ready stops the run there, once, in its
    results too (not a failure per journey), and leaves no stack and no state folder behind."""
    from tests.suite_run import allure_results, processes_naming, pytest_e2e

    (tmp_path / "tmp").mkdir()
    (tmp_path / "stack_never_ready.py").write_text("import fixtures.stack\nfixtures.stack.START_TIMEOUT = 0.01\n")
    results = tmp_path / "allure-results"
    done = pytest_e2e("-p", "stack_never_ready", "-m", "smoke", "-n", "2", f"--alluredir={results}", f"--junitxml={tmp_path / 'junit.xml'}",
                      PYTHONPATH=str(tmp_path), TMPDIR=str(tmp_path / "tmp"))
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "ERROR: local stack: the stack printed no stack-ready line within 0.01 s; command: " in done.stderr, done.stderr
    assert "passed" not in done.stdout and "failed" not in done.stdout, done.stdout
    [result] = allure_results(results)
    assert (result["name"], result["status"]) == ("local stack", "broken")
    # The report's group: the same every night (no command, no run's own temporary folder), the command in the message.
    detail = next(label["value"] for label in result["labels"] if label["name"] == "cause_detail")
    assert detail == "the local stack failed: the stack printed no stack-ready line within 0.01 s", detail
    assert "command: " in result["statusDetails"]["message"] and "starts it by hand, to see why" in result["statusDetails"]["message"]
    cases = ElementTree.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    assert [(case.get("name"), case.find("error") is not None) for case in cases] == [("local stack", True)]
    assert list((tmp_path / "tmp").glob("e2e-stack-*")) == []
    assert processes_naming(str(tmp_path)) == []


def test_a_killed_runs_stack_folder_is_removed_by_the_next_run_and_a_live_ones_kept(tmp_path: Path) -> None:
    """A run killed outright (SIGKILL: no teardown) leaves its stack's folder, with the stack's keys and a client secret,
    in the temp folder: the next run's stack removes it, its lock gone with its process. A live run's folder stays, as
    does one without the lock file (being made, or not a run's)."""
    live, dead, other = (tmp_path / f"e2e-stack-{name}" for name in ("live", "killed", "other"))
    for folder in (live, dead, other):
        (folder / "state").mkdir(parents=True)
        (folder / "state" / "webapp1-client-secret").write_text("secret")
    runs = {folder: run_holding(folder) for folder in (live, dead)}
    try:
        remove_dead(tmp_path, stack_module.RUN_STACK_PREFIX)
        assert live.exists() and dead.exists() and other.exists()  # both runs live
        killed(runs[dead])
        remove_dead(tmp_path, stack_module.RUN_STACK_PREFIX)
        assert live.exists() and not dead.exists() and other.exists()
    finally:
        for run in runs.values():
            killed(run)


def test_a_temporary_folder_that_is_not_there_stops_the_run_before_any_journey_naming_it(tmp_path: Path) -> None:
    """Python falls back to /tmp for a TMPDIR that is not there; Playwright's driver does not, and every journey failed
    with "ENOENT: ... mkdtemp" as "other"."""
    from tests.suite_run import pytest_e2e

    done = pytest_e2e("-m", "smoke", "-n", "0", TMPDIR=str(tmp_path / "gone"))
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"ERROR: TMPDIR={tmp_path / 'gone'} is not a folder, and Playwright makes each browser's files there: make it, or unset TMPDIR" \
        in done.stderr and "Traceback" not in done.stdout + done.stderr, done.stderr[-2000:]


def test_a_temporary_folder_that_cannot_be_written_is_named_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root writes anywhere: the folder's answer to a write check stands in for a folder of another owner."""
    from fixtures.browser import temporary_folder_unusable

    assert temporary_folder_unusable({"TMPDIR": str(tmp_path)}) is None and temporary_folder_unusable({}) is None
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert temporary_folder_unusable({"TMPDIR": str(tmp_path)}) == (
        f"TMPDIR={tmp_path} cannot be written to, and Playwright makes each browser's files there: give a folder that can be")


def test_a_local_run_reaches_the_stack_past_a_proxy_the_environment_names() -> None:
    """A CI runner's or a company's HTTPS_PROXY: a local Chromium asked it for contoso.b2clogin.com (the real tenant's
    name) before resolving the name by the host map, and every journey failed; the suite's own calls never use it for
    the stack. Here the proxy refuses every connection: a journey that passes never went to it."""
    from tests.b2c.support import refusing_port
    from tests.suite_run import pytest_e2e

    with refusing_port() as port:
        proxy = f"http://127.0.0.1:{port}"
        done = pytest_e2e("-n", "0", "-k", "test_returning_user_signs_in_without_the_profile_page and b2c_1_signupsignin",
                          HTTPS_PROXY=proxy, https_proxy=proxy, ALL_PROXY=proxy, NO_PROXY="localhost,127.0.0.1")
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
