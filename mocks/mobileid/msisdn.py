"""Phone numbers (MSISDNs) as people type them, normalized to E.164.

Accepts the usual Swiss forms: ``079 123 45 67``, ``+41 79 123 45 67``,
``0041791234567``, ``+41 (0)79 123 45 67``, with spaces, dots, dashes or
slashes. Foreign numbers are accepted in international form.

Only ASCII digits count: Python's ``\\d`` also matches fullwidth (``７``),
Arabic-Indic (``٧``) and other decimal digits, which would give one phone
several spellings, each its own pairwise ``sub`` and so its own B2C user. A
number has exactly one canonical form, ``+`` and ASCII digits.
"""

from __future__ import annotations

import re

# re.ASCII: \s is ASCII whitespace only; digits are spelled [0-9] so no flag can widen them.
_SEPARATORS = re.compile(r"[ \t.\-/]+", re.ASCII)
_E164 = re.compile(r"\+[1-9][0-9]{6,14}", re.ASCII)
_TYPED = re.compile(r"[0-9+() \t.\-/]+", re.ASCII)


class InvalidMSISDN(ValueError):
    pass


def normalize_msisdn(text: str) -> str:
    """``text`` as ``+41791234567``; raises ``InvalidMSISDN`` when it is not a phone number."""
    stripped = text.strip(" \t")
    if not _TYPED.fullmatch(stripped):
        raise InvalidMSISDN(f"{text!r} is not a phone number (ASCII digits 0-9, '+', spaces, '.', '-', '/', '(0)' only)")
    compact = _SEPARATORS.sub("", stripped).replace("(0)", "")
    compact = compact.replace("(", "").replace(")", "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+41" + compact[1:]
    if not _E164.fullmatch(compact):
        raise InvalidMSISDN(f"{text!r} is not a phone number")
    # Swiss numbers have nine digits after the country code.
    if compact.startswith("+41") and len(compact) != 12:
        raise InvalidMSISDN(f"{text!r} is not a Swiss phone number (nine digits after +41)")
    return compact
