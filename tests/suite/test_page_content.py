"""README "The local stack by hand" / docs/suite.md E2E_STACK_PAGE_CONTENT: a copy of policies/ whose content definitions load
a team's own templates (tests/page_content: a header, a logo, a footer and the <div id="api">) passes the sign-up journey
with the page objects unchanged, the stack showing the sign-in, profile and error pages in those templates."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.suite_run import journeys_with_own_policies, tail

ROOT = Path(__file__).resolve().parents[2]
TEAM_PAGES = ROOT / "tests" / "page_content"
BLOB = "https://contoso.blob.core.windows.net/b2c"
POLICY = "b2c_1a_signup_signin"


def branded_policies(folder: Path) -> Path:
    """policies/ with its sign-in, profile and error pages' content definitions pointed at the team's templates."""
    shutil.copytree(ROOT / "policies", folder)
    definitions = "".join(f'<ContentDefinition Id="{definition}"><LoadUri>{BLOB}/{file}</LoadUri></ContentDefinition>' for definition, file in
                          (("api.signuporsignin", "unified.html"), ("api.socialccountsignup", "selfAsserted.html"), ("api.error", "exception.html")))
    extensions = folder / "TrustFrameworkExtensions.xml"
    text = extensions.read_bytes()
    assert text.count(b"<BuildingBlocks>") == 1
    extensions.write_bytes(text.replace(b"<BuildingBlocks>", f"<BuildingBlocks><ContentDefinitions>{definitions}</ContentDefinitions>".encode()))
    return folder


@pytest.mark.timeout(180)
def test_the_sign_up_journey_passes_on_the_teams_branded_pages(tmp_path: Path) -> None:
    folder = branded_policies(tmp_path / "policies")
    status, output = journeys_with_own_policies({"E2E_STACK_POLICIES": str(folder), "E2E_STACK_PAGE_CONTENT": str(TEAM_PAGES)},
                                                f"test_first_sign_in_creates_the_user_from_mobile_id and {POLICY} and chromium", tmp_path)
    assert status == 0, tail(output)
    assert re.search(rf"^PASSED e2e/test_sign_up.py::test_first_sign_in_creates_the_user_from_mobile_id\[{POLICY}-", output, re.M), tail(output)
    # The run served the team's templates (its report says so), and a stack with these settings shows them.
    assert "stack_page_content=tests/page_content\n" in (tmp_path / "results" / "environment.properties").read_text()
