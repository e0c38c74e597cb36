"""Phone numbers (MSISDNs) as people type them, normalized to E.164.

Accepts the usual Swiss forms: ``079 123 45 67``, ``+41 79 123 45 67``,
``0041791234567``, ``+41 (0)79 123 45 67``, with spaces, dots, dashes or
slashes. Foreign numbers are accepted in international form. A bracket is
only the trunk zero ``(0)`` right after the country code; any other
(``(079) 111 22 33``, ``+41 79 (111) 22 33``) is not a number (README,
decision 20).

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
# "(0)" once, after "+" or "00" and the country code (one to three digits; a Swiss number's is 41, checked below).
_TRUNK_ZERO = re.compile(r"(\+|00)([1-9][0-9]{0,2})\(0\)([0-9]+)", re.ASCII)


class InvalidMSISDN(ValueError):
    pass


def normalize_msisdn(text: str) -> str:
    """``text`` as ``+41791234567``; raises ``InvalidMSISDN`` when it is not a phone number."""
    stripped = text.strip(" \t")
    if not _TYPED.fullmatch(stripped):
        raise InvalidMSISDN(f"{text!r} is not a phone number (ASCII digits 0-9, '+', spaces, '.', '-', '/', '(0)' only)")
    compact = _SEPARATORS.sub("", stripped)
    country_code = None
    if "(" in compact or ")" in compact:
        trunk = _TRUNK_ZERO.fullmatch(compact)
        if trunk is None:
            raise InvalidMSISDN(f"{text!r} is not a phone number (a bracket only as '(0)' after the country code)")
        country_code = trunk.group(2)
        compact = trunk.group(1) + country_code + trunk.group(3)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = "+41" + compact[1:]
    if not _E164.fullmatch(compact):
        raise InvalidMSISDN(f"{text!r} is not a phone number")
    # Swiss numbers have nine digits after the country code.
    if compact.startswith("+41") and len(compact) != 12:
        raise InvalidMSISDN(f"{text!r} is not a Swiss phone number (nine digits after +41)")
    if compact.startswith("+41") and country_code not in (None, "41"):
        raise InvalidMSISDN(f"{text!r} is not a phone number (a Swiss number's '(0)' comes after +41)")
    return compact
