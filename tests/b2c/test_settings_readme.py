"""mocks/b2c/README.md's Settings table is the code's: each setting's default (B2CSettings), and the lifetimes reaching the
tenant's stores (the stores' limits and the replay hour: tests/stack/test_bounded_b2c.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mocks.b2c.keys import TenantKeys
from mocks.b2c.settings import B2CSettings
from mocks.b2c.tenant import Tenant
from mocks.stack import StackConfig

README = Path(__file__).resolve().parents[2] / "mocks" / "b2c" / "README.md"
DAY = 86400


def settings_table() -> list[list[str]]:
    """The rows (setting, default, meaning) of the section ``Settings (`settings.py`, `B2CSettings`)``."""
    section = README.read_text(encoding="utf-8").split("\n## Settings (`settings.py`, `B2CSettings`)\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if cells[0] != "Setting" and not all(re.fullmatch(r":?-+:?", cell) for cell in cells):
            rows.append(cells)
    assert rows and all(len(row) == 3 for row in rows), "a row of the settings table has not 3 cells"
    return rows


ROWS = settings_table()
# setting -> its default cell, for each setting the table names (a row may name two: `host_map`, `ca`).
DOCUMENTED = {name: row[1] for row in ROWS for name in re.findall(r"`(\w+)`", row[0])}
# Defaults that are no plain literal: what the cell says, checked on the model below (test_the_defaults_that_are_no_literal).
NOT_LITERAL = {
    "host_map": "stack: every site on the stack's port; its CA",
    "ca": "stack: every site on the stack's port; its CA",
    "extra_cas": "`--ca-file PEM` (repeatable) and `MOCKS_CA_FILES` of `python -m mocks serve`",
}
UNITS = {"s": 1, "days": DAY}


def literal(cell: str, default: Any) -> Any:
    """The documented default (before any "(stack: ...)" remark), read as the type of the model's."""
    said = cell.split(" (", 1)[0]
    if said == "none":
        return None if default is None else type(default)()
    if said in ("on", "off"):
        return said == "on"
    if match := re.fullmatch(r"(\d+) (s|days)", said):
        return int(match.group(1)) * UNITS[match.group(2)]
    assert re.fullmatch(r"`[^`]+`", said), f"default {cell!r} is not a literal: add it to NOT_LITERAL"
    return said.strip("`")


def test_the_table_has_a_row_for_every_setting_of_the_model() -> None:
    assert set(DOCUMENTED) == set(B2CSettings.model_fields)


@pytest.mark.parametrize("setting", sorted(set(DOCUMENTED) - set(NOT_LITERAL)))
def test_each_documented_default_is_the_models(setting: str) -> None:
    default = B2CSettings.model_fields[setting].get_default(call_default_factory=True)
    said = literal(DOCUMENTED[setting], default)
    assert type(default) in (type(said), float if isinstance(said, int) else type(said)), setting
    assert default == said, f"{setting} defaults to {default!r}, the README says {DOCUMENTED[setting]}"


def test_the_defaults_that_are_no_literal_are_what_they_say() -> None:
    assert {setting: DOCUMENTED[setting] for setting in NOT_LITERAL} == NOT_LITERAL, "a default's cell changed: check it anew"
    settings = B2CSettings()
    assert (settings.host_map, settings.ca, settings.extra_cas) == ({}, None, ())
    # "(stack: on, `--language-customization`)": the stack turns it on.
    assert "(stack: on, `--language-customization`)" in DOCUMENTED["language_customization"]
    assert StackConfig().language_customization is True


def test_the_lifetimes_reach_the_tenants_stores() -> None:
    """README "Memory stays bounded": transactions live transaction_lifetime, SSO sessions session_lifetime."""
    tenant = Tenant(B2CSettings(transaction_lifetime=1800, session_lifetime=7200), TenantKeys.create())
    assert (tenant.transactions._lifetime, tenant.sessions._lifetime) == (1800, 7200)


# Settings whose meaning gives the portal's range, "(portal: 15–1440 min)": the emulator takes what a tenant can be set to.
PORTAL_RANGES = {name: (int(low) * 60, int(high) * 60) for name, row in DOCUMENTED.items()
                 for low, high in re.findall(r"\(portal: (\d+)–(\d+) min\)", next(r[2] for r in ROWS if f"`{name}`" in r[0]))}


def test_the_portal_ranges_are_read_from_the_table() -> None:
    assert set(PORTAL_RANGES) == {"session_lifetime", "token_lifetime"}, PORTAL_RANGES


@pytest.mark.parametrize("setting", sorted(PORTAL_RANGES))
def test_a_lifetime_the_portal_bounds_is_taken_at_the_portals_edges_and_refused_past_them(setting: str) -> None:
    from pydantic import ValidationError

    low, high = PORTAL_RANGES[setting]
    for seconds in (low, high):
        assert getattr(B2CSettings.model_validate({setting: seconds}), setting) == seconds
    for seconds in (low - 1, high + 1):
        with pytest.raises(ValidationError, match=setting):
            B2CSettings.model_validate({setting: seconds})
