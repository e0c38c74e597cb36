"""``python -m mocks serve``: help, argument errors, the ready lines, no secrets, clean exit on signals."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.process_output import output_lines, read_until
from mocks import __main__ as cli
from mocks.common.hosts import parse_host_map
from mocks.faults import Fault
from mocks.stack import StackConfig, describe, stack_settings
from tests.suite_run import tail

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mocks", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(autouse=True)
def _no_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command in this process reads no .env of the checkout's for its notes: a developer's own would add lines."""
    monkeypatch.setattr(cli, "ENV_FILE", tmp_path / "no.env")


def run_here(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``python -m mocks ARGS`` through the command's main in this process, for what it answers before it starts
    anything (its help, its arguments' errors, --describe): no Python of its own and its imports, ~0.2 s of CPU each.
    Its status, standard output and standard error, a SystemExit's message on standard error as the interpreter writes
    it. The command as a process of its own: the refused policy, the state folder, the busy port, the ready lines."""
    capsys.readouterr()
    try:
        cli.main(list(args))
        status, said = 0, ""
    except SystemExit as stop:  # a message (str) is printed and ends with status 1, as the interpreter does
        status, said = (1, f"{stop.code}\n") if isinstance(stop.code, str) else (stop.code or 0, "")
    out, err = capsys.readouterr()
    return status, out, err + said


def test_help_documents_every_option_and_fault(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_here(capsys, "serve", "--help")
    assert status == 0
    for option in ("--port", "--host", "--tenant", "--fault", "--state-dir", "--policies", "--user-flows", "--proxy-port"):
        assert option in out
    for fault in Fault:
        assert fault.value in out


def test_contracts_synopsis_names_every_option_of_serve_and_no_other(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/contracts.md's ``python -m mocks serve [--port P] ...`` line is the command's whole set of options."""
    synopsis = re.search(r"`python -m mocks serve (\[.*?\])`", (ROOT / "docs" / "contracts.md").read_text(), re.S)
    assert synopsis, "contracts.md no longer shows serve's synopsis"
    documented = sorted(re.findall(r"\[(--[a-z-]+)", synopsis.group(1)))
    _, out, _ = run_here(capsys, "serve", "--help")
    served = sorted(re.findall(r"\[(--[a-z-]+)", out.split("\n\n")[0]))  # the usage lines
    assert documented == served, f"contracts.md names {documented}, serve takes {served}"


@pytest.mark.parametrize(("args", "expected"), [((), True), (("--language-customization", "off"), False),
                                                 (("--language-customization", "on"), True)])
def test_language_customization_reaches_the_description_and_b2cs_settings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                                          args: tuple[str, ...], expected: bool) -> None:
    """docs/contracts.md: ``--language-customization on|off`` (on by default here) is the description's
    ``language_customization`` and the tenant's setting (B2CSettings.language_customization, which picks a user flow's
    page language)."""
    status, out, err = run_here(capsys, "serve", "--describe", *args)
    assert status == 0, err
    assert json.loads(out)["language_customization"] is expected
    served: list[StackConfig] = []
    monkeypatch.setattr(cli, "serve", served.append)  # what `serve` would start, without serving
    cli.main(["serve", "--port", "0", *args])
    [config] = served
    _, b2c, _ = stack_settings(config)
    assert b2c.language_customization is expected and describe(config)["language_customization"] is expected
    user_flow = b2c.policy("B2C_1_signupsignin")
    assert user_flow is not None and b2c.customizes_language(user_flow) is expected  # a user flow follows the tenant's setting


@pytest.mark.parametrize(("args", "expected"), [((), 0.0), (("--page-build-delay", "1.5"), 1.5)])
def test_a_page_build_delay_reaches_b2cs_settings(monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], expected: float) -> None:
    served: list[StackConfig] = []
    monkeypatch.setattr(cli, "serve", served.append)  # what `serve` would start, without serving
    cli.main(["serve", "--port", "0", *args])
    [config] = served
    assert stack_settings(config)[1].page_build_delay == expected


def test_page_content_without_a_policys_template_stops_the_start_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """mocks/b2c/README.md, Custom page content: ``--page-content DIR`` lacking the template a content definition's LoadUri names
    stops the start (here ``--describe``, which refuses what ``serve`` refuses), naming the content definition, its LoadUri
    and the file it looked for; given the file, the start goes on."""
    import shutil

    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    extensions = policies / "TrustFrameworkExtensions.xml"
    uri = "https://contoso.blob.core.windows.net/b2c/unified.html"
    extensions.write_bytes(extensions.read_bytes().replace(b"<BuildingBlocks>", b'<BuildingBlocks><ContentDefinitions><ContentDefinition '
                                                           b'Id="api.signuporsignin"><LoadUri>' + uri.encode() + b"</LoadUri>"
                                                           b"</ContentDefinition></ContentDefinitions>", 1))
    pages = tmp_path / "pages"
    pages.mkdir()
    args = ("serve", "--describe", "--policies", str(policies), "--policy-key", "B2C_1A_FacebookSecret=env:HOME", "--page-content", str(pages))
    status, _, err = run_here(capsys, *args)
    looked_for = pages / "contoso.blob.core.windows.net" / "b2c" / "unified.html"
    assert status == 1 and f"policy refused: B2C_1A_signup_signin: ContentDefinition 'api.signuporsignin': LoadUri '{uri}': no template at {looked_for}" in err, err
    shutil.copytree(ROOT / "tests" / "page_content", pages, dirs_exist_ok=True)
    status, _, err = run_here(capsys, *args)
    assert status == 0, err


