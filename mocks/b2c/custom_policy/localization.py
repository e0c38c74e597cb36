"""A custom policy's languages, from the ``<Localization>`` of its files (language-customization article).

Each file of the chain, base first, may turn localization on or off and list its SupportedLanguages; a list
is appended to its base's, put before it (Prepend) or replaces it (ReplaceAll), as MergeBehavior says.
"""

from __future__ import annotations

from mocks.b2c.policy import Languages, PolicyError

from .files import PolicyFile, boolean, q, text

MERGE_BEHAVIORS = ("Append", "Prepend", "ReplaceAll")


def languages(chain: list[PolicyFile]) -> Languages:
    enabled, default = False, "en"
    supported: list[str] = []
    for f in chain:  # base first
        localization = f.root.find(f"{q('BuildingBlocks')}/{q('Localization')}")
        if localization is None:
            continue
        where = f"{f.name}: BuildingBlocks/Localization{f.line(localization)}"
        if localization.get("Enabled") is not None:
            on = boolean(localization.get("Enabled"))
            if on is None:
                raise PolicyError(f"{where}/@Enabled: {localization.get('Enabled')!r} is not true or false")
            enabled = on
        listed_in = localization.find(q("SupportedLanguages"))
        if listed_in is None:
            continue
        default = (listed_in.get("DefaultLanguage") or default).strip().lower()
        behavior = (listed_in.get("MergeBehavior") or "Append").strip()  # Append when unset: unconfirmed
        if behavior not in MERGE_BEHAVIORS:
            raise PolicyError(f"{where}/SupportedLanguages/@MergeBehavior: {behavior!r} is not one of {', '.join(MERGE_BEHAVIORS)}")
        listed = [(text(e) or "").lower() for e in listed_in.findall(q("SupportedLanguage")) if text(e)]
        supported = listed if behavior == "ReplaceAll" else listed + supported if behavior == "Prepend" else supported + listed
    return Languages(enabled, default, tuple(dict.fromkeys([default, *supported])))
