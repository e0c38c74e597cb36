"""Every link between the repository's documents leads somewhere: the file exists, and so does the section it names."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def documents() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in listed]


def anchors(document: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped (but '-' and '_'), spaces to '-'."""
    text = FENCE.sub("", document.read_text())
    return {re.sub(r"[^\w\- ]", "", heading.replace("`", "")).lower().replace(" ", "-") for heading in HEADING.findall(text)}


def links(document: Path) -> list[str]:
    return links_of(FENCE.sub("", document.read_text()))


@pytest.mark.parametrize("document", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_of_a_document_leads_to_a_file_and_section_that_exist(document: Path) -> None:
    broken = []
    for target in links(document):
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.is_relative_to(ROOT):  # beside the checkout on one machine, missing from every clone
            broken.append(f"{target}: outside the repository")
        elif not linked.exists():
            broken.append(f"{target}: no file {linked.relative_to(ROOT)}")
        elif anchor and linked.suffix == ".md" and anchor.lower() not in anchors(linked):
            broken.append(f"{target}: {linked.name} has no section #{anchor}")
    assert not broken, f"{document.relative_to(ROOT)}: " + "; ".join(broken)


def test_a_link_to_a_missing_section_is_caught(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Title\n\n## Test numbers and outcomes\n\n```\n## not a heading\n```\n")
    assert anchors(tmp_path / "a.md") == {"title", "test-numbers-and-outcomes"}
    assert links_of("[x](a.md#outcomes) [y](https://example.com) [z](#title)") == ["a.md#outcomes", "#title"]


def links_of(text: str) -> list[str]:
    return [target for target in LINK.findall(text) if not target.startswith(("http://", "https://", "mailto:"))]
