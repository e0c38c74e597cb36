"""The browser's languages, as an ``Accept-Language`` header lists them: both emulators' pages fall back to them."""

from __future__ import annotations


def primary_language(tag: str) -> str:
    """A language tag's primary subtag, lower-case: ``de-CH`` and ``de_CH`` -> ``de``."""
    return tag.strip().replace("_", "-").split("-")[0].lower()


def accepted_languages(header: str | None) -> list[str]:
    """The header's tags, most wanted first (``fr;q=0.5, de-CH`` -> ``["de-CH", "fr"]``); ``*`` and q=0 left out, and a
    weight that is not a number counts as not wanted."""
    weighted = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            q = float(params.strip().removeprefix("q=")) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        if tag.strip() and tag.strip() != "*" and q > 0:
            weighted.append((-q, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]
