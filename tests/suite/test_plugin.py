"""The journey suite is a plugin of its own: its settings are read and checked only when a run collects journeys.

A bad journey setting stops ``pytest e2e`` before any test or worker, naming the setting; ``pytest tests`` runs
the emulators' tests whatever the journey settings say, and the suite's options still parse there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from fixtures.settings_plugin import runs_journeys
from tests.suite_run import pytest_e2e, suite_env, tail

ROOT = Path(__file__).resolve().parents[2]


def pytest_run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider"], cwd=ROOT, env=suite_env(env),
                          capture_output=True, text=True, timeout=170)


@pytest.mark.parametrize(("here", "args", "expected"), [
    (ROOT, ["e2e"], True), (ROOT, ["e2e/test_sign_in.py::test_x"], True), (ROOT, [], True), (ROOT, ["."], True),
    (ROOT, [str(ROOT / "e2e")], True), (ROOT / "e2e", ["test_sign_in.py"], True), (ROOT, ["tests", "e2e"], True),
    (ROOT, ["tests"], False), (ROOT, ["tests/suite/test_stack.py"], False), (ROOT / "tests", ["."], False),
])
def test_a_run_has_journeys_when_its_paths_reach_e2e(here: Path, args: list[str], expected: bool) -> None:
    config = SimpleNamespace(args=args, invocation_params=SimpleNamespace(dir=here), getoption=lambda name, default=None: default)
    assert runs_journeys(config) is expected  # type: ignore[arg-type]


def test_a_bad_journey_setting_does_not_stop_the_emulator_tests() -> None:
    # One worker: the options parse in a worker as in the controller, as they would in each of more.
    result = pytest_run({"E2E_TARGET": "bogus"}, "tests/test_common_net.py", "-q", "-n", "1", "--infra-reruns", "1",
                        "--repro-dir", "unused", "--stop-with-parent")
    output = result.stdout + result.stderr
    assert result.returncode == 0, tail(output)
    assert re.search(r"\d+ passed", output) and "E2E_TARGET" not in output, tail(output)


@pytest.mark.parametrize("paths", [["e2e"], ["tests/test_common_net.py"]])
def test_a_negative_worker_count_stops_the_run_naming_it(paths: list[str]) -> None:
    result = pytest_run({}, *paths, "-n", "-1", "--co", "-q")  # xdist took it for no worker: one process, said nowhere
    output = result.stdout + result.stderr
    assert result.returncode == 4, tail(output)  # usage error
    assert "-n -1: give a number of workers, 0 or more" in result.stderr and "collected" not in output, tail(output)


def test_a_repro_folder_that_cannot_be_written_stops_the_run_before_any_test(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    result = pytest_run({}, "e2e", "-p", "no:xdist", "--repro", "sign-in", "--repro-dir", str(a_file / "evidence"))
    output = result.stdout + result.stderr
    assert result.returncode == 4, tail(output)  # usage error
    assert f"--repro-dir {a_file / 'evidence'}: not a writable folder" in result.stderr, tail(output)
    assert "Traceback" not in output and "Error:" not in result.stdout and not re.search(r"\d+ (passed|failed|error)", output), tail(output)


def test_a_bad_journey_setting_stops_the_journeys_before_any_test_naming_it() -> None:
    result = pytest_run({"E2E_TARGET": "bogus"}, "e2e", "-m", "smoke", "-n", "2")
    output = result.stdout + result.stderr
    assert result.returncode == 4, tail(output)  # usage error
    assert "E2E_TARGET='bogus' is not valid; use one of: local, tenant" in result.stderr
    assert not re.search(r"\d+ (passed|failed|error)", output) and "gw0" not in output, tail(output)  # no test, no worker


def test_a_broken_env_file_stops_a_journey_run_naming_file_and_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text('E2E_TARGET="tenant\n')
    script = (f"import sys, pytest, fixtures.settings_plugin as s; s.ENV_FILE = s.Path({str(env_file)!r}); "
              f"sys.exit(pytest.main(['-p', 'no:cacheprovider', '-p', 'no:xdist', 'e2e/test_sign_in.py']))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("E2E_", "B2C_", "MOBILEID_", "PYTEST_XDIST"))}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 4, result.stdout + result.stderr
    assert f"{env_file}, line 1 (E2E_TARGET)" in result.stderr and "passed" not in result.stdout


@pytest.mark.parametrize("paths", [["tests/test_common_net.py", "e2e/test_cookies.py"], ["."]])
def test_a_run_mixing_tests_and_journeys_stops_before_any_test_saying_how_to_run_them(paths: list[str]) -> None:
    result = pytest_run({}, *paths, "-n", "2")
    output = result.stdout + result.stderr
    assert result.returncode == 4, tail(output)  # usage error
    assert "`pytest tests` and `pytest e2e`" in result.stderr
    assert not re.search(r"\d+ (passed|failed|error)", output) and "gw0" not in output, tail(output)


def test_plain_pytest_collects_the_fast_tests_only() -> None:
    result = pytest_run({}, "--collect-only", "-q")
    assert result.returncode == 0, tail(result.stdout + result.stderr)
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert collected and all(line.startswith("tests/") for line in collected), collected[:5]


@pytest.mark.parametrize("args", [[], ["e2e"], ["tests", "e2e"]])
def test_help_is_shown_whatever_the_paths_and_settings(args: list[str]) -> None:
    result = pytest_run({"E2E_TARGET": "bogus"}, *args, "--help")
    assert result.returncode == 0 and "usage:" in result.stdout and "--infra-reruns" in result.stdout, tail(result.stdout, 1500) + tail(result.stderr, 1500)
    assert "--stop-with-parent" in result.stdout


@pytest.fixture(scope="module")
def listed_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The output of one listing of the smoke journeys, for the tests below that read what a run says first: run from
    another folder with a .env of its own (E2E_TARGET=tenant there), with E2E_STACK_FAULTS left set in the shell and
    Playwright's own log asked for (DEBUG=pw:api). The suite takes these together in one run, and says each.
    -> (output, the folder it ran from)."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / ".env").write_text("E2E_TARGET=tenant\nB2C_TENANT=fabrikam\n")
    result = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "e2e"), "--collect-only", "-p", "no:cacheprovider", "-m", "smoke"],
                            cwd=folder, env={**suite_env({"E2E_STACK_FAULTS": "wrong-idp slow-idp"}), "DEBUG": "pw:api"},
                            capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, tail(output)
    return output, folder


def test_the_run_names_the_faults_its_stack_starts_with(listed_elsewhere: tuple[str, Path]) -> None:
    """E2E_STACK_FAULTS left set in a shell fails journeys that would pass: the run's first line says the stack has them."""
    output, _ = listed_elsewhere
    assert "not a tenant, with the faults wrong-idp, slow-idp (E2E_STACK_FAULTS);" in output, tail(output)


