"""Every name of the code a document gives in backticks is one the code has: a newcomer looking for where a step
lives finds it, under that name, where the document says.

What counts as a name of the code (anything else in backticks: words, commands, URLs, XML, JSON, settings, is left alone):

- a path ending in ``.py`` (``fixtures/journey.py``, or a file's own name, ``test_texts.py``): a file of the repository
  (a path may be given from the document's own folder: mocks/b2c/README.md's ``custom_policy/build.py``);
- a dotted name starting with a module of the repository (``fixtures.tokens.validate_id_token``, or from the
  document's package: ``custom_policy.load_custom_policies``), and ``fixtures/causes.INFRASTRUCTURE_PATTERNS``: the
  module's file defines (or imports) the name after it;
- a name right after a ``.py`` path (```fixtures/browser.py` `temporary_folder_unusable```): that file defines it;
- in a table row, list item or paragraph that names a ``.py`` path: a ``Class.member`` of the code's class (the class,
  or a class of the repository it derives from, defines the member; one deriving from a library's class: any code
  does), a ``Name.snake_case`` of a class the code does not have, a ``snake_case_name`` or a ``CONSTANT_NAME`` (an
  underscore in it): defined anywhere, or read: a string the code reads (a claim, a TOML key, an environment
  variable), a library's attribute or keyword argument the code uses (``storage_state``), a word of make's or CI's
  files (``MIN_JOURNEYS``).

"Defined" is read with regular expressions over git's list of *.py (ast takes seconds over them all): a def or class,
an assignment's target (``self.x`` too), a field, a parameter, an import, a fixture's ``name=``. A bare ``ClassName``
or lower-case word is not checked: B2C's XML elements and the docs' plain words look the same.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_IN_REPOSITORY = {".venv", "node_modules", ".git"}
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
SPAN = re.compile(r"`([^`]+)`")
PY_PATH = re.compile(r"[\w./-]*\w\.py")
PATH_AND_NAME = re.compile(r"([\w-]+(?:/[\w-]+)+)\.([A-Za-z_]\w*)")  # fixtures/causes.INFRASTRUCTURE_PATTERNS
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
CALL = re.compile(r"([\w.]+)\(.*\)", re.S)  # UserFlow.to_policy(), load_user_flows(path): the callable's name
FILE_NAME = re.compile(r".*\.(?:json|jsonl|mjs|js|xml|md|toml|ya?ml|txt|html|css|zip|har|ini|lock|exit|example|svg|pem)")
UNIT_START = re.compile(r"^\s*(?:\||[-*] |\d+\. |#)")  # a table row, list item or heading starts a new unit


DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.M)
ASSIGNED = re.compile(r"^[ \t]*(?:[\w.]+\.)?(\w+)[ \t]*(?::[^\n=]*)?=(?!=)", re.M)  # x = , self.x = , x: int =
UNPACKED = re.compile(r"^[ \t]*(\w+(?:[ \t]*,[ \t]*\w+)+)[ \t]*=(?!=)", re.M)  # a, b =
ANNOTATED = re.compile(r"^[ \t]+(\w+):[ \t]*[A-Za-z_][^=\n]*$", re.M)  # a dataclass's or NamedTuple's field
SIGNATURE = re.compile(r"def[ \t]+\w+\((.*?)\)[ \t]*(?:->[^:\n]*)?:", re.S)
PARAMETER = re.compile(r"(?:^|[(,*])\s*(\w+)\s*(?=[:=,)]|$)")
IMPORTED = re.compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
FIXTURE_NAME = re.compile(r"fixture\([^)]*?\bname=[\"'](\w+)")
QUOTED = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
CONSTANT = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]*\b")  # in a string: an environment variable, a pattern's word
STRING = re.compile(r"[\"'](\w+)[\"']")
USED = re.compile(r"\.([A-Za-z_]\w*)|[(,]\s*([A-Za-z_]\w*)=(?!=)")  # an attribute or keyword the code uses: a library's API
CLASS = re.compile(r"^([ \t]*)class[ \t]+(\w+)[ \t]*(?:\(([^)]*)\))?[ \t]*:", re.M)
CONFIGURATION = ("Makefile", "*.ini", "*.toml", "*.yml", "*.cfg", "*.mjs", "*.js", "Dockerfile", ".env.example")
WORD = re.compile(r"[A-Za-z_]\w*")
OTHER_TOOLS = {"log_cli", "proxy_pass"}  # pytest's ini option, nginx's directive: named where the docs speak of those tools


@dataclass
class Code:
    """What the repository's Python files define and read."""

    files: set[str] = field(default_factory=set)  # every tracked path
    defined: set[str] = field(default_factory=set)
    read: set[str] = field(default_factory=set)  # a library's names the code uses, strings that are words (claims,
    # keys, variables read), the words of make's and CI's files: not defined here, not drift either
    members: dict[str, set[str]] = field(default_factory=dict)  # class -> what its body defines or assigns
    bases: dict[str, set[str]] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)  # dotted module -> its file ("" for a folder)
    in_file: dict[str, set[str]] = field(default_factory=dict)  # file -> names it defines or imports

    def has_member(self, cls: str, member: str, seen: frozenset[str] = frozenset()) -> bool:
        if member in self.members.get(cls, set()):
            return True
        bases = self.bases.get(cls, set()) - seen
        if bases - set(self.members) - {"object"}:  # derives from a library's class (Enum, Exception...): its members unknown
            return member in self.defined or member in self.read
        return any(self.has_member(base, member, seen | {cls}) for base in bases)

    def exists(self, name: str) -> bool:
        return name in self.defined or name in self.read


