"""Each content definition's ``LoadUri``: the page template B2C fetches for the pages of that definition.

A later file of the chain may give a base's content definition (same ``Id``) a ``LoadUri`` of its own, which wins:
that is how a team points the starter pack's definitions at its own template (customize-ui-with-html article).
"""

from __future__ import annotations

from .files import PolicyFile, q, text


def load_uris(chain: list[PolicyFile]) -> dict[str, str]:
    """ContentDefinition id -> its LoadUri, the most derived file's where several files give one (base first)."""
    found: dict[str, str] = {}
    for f in chain:
        for definition in f.root.findall(f"{q('BuildingBlocks')}/{q('ContentDefinitions')}/{q('ContentDefinition')}"):
            uri = text(definition.find(q("LoadUri")))
            if definition.get("Id") and uri:
                found[definition.get("Id", "")] = uri
    return found