def test_the_run_says_what_its_journeys_run_against_and_a_env_file_it_does_not_read(listed_elsewhere: tuple[str, Path]) -> None:
    """A .env kept in another folder (the one pytest runs from) is not read: the run is local, said first thing, with
    that file named, so a green pre-release smoke cannot pass for one against the tenant."""
    output, folder = listed_elsewhere
    assert "journeys against local: the suite's own stack (B2C tenant contoso, Mobile ID's emulator), not a tenant" in output, tail(output)
    assert f"{folder / '.env'} is not read: the suite reads {ROOT / '.env'}" in output, tail(output)
    # Playwright's own log asked for: said to be unredacted, as the suite cannot clean what the driver writes itself
    assert "DEBUG=pw:...: Playwright's own log (every URL, a token's fragment among them) is written unredacted" in output, tail(output)


def test_a_env_beside_the_journeys_is_named_as_not_read_wherever_the_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """e2e/.env (a team's settings put beside the journeys) reads as unset from the suite's folder too; the suite's own is
    not named, nor one named twice."""
    import fixtures.settings_plugin as plugin

    (tmp_path / "e2e").mkdir()
    (tmp_path / "e2e" / ".env").write_text("E2E_TARGET=tenant\n")
    (tmp_path / ".env").write_text("E2E_TARGET=local\n")
    monkeypatch.setattr(plugin, "ENV_FILE", tmp_path / ".env")
    said = f"{tmp_path / 'e2e' / '.env'} is not read: the suite reads {tmp_path / '.env'} (move your settings there, or export them)"
    assert plugin.env_files_not_read(tmp_path) == [said]
    assert plugin.env_files_not_read(tmp_path / "e2e") == [said]
    (tmp_path / "e2e" / ".env").unlink()
    assert plugin.env_files_not_read(tmp_path) == []


