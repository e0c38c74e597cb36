"""Every link between the repository's documents leads somewhere: a file of the repository, and the section it names.

Section anchors are worked out as GitHub does for headings of plain words and code (lower case, punctuation but
'-' and '_' dropped, spaces to '-', a repeated heading numbered ``-1``, ``-2``), which is what these documents use.
"""

from __future__ import annotations

import importlib
import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.suite_run import tail

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\)")  # [text](target) and [text](target "title")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)", re.M)  # [label]: target
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
NOT_IN_REPOSITORY = {".venv", "node_modules", ".git"}


def documents() -> list[Path]:
    """The repository's Markdown files: git's list, or (a source archive without .git) the tree's."""
    try:
        listed = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        return [ROOT / name for name in listed]
    except (OSError, subprocess.CalledProcessError):
        return sorted(p for p in ROOT.rglob("*.md") if not NOT_IN_REPOSITORY & set(p.relative_to(ROOT).parts))


def anchors(text: str) -> set[str]:
    slugs: Counter[str] = Counter()
    found = set()
    for heading in HEADING.findall(FENCE.sub("", text)):
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")  # a link in a heading: its text
        slug = re.sub(r"[^\w\- ]", "", words).lower().replace(" ", "-")
        found.add(f"{slug}-{slugs[slug]}" if slugs[slug] else slug)
        slugs[slug] += 1
    return found


def links_of(text: str) -> list[str]:
    text = FENCE.sub("", text)
    return [target for target in LINK.findall(text) + REFERENCE.findall(text) if not target.startswith(("http://", "https://", "mailto:"))]