def tracked(*patterns: str) -> list[str]:
    """git's list (or, in a source archive without .git, the tree's) of the repository's files."""
    try:
        listed = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        listed = sorted(str(p.relative_to(ROOT)) for pattern in patterns for p in ROOT.rglob(pattern))
    return [name for name in listed if not NOT_IN_REPOSITORY & set(Path(name).parts)]


def class_spans(source: str) -> list[tuple[str, int, int]]:
    """Each class of a source, and where its body starts and ends (its first line indented no deeper than it)."""
    spans = []
    for found in CLASS.finditer(source):
        ends = re.compile(rf"^(?!{found.group(1)}[ \t]|[ \t]*(?:#.*)?$)", re.M).search(source, found.end())
        spans.append((found.group(2), found.end(), ends.start() if ends else len(source)))
    return spans


def read_source(path: str, source: str, code: Code) -> None:
    """What a source defines (defs and classes, assignments' targets, fields, parameters, imports, fixtures' names),
    its classes' members and bases, and what it reads."""
    spans = class_spans(source)
    names = code.in_file[path] = set(FIXTURE_NAME.findall(source))
    found = [(at.start(), at.group(1)) for pattern in (DEF, ASSIGNED, ANNOTATED) for at in pattern.finditer(source)]
    found += [(at.start(), word) for at in UNPACKED.finditer(source) for word in WORD.findall(at.group(1))]
    names.update(name for _, name in found)
    for cls, start, end in spans:
        code.members.setdefault(cls, set()).update(name for at, name in found if start <= at < end)
    names.update(name for signature in SIGNATURE.findall(source) for name in PARAMETER.findall(signature))
    names.update(word for imported in IMPORTED.findall(source) for word in WORD.findall(imported) if word != "as")
    code.defined.update(names)
    for declared in CLASS.finditer(source):  # a base's module (mod.Base) counts as a library's base: members unknown
        code.members.setdefault(declared.group(2), set())
        code.bases.setdefault(declared.group(2), set()).update(
            base for base in WORD.findall(declared.group(3) or "") if base not in {"metaclass", "total"})
    code.read.update(STRING.findall(source), *USED.findall(source), OTHER_TOOLS)
    code.read.update(name for text in QUOTED.findall(source) for name in CONSTANT.findall(text))


@cache
def code() -> Code:
    found = Code(files=set(tracked()))
    for path in tracked("*.py"):
        if ROOT / path == Path(__file__):  # its examples of missing names are no names of the code
            continue
        module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        found.modules[module] = path
        for package in range(1, module.count(".") + 1):  # a folder without __init__.py is a package too
            found.modules.setdefault(".".join(module.split(".")[:package]), "")
        read_source(path, (ROOT / path).read_text(), found)
    for path in tracked(*CONFIGURATION):
        found.read.update(WORD.findall((ROOT / path).read_text()))
    return found


