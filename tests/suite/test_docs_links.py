"""Every link between the repository's documents leads somewhere: a file of the repository, and the section it names.

Section anchors are worked out as GitHub does for headings of plain words and code (lower case, punctuation but
'-' and '_' dropped, spaces to '-', a repeated heading numbered ``-1``, ``-2``), which is what these documents use.
"""

from __future__ import annotations

import importlib
import re
import subprocess
from collections import Counter
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


def test_the_journey_table_of_the_suite_docs_lists_every_journey_file_with_its_markers() -> None:
    """docs/suite.md's table of journeys: one row per e2e/test_*.py, naming each marker the file's journeys carry."""
    text = (ROOT / "docs" / "suite.md").read_text()
    table = text.split("| File | Journey | Markers |\n|---|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = {(cells := [c.strip() for c in row.strip("|").split("|")])[0].strip("`"): cells[-1] for row in table.splitlines()}
    assert sorted(rows) == sorted(p.name for p in (ROOT / "e2e").glob("test_*.py")), "add or remove the file's row"
    for name, cell in rows.items():
        used = set(re.findall(rf"\bpytest\.mark\.({'|'.join(JOURNEY_MARKERS)})\b", (ROOT / "e2e" / name).read_text()))
        named = set(re.findall(rf"\b({'|'.join(JOURNEY_MARKERS)})\b", cell))
        assert named == used, f"{name}: the table names {sorted(named)}, its journeys carry {sorted(used)}"


@pytest.mark.parametrize(("said", "module", "constant", "unit"), [
    (r"answer within (\d+) s or `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD` is set", "scripts.install_browser", "CONNECT_TIMEOUT", 1),
    (r"terminal gets a line every (\d+) s while it works", "scripts.install_browser", "STILL_WORKING_EVERY", 1),
    (r"one that cannot be taken within (\d+) s", "fixtures.repro", "SCREENSHOT_TIMEOUT", 1000),
    (r"a pytest still running (\d+) s later is told", "scripts.process_group", "STOPS_WITHIN", 1),
    (r"each post given up after (\d+) s", "scripts.notify", "POST_DEADLINE_S", 1),
], ids=["download host", "set-up's lines", "repro screenshot", "child stops", "webhook post"])
def test_the_readmes_times_are_the_codes(said: str, module: str, constant: str, unit: int) -> None:
    """The README's figures for how long things are given are the values the code uses (the tests shorten them)."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    match = re.search(said, readme)
    assert match, f"README: {said}"
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
