"""fixtures/journey.py ReturningUsers: a run's users shared by its workers, one journey at a time per user."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fixtures.journey import ReturningUsers

POLICY = "B2C_1_signupsignin"


def test_a_busy_user_is_not_handed_out_and_a_free_one_is_reused(tmp_path: Path) -> None:
    first = ReturningUsers(tmp_path, POLICY, one_phone=False).claim()
    assert first.user is None  # nobody signed up yet: the journey signs one up
    first.save("+41791000001", {"sub": "a"})
    second = ReturningUsers(tmp_path, POLICY, one_phone=False).claim()
    assert second.user is None  # the first user is in use: a second one is signed up
    second.save("+41791000002", {"sub": "b"})
    first.release()
    third = ReturningUsers(tmp_path, POLICY, one_phone=False).claim()
    assert third.user == ("+41791000001", {"sub": "a"})
    other_policy = ReturningUsers(tmp_path, "B2C_1A_signup_signin", one_phone=False).claim()
    assert other_policy.user is None
    for users in (second, third, other_policy):
        users.release()


def test_a_failed_sign_up_leaves_a_slot_the_next_journey_fills(tmp_path: Path) -> None:
    failed = ReturningUsers(tmp_path, POLICY, one_phone=False).claim()
    failed.release()  # no save: the sign-up failed
    retry = ReturningUsers(tmp_path, POLICY, one_phone=False).claim()
    assert retry.user is None
    assert len(list(tmp_path.glob(f"{POLICY}.*.json"))) == 1
    retry.release()


def test_one_phone_waits_for_the_journey_that_holds_it(tmp_path: Path) -> None:
    holder = ReturningUsers(tmp_path, POLICY, one_phone=True).claim()
    got: list[tuple[str, dict] | None] = []
    waiter = threading.Thread(target=lambda: got.append(ReturningUsers(tmp_path, POLICY, one_phone=True).claim().user))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive() and not got  # blocked on the lock while the phone is in use
    holder.save("+41791234567", {"sub": "real"})
    holder.release()
    waiter.join(10)
    assert got == [("+41791234567", {"sub": "real"})]


def test_a_later_stack_on_the_same_port_does_not_get_the_users_of_an_earlier_one() -> None:
    """Ports are reused: a run whose users folder was named by the port alone (and shared, as its workers' is) handed a
    later stack users it never signed up, and their sign-in met the profile page."""
    from dataclasses import replace

    from fixtures.journey import stack_key
    from fixtures.stack import parse_ready_lines
    from tests.local_stack import LOCAL_STACK

    lines = ["stack-port: 8443", "stack-ca: /tmp/run-1/state/ca.pem", "stack-host-map: jwt.ms=127.0.0.1:8443",
             f"stack-description: {LOCAL_STACK.to_json()}", "stack-ready: https://127.0.0.1:8443"]
    first = parse_ready_lines(lines)
    later = replace(first, ca_path="/tmp/run-2/state/ca.pem")
    assert stack_key(first) != stack_key(later) and stack_key(first) == stack_key(parse_ready_lines(lines))
    assert stack_key(first).startswith("8443-") and stack_key(None) == "tenant"


@pytest.mark.parametrize("worker", [True, False], ids=["an xdist worker", "a pytest started from a worker"])
def test_the_users_folder_is_shared_by_a_runs_workers_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: bool) -> None:
    """A worker's folder is its run's, beside its fellow workers' base temps; a pytest of its own started from a worker
    (a test's child run, which inherits PYTEST_XDIST_WORKER) keeps it in its own base temp: its parent is every run's on
    the machine (/tmp/pytest-of-USER), where the folder outlived the run and a later stack could take its users."""
    from types import SimpleNamespace

    from fixtures.journey import returning_users_dir

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    base = tmp_path / "pytest-7" / ("popen-gw1" if worker else "")
    base.mkdir(parents=True, exist_ok=True)
    config = SimpleNamespace(workerinput={"workerid": "gw1"}) if worker else SimpleNamespace()
    directory = returning_users_dir(base, None, config)
    assert directory == tmp_path / "pytest-7" / "returning-users-tenant" and directory.is_dir(), f"the users' folder is {directory}, not its run's"
