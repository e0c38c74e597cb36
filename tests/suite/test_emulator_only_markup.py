"""The suite never depends on markup only our jwt.ms emulator has: the real site is known only by ``#decodedToken``
(docs/reference/b2c.md section 6; mocks/jwtms/README.md, Decisions), so its other ids stay out of the page objects,
fixtures and journeys, which read the token or error from the URL instead."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Ids the jwt.ms emulator's page has beyond #decodedToken (mocks/jwtms/static/jwtms.js and its template).
JWTMS_OWN = ("encodedToken", "tokenType", "claimsTable", "errorDescription", "authorizationCode", "tokenError", "data-claim")


def test_the_emulators_own_jwt_ms_ids_are_its_own() -> None:
    served = "".join(p.read_text() for p in (ROOT / "mocks" / "jwtms").rglob("*") if p.suffix in (".js", ".html", ".py"))
    assert all(name in served for name in JWTMS_OWN), "the list no longer matches the emulator's page"


def test_no_page_object_fixture_or_journey_reads_them() -> None:
    pattern = re.compile("|".join(re.escape(name) for name in JWTMS_OWN))
    readers = [p for folder in ("pages", "fixtures", "e2e", "repro") for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text())]
    assert not readers, f"these read ids only our jwt.ms emulator has (the real site guarantees only #decodedToken): {readers}"
