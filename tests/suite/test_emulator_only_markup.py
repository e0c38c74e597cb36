"""The suite reads only documented markup: every id, class and ``data-name`` the page objects, fixtures, journeys and
repro read is in docs/reference/b2c.md (B2C's pages as the real service builds them; jwt.ms, whose real page guarantees
only ``#decodedToken``) or in docs/contracts.md's Mobile ID part (the real service's DOM is not public: those ids are the
emulator's contract, and the journeys that need them run against it). Markup only our emulators have fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = ("pages", "fixtures", "e2e", "repro")
# Ids the jwt.ms emulator's page has beyond #decodedToken (mocks/jwtms/static/jwtms.js and its template).
JWTMS_OWN = ("encodedToken", "tokenType", "claimsTable", "errorDescription", "authorizationCode", "tokenError", "data-claim")
# The repro's own page: it blanks the app's page (which would show the raw token) and marks it for its screenshots.
OWN_MARKUP = {"#redirect-uri-reached"}
LOCATING = ("locator", "has_element", "query_selector", "wait_for_selector", "and_", "filter")
TOKEN = re.compile(r"#[A-Za-z][\w-]*|\.[A-Za-z][\w-]*|data-name=\"?[\w-]+\"?")


def constant_text(value: ast.expr) -> str | None:
    """A string constant's text; an f-string's own text around what it puts in (SHOWN = f"{ROOT} button#continue": the
    names it puts in are constants scanned themselves)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.JoinedStr):
        return " ".join(part.value for part in value.values if isinstance(part, ast.Constant) and isinstance(part.value, str))
    return None


def selectors() -> dict[str, set[str]]:
    """Selector strings the code reads pages with (locators' first argument, upper-case constants) -> their files."""
    found: dict[str, set[str]] = {}
    for path in (p for folder in READERS for p in (ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            texts: list[str] = []
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LOCATING \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                texts.append(node.args[0].value)  # a locator's argument is a selector, whatever it looks like
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets) \
                    and (text := constant_text(node.value)) is not None \
                    and re.search(r"[#\[]|^\.|[\s,]\.", text) and not re.search(r"\(\?|\{|\\", text):
                texts.append(text)  # a constant that reads as CSS, not as a regex
            # A script's selectors (document.querySelector('...')): the quoted arguments, not the script.
            for selector in (arg for text in texts for arg in (re.findall(r"querySelector\('([^']+)'\)", text) or [text])):
                found.setdefault(selector, set()).add(str(path.relative_to(ROOT)))
    return found


def documented(token: str, docs: str) -> bool:
    """``token`` is in the docs whole (``.error`` is not ``.error-page-detail``)."""
    name = token.lstrip("#.")
    whole = re.search(rf"{re.escape(token)}(?![\w-])", docs) is not None
    if token.startswith("#"):
        return whole or f'id="{name}"' in docs or f"id={name}" in docs
    if token.startswith("."):
        return whole or re.search(rf'class="[^"]*(?<![\w-]){re.escape(name)}(?![\w-])|class `{re.escape(name)}`', docs) is not None
    value = token.split("=", 1)[1].strip('"')
    return f'data-name="{value}"' in docs or f"data-name={value}" in docs


def test_every_id_class_and_page_name_read_is_documented() -> None:
    contracts = (ROOT / "docs" / "contracts.md").read_text()
    # Without its jwt.ms part, which describes our emulator's page: the real site guarantees only #decodedToken (b2c.md 6).
    ours = re.search(r"(?s)\njwt\.ms \(`mocks/jwtms/README\.md`\).*?(?=\n## |\Z)", contracts)
    assert ours and "#errorSection" in ours.group(0), "contracts.md's jwt.ms part moved: the scan would count our page's ids as the real site's"
    docs = contracts.replace(ours.group(0), "") + (ROOT / "docs" / "reference" / "b2c.md").read_text()
    read = selectors()
    assert "#decodedToken" in read and "form#mid-login" in read, "the selector scan no longer finds the page objects' selectors"
    undocumented = {token: sorted(files) for text, files in read.items() for token in TOKEN.findall(text)
                    if token not in OWN_MARKUP and not documented(token, docs)}
    assert not undocumented, f"read, but in neither b2c.md nor contracts.md's Mobile ID part (only our emulators have them?): {undocumented}"


def test_the_emulators_own_jwt_ms_ids_are_its_own() -> None:
    served = "".join(p.read_text() for p in (ROOT / "mocks" / "jwtms").rglob("*") if p.suffix in (".js", ".html", ".py"))
    assert all(name in served for name in JWTMS_OWN), "the list no longer matches the emulator's page"


def test_no_page_object_fixture_or_journey_reads_them() -> None:
    pattern = re.compile("|".join(re.escape(name) for name in JWTMS_OWN))
    readers = [p for folder in READERS for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text())]
    assert not readers, f"these read ids only our jwt.ms emulator has (the real site guarantees only #decodedToken): {readers}"
