"""mocks/faults.py: every fault declared once, whole; token callbacks touch only their claims; docs follow."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from typing import Any

import pytest

import mocks.faults as faults_module
from mocks.faults import (
    BEGIN,
    DOCS,
    END,
    REGENERATE,
    ROOT,
    Fault,
    Side,
    TokenCallback,
    acting_on,
    markdown,
    parse_faults,
    token_callbacks,
    with_table,
)

# An ID token as B2C's token service builds it before the faults' callbacks run.
TOKEN: dict[str, Any] = {
    "exp": 1_700_003_600, "nbf": 1_700_000_000, "ver": "1.0", "iss": "https://contoso.b2clogin.com/tid/v2.0/",
    "sub": "oid-1", "aud": "client-1", "nonce": "n-1", "iat": 1_700_000_000, "auth_time": 1_699_999_990,
    "name": "Hans Muster", "idp": "mobileid.ch", "newUser": True, "tfp": "B2C_1_signupsignin",
}
TOKEN_FAULTS = [fault for fault in Fault if fault.token is not None]


@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.value)
def test_every_fault_is_declared_whole(fault: Fault) -> None:
    assert isinstance(fault.side, Side)
    assert fault.description.strip() and "\n" not in fault.description
    re.compile(fault.symptom)
    assert re.search(fault.symptom, fault.declaration.example), \
        f"{fault.value}: the docs' example message does not match the symptom /{fault.symptom}/"
    assert fault.journeys and all((ROOT / arg).is_file() for arg in fault.journeys if arg.startswith("e2e/"))
    assert Fault.named(fault.value) is fault


def test_sides_split_the_faults() -> None:
    b2c, mobile_id = acting_on(Side.B2C), acting_on(Side.MOBILE_ID)
    assert b2c | mobile_id == set(Fault) and not b2c & mobile_id
    assert mobile_id, "no fault acts on Mobile ID: the emulator's fault seam (mocks/mobileid/api.py) would go untested"
    assert all(fault.side is Side.B2C for fault in TOKEN_FAULTS), "only B2C's token service applies token callbacks"


@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.value)
def test_each_fault_is_acted_on_by_the_emulator_of_its_side(fault: Fault) -> None:
    """A fault on the wrong side, or never read, would start a stack that quietly does nothing of what was asked: its
    side's emulator reads it (``Fault.NAME``), or, for an ID-token defect, B2C's token service applies its callback."""
    if fault.token is not None:
        assert fault.side is Side.B2C
        return
    folder = ROOT / "mocks" / ("b2c" if fault.side is Side.B2C else "mobileid")
    readers = [path.relative_to(ROOT).as_posix() for path in sorted(folder.rglob("*.py")) if reads_fault(path, fault)]
    assert readers, f"{fault.value} acts on {fault.side.label}, but no code in {folder.relative_to(ROOT)}/ reads Fault.{fault.name}"


@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.value)
def test_each_fault_has_an_emulator_test(fault: Fault) -> None:
    """README, Faults: a fault comes with an emulator test of it (tests/b2c/test_faults.py for B2C's, tests/mobileid/ for
    Mobile ID's), so its effect is shown at the emulator and not only by the self-check's journeys."""
    if fault.side is Side.B2C:
        where, files = "tests/b2c/test_faults.py", [ROOT / "tests" / "b2c" / "test_faults.py"]
    else:  # not its settings' tests, which only parse the name
        where, files = "tests/mobileid/", [p for p in sorted((ROOT / "tests" / "mobileid").glob("test_*.py")) if p.name != "test_settings.py"]
    assert any(fault_in_a_test(path, fault) for path in files), f"no test in {where} runs its emulator with Fault.{fault.name}"


def fault_in_a_test(path, fault: Fault) -> bool:
    """Whether a test function in ``path`` names ``Fault.NAME``, in its body or its parametrize list."""
    return any(isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and names_fault(node, fault)
               for node in ast.parse(path.read_text()).body)


def names_fault(tree: ast.AST, fault: Fault) -> bool:
    """Whether ``Fault.NAME`` is written anywhere in ``tree``."""
    return any(isinstance(n, ast.Attribute) and n.attr == fault.name and isinstance(n.value, ast.Name) and n.value.id == "Fault"
               for n in ast.walk(tree))


def reads_fault(path, fault: Fault) -> bool:
    """Whether ``path``'s code (not a comment, a string or a log line) tests ``Fault.NAME``: in the condition of an if,
    a conditional expression, a while or an assert (``if emulator.has(Fault.NAME)``), or as the left of ``in``
    (``lax = Fault.NAME in settings.faults``)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)) and names_fault(node.test, fault):
            return True
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.In, ast.NotIn)) and names_fault(node.left, fault):
            return True
    return False


def test_a_fault_only_named_is_not_read(tmp_path) -> None:
    """What the check above counts as reading a fault, and what not (a line that logs it, a fault in a branch's body)."""
    code = tmp_path / "code.py"
    for source, reads in [("if emulator.has(Fault.SLOW_IDP):\n    pass", True), ("lax = Fault.SLOW_IDP in settings.faults", True),
                          ("log.info('%s', Fault.SLOW_IDP)", False), ("if ready:\n    answer(Fault.SLOW_IDP)", False),
                          ("# if Fault.SLOW_IDP in settings.faults", False), ("if Fault.WRONG_IDP in faults:\n    pass", False)]:
        code.write_text(source)
        assert reads_fault(code, Fault.SLOW_IDP) is reads, source