def test_a_control_token_the_emulator_refuses_stops_the_start_naming_its_variable() -> None:
    """No traceback: the stack names MOBILEID_CONTROL_TOKEN and what is wrong with it, never its value."""
    with pytest.raises(SystemExit) as stopped:
        stack_settings(StackConfig(port=0, control_token=" s3cret-token "))
    said = str(stopped.value)
    assert said.startswith("Mobile ID emulator: invalid settings (the control token is MOBILEID_CONTROL_TOKEN)") and "control_token" in said
    assert "s3cret-token" not in said, said


def test_help_documents_language_customization_on_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    help_text = " ".join(run_here(capsys, "serve", "--help")[1].split())
    assert "--language-customization {on,off}" in help_text and "on (default here)" in help_text

@pytest.mark.parametrize(("args", "message"), [
    (["--port", "abc"], "is not a port number"),
    (["--port", "70000"], "is not a port number"),
    (["--tenant", "Contoso!"], "is not a tenant name"),
    (["--tenant", "contoso-"], "is not a tenant name"),  # a DNS label ends with a letter or digit
    (["--policies", "/nonexistent"], "is not a directory"),
    (["--fault", "no-such-fault"], "unknown fault 'no-such-fault'; known faults: foreign-signing-key"),
    (["--page-build-delay", "soon"], "'soon' is not a number of seconds from 0 to 10, e.g. 1"),
    (["--page-build-delay", "10.5"], "'10.5' is not a number of seconds from 0 to 10"),
    (["--page-build-delay", "nan"], "'nan' is not a number of seconds from 0 to 10"),
])
def test_bad_arguments_give_a_clear_message(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    status, _, err = run_here(capsys, "serve", *args)  # an exception other than SystemExit (a traceback) fails it here
    assert status != 0
    assert message in err


def teams_files(tmp_path: Path, tenant: str, *, only: str = "") -> Path:
    """policies/ with a team's tenant name where the starter pack's readme has them write it (``yourtenant``, here
    ``contoso``): every file, or only the one named."""
    import shutil

    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    for file in folder.glob("*.xml"):
        if not only or file.name == only:
            file.write_bytes(file.read_bytes().replace(b"contoso.onmicrosoft.com", f"{tenant}.onmicrosoft.com".encode()))
    return folder


def test_a_folder_written_for_the_teams_tenant_is_served_as_that_tenant(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a team's policy files, their TenantId their own tenant's (fabrikam.onmicrosoft.com), as every team writes them
    folder = teams_files(tmp_path, "fabrikam")
    monkeypatch.setenv("FACEBOOK_SECRET", "not-a-real-secret")

    # When the stack serves them with no --tenant (as the suite starts it for E2E_STACK_POLICIES)
    status, out, err = run_here(capsys, "serve", "--describe", "--policies", str(folder),
                                "--policy-key", "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET")

    # Then it is the tenant they are written for, on its own host name: not contoso, which B2C's upload would refuse them for
    assert status == 0, err
    described = json.loads(out)
    assert (described["tenant"], described["domain"]) == ("fabrikam", "fabrikam.b2clogin.com")
    assert "B2C_1A_signup_signin" in [p["id"] for p in described["policies"]]


def test_a_copy_of_the_starter_pack_needs_its_facebook_secret_given(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """README, The local stack by hand: the stack makes up B2C_1A_FacebookSecret for policies/ itself alone; a copy is a
    team's own folder, refused naming the key and the option that gives it, until given."""
    import shutil

    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    status, _, err = run_here(capsys, "serve", "--describe", "--policies", str(folder))
    assert status == 1 and 'storageReferenceId "B2C_1A_FacebookSecret"' in err and "--policy-key B2C_1A_FacebookSecret=env:VAR" in err, err
    monkeypatch.setenv("FACEBOOK_SECRET", "not-a-real-secret")
    status, _, err = run_here(capsys, "serve", "--describe", "--policies", str(folder), "--policy-key", "B2C_1A_FacebookSecret=env:FACEBOOK_SECRET")
    assert status == 0, err


def test_a_tenant_other_than_the_files_is_still_refused_as_b2c_refuses_the_upload(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a team's files written for fabrikam, one of them left with another tenant's name
    folder = teams_files(tmp_path, "fabrikam")
    mixed = teams_files(tmp_path / "mixed", "fabrikam", only="TrustFrameworkBase.xml")

    # When the stack is told another tenant, or the files name two
    told = run_here(capsys, "serve", "--describe", "--policies", str(folder), "--tenant", "contoso")
    two = run_here(capsys, "serve", "--describe", "--policies", str(mixed))

    # Then the start stops in B2C's words, naming the file and the tenant it is written for
    assert told[0] == 1 and "TenantId in the policy xml 'fabrikam.onmicrosoft.com' is not same as the one in login tenant" in told[2]
    assert two[0] == 1 and "TenantId in the policy xml 'fabrikam.onmicrosoft.com'" in two[2], two[2]


def test_a_policy_the_emulator_cannot_honour_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "Broken.xml").write_text("<TrustFrameworkPolicy")
    result = run("serve", "--port", "0", "--policies", str(tmp_path), "--state-dir", str(tmp_path / "state"))
    assert result.returncode != 0 and "policy refused" in result.stderr and "Broken.xml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_state_folder_that_cannot_be_made_stops_the_start_naming_it(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    result = run("serve", "--port", "0", "--state-dir", str(tmp_path / "a-file" / "state"))
    assert result.returncode != 0 and "the stack's state folder cannot be made or written there (Not a directory)" in result.stderr, \
        result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("place", ["/sys", "a folder named as its CA file"])
def test_a_state_folder_the_stack_cannot_write_in_stops_the_start_naming_it(tmp_path: Path, place: str) -> None:
    """A folder that is there but cannot be written (/sys, read-only), or holds a folder where the CA file goes: a
    PermissionError's or IsADirectoryError's traceback."""
    state = Path(place) if place.startswith("/") else tmp_path / "state"
    if not place.startswith("/"):
        (state / "ca.pem").mkdir(parents=True)
    result = run("serve", "--port", "0", "--state-dir", str(state))
    said = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    if place.startswith("/"):
        assert said.startswith("--state-dir /sys: the stack's state folder cannot be made or written there ("), said
    else:
        assert said == f"the stack cannot keep its state in {state}: {state / 'ca.pem'}: Is a directory; remove what is in the way, or " \
                       "give --state-dir another folder", said


def test_a_busy_port_is_reported_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = subprocess.run([sys.executable, "-m", "mocks", "serve", "--port", str(busy.getsockname()[1])], cwd=ROOT,
                                capture_output=True, text=True, timeout=30, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert result.returncode != 0 and "cannot listen on" in result.stderr and "Choose another --port" in result.stderr
    assert list(tmp_path.iterdir()) == []  # the state folder it made for itself (keys, a client secret) went with it


def test_make_serve_takes_its_port_and_options_from_make_variables() -> None:
    """make serve always served 8443: a reader whose 8443 was taken had to leave make for python -m mocks serve."""
    from fixtures.commands import venv_for_make

    planned = subprocess.run(["make", "-s", "-n", "-o", "setup", "serve", "SERVE_PORT=9443", "SERVE_ARGS=--fault wrong-audience --policies my-policies",
                              f"VENV={venv_for_make()}"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    assert re.search(r"^MAKE_SERVE=1 .* -m mocks serve --port 9443 --state-dir \.stack --fault wrong-audience --policies my-policies$", planned, re.M), planned
    helped = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "SERVE_PORT=N" in helped and "SERVE_ARGS=" in helped, helped


def test_a_busy_port_of_make_serve_names_make_serves_variable() -> None:
    """The refusal said "Choose another --port" to a reader of make serve, whose command line they do not write."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = subprocess.run([sys.executable, "-m", "mocks", "serve", "--port", str(busy.getsockname()[1])], cwd=ROOT,
                                capture_output=True, text=True, timeout=30, env={**os.environ, "MAKE_SERVE": "1"})  # as make serve sets it
    assert result.returncode != 0 and "Address already in use. Choose another port with make serve SERVE_PORT=N" in result.stderr, result.stderr


def test_a_short_control_token_for_a_control_api_others_can_reach_stops_the_stack_as_it_stops_the_emulator() -> None:
    with pytest.raises(SystemExit, match=r"MOBILEID_CONTROL_TOKEN \(--host 0\.0\.0\.0\) is too short for a control API others can reach: give it at least 20"):
        stack_settings(StackConfig(host="0.0.0.0", port=0, control_token="abc"))
    mobileid, _, _ = stack_settings(StackConfig(host="127.0.0.1", port=0, control_token="abc"))  # this machine's only: any
    assert mobileid.control_on


@pytest.mark.parametrize("host", ["999.1.1.1", "192.0.2.1"], ids=["no such address", "not this machine's"])
def test_a_host_that_is_not_this_machines_is_said_as_the_hosts_fault(host: str) -> None:
    """It was said as the port's ("Choose another --port"), which sent the reader to the wrong option."""
    from mocks.common.serve import bind

    with pytest.raises(SystemExit, match=rf"cannot listen on {re.escape(host)}:0: .*Give --host an address of this machine"):
        bind(host, 0)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=lambda stop: stop.name)
def test_a_stop_as_the_process_starts_ends_it_quietly(stop: signal.Signals) -> None:
    """Ctrl-C (or SIGTERM) once ``python -m mocks serve``'s start has begun (``process_start.begin``, its first line), before
    its modules are loaded: a line-free exit with the shell's status for the signal, not a traceback from an import."""
    script = ("from mocks.common import process_start\nprocess_start.begin()\nimport os\n"
              f"os.kill(os.getpid(), {int(stop)})\nimport mocks.stack\nprint('went on')\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout, result.stderr) == (128 + stop, "", "")


SWALLOWED = ("    try:\n        os.kill(os.getpid(), signal.SIGTERM)\n    except SystemExit:\n"
             "        pass  # as Python swallows it in a weakref callback or a finalizer (\"Exception ignored in ...\")\n")


@pytest.mark.parametrize("when", ["while the modules load", "while the stack is built"])
def test_a_stop_python_swallowed_still_ends_the_start_before_it_serves(tmp_path: Path, when: str) -> None:
    """A stop signal's SystemExit raised in a finalizer is swallowed, the stop signals then ignored: the stack went on
    to print stack-ready and serve (seen in ~1 in 100 starts under load)."""
    if when == "while the modules load":
        script = ("from mocks.common import process_start\nprocess_start.begin()\nimport os, signal\nif True:\n" + SWALLOWED +
                  "from mocks import stack\nstack.serve(stack.StackConfig(port=0))\n")
        expected = 128 + signal.SIGTERM
    else:
        script = ("import os, signal\nfrom mocks import stack\nbuild = stack.build_stack\ndef build_then_stopped(*args):\n"
                  "    built = build(*args)\n" + SWALLOWED + "    return built\n"
                  "stack.build_stack = build_then_stopped\nstack.serve(stack.StackConfig(port=0))\n")
        expected = 0
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30,
                            env={**os.environ, "TMPDIR": str(tmp_path)})
    assert (result.returncode, "stack-ready" in result.stdout, "Traceback" in result.stderr) == (expected, False, False), \
        (result.returncode, result.stdout[-300:], tail(result.stderr, 1000))
    assert list(tmp_path.iterdir()) == []


def test_a_stop_while_a_module_makes_a_class_ends_the_start_quietly() -> None:
    """Python wraps a SystemExit raised in a class's __set_name__ (a pydantic model being made as a module loads) in a
    RuntimeError: a traceback and status 1, where docs/contracts.md promises 128 + the signal's number, quietly."""
    script = ("from mocks.common import process_start\nprocess_start.begin()\nimport os, signal\n"
              "class Named:\n    def __set_name__(self, owner, name):\n        os.kill(os.getpid(), signal.SIGTERM)\n"
              "class Model:\n    field = Named()\nprint('went on')\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout, result.stderr) == (128 + signal.SIGTERM, "", "")


def test_a_stop_while_the_stack_is_built_removes_its_temporary_folder(tmp_path: Path) -> None:
    """SIGTERM once the stack is built (keys made, policies read), before it serves: its temporary state folder (keys, a
    client secret) goes with it, as at any other stop."""
    script = ("import os, signal\nfrom mocks import stack\nbuild = stack.build_stack\n"
              "def build_then_stopped(*args):\n    built = build(*args)\n    os.kill(os.getpid(), signal.SIGTERM)\n    return built\n"
              "stack.build_stack = build_then_stopped\nstack.serve(stack.StackConfig(port=0))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30,
                            env={**os.environ, "TMPDIR": str(tmp_path)})
    assert result.returncode == 0 and "Traceback" not in result.stderr, tail(result.stderr, 2000)
    assert list(tmp_path.iterdir()) == []


def test_a_closed_terminal_stops_the_stack_and_removes_its_temporary_folder(tmp_path: Path) -> None:
    """SIGHUP (the terminal ``make serve`` ran in was closed) while it serves: a stop as SIGTERM's, its temporary state
    folder (keys, a client secret) gone with it; SIGHUP's default left it in the temp folder. Its last line names SIGHUP
    (it said SIGTERM, the signal uvicorn was handed for it), as a run whose stack ended under it quotes it."""
    # SIGHUP's default given back first, as a terminal's shell leaves it: this test run may itself run under nohup.
    serve = "import runpy, signal; signal.signal(signal.SIGHUP, signal.SIG_DFL); runpy.run_module('mocks', run_name='__main__')"
    process = subprocess.Popen([sys.executable, "-c", serve, "serve", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        read_until(output_lines(process), time.monotonic() + 20, lambda line: line.startswith("stack-ready:"), [])
        assert [folder.name[:10] for folder in tmp_path.iterdir()] == ["b2c-stack-"]
        process.send_signal(signal.SIGHUP)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
    assert list(tmp_path.iterdir()) == []
    said = process.stderr.read() if process.stderr else ""
    assert said.strip().splitlines()[-1:] == ["stopped by SIGHUP"], tail(said, 2000)


# From a terminal, SIGHUP's default is given back first: this test run may itself run under nohup.
@pytest.mark.parametrize(("command", "script", "heard"), [
    ([], "import signal; signal.signal(signal.SIGHUP, signal.SIG_DFL); ", "SIGTERM SIGHUP"), (["nohup"], "", "SIGTERM"),
], ids=["a-terminal", "nohup"])
def test_a_closed_terminal_is_a_stop_unless_hangups_were_to_be_ignored(command: list[str], script: str, heard: str) -> None:
    """Started under ``nohup`` (to run on once the terminal closes), the stack, pytest and the scripts leave SIGHUP
    ignored, as it was given them: they take it as a stop only where it would otherwise have ended them."""
    script += "from mocks.common.parent import STOP_SIGNALS; print(*(s.name for s in STOP_SIGNALS))"
    said = subprocess.run([*command, sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert said.stdout.split() == heard.split(), said.stdout + said.stderr


class Serving:
    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "mocks", "serve", *args], cwd=ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "0"})
        self.lines = output_lines(self.process)

    def until(self, prefix: str, timeout: float = 20) -> list[str]:
        seen: list[str] = []
        try:
            read_until(self.lines, time.monotonic() + timeout, lambda line: line.startswith(prefix), seen)
        except (TimeoutError, EOFError) as ended:
            stderr = self.process.stderr.read() if self.process.stderr and isinstance(ended, EOFError) else ""
            raise AssertionError(f"no {prefix!r} line ({type(ended).__name__}): {seen} {stderr}") from None
        return seen


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_the_ready_lines_then_exits_cleanly_on_a_signal(tmp_path: Path, stop: signal.Signals) -> None:
    serving = Serving("--port", "0", "--state-dir", str(tmp_path), "--fault", "wrong-audience,slow-idp", "--proxy-port", "0")
    try:
        lines = serving.until("stack-ready:")
        keys = [line.split(":", 1)[0] for line in lines if line.startswith("stack-")]
        assert keys == ["stack-port", "stack-ca", "stack-host-map", "stack-description", "stack-proxy", "stack-ready"]
        values = dict(line.split(": ", 1) for line in lines if line.startswith("stack-"))
        port = int(values["stack-port"])
        assert Path(values["stack-ca"]).is_file()
        assert parse_host_map(values["stack-host-map"]) == {h: ("127.0.0.1", port) for h in
                                                             ("contoso.b2clogin.com", "m.mobileid.ch", "openid.mobileid.ch", "jwt.ms")}
        assert values["stack-ready"] == f"https://127.0.0.1:{port}"
        rest = "\n".join(serving.until("Ctrl-C (or SIGTERM) stops the stack."))  # the last line: how to stop it, as done below
        described = json.loads(values["stack-description"])  # the Run user flow links use the app it names
        assert (f"p=B2C_1_signupsignin&client_id={described['client_id']}&nonce=defaultNonce"
                "&redirect_uri=https%3A%2F%2Fjwt.ms&scope=openid&response_type=id_token&prompt=login") in rest
        assert "/contoso.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/authorize?client_id=" in rest
        assert "--host-resolver-rules=\"MAP contoso.b2clogin.com 127.0.0.1:" in rest and "--ignore-certificate-errors-spki-list=" in rest
        # README, The local stack by hand: pasted as printed, Chromium opens the user flow (it opened '<a Run user flow URL>'),
        # and the control API's curl reaches this stack (the README's names make serve's port 8443 alone).
        [chromium] = [line for line in rest.splitlines() if line.lstrip().startswith("chromium ")]
        [user_flow] = [line.split(": ", 1)[1] for line in rest.splitlines() if line.startswith("  B2C_1_signupsignin: ")]
        assert chromium.endswith(f" '{user_flow}'"), chromium
        assert (f"  curl -sk --resolve openid.mobileid.ch:{port}:127.0.0.1 -X POST "
                f"'https://openid.mobileid.ch:{port}/control/phones/+41791234567/approve?wait=60'") in rest.splitlines(), rest
        secret = (tmp_path / "webapp1-client-secret").read_text()
        assert secret not in rest and secret not in "\n".join(lines)
    finally:
        serving.process.send_signal(stop)
        code = serving.process.wait(timeout=10)
    assert code == 0
    said = serving.process.stderr.read() if serving.process.stderr else ""
    assert "Traceback" not in said
    # Its status says nothing of the signal: its log's last line does, which a run whose stack ended under it quotes
    # (fixtures/stack_exit.py: "the local stack exited mid-run (stopped by SIGTERM)").
    assert said.strip().splitlines()[-1:] == [f"stopped by {stop.name}"], tail(said, 2000)


def test_the_printed_phone_curl_carries_the_token_and_an_ipv6_address_as_curl_takes_them() -> None:
    """With MOBILEID_CONTROL_TOKEN the control API refuses a call without it; curl's --resolve takes an IPv6 address in
    brackets (the stack on --host ::1)."""
    from types import SimpleNamespace

    from mocks.stack_description import approve_command

    info = SimpleNamespace(description={"control_url": "https://openid.mobileid.ch/control"}, control="on (token required)",
                           host_map={"openid.mobileid.ch": ("::1", 8443)})
    assert approve_command(info, "+41791234567") == (  # type: ignore[arg-type]
        'curl -sk --resolve openid.mobileid.ch:8443:[::1] -H "Authorization: Bearer $MOBILEID_CONTROL_TOKEN" -X POST '
        "'https://openid.mobileid.ch:8443/control/phones/+41791234567/approve?wait=60'")


EXAMPLE_FLOWS = ROOT / "policies" / "user-flows.example.toml"


def test_user_flows_from_a_file_are_served_and_one_of_the_stacks_name_replaces_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """--user-flows FILE (docs/contracts.md, the example's format): its flows are served first; the example as it is, whose
    first flow is named like the stack's own B2C_1_signupsignin, is served in its place (a tenant holds one flow per name;
    was: refused, so a copied example failed); before that, naming the first client secret variable it needs that is not set."""
    monkeypatch.delenv("MOBILEID_CLIENT_SECRET", raising=False)
    status, _, err = run_here(capsys, "serve", "--describe", "--user-flows", str(EXAMPLE_FLOWS))
    assert status == 1 and "client_secret_env: environment variable 'MOBILEID_CLIENT_SECRET' is not set" in err, err
    monkeypatch.setenv("MOBILEID_CLIENT_SECRET", "mid-secret")
    monkeypatch.delenv("CONTOSO_OIDC_CLIENT_SECRET", raising=False)
    status, _, err = run_here(capsys, "serve", "--describe", "--user-flows", str(EXAMPLE_FLOWS))
    assert status == 1 and "client_secret_env: environment variable 'CONTOSO_OIDC_CLIENT_SECRET' is not set" in err, err
    monkeypatch.setenv("CONTOSO_OIDC_CLIENT_SECRET", "contoso-secret")
    status, out, err = run_here(capsys, "serve", "--describe", "--user-flows", str(EXAMPLE_FLOWS))
    assert status == 0, err
    flows = [p for p in json.loads(out)["policies"] if p["kind"] == "user_flow"]
    # The file's B2C_1_signupsignin, whose sign-up page makes the names optional, in the stack's own's place; each flow's
    # Mobile ID button named as the file names the provider (B2C_1_contoso offers none)
    assert [(p["id"], p["mobile_id_button"]) for p in flows] == [("B2C_1_signupsignin", "Mobile ID"), ("B2C_1_contoso", None)]
    own = tmp_path / "flows.toml"
    own.write_text(EXAMPLE_FLOWS.read_text().replace('name = "B2C_1_signupsignin"', 'name = "B2C_1_mobileid_only"'))
    status, out, err = run_here(capsys, "serve", "--describe", "--user-flows", str(own))
    assert status == 0, err
    # Other names: the file's flows first (the journeys' default user flow is the team's), then the stack's own
    assert [p["id"] for p in json.loads(out)["policies"]][:3] == ["B2C_1_mobileid_only", "B2C_1_contoso", "B2C_1_signupsignin"]


FIRST_FLOW = 'name = "B2C_1_signupsignin"\nidentity_providers = ["Mobile ID"]'


def ready_lines_with(tmp_path: Path, first_flow: str, policies: Path = ROOT / "policies", policy_keys: tuple[str, ...] = (),
                     faults: frozenset[Fault] = frozenset()) -> list[str]:
    """The ready lines of a stack (built, not served) given the example's user flows with ``first_flow`` in place of its first."""
    from mocks.b2c.policy_keys import parse_policy_key
    from mocks.stack import build_stack
    from mocks.stack_description import ready_lines

    example = EXAMPLE_FLOWS.read_text()
    assert FIRST_FLOW in example, "the example's first flow changed: say it anew in FIRST_FLOW"
    flows = tmp_path / "flows.toml"
    flows.write_text(example.replace(FIRST_FLOW, first_flow))
    config = StackConfig(port=0, user_flows=flows, policies_dir=policies, policy_keys=tuple(map(parse_policy_key, policy_keys)),
                         faults=faults)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        _, info, _ = build_stack(config, sock, tmp_path / "state")
    return ready_lines(info)


def opened_and_chosen(lines: list[str]) -> tuple[str, str | None, bool]:
    """The policy the Chromium line opens (its Run user flow URL's), the button the next line says to choose, whether a
    curl follows."""
    urls = {url: policy for policy, url in (line.strip().split(": ", 1) for line in lines if line.startswith("  B2C_1"))}
    [chromium] = [line for line in lines if line.lstrip().startswith("chromium ")]
    choose = next((line for line in lines if line.startswith("Choose ")), None)
    return (urls[chromium.rsplit(" ", 1)[1].strip("'")], choose.split(",")[0].removeprefix("Choose ") if choose else None,
            any(line.lstrip().startswith("curl ") for line in lines))


@pytest.fixture
def flows_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBILEID_CLIENT_SECRET", "mid-secret")
    monkeypatch.setenv("CONTOSO_OIDC_CLIENT_SECRET", "contoso-secret")


@pytest.mark.usefixtures("flows_secrets")
def test_the_printed_chromium_line_opens_the_first_policy_offering_mobile_id_and_names_its_button(tmp_path: Path) -> None:
    """A team's first user flow may offer no Mobile ID: Chromium opens the first that does (the stack's own, its button
    "Mobile ID"); where none of the flows does, the custom policy's, whose button says its profile's DisplayName
    ("Mobile-ID"). The lines opened the team's first flow and said to choose "Mobile ID" on a page without it."""
    no_mobile_id = 'name = "B2C_1_contoso_first"\nidentity_providers = ["Contoso OIDC"]'
    assert opened_and_chosen(ready_lines_with(tmp_path, no_mobile_id)) == ("B2C_1_signupsignin", "Mobile ID", True)
    # The file's B2C_1_signupsignin replaces the stack's own: no flow offers Mobile ID
    replacing = 'name = "B2C_1_signupsignin"\nidentity_providers = ["Contoso OIDC"]'
    assert opened_and_chosen(ready_lines_with(tmp_path, replacing)) == ("B2C_1A_signup_signin", "Mobile-ID", True)


@pytest.mark.usefixtures("flows_secrets")
def test_with_no_policy_offering_mobile_id_the_printed_lines_say_no_button_or_phone_to_choose(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No policy offers Mobile ID (the flows' B2C_1_signupsignin replaces the stack's own, the starter pack's journey
    without Mobile ID's button and exchange): Chromium opens the first, and no line says to choose a Mobile ID button nor
    gives a phone's curl (they said to choose "Mobile ID", and gave a curl no sign-in would answer)."""
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    extensions = policies / "TrustFrameworkExtensions.xml"
    for line in ('<ClaimsProviderSelection TargetClaimsExchangeId="MobileIDExchange" />',
                 '<ClaimsExchange Id="MobileIDExchange" TechnicalProfileReferenceId="MobileID-OAuth2" />'):
        extensions.write_text(extensions.read_text().replace(line, ""))
    monkeypatch.setenv("FACEBOOK_SECRET", "facebook-secret")  # the starter pack's base names Facebook's key
    replacing = 'name = "B2C_1_signupsignin"\nidentity_providers = ["Contoso OIDC"]'
    lines = ready_lines_with(tmp_path, replacing, policies, ("B2C_1A_FacebookSecret=env:FACEBOOK_SECRET",))
    assert opened_and_chosen(lines) == ("B2C_1_signupsignin", None, False)


@pytest.mark.usefixtures("flows_secrets")
def test_a_stack_started_with_faults_says_which_before_its_run_user_flow_urls(tmp_path: Path) -> None:
    """python -m mocks serve --fault wrong-audience,slow-idp printed nothing of them: the tokens that fail to verify and
    the slow sign-in read as the stack's bugs (of both emulators: Mobile ID's are not in B2C's settings). Without one, no line."""
    lines = ready_lines_with(tmp_path, FIRST_FLOW, faults=frozenset({Fault.SLOW_IDP, Fault.WRONG_AUDIENCE}))
    said = [line for line in lines if line.startswith("Fault on")]
    assert said == [f"Fault on (--fault): wrong-audience: {Fault.WRONG_AUDIENCE.description}",
                    f"Fault on (--fault): slow-idp: {Fault.SLOW_IDP.description}"], lines
    assert lines.index(said[-1]) < lines.index("Run user flow (testapp1, reply URL https://jwt.ms):")
    assert not [line for line in ready_lines_with(tmp_path, FIRST_FLOW) if "Fault" in line]


def test_a_stack_whose_starter_ended_before_it_was_up_stops_at_once(tmp_path: Path) -> None:
    """--stop-with-parent PID: the process that started the stack ended while the stack imported its modules (here: a pid
    that has ended, the stack's parent being another): the stack stops rather than serve on under init."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    started = subprocess.run([sys.executable, "-m", "mocks", "serve", "--stop-with-parent", str(gone.pid), "--port", "0",
                              "--state-dir", str(tmp_path)], capture_output=True, text=True, timeout=60)
    # Ended by the SIGTERM it sent itself (not, say, a refused argument): no stack-ready line, nothing said on stderr.
    assert started.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM) and "stack-ready" not in started.stdout and started.stderr == "", \
        (started.returncode, started.stdout[-500:], started.stderr[-500:])


def test_a_stop_with_parent_naming_a_running_process_that_is_not_the_starter_is_refused_saying_so(tmp_path: Path) -> None:
    """A pid typed wrong (or the shell's, not the starter's) made the stack stop at once, without a word."""
    started = run("serve", "--stop-with-parent", "1", "--port", "0", "--state-dir", str(tmp_path))
    assert started.returncode == 1 and "stack-ready" not in started.stdout, (started.returncode, started.stderr)
    assert f"--stop-with-parent 1: process 1 did not start this stack (process {os.getpid()} did)" in started.stderr, started.stderr


def test_a_mobile_id_secret_given_as_a_policy_key_is_b2cs_and_mobile_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: B2C_1A_MobileIdSecret, new at every start, is replaced by one --policy-key gives: B2C's policy key and Mobile
    ID's client secret are that one (a generated one would not match a deployed emulator's)."""
    from mocks.b2c.policy_keys import parse_policy_key
    from mocks.stack import MOBILEID_SECRET_KEY

    monkeypatch.setenv("MOBILEID_SECRET_FOR_TEST", "a-secret-the-team-gave-its-emulator")
    config = StackConfig(port=0, policy_keys=(parse_policy_key(f"{MOBILEID_SECRET_KEY}=env:MOBILEID_SECRET_FOR_TEST"),))
    mobileid, b2c, _ = stack_settings(config)
    assert b2c.policy_keys[MOBILEID_SECRET_KEY].get_secret_value() == "a-secret-the-team-gave-its-emulator"
    assert [client.client_secret.get_secret_value() for client in mobileid.clients] == ["a-secret-the-team-gave-its-emulator"]
    generated, _, _ = stack_settings(StackConfig(port=0))
    assert generated.clients[0].client_secret.get_secret_value() != "a-secret-the-team-gave-its-emulator"


def test_a_stop_with_parent_the_system_refuses_is_said(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "signal_when_parent_ends", lambda parent: False)  # a sandbox that refuses prctl, or not Linux
    monkeypatch.setattr(cli, "has_ended", lambda pid: True)  # 4711: a starter that has ended, whatever runs here
    monkeypatch.setattr(cli, "serve", lambda config: None)
    cli.main(["serve", "--port", "0", "--stop-with-parent", "4711"])
    err = capsys.readouterr().err
    assert "--stop-with-parent: not available here" in err and "when process 4711 ends" in err, err


def test_a_damaged_kept_tls_set_is_remade_or_stops_the_start_saying_which_file(tmp_path: Path) -> None:
    """The suite keeps the stack's CA and certificate between runs (.stack/keys/). A CA file that no longer loads was
    served (the browser trusts the pin) while the back channel failed every sign-in; a key that no longer loads stopped
    the start with uvicorn's traceback."""
    serving = Serving("--port", "0", "--state-dir", str(tmp_path))
    serving.until("stack-ready:")
    serving.process.send_signal(signal.SIGTERM)
    assert serving.process.wait(timeout=10) == 0
    (tmp_path / "ca.pem").write_text("garbage\n")
    again = Serving("--port", "0", "--state-dir", str(tmp_path))
    try:
        again.until("stack-ready:")
        assert b"BEGIN CERTIFICATE" in (tmp_path / "ca.pem").read_bytes()  # a new CA, which the next runs keep
    finally:
        again.process.send_signal(signal.SIGTERM)
        again.process.wait(timeout=10)
    assert "the kept CA" in (again.process.stderr.read() if again.process.stderr else "")
    (tmp_path / "server-key.pem").write_text("garbage\n")
    stopped = run("serve", "--port", "0", "--state-dir", str(tmp_path))
    assert stopped.returncode != 0 and "Traceback" not in stopped.stderr, stopped.stderr
    assert f"cannot serve HTTPS with the certificate chain {tmp_path / 'server-chain.pem'} and the key {tmp_path / 'server-key.pem'}" \
        in stopped.stderr, stopped.stderr


def test_the_suites_faults_setting_on_a_stack_started_by_hand_is_named_as_unread(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """E2E_STACK_FAULTS=wrong-audience make serve, as a fault's journeys are run: the stack served without the fault and no
    word of why; with --fault given, nothing is said."""
    monkeypatch.setenv("E2E_STACK_FAULTS", "wrong-audience")
    status, _, err = run_here(capsys, "serve", "--describe")
    assert status == 0 and err == ("note: E2E_STACK_FAULTS is the suite's setting, which the stack does not read (the suite starts "
                                   "it with --fault NAME): serving without the faults it names; give --fault NAME\n"), err
    status, _, err = run_here(capsys, "serve", "--describe", "--fault", "wrong-audience")
    assert status == 0 and err == "", err


@pytest.mark.parametrize(("name", "option", "value"), [
    ("E2E_STACK_POLICIES", "--policies", "my-policies"),
    ("E2E_STACK_PAGE_CONTENT", "--page-content", "my-templates"),
    ("E2E_STACK_USER_FLOWS", "--user-flows", "my-flows.toml"),
])
def test_the_suites_settings_in_env_file_are_named_as_unread_by_a_stack_started_by_hand(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, option: str, value: str) -> None:
    """`make serve` with the setting in .env, where a team keeps the suite's settings: named as unread, as when the
    environment sets it; not when its option is given. Each setting's own option."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"{name}={value}\nB2C_TENANT=contoso\n")
    monkeypatch.setattr(cli, "ENV_FILE", env_file)
    (said,) = cli.unheeded_settings([], {}, cli.suite_env_file())
    assert said.startswith(f"note: {name} (in .env) is the suite's setting, which the stack does not read (the suite starts "
                           f"it with {option} ") and f"; give {option} " in said, said
    assert cli.unheeded_settings([option, value], {}, cli.suite_env_file()) == []
    assert cli.unheeded_settings([f"{option}={value}"], {}, cli.suite_env_file()) == []
    (said,) = cli.unheeded_settings([], {name: value}, cli.suite_env_file())  # the environment's, said as before
    assert said.startswith(f"note: {name} is the suite's setting"), said


def test_a_stack_started_by_hand_names_the_faults_setting_in_env_file_and_one_the_suite_starts_does_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the command: `make serve` notes .env's E2E_STACK_FAULTS; a stack the suite starts (--stop-with-parent) does not
    read .env for notes, as its settings come as options and its stderr is read for why it failed. A .env that is not
    UTF-8 gives no note and no traceback (the suite's own run says what is wrong with it)."""
    env_file = tmp_path / ".env"
    env_file.write_text("E2E_STACK_FAULTS=wrong-audience\n")
    monkeypatch.setattr(cli, "ENV_FILE", env_file)
    monkeypatch.delenv("E2E_STACK_FAULTS", raising=False)
    status, _, err = run_here(capsys, "serve", "--describe")
    assert status == 0 and err == ("note: E2E_STACK_FAULTS (in .env) is the suite's setting, which the stack does not read (the "
                                   "suite starts it with --fault NAME): serving without the faults it names; give --fault NAME\n"), err
    monkeypatch.setattr(cli, "signal_when_parent_ends", lambda starter: True)  # not on this test's own process
    status, _, err = run_here(capsys, "serve", "--describe", "--stop-with-parent", str(os.getppid()))
    assert status == 0 and "E2E_STACK_FAULTS" not in err, err
    env_file.write_bytes(b"E2E_STACK_FAULTS=\xff\n")
    status, _, err = run_here(capsys, "serve", "--describe")
    assert status == 0 and err == "", err


def test_the_suites_user_flows_setting_on_a_stack_started_by_hand_is_named_as_unread(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A team trying its file on the stack with the setting its journeys take (E2E_STACK_USER_FLOWS=... python -m mocks serve
    --describe) saw the stack's own flows and no word of why; with --user-flows given, nothing is said."""
    monkeypatch.setenv("E2E_STACK_USER_FLOWS", str(EXAMPLE_FLOWS))
    monkeypatch.setenv("MOBILEID_CLIENT_SECRET", "mid-secret")
    monkeypatch.setenv("CONTOSO_OIDC_CLIENT_SECRET", "contoso-secret")
    status, out, err = run_here(capsys, "serve", "--describe")
    assert status == 0 and [p["id"] for p in json.loads(out)["policies"]][0] == "B2C_1_signupsignin", err
    assert err == ("note: E2E_STACK_USER_FLOWS is the suite's setting, which the stack does not read (the suite starts it with "
                   "--user-flows FILE): serving without your user flows; give --user-flows FILE\n"), err
    for given in (["--user-flows", str(EXAMPLE_FLOWS)], [f"--user-flows={EXAMPLE_FLOWS}"]):
        status, _, err = run_here(capsys, "serve", "--describe", *given)
        assert status == 0 and err == "", err
