"""mocks/b2c/README.md's numbers are the code's: the Settings table's defaults (B2CSettings), the stores' and the
directory's limits, and how long a code or a refresh token is kept past its expiry to recognise a replay."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any

import pytest

from mocks.b2c.directory import Directory
from mocks.b2c.errors import B2CError
from mocks.b2c.keys import TenantKeys
from mocks.b2c.settings import B2CSettings, default_apps
from mocks.b2c.tenant import Tenant
from mocks.b2c.tokens import Authentication, TokenService
from mocks.common.store import ExpiringStore
from mocks.stack import StackConfig
from tests.fake_clock import FakeClock
from tests.stack.test_bounded_b2c import policy, rp_request

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
    "tenant_id": "`7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b`",
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
    assert settings.tenant_id == "7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
    assert (settings.host_map, settings.ca, settings.extra_cas) == ({}, None, ())
    # "(stack: on, `--language-customization`)": the stack turns it on.
    assert "(stack: on, `--language-customization`)" in DOCUMENTED["language_customization"]
    assert StackConfig().language_customization is True


def test_the_lifetimes_reach_the_tenants_stores() -> None:
    """README "Memory stays bounded": transactions live transaction_lifetime, SSO sessions session_lifetime."""
    tenant = Tenant(B2CSettings(), TenantKeys.create())
    assert (tenant.transactions._lifetime, tenant.sessions._lifetime) == (3600, 86400)


def test_each_store_holds_at_most_100000_entries_and_the_directory_100000_users() -> None:
    """README "Memory stays bounded" and "Not emulated": 100,000-entry stores, a 100,000-user directory."""
    tenant = Tenant(B2CSettings(), TenantKeys.create())
    stores: dict[str, ExpiringStore[Any, Any]] = {"transactions": tenant.transactions._items, "sessions": tenant.sessions._items,
                                                  "grants": tenant.tokens._grants}
    assert {name: store.max_entries for name, store in stores.items()} == dict.fromkeys(stores, 100_000)
    assert tenant.directory.max_users == Directory().max_users == 100_000


def redeemed(tokens: TokenService, token: str, *, refresh: bool) -> str:
    """The AADB2C code the token endpoint answers ``token`` with, or "ok"."""
    try:
        tokens._take(token, policy(), rp_request().client.client_id, refresh=refresh)
    except B2CError as error:
        return error.code
    return "ok"


@pytest.mark.parametrize("refresh", [False, True], ids=["code", "refresh token"])
def test_codes_and_refresh_tokens_are_kept_an_hour_past_expiry_to_recognise_a_replay(monkeypatch: pytest.MonkeyPatch, refresh: bool) -> None:
    """README: codes kept ``code_lifetime`` + 1 hour, refresh tokens ``refresh_token_lifetime`` + 1 hour: within that hour
    a late redemption is told it expired (AADB2C90080); after it, the grant is gone (AADB2C90129, as an unknown one)."""
    clock = FakeClock()
    monkeypatch.setattr("mocks.b2c.tokens.time", types.SimpleNamespace(time=clock))
    tokens = TokenService(B2CSettings(apps=default_apps("s3cret")), TenantKeys.create(), Directory())
    tokens._grants.clock = clock
    user = tokens.directory.create_social("mobileid.ch", "u-1", {})
    code = tokens.issue_code(policy(), rp_request(), Authentication(user, 0))
    if refresh:
        token = tokens._issue_refresh_token(tokens._grants[code])
        lifetime = tokens.settings.refresh_token_lifetime
    else:
        token, lifetime = code, tokens.settings.code_lifetime
    assert lifetime == (14 * DAY if refresh else 600)
    clock.advance(lifetime + 3600 - 1)
    assert redeemed(tokens, token, refresh=refresh) == "AADB2C90080"
    clock.advance(2)
    assert redeemed(tokens, token, refresh=refresh) == "AADB2C90129"