@pytest.mark.parametrize("fault", TOKEN_FAULTS, ids=lambda f: f.value)
def test_token_callbacks_change_only_what_they_say(fault: Fault) -> None:
    callback = fault.token
    assert isinstance(callback, TokenCallback)
    before = dict(TOKEN)
    after = callback(before)
    assert before == TOKEN, "the callback changed the claims it was given instead of a copy"
    changed = {name for name in TOKEN.keys() | after.keys() if TOKEN.get(name, ...) != after.get(name, ...)}
    assert changed, f"{fault.value} changed nothing"
    assert changed <= set(callback.claims), f"{fault.value} changed {sorted(changed - set(callback.claims))} besides {callback.claims}"


def test_token_callbacks_say_what_they_do() -> None:
    assert Fault.NONCE_NOT_ECHOED.token and "nonce" not in Fault.NONCE_NOT_ECHOED.token(TOKEN)
    assert Fault.WRONG_AUDIENCE.token and Fault.WRONG_AUDIENCE.token(TOKEN)["aud"] != TOKEN["aud"]
    expired = Fault.EXPIRED_TOKEN.token and Fault.EXPIRED_TOKEN.token(TOKEN)
    assert expired and expired["exp"] == TOKEN["iat"] - 300 and expired["exp"] - expired["iat"] == TOKEN["exp"] - TOKEN["iat"]
    # A token without the claim stays without it (the user flow may not emit idp at all).
    assert Fault.WRONG_IDP.token and "idp" not in Fault.WRONG_IDP.token({"aud": "client-1"})


def test_only_active_faults_apply_in_registry_order() -> None:
    assert token_callbacks([]) == []
    assert token_callbacks([Fault.WRONG_IDP, Fault.SLOW_IDP, Fault.WRONG_AUDIENCE]) == [Fault.WRONG_AUDIENCE.token, Fault.WRONG_IDP.token]


def test_fault_names_parse_as_before() -> None:
    assert parse_faults(["wrong-idp, slow-idp", "wrong-idp"]) == {Fault.WRONG_IDP, Fault.SLOW_IDP}
    with pytest.raises(SystemExit, match=r"unknown fault 'nope'; known faults: foreign-signing-key, wrong-audience"):
        parse_faults(["nope"])


@pytest.mark.parametrize("misspelt", ["wrong-audiance", "wrong_audience", "Wrong-Audience"])
def test_a_misspelt_fault_is_refused_naming_the_one_meant(misspelt: str) -> None:
    """README, The local stack by hand: ``--fault NAME``; a typo's fault was to be found in a list of 17 names."""
    with pytest.raises(SystemExit, match=rf"^unknown fault '{misspelt}' \(did you mean wrong-audience\?\); known faults: foreign-signing-key, "):
        parse_faults([misspelt])


@pytest.mark.parametrize(("path", "table"), DOCS.items())
def test_committed_fault_tables_match_the_registry(path: str, table: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert with_table(text, table, where=path) == text, f"{path}'s fault table differs from mocks/faults.py; run: {REGENERATE}"


def test_write_docs_puts_a_hand_edited_table_right(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """README, Faults: `python -m mocks.faults --write-docs` rewrites both tables from the registry, the rest untouched."""
    for name in DOCS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        # the registry's table is each document's first to name a fault (docs/suite.md's smoke table, after it, is by hand)
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8").replace(f"`{Fault.WRONG_IDP.value}`", "`wrong-idp-typo`", 1),
                                     encoding="utf-8")
    assert all("wrong-idp-typo" in (tmp_path / name).read_text() for name in DOCS)
    monkeypatch.setattr(faults_module, "ROOT", tmp_path)
    assert faults_module.main(["--write-docs"]) == 0
    for name in DOCS:
        assert (tmp_path / name).read_text(encoding="utf-8") == (ROOT / name).read_text(encoding="utf-8"), name
    assert capsys.readouterr().out.splitlines() == [f"wrote the fault table of {name}" for name in DOCS]


def test_tables_name_every_fault_once() -> None:
    for table in ("readme", "suite"):
        rows = markdown(table).splitlines()[2:]
        assert [row.split("|")[1].strip(" `") for row in rows] == [fault.value for fault in Fault]
    assert r"`userinfo\|AADB2C90273\|server_error`" in markdown("suite"), "pipes in a cell are escaped"


def test_a_document_without_its_markers_is_an_error() -> None:
    with pytest.raises(ValueError, match="README.md needs exactly one fault table"):
        with_table("# no table here\n", "readme", where="README.md")
    twice = f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n"
    with pytest.raises(ValueError, match="exactly one"):
        with_table(twice, "readme", where="README.md")


def test_markdown_command_prints_a_table() -> None:
    result = subprocess.run([sys.executable, "-m", "mocks.faults", "--markdown", "readme"], check=False, cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == markdown("readme")


def test_each_faults_cause_is_one_the_suites_report_files_failures_under() -> None:
    """The registry names the suite's causes by their words (the emulators' package imports nothing of the suite's)."""
    from fixtures.causes import CAUSES

    assert {fault.value: fault.cause_name for fault in Fault if fault.cause_name not in CAUSES} == {}


def test_the_suite_docs_tell_a_journeys_author_the_fault_fields_that_exist() -> None:
    """docs/suite.md's "Adding a journey" sends a journey written to catch a fault to the fault's declaration: the fields it
    names are Declaration's (a renamed field would leave its reader looking for one that is gone)."""
    import dataclasses

    text = (ROOT / "docs" / "suite.md").read_text()
    [advice] = re.findall(r"^A journey that is to catch a fault of the stack.*?(?=\n\n)", text, re.M | re.S)
    named = set(re.findall(r"the fault's `(\w+)`|fault's `(\w+)` name", advice))
    fields = {field.name for field in dataclasses.fields(faults_module.Declaration)}
    assert {"journeys", "symptom", "cause_name"} <= {name for pair in named for name in pair if name} <= fields