def units(text: str) -> list[tuple[int, str]]:
    """The document's table rows, list items and paragraphs (code blocks left out), each with its first line's number."""
    text = FENCE.sub(lambda block: "\n" * block.group().count("\n"), text)
    found: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            found.append((number, []))
        elif UNIT_START.match(line) or not found or not found[-1][1] or found[-1][1][0].startswith("|"):
            found.append((number, [line]))
        else:
            found[-1][1].append(line)
    return [(number, "\n".join(lines)) for number, lines in found if lines]


def module_file(dotted: str, package: str) -> tuple[str, list[str]] | None:
    """The longest module of the repository the dotted name starts with (also from the document's package), and the rest."""
    parts = dotted.split(".")
    for prefix in ("", f"{package}." if package else ""):
        for length in range(len(parts), 0, -1):
            module = prefix + ".".join(parts[:length])
            if module in code().modules:
                return code().modules[module], parts[length:]
    return None


def file_named(path: str, document: str) -> str | None:
    files = code().files
    beside = str(Path(document).parent / path)
    if path in files or beside in files:
        return path if path in files else beside
    if "/" not in path:
        return next((name for name in sorted(files) if Path(name).name == path), None)
    return None


def defined_in(path: str, names: list[str]) -> bool:
    """The file defines or imports the first name (the rest its members), or the names are an object's attributes
    (``app.state.tenant``: the module's ``app``, not a module ``app.state``)."""
    if not names:
        return True
    if not path:  # a folder: what follows is a module it does not have
        return False
    first, *rest = names
    if first in code().in_file.get(path, set()):
        return all(code().exists(name) for name in rest)
    package = path.endswith("__init__.py")  # a package's names are its modules (not found) and what it defines
    return not package and bool(rest) and all(code().exists(name) for name in names)


def undefined_names(document: str, text: str) -> list[str]:
    """`document:line: `name`` for each name of the code the text gives that the code does not define."""
    package = ".".join(Path(document).parent.parts)
    lost = []
    for first_line, unit in units(text):
        spans = list(SPAN.finditer(unit))
        context = any(PY_PATH.fullmatch(span.group(1)) for span in spans)
        after_path = None
        for span in spans:
            said, line = span.group(1), first_line + unit.count("\n", 0, span.start())
            if (problem := problem_of(said, document, package, context, after_path)) is not None:
                lost.append(f"{document}:{line}: `{said}` {problem}")
            adjacent = unit[span.end():span.end() + 2] == " `"
            after_path = file_named(said, document) if PY_PATH.fullmatch(said) and adjacent else None
    return lost


def problem_of(said: str, document: str, package: str, context: bool, after_path: str | None) -> str | None:
    """What is wrong with one backticked text, if it names the code: None when it does not or the code has it."""
    missing = "is not defined anywhere in the code: rename it in the document or the code"
    if PY_PATH.fullmatch(said):
        return None if file_named(said, document) else "is no file of the repository: rename it in the document or the code"
    if FILE_NAME.fullmatch(said):  # repro.json, bench/anchor.mjs: files, not names
        return None
    if (with_path := PATH_AND_NAME.fullmatch(said)) and file_named(with_path.group(1) + ".py", document):
        return None if defined_in(file_named(with_path.group(1) + ".py", document) or "", [with_path.group(2)]) else missing
    name = call.group(1) if (call := CALL.fullmatch(said)) else said
    if not DOTTED.fullmatch(name):
        return None
    if "." in name and (module := module_file(name, package)):
        return None if defined_in(*module) else missing
    if after_path is not None:  # `fixtures/browser.py` `temporary_folder_unusable`
        first, *rest = name.split(".")
        there = first in code().in_file.get(after_path, set()) and member_found(first, rest)
        return None if there else f"is not defined in {after_path}: rename it in the document or the code"
    if not context:
        return None
    cls, _, member = name.partition(".")
    if member and "." not in member and re.fullmatch(r"[A-Z]\w*[a-z]\w*", cls) and (cls in code().members or member.islower()):
        return None if cls in code().members and code().has_member(cls, member) else missing  # Class.member
    if "." not in name and "_" in name.strip("_") and (name.islower() or name.isupper()):  # snake_case, CONSTANT_NAME
        return None if code().exists(name) else missing
    return None


