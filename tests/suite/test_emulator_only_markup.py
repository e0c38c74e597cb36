"""The suite reads only documented markup: every id, class, ``data-name``, attribute name, and get_by_* text or role the
page objects, fixtures, journeys and repro read (in locators, selector constants and their scripts' querySelector) is
in docs/reference/b2c.md (B2C's pages as the real service builds them; jwt.ms, whose real page guarantees only
``#decodedToken``) or in docs/contracts.md's Mobile ID part (the real service's DOM is not public: those ids are the
emulator's contract, and the journeys that need them run against it). Markup only our emulators have fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = ("pages", "fixtures", "e2e", "repro")
# Ids the jwt.ms emulator's page has beyond #decodedToken (mocks/jwtms/static/jwtms.js and its template).
JWTMS_OWN = ("encodedToken", "tokenType", "claimsTable", "errorDescription", "errorSection", "authorizationCode", "tokenError", "data-claim")
# The repro's own page: it blanks the app's page (which would show the raw token) and marks it for its screenshots.
OWN_MARKUP = {"#redirect-uri-reached"}
LOCATING = ("locator", "has_element", "query_selector", "wait_for_selector", "and_", "filter")
# Calls whose first argument is a script, not a selector: only the selectors it quotes are read.
SCRIPTING = ("evaluate", "evaluate_all", "evaluate_handle", "wait_for_function", "add_init_script")
# Playwright's locators by what a person sees: their text is read from the page as much as an id is.
BY_TEXT = ("get_by_text", "get_by_label", "get_by_placeholder", "get_by_title", "get_by_alt_text", "get_by_test_id")
# A role every page's plain HTML gives its elements (<button>, <a href>, <h1>, <input>): get_by_role reads no markup of ours.
IMPLICIT_ROLES = {"button", "link", "heading", "textbox", "checkbox"}
# Ids, classes, page names, and attribute names in [...] (section[data-status-url] reads an attribute only a page may have).
TOKEN = re.compile(r"#[A-Za-z][\w-]*|\.[A-Za-z][\w-]*|data-name=\"?[\w-]+\"?|\[[A-Za-z][\w-]*")
# A script's selectors: document.querySelector('...') / ("...") / closest / matches, either quote.
SCRIPT_SELECTOR = re.compile(r"""(?:querySelector(?:All)?|closest|matches)\((['"])(.+?)\1\)""")


def constant_text(value: ast.expr) -> str | None:
    """A string constant's text; an f-string's own text around what it puts in (SHOWN = f"{ROOT} button#continue": the
    names it puts in are constants scanned themselves)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.JoinedStr):
        return " ".join(part.value for part in value.values if isinstance(part, ast.Constant) and isinstance(part.value, str))
    return None


def string_arg(node: ast.Call) -> str | None:
    """The call's first argument, when it is a plain string."""
    return node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) else None


def selectors(sources: dict[str, str] | None = None) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Selector strings the code reads pages with (locators' first argument, upper-case constants, scripts' quoted
    selectors) -> their files; and the texts and roles get_by_* reads ("role=NAME", "text:..."), -> their files. Of
    ``sources`` (file -> code), else of the READERS folders' files."""
    if sources is None:
        sources = {str(path.relative_to(ROOT)): path.read_text() for folder in READERS for path in (ROOT / folder).rglob("*.py")}
    found: dict[str, set[str]] = {}
    shown: dict[str, set[str]] = {}
    for where, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            texts: list[str] = []
            scripts: list[str] = []
            method = node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""
            first = string_arg(node) if isinstance(node, ast.Call) else None
            if method in LOCATING and first is not None:
                texts.append(first)  # a locator's argument is a selector, whatever it looks like
            if method in SCRIPTING and first is not None:
                scripts.append(first)  # an inline script: its quoted selectors, not the script
            if method in BY_TEXT and first is not None:
                shown.setdefault(f"text:{first}", set()).add(where)
            if method == "get_by_role" and isinstance(node, ast.Call):
                if first is not None and first not in IMPLICIT_ROLES:
                    shown.setdefault(f"role={first}", set()).add(where)
                for keyword in node.keywords:  # get_by_role("button", name="Continue"): the name is shown text
                    if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                        shown.setdefault(f"text:{keyword.value.value}", set()).add(where)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets) \
                    and (text := constant_text(node.value)) is not None:
                if SCRIPT_SELECTOR.search(text):
                    scripts.append(text)  # a script kept in a constant (B2CSelfAssertedPage.ANSWERED_JS)
                elif re.search(r"[#\[]|^\.|[\s,]\.", text) and not re.search(r"\(\?|\{|\\", text):
                    texts.append(text)  # a constant that reads as CSS, not as a regex
            for selector in texts + [selector for script in scripts for _, selector in SCRIPT_SELECTOR.findall(script)]:
                found.setdefault(selector, set()).add(where)
    return found, shown


def documented(token: str, docs: str) -> bool:
    """``token`` is in the docs whole (``.error`` is not ``.error-page-detail``, ``#error`` is not a URL's ``#error=``)."""
    name = token.lstrip("#.[")
    if token.startswith("["):  # an attribute name: documented as one ([name], name=..., `name`)
        return re.search(rf"(?<![\w-]){re.escape(name)}(?:[=\]`]|\s*[~|^$*]?=)", docs) is not None
    whole = re.search(rf"{re.escape(token)}(?![\w=-])", docs) is not None
    if token.startswith("#"):
        return whole or f'id="{name}"' in docs or f"id={name}" in docs
    if token.startswith("."):
        return whole or re.search(rf'class="[^"]*(?<![\w-]){re.escape(name)}(?![\w-])|class `{re.escape(name)}`', docs) is not None
    value = token.split("=", 1)[1].strip('"')
    return f'data-name="{value}"' in docs or f"data-name={value}" in docs


def shown_documented(what: str, docs: str) -> bool:
    """A role only an explicit role= gives (``role=NAME``), or a text a person sees (``text:...``), as the docs write it."""
    if what.startswith("role="):
        return re.search(rf'{re.escape(what)}(?![\w-])|role="{re.escape(what[5:])}"', docs) is not None
    return re.search(rf"(?<![\w-]){re.escape(what[5:])}(?![\w-])", docs, re.I) is not None


def test_get_by_texts_and_roles_are_read_and_judged_by_the_docs() -> None:
    """No page object reads a get_by_* text today: the scan of one is shown on code of its own."""
    code = ('page.get_by_role("dialog")\npage.get_by_role("button", name="Continue")\npage.get_by_text("Only ours says this")\n'
            'page.get_by_label(PHONE)\n')
    _, shown = selectors({"pages/example.py": code})
    assert shown == {"role=dialog": {"pages/example.py"}, "text:Continue": {"pages/example.py"}, "text:Only ours says this": {"pages/example.py"}}
    docs = '<div role="dialog"> ... the Continue button'
    assert [what for what in sorted(shown) if not shown_documented(what, docs)] == ["text:Only ours says this"]
    assert not shown_documented("text:OK", "the token"), "a text inside another word is no documentation of it"


def test_every_id_class_and_page_name_read_is_documented() -> None:
    contracts = (ROOT / "docs" / "contracts.md").read_text()
    # Without its jwt.ms part, which describes our emulator's page: the real site guarantees only #decodedToken (b2c.md 6).
    ours = re.search(r"(?s)\njwt\.ms \(`mocks/jwtms/README\.md`\).*?(?=\n## |\Z)", contracts)
    assert ours and "#errorSection" in ours.group(0), "contracts.md's jwt.ms part moved: the scan would count our page's ids as the real site's"
    docs = contracts.replace(ours.group(0), "") + (ROOT / "docs" / "reference" / "b2c.md").read_text()
    read, shown = selectors()
    assert "#decodedToken" in read and "form#mid-login" in read, "the selector scan no longer finds the page objects' selectors"
    assert any("#claimVerificationServerError[aria-hidden=false]" in text for text in read), "the scan no longer finds a script's selectors (fixtures/journey.py)"
    undocumented = {token: sorted(files) for text, files in read.items() for token in TOKEN.findall(text)
                    if token not in OWN_MARKUP and not documented(token, docs)}
    # A role only an explicit role= gives, and a text a person sees, are documented as they are.
    undocumented |= {what: sorted(files) for what, files in shown.items() if not shown_documented(what, docs)}
    assert not undocumented, f"read, but in neither b2c.md nor contracts.md's Mobile ID part (only our emulators have them?): {undocumented}"


def test_the_emulators_own_jwt_ms_ids_are_its_own() -> None:
    served = "".join(p.read_text() for p in (ROOT / "mocks" / "jwtms").rglob("*") if p.suffix in (".js", ".html", ".py"))
    assert all(name in served for name in JWTMS_OWN), "the list no longer matches the emulator's page"


def test_no_page_object_fixture_or_journey_reads_them() -> None:
    pattern = re.compile("|".join(re.escape(name) for name in JWTMS_OWN))
    readers = [p for folder in READERS for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text())]
    assert not readers, f"these read ids only our jwt.ms emulator has (the real site guarantees only #decodedToken): {readers}"