def broken_links(document: Path, root: Path = ROOT) -> list[str]:
    broken = []
    for target in links_of(document.read_text()):
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.is_relative_to(root):  # beside the checkout on one machine, missing from every clone
            broken.append(f"{target}: outside the repository")
        elif not linked.exists():
            broken.append(f"{target}: no file {linked.relative_to(root)}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
            broken.append(f"{target}: {linked.name} has no section #{anchor}")
    return broken


@pytest.mark.parametrize("document", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_of_a_document_leads_to_a_file_and_section_that_exist(document: Path) -> None:
    assert not (broken := broken_links(document)), f"{document.relative_to(ROOT)}: " + "; ".join(broken)


def test_links_outside_the_repository_to_missing_files_or_sections_are_each_caught(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (tmp_path / "seed.md").write_text("# Seed\n")  # exists, but beside the repository
    (root / "docs" / "other.md").write_text("# Other\n\n## Test numbers and outcomes\n\n## Notes\n\n## Notes\n\n```\n## not a heading\n```\n")
    readme = root / "README.md"
    readme.write_text("[a](../seed.md) [b](docs/missing.md) [c](docs/other.md#outcomes) [d](docs/other.md#Notes)\n"
                      "[e](docs/other.md#test-numbers-and-outcomes) [f](docs/other.md#notes-1) [g](https://example.com) [h](#title)\n"
                      '[j](docs/gone.md "a title")\n'
                      "[i]: docs/other.md#not-a-heading\n\n# Title\n")
    assert broken_links(readme, root) == ["../seed.md: outside the repository", "docs/missing.md: no file docs/missing.md",
                                          "docs/other.md#outcomes: other.md has no section #outcomes",
                                          "docs/other.md#Notes: other.md has no section #Notes", "docs/gone.md: no file docs/gone.md",
                                          "docs/other.md#not-a-heading: other.md has no section #not-a-heading"]


def test_the_readmes_watch_one_journey_command_selects_one_journey() -> None:
    """README's "watch one journey": its selection, collected as pytest would run it (without the window), is one."""
    import shlex
    import sys

    from tests.suite_run import suite_env

    readme = (ROOT / "README.md").read_text()
    [line] = [line for line in readme.splitlines() if line.rstrip().endswith("# watch one journey")]
    args = [arg for arg in shlex.split(line.split("#", 1)[0])[1:] if arg != "--headed"]
    collected = subprocess.run([sys.executable, "-m", "pytest", *args, "--collect-only", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                               env=suite_env(), capture_output=True, text=True, timeout=120)
    assert re.search(r"^1/\d+ tests collected", collected.stdout, re.M), tail(collected.stdout, 1000)


JOURNEY_MARKERS = ("smoke", "negative", "control_api", "repro")


def journey_table_disagreement(rows: Iterable[str], files: Iterable[str]) -> str:
    """What a contributor must change in docs/suite.md's journey table, naming the files ("add or remove the file's row"
    named none, nor the table)."""
    missing, gone = sorted(set(files) - set(rows)), sorted(set(rows) - set(files))
    said = [f"e2e/{name} has no row in docs/suite.md's journey table (## Journeys, | File | Journey | Markers |): add one, "
            "its markers in the last column" for name in missing]
    said += [f"docs/suite.md's journey table has a row for {name}, which e2e/ does not have: remove it" for name in gone]
    return "; ".join(said)


def test_a_journey_file_without_its_row_is_named_with_the_table_to_add_it_to() -> None:
    assert journey_table_disagreement(["test_sign_in.py", "test_gone.py"], ["test_sign_in.py", "test_new.py"]) == (
        "e2e/test_new.py has no row in docs/suite.md's journey table (## Journeys, | File | Journey | Markers |): add one, "
        "its markers in the last column; docs/suite.md's journey table has a row for test_gone.py, which e2e/ does not have: "
        "remove it")
    assert journey_table_disagreement(["test_sign_in.py"], ["test_sign_in.py"]) == ""


def test_the_docs_name_every_secret_variable_the_user_flows_example_needs() -> None:
    """The README's E2E_STACK_USER_FLOWS start copies policies/user-flows.example.toml: each doc that says which variables
    to set names every one the example's client_secret_env gives (the README said "the variable", and the copy stopped
    the run on the second)."""
    import tomllib

    example = tomllib.loads((ROOT / "policies" / "user-flows.example.toml").read_text())
    needed = {provider["client_secret_env"] for provider in example["identity_provider"] if "client_secret_env" in provider}
    assert needed
    for doc in ("README.md", "docs/suite.md", "docs/contracts.md", "policies/README.md"):
        text = (ROOT / doc).read_text()
        assert not (unnamed := sorted(name for name in needed if f"`{name}`" not in text)), f"{doc} does not name {unnamed}"


def test_the_journey_table_of_the_suite_docs_lists_every_journey_file_with_its_markers() -> None:
    """docs/suite.md's table of journeys: one row per e2e/test_*.py, naming each marker the file's journeys carry."""
    text = (ROOT / "docs" / "suite.md").read_text()
    table = text.split("| File | Journey | Markers |\n|---|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = {(cells := [c.strip() for c in row.strip("|").split("|")])[0].strip("`"): cells[-1] for row in table.splitlines()}
    disagreement = journey_table_disagreement(rows, [p.name for p in (ROOT / "e2e").glob("test_*.py")])
    assert not disagreement, disagreement
    for name, cell in rows.items():
        used = set(re.findall(rf"\bpytest\.mark\.({'|'.join(JOURNEY_MARKERS)})\b", (ROOT / "e2e" / name).read_text()))
        named = set(re.findall(rf"\b({'|'.join(JOURNEY_MARKERS)})\b", cell))
        assert named == used, f"{name}: the table names {sorted(named)}, its journeys carry {sorted(used)}"


@pytest.mark.parametrize(("document", "said", "module", "constant", "unit"), [
    ("README.md", r"answer within (\d+) s or `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD` is set", "scripts.install_browser", "CONNECT_TIMEOUT", 1),
    ("README.md", r"terminal gets a line every (\d+) s while it works", "scripts.install_browser", "STILL_WORKING_EVERY", 1),
    ("README.md", r"one that cannot be taken within (\d+) s", "fixtures.repro", "SCREENSHOT_TIMEOUT", 1000),
    ("README.md", r"a pytest still running (\d+) s later is told", "scripts.process_group", "STOPS_WITHIN", 1),
    ("README.md", r"each post given up after (\d+) s", "scripts.notify", "POST_DEADLINE_S", 1),
    # Figures the tests shorten (or, the repro's free space, go far below), so no other test fails if the code's change.
    ("README.md", r"on a disk with less than (\d+) MiB free, is a usage error", "repro.cli", "MIN_FREE_BYTES", 1024 * 1024),
    ("README.md", r"the server's address for an answer every (\d+) s", "fixtures.browser_server_watch", "PROBE_EVERY_S", 1),
    ("README.md", r"and after (\d+) s of silence", "fixtures.browser_server_watch", "LOST_AFTER_S", 1),
    ("README.md", r"gives the server (\d+) s to stop answering", "fixtures.browser_server_watch", "ENDING_S", 1),
    ("docs/suite.md", r"for an HTTP answer every (\d+) s;", "fixtures.browser_server_watch", "PROBE_EVERY_S", 1),
    ("docs/suite.md", r"every \d+ s; (\d+) s of silence", "fixtures.browser_server_watch", "LOST_AFTER_S", 1),
    ("docs/suite.md", r"SIGTERM again after (\d+) s ends it at once", "fixtures.stop_signal", "SAME_STOP_S", 1),
    ("docs/suite.md", r"unanswered (\d+) s or longer \(`pages/waiting.py` `STALLED_PART_MS`", "pages.waiting", "STALLED_PART_MS", 1000),
    ("docs/suite.md", r"two looks of (\d+) s each \(`pages/waiting.py` `ANSWER_MS`", "pages.waiting", "ANSWER_MS", 1000),
    ("docs/suite.md", r"HTTP request \(`GET /`, without the endpoint's path or headers\) within (\d+) s", "fixtures.browser",
     "ANSWER_TIMEOUT_S", 1),
    ("docs/suite.md", r"the countdown says what is left every (\d+) s", "fixtures.mobile_id", "COUNTDOWN_STEP", 1),
    ("docs/suite.md", r"looks at the browser every (\d+) s \(`CONTROL_WAIT_SLICE`\)", "fixtures.mobile_id", "CONTROL_WAIT_SLICE", 1),
], ids=["download host", "set-up's lines", "repro screenshot", "child stops", "webhook post", "repro free space",
        "server probe", "server silence", "server ending", "suite docs server probe", "suite docs server silence",
        "second SIGTERM", "stalled part", "page answer", "browser server answer", "countdown", "control wait slice"])
def test_the_docs_times_are_the_codes(document: str, said: str, module: str, constant: str, unit: int) -> None:
    """The README's and docs/suite.md's figures for how long things are given (and the repro's free space) are the values
    the code uses (the tests shorten them)."""
    text = " ".join((ROOT / document).read_text().split())
    match = re.search(said, text)
    assert match, f"{document}: {said}"
    assert getattr(importlib.import_module(module), constant) == int(match.group(1)) * unit


def test_the_readmes_layout_names_what_mypy_checks_strictly() -> None:
    """README, Layout: mypy strict over the folders it names, and over tests/ with check_untyped_defs but no annotations
    required: pyproject.toml's settings say the same."""
    import tomllib

    row = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `pyproject.toml` |"))
    strict_part, _, tests_part = row.partition("mypy strict over ")[2].partition(", and over `tests/`")
    named = {name.rstrip("/") for name in re.findall(r"`([^`]+)`", strict_part)}
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    strict = next(o for o in mypy["overrides"] if o.get("strict"))
    assert {m.removesuffix(".*") for m in strict["module"]} == {n.removesuffix(".py") for n in named}, (named, strict["module"])
    assert set(mypy["files"]) == {*named, "tests"}, mypy["files"]
    tests = next(o for o in mypy["overrides"] if o["module"] == ["tests.*"])
    assert "check_untyped_defs" in tests_part and tests["check_untyped_defs"] and not tests["disallow_untyped_defs"], tests


def test_the_docs_run_the_repositorys_scripts_with_the_virtual_environments_python() -> None:
    """A command a newcomer copies from a code block: `python scripts/...` is the system's Python, which has none of the
    pinned packages (`ModuleNotFoundError: No module named 'httpx'`); the virtual environment's runs them."""
    bare = [f"{document.relative_to(ROOT)}: {line.strip()}"
            for document in documents()
            for block in re.findall(r"^```[^\n]*\n(.*?)^```", document.read_text(), re.M | re.S)
            for line in block.splitlines()
            if re.search(r"(?<![/\w])python3? scripts/", line)]
    assert not bare, bare


def test_the_suite_docs_name_every_option_the_suite_starts_its_stack_with() -> None:
    """docs/suite.md's `fixtures/stack.py` row spells the stack's command line: each option the suite can give it is there
    (--user-flows was missing, so E2E_STACK_USER_FLOWS' way to the stack was not to be found)."""
    from fixtures.stack_description import serve_command

    command = serve_command(Path("state"), ["wrong-audience"], language_customization=False, policies="p",
                            policy_keys=["K=env:V"], page_build_delay=1.0, page_content="c", user_flows="f.toml")
    [row] = [line for line in (ROOT / "docs" / "suite.md").read_text().splitlines() if line.startswith("| `fixtures/stack.py` |")]
    spelt = row.split("starts `python -m mocks serve", 1)[1].split("`", 1)[0]
    assert not (unnamed := [arg for arg in command if arg.startswith("--") and arg not in spelt]), f"not in the row: {unnamed}"


def test_each_step_of_a_sign_up_lives_where_the_suite_docs_say() -> None:
    """docs/suite.md's "Where each step of a sign-up lives": every `Class.method` (and `.method` of the class before it)
    is defined in the files its row names or in fixtures/journey.py, and every bare function too; a contributor adding
    a journey reads it to find each step."""
    import ast

    text = (ROOT / "docs" / "suite.md").read_text()
    table = text.split("| Step | Where |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    lost = []
    for row in table.splitlines():
        files = ["fixtures/journey.py", *re.findall(r"\(((?:fixtures|pages|e2e)/\w+\.py)", row)]
        defined: dict[str, set[str]] = {"": set()}
        for name in files:
            for node in ast.walk(ast.parse((ROOT / name).read_text())):
                if isinstance(node, ast.ClassDef):
                    defined.setdefault(node.name, set()).update(
                        item.name for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef))
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    defined[""].add(node.name)
        owner = ""
        for named in re.findall(r"`([A-Za-z0-9_.]+)`", row):
            cls, _, method = named.rpartition(".")
            if named.startswith("."):  # a method of the class named before it
                found = method in defined.get(owner, set())
            elif cls:
                owner, found = cls, method in defined.get(cls, set())
            elif named[0].isupper() and not named.isupper():  # a class (not a setting's name)
                owner, found = named, named in defined
            elif "_" in named and named.islower() and named != "response_type":  # a function
                found = named in defined[""] or any(named in methods for methods in defined.values())
            else:
                continue
            if not found:
                lost.append(f"{named} ({', '.join(files)})")
    assert not lost, f"docs/suite.md's steps name what the files do not define: {lost}"


def test_the_readmes_make_smoke_line_counts_the_smoke_journeys() -> None:
    """README's `make smoke` line lists what the pre-release check runs per policy: a journey marked smoke since (docs/suite.md,
    Adding a journey) must be added there too."""
    import ast

    smoke = sorted(f"{path.name}::{node.name}" for path in (ROOT / "e2e").glob("test_*.py")
                   for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef)
                   and any("smoke" in ast.unparse(decorator) for decorator in node.decorator_list))
    [listed] = re.findall(r"^- `make smoke`: the smoke journeys \(per policy: ([^)]*)\)", (ROOT / "README.md").read_text(), re.M)
    assert len(re.split(r", | and ", listed)) == len(smoke), f"README's make smoke line lists {listed!r}; marked smoke: {smoke}"


def test_what_the_smoke_catches_has_a_row_for_every_fault() -> None:
    """docs/suite.md's "What the pre-release smoke catches": a fault added to mocks/faults.py is tried against the smoke
    (red with its cause line, or green with why the nightly is enough) and gets its row, as it gets its self-check row."""
    from mocks.faults import Fault

    text = (ROOT / "docs" / "suite.md").read_text()
    [section] = re.findall(r"^### What the pre-release smoke catches\n(.*?)(?=^#)", text, re.M | re.S)
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (red|green) \|", section, re.M))
    faults = {fault.value for fault in Fault}
    assert set(rows) == faults, (f"docs/suite.md's smoke table has no row for {sorted(faults - set(rows))} and rows for no fault "
                                 f"{sorted(set(rows) - faults)}: run E2E_STACK_FAULTS=NAME .venv/bin/pytest e2e -m smoke and say what it did")


def test_what_adding_a_journey_tells_a_contributor_to_use_exists() -> None:
    """docs/suite.md's "Adding a journey": each fixture, method and helper it names (`journey`, `Journey.redirect`,
    `robot`, ...) is defined in fixtures/, so the contributor it sends there finds it."""
    import ast

    text = (ROOT / "docs" / "suite.md").read_text()
    [advice] = re.findall(r"^Adding a journey: .*?(?=\n\n|\nA journey that is to catch)", text, re.M | re.S)
    methods: dict[str, set[str]] = {"": set()}
    if re.search(r"parametrize\(\s*\"policy\"", (ROOT / "fixtures" / "journey.py").read_text()):
        methods[""].add("policy")  # a parametrization's argument, not a function
    for path in (ROOT / "fixtures").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                methods.setdefault(node.name, set()).update(item.name for item in node.body if isinstance(item, ast.FunctionDef))
            elif isinstance(node, ast.FunctionDef):
                methods[""].add(node.name)
    every_method = set().union(*methods.values())
    lost = []
    for named in re.findall(r"`([A-Za-z_][A-Za-z0-9_.]*)`", advice):
        cls, _, name = named.rpartition(".")
        if cls and cls in methods:  # Journey.redirect
            found = name in methods[cls]
        elif named in {"smoke", "negative", "control_api"} or cls or named.isupper():  # markers, module paths
            continue
        else:  # a fixture or a helper
            found = named in methods or named in every_method
        if not found:
            lost.append(named)
    assert not lost, f"docs/suite.md's Adding a journey names what fixtures/ does not define: {lost}"