def member_found(first: str, rest: list[str]) -> bool:
    if first in code().members and len(rest) == 1:
        return code().has_member(first, rest[0])
    return all(code().exists(name) for name in rest)


@pytest.mark.parametrize("document", tracked("*.md"))
def test_every_name_of_the_code_a_document_gives_is_defined_in_the_code(document: str) -> None:
    assert not (lost := undefined_names(document, (ROOT / document).read_text())), "\n".join(lost)


def test_a_document_naming_files_modules_and_functions_the_code_does_not_have_is_caught(tmp_path: Path) -> None:
    document = tmp_path / "docs" / "new.md"
    document.parent.mkdir()
    document.write_text(
        "| File | What |\n|---|---|\n"
        "| `fixtures/journey.py` | `Journey.sign_up` strings the steps together, `Journey.sign_up_twice`; `robot_unlike_the_emulators`,\n"
        "| `fixtures/mobile_id.py` | `robot_like_the_emulators`, `MobileID.end_open_sign_in`, `MobileID.end_every_sign_in`, `MAX_ROBOTS` |\n"
        "| `fixtures/gone.py` | a module that is not there |\n\n"
        "The token is checked by `fixtures.tokens.validate_id_token`, not `fixtures.tokens.check_id_token`, nor\n"
        "`fixtures.gone.check`; `fixtures/causes.INFRASTRUCTURE_PATTERNS`, not `fixtures/causes.INFRA_PATTERNS`;\n"
        "`fixtures/browser.py` `temporary_folder_unusable`, not `fixtures/browser.py` `Journey.sign_up`.\n\n"
        "No code: `E2E_TARGET=tenant`, `python -m mocks serve`, `https://jwt.ms`, `<Localization>`, `{\"reset\": true}`,\n"
        "`repro.json`, `ClaimsExchange`, and with no module beside them `not_a_function_here`, `NOT_A_CONSTANT`.\n\n"
        "```\n`fixtures/in_a_code_block.py`\n```\n")
    missing = "is not defined anywhere in the code: rename it in the document or the code"
    assert undefined_names("docs/new.md", document.read_text()) == [
        f"docs/new.md:3: `Journey.sign_up_twice` {missing}",
        f"docs/new.md:4: `robot_like_the_emulators` {missing}",
        f"docs/new.md:4: `MobileID.end_every_sign_in` {missing}",
        f"docs/new.md:4: `MAX_ROBOTS` {missing}",
        "docs/new.md:5: `fixtures/gone.py` is no file of the repository: rename it in the document or the code",
        f"docs/new.md:7: `fixtures.tokens.check_id_token` {missing}",
        f"docs/new.md:8: `fixtures.gone.check` {missing}",
        f"docs/new.md:8: `fixtures/causes.INFRA_PATTERNS` {missing}",
        "docs/new.md:9: `Journey.sign_up` is not defined in fixtures/browser.py: rename it in the document or the code"]


def test_every_setting_the_suite_docs_explain_is_read_by_the_suite() -> None:
    """docs/suite.md's settings table: each variable a row names is read (by its name, quoted) in fixtures/ or mocks/,
    so a setting the code stopped reading leaves the table with it (the other way, tests/suite/test_settings.py)."""
    text = (ROOT / "docs" / "suite.md").read_text()
    table = text.split("| Setting | Default | Meaning |\n|---|---|---|\n", 1)[1].split("\n\n", 1)[0]
    named = {name for row in table.splitlines() for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    read = {word for path in tracked("fixtures/*.py", "mocks/*.py") for word in STRING.findall((ROOT / path).read_text())}
    assert named and not (unread := sorted(named - read)), (
        f"docs/suite.md's settings table explains {unread}, which nothing in fixtures/ or mocks/ reads: remove the row or read it")
