"""How a bundle shows a path of this machine's (the replay command, settings.json, repro.json, the summary)."""

from __future__ import annotations

from pathlib import Path


def shown_path(path: str | None) -> str:
    """A path (a policy folder, a policy key's file) as the bundle's replay command gives it: relative to the suite when
    inside it, else a placeholder naming the file (no home folder, no user name in a bundle); the replayer puts theirs."""
    from fixtures.settings import relative_to_suite

    if not path:
        return ""
    return relative_to_suite(path) or f"<path to {Path(path).name}>"
