"""A journey's fixtures in its Allure result: the returning user's sign-up, failed, shows on the sign-up journey's page.

allure-pytest ties a fixture's set-up to the tests that take it as an argument; a fixture asked for in a test's body
(``request.getfixturevalue``) that fails is tied to none, and the report showed the journey with no steps at all. The
sign-up journey itself runs here, in a made-up run: its fixtures stand-ins that stop at the returning user's sign-up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.suite_run import allure_results, pytest_with_plugins, tail

E2E = Path(__file__).resolve().parents[2] / "e2e"

# The journey as it is, its fixtures stand-ins; fixtures.mobile_id's new_number takes the stand-in phone.
JOURNEY = '''
import os

import allure
import pytest

from e2e.test_sign_up import test_first_sign_in_creates_the_user_from_mobile_id


class Phone:
    def new_number(self):
        if os.environ.get("REAL_PHONE"):
            pytest.skip("needs fresh Mobile ID numbers")
        return "+41790000001"


@pytest.fixture
def mobile_id():
    return Phone()


@pytest.fixture
def returning_user():
    with allure.step("Sign up with Mobile ID +41790000002 through B2C_1_signupsignin"):
        allure.attach("https://contoso.b2clogin.com/error", "browser 2: page URL (without fragment)", allure.attachment_type.TEXT)
        raise AssertionError("the returning user's sign-up met B2C's error page")
    yield


@pytest.fixture
def journey():
    return object()


@pytest.fixture
def policy():
    return "B2C_1_signupsignin"


@pytest.fixture
def settings():
    return object()
'''


def set_up_of(results: Path, fixture: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """``fixture``'s set-ups tied to ``result`` (allure-pytest keeps them in a container naming its results)."""
    containers = [json.loads(path.read_text()) for path in results.glob("*-container.json")]
    return [before for container in containers if result["uuid"] in container.get("children", [])
            for before in container.get("befores", []) if before["name"] == fixture]


def test_the_returning_users_failed_sign_up_shows_on_the_sign_up_journeys_page(tmp_path: Path) -> None:
    (tmp_path / "test_made_up.py").write_text(JOURNEY)
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.mobile_id"), "test_made_up.py")
    assert done.returncode == 1 and "test_first_sign_in_creates_the_user_from_mobile_id" in done.stdout, \
        tail(done.stdout) + tail(done.stderr, 2000)
    [result] = allure_results(tmp_path / "allure-results")
    tied = set_up_of(tmp_path / "allure-results", "returning_user", result)
    assert len(tied) == 1, f"the returning user's set-up is tied to {len(tied)} results' pages, not the journey's"
    [sign_up] = tied
    assert sign_up["status"] in ("failed", "broken"), sign_up
    [step] = sign_up["steps"]
    assert step["name"] == "Sign up with Mobile ID +41790000002 through B2C_1_signupsignin", step
    assert [attachment["name"] for attachment in step["attachments"]] == ["browser 2: page URL (without fragment)"], step


def test_without_fresh_numbers_the_sign_up_journey_skips_before_the_returning_user_signs_up(tmp_path: Path) -> None:
    """Against the real Mobile ID, signing the returning user up would ask the person to approve for a journey that skips."""
    (tmp_path / "test_made_up.py").write_text(JOURNEY)
    done = pytest_with_plugins(tmp_path, ("allure_pytest.plugin", "fixtures.mobile_id"), "test_made_up.py", "-rs",
                               env={"REAL_PHONE": "1"})
    assert "1 skipped" in done.stdout and "needs fresh Mobile ID numbers" in done.stdout, tail(done.stdout) + tail(done.stderr, 2000)
    [result] = allure_results(tmp_path / "allure-results")
    assert set_up_of(tmp_path / "allure-results", "returning_user", result) == [], "the returning user was signed up first"
    containers = [json.loads(path.read_text()) for path in (tmp_path / "allure-results").glob("*-container.json")]
    assert not [b for c in containers for b in c.get("befores", []) if b["name"] == "returning_user"], containers


def test_no_journey_asks_for_a_fixture_in_its_body() -> None:
    """A fixture asked for in a journey's body is tied to no result in the report when it fails (above): every journey
    takes its fixtures as arguments."""
    asking = [f"e2e/{path.name}" for path in sorted(E2E.glob("*.py")) if "getfixturevalue" in path.read_text()]
    assert asking == [], f"{', '.join(asking)} ask for a fixture in a journey's body"
