"""A custom policy's languages, from the ``<Localization>`` of its files (language-customization article).

Each file of the chain, base first, may turn localization on or off and list its SupportedLanguages; a list
is appended to its base's, put before it (Prepend) or replaces it (ReplaceAll), as MergeBehavior says.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from mocks.b2c.policy import Languages, PolicyError

from .files import PolicyFile, q, text, xs_boolean

MERGE_BEHAVIORS = ("Append", "Prepend", "ReplaceAll")


def merge_behavior(element: Element, where: str) -> str:
    """The element's MergeBehavior: Append when unset (unconfirmed), else Prepend or ReplaceAll; another value is refused,
    as B2C's upload refuses it."""
    behavior = (element.get("MergeBehavior") or "Append").strip()
    if behavior not in MERGE_BEHAVIORS:
        raise PolicyError(f"{where}/@MergeBehavior: {behavior!r} is not one of {', '.join(MERGE_BEHAVIORS)}")
    return behavior


def merge(before: list[str], listed: list[str], behavior: str) -> list[str]:
    """A later file's ``listed`` merged into its base's ``before``: appended, put before (Prepend) or replacing it."""
    return listed if behavior == "ReplaceAll" else listed + before if behavior == "Prepend" else before + listed


def languages(chain: list[PolicyFile]) -> Languages:
    enabled, default = False, "en"
    supported: list[str] = []
    for f in chain:  # base first
        localization = f.root.find(f"{q('BuildingBlocks')}/{q('Localization')}")
        if localization is None:
            continue
        where = f"{f.name}: BuildingBlocks/Localization{f.line(localization)}"
        on = xs_boolean(localization.get("Enabled"), f"{where}/@Enabled")
        if on is not None:
            enabled = on
        listed_in = localization.find(q("SupportedLanguages"))
        if listed_in is None:
            continue
        default = (listed_in.get("DefaultLanguage") or default).strip().lower()
        listed = [(text(e) or "").lower() for e in listed_in.findall(q("SupportedLanguage")) if text(e)]
        supported = merge(supported, listed, merge_behavior(listed_in, f"{where}/SupportedLanguages"))
    return Languages(enabled, default, tuple(dict.fromkeys([default, *supported])))


def claim_labels(chain: list[PolicyFile]) -> dict[str, dict[str, dict[str, str]]]:
    """ContentDefinition id -> language -> claim type -> the label its page shows (``LocalizedString`` of ElementType
    ClaimType, StringId DisplayName; ``localized``). A claim without one keeps its ClaimsSchema DisplayName in every
    language: B2C translates its own page strings, not a policy's claim types."""
    return localized(chain, lambda kind, element, string: element if kind == "ClaimType" and string == "DisplayName" else None)


def ux_strings(chain: list[PolicyFile]) -> dict[str, dict[str, dict[str, str]]]:
    """ContentDefinition id -> language -> string id -> the text the policy gives its page's own element (``LocalizedString``
    of ElementType UxElement: a button, a link, an intro; ``localized``), in place of B2C's built-in one."""
    return localized(chain, lambda kind, element, string: string if kind == "UxElement" else None)


def provider_strings(chain: list[PolicyFile]) -> dict[str, dict[str, dict[str, str]]]:
    """ContentDefinition id -> language -> ClaimsExchange Id -> the text of that identity provider's button (``LocalizedString``
    of ElementType ClaimsProvider, its StringId the ClaimsExchange Id; ``localized``), in place of the technical profile's
    DisplayName (reference b2c.md 1.3: "Text is localized with ElementType="ClaimsProvider" StringId="<ClaimsExchange Id>"")."""
    return localized(chain, lambda kind, element, string: string if kind == "ClaimsProvider" else None)


def localized(chain: list[PolicyFile], key: Callable[[str, str, str], str | None]) -> dict[str, dict[str, dict[str, str]]]:
    """ContentDefinition id -> language -> ``key`` -> text, from the ``LocalizedResources`` the content definition's
    ``LocalizedResourcesReferences`` name for that language (the first reference that has one wins); ``key`` names a
    ``LocalizedString`` by its ElementType, ElementId and StringId, or leaves it out (None).

    References merge across the chain as the file's MergeBehavior says (Append when unset, as for SupportedLanguages).
    """
    references: dict[str, dict[str, list[str]]] = {}
    strings: dict[str, dict[str, str]] = {}
    for f in chain:  # base first
        blocks = f.root.find(q("BuildingBlocks"))
        if blocks is None:
            continue
        for definition in blocks.findall(f"{q('ContentDefinitions')}/{q('ContentDefinition')}"):
            listed = definition.find(q("LocalizedResourcesReferences"))
            if listed is None or not definition.get("Id"):
                continue
            named: dict[str, list[str]] = {}
            for reference in listed.findall(q("LocalizedResourcesReference")):
                language, named_id = (reference.get("Language") or "").strip().lower(), reference.get("LocalizedResourcesReferenceId")
                if language and named_id:
                    named.setdefault(language, []).append(named_id.strip())
            behavior = merge_behavior(listed, f"{f.name}: ContentDefinition {definition.get('Id')}{f.line(listed)}/LocalizedResourcesReferences")
            by_language = references.setdefault(definition.get("Id", ""), {})
            if behavior == "ReplaceAll":
                by_language.clear()
            for language, ids in named.items():
                by_language[language] = merge(by_language.get(language, []), ids, behavior)
        for resource in blocks.findall(f"{q('Localization')}/{q('LocalizedResources')}"):
            into = strings.setdefault(resource.get("Id", ""), {})
            for string in resource.findall(f"{q('LocalizedStrings')}/{q('LocalizedString')}"):
                kept_as, value = key(string.get("ElementType") or "", string.get("ElementId") or "", string.get("StringId") or ""), text(string)
                if kept_as and value:
                    into[kept_as] = value
    found: dict[str, dict[str, dict[str, str]]] = {}
    for definition_id, by_language in references.items():
        for language, ids in by_language.items():
            merged: dict[str, str] = {}
            for resources_id in reversed(ids):  # the first reference wins
                merged.update(strings.get(resources_id, {}))
            if merged:
                found.setdefault(definition_id, {})[language] = merged
    return found