def test_a_run_from_a_folder_whose_env_asks_for_the_tenant_stops_rather_than_pass_locally(tmp_path: Path) -> None:
    """`pytest -m smoke` from a folder whose .env sets E2E_TARGET=tenant: that .env is not read, and the run passed against
    the local stack, a green pre-release smoke for a tenant it never met. It stops before any journey, naming both files;
    E2E_TARGET in the environment is a choice made, and runs."""
    (tmp_path / ".env").write_text("E2E_TARGET=tenant\nB2C_TENANT=fabrikam\n")
    command = [sys.executable, "-m", "pytest", str(ROOT / "e2e"), "-p", "no:cacheprovider", "-n", "0", "-k",
               "test_an_error_redirect_echoes_the_state and b2c_1_signupsignin"]
    stopped = subprocess.run(command, cwd=tmp_path, env=suite_env({}), capture_output=True, text=True, timeout=120)
    said = stopped.stdout + stopped.stderr
    assert stopped.returncode == 4 and "passed" not in said, tail(said)
    assert f"{tmp_path / '.env'} says E2E_TARGET=tenant, but the suite reads {ROOT / '.env'}, not it" in said, tail(said)
    chosen = subprocess.run(command, cwd=tmp_path, env=suite_env({"E2E_TARGET": "local"}), capture_output=True, text=True, timeout=120)
    assert chosen.returncode == 0 and "1 passed" in chosen.stdout, tail(chosen.stdout + chosen.stderr)


def test_a_env_beside_the_journeys_that_asks_for_the_tenant_stops_a_local_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make smoke` (run from the suite's folder) with the team's .env put in e2e/, beside the journeys: that file is not
    read, and the pre-release smoke passed against the local stack, green, for a tenant it never met, the file only named
    at the run's start. It stops as one where pytest runs does, with or without a .env of the suite's own (a copied
    .env.example's E2E_TARGET=local); E2E_TARGET in the environment is a choice made, and runs."""
    import fixtures.settings_plugin as plugin

    (tmp_path / "e2e").mkdir()
    (tmp_path / "e2e" / ".env").write_text("E2E_TARGET=tenant\nB2C_TENANT=fabrikam\n")
    monkeypatch.setattr(plugin, "ENV_FILE", tmp_path / ".env")
    monkeypatch.delenv("E2E_TARGET", raising=False)
    config = SimpleNamespace(invocation_params=SimpleNamespace(dir=tmp_path))
    said = f"{(tmp_path / 'e2e' / '.env').resolve()} says E2E_TARGET=tenant, but the suite reads {tmp_path / '.env'}, not it"
    assert (plugin.tenant_env_not_read(config) or "").startswith(said)  # type: ignore[arg-type]
    (tmp_path / ".env").write_text("E2E_TARGET=local\n")
    assert (plugin.tenant_env_not_read(config) or "").startswith(said)  # type: ignore[arg-type]
    monkeypatch.setenv("E2E_TARGET", "local")
    assert plugin.tenant_env_not_read(config) is None  # type: ignore[arg-type]
    monkeypatch.delenv("E2E_TARGET")
    (tmp_path / "e2e" / ".env").write_text("E2E_TARGET=local\n")  # one that asks for no tenant is only named (above)
    assert plugin.tenant_env_not_read(config) is None  # type: ignore[arg-type]


def test_the_run_names_the_policy_folder_its_stack_serves() -> None:
    """E2E_STACK_POLICIES (a team's own folder, or one left set in a shell): the run's first line says whose policies the
    journeys meet, as it says the faults."""
    from fixtures.settings import build_settings
    from fixtures.settings_plugin import SETTINGS_KEY, pytest_report_header

    settings = build_settings({"E2E_STACK_POLICIES": str(ROOT / "tests" / "b2c" / "starterpack" / "SocialAccounts")})
    config = SimpleNamespace(stash={SETTINGS_KEY: settings}, invocation_params=SimpleNamespace(dir=ROOT))
    [first, *_] = pytest_report_header(config, ROOT)  # type: ignore[arg-type]
    assert first.startswith("journeys against local: ") and \
        ", serving the custom policies of tests/b2c/starterpack/SocialAccounts (E2E_STACK_POLICIES);" in first, first
    assert "serving" not in pytest_report_header(SimpleNamespace(stash={SETTINGS_KEY: build_settings({})},  # type: ignore[arg-type]
                                                                 invocation_params=SimpleNamespace(dir=ROOT)), ROOT)[0]


def test_setup_only_is_refused_for_journeys_where_it_read_as_a_green_smoke() -> None:
    """--setup-only ran each journey's set-up without the journey: allure-pytest wrote them passed, the quality gate counted
    8 journeys run and make smoke exited 0. Refused before anything starts."""
    refused = pytest_e2e("-m", "smoke", "--setup-only", "-p", "no:cacheprovider")
    assert refused.returncode == 4 and "--setup-only runs each journey's set-up without the journey" in refused.stderr, tail(refused.stderr)
