"""B2C's stores stay bounded in a long-running stack (issue 12, item 4): fake clock, a week at once."""

from __future__ import annotations

import re
import time
import types
from pathlib import Path
from typing import Any

import pytest

from mocks.b2c.directory import Directory
from mocks.b2c.errors import B2CError
from mocks.b2c.keys import TenantKeys
from mocks.b2c.policy import Policy, PolicyKind
from mocks.b2c.sessions import JourneyTransactions, RelyingPartyRequest, Sessions
from mocks.b2c.settings import B2CSettings, default_apps
from mocks.b2c.tenant import Tenant
from mocks.b2c.tokens import Authentication, TokenService
from mocks.common.store import ExpiringStore
from tests.fake_clock import WEEK, FakeClock

# README "Memory stays bounded": the limits and the replay window it gives, read from it so the two cannot drift apart.
BOUNDED = (Path(__file__).resolve().parents[2] / "mocks" / "b2c" / "README.md").read_text().split("Memory stays bounded", 1)[1].split("\n\n", 1)[0]


def said(pattern: str) -> int:
    found = re.search(pattern, BOUNDED, re.S)
    assert found is not None, f"mocks/b2c/README.md's 'Memory stays bounded' no longer says {pattern!r}"
    return int(found.group(1).replace(",", ""))


def rp_request() -> RelyingPartyRequest:
    app = default_apps("s3cret")[1]
    return RelyingPartyRequest(client=app, redirect_uri=app.redirect_uris[0], response_types=frozenset({"code"}), response_mode="query",
                                scopes=("openid", "offline_access"))


def policy() -> Policy:
    return Policy(policy_id="B2C_1_signupsignin", kind=PolicyKind.USER_FLOW, identity_providers=(), output_claims=())


def test_a_week_of_abandoned_sign_ins_leaves_transactions_sessions_and_grants_bounded() -> None:
    clock = FakeClock()
    transactions, sessions = JourneyTransactions(3600, clock=clock), Sessions(86400, clock=clock)
    tokens = TokenService(B2CSettings(apps=default_apps("s3cret")), TenantKeys.create(), Directory())
    tokens._grants.clock = clock
    user = tokens.directory.create_social("mobileid.ch", "u-1", {})
    step, peaks = 60, {"transactions": 0, "sessions": 0, "grants": 0}
    for i in range(WEEK // step):
        transactions.start(csrf="c", policy=policy(), request=rp_request(), locale="en", correlation_id="x")  # never finished
        if i % 10 == 0:
            sessions.start(object_id=user.object_id, identity_provider="mobileid.ch", auth_time=0)
            tokens.issue_code(policy(), rp_request(), Authentication(user, 0))  # never redeemed
        peaks = {"transactions": max(peaks["transactions"], len(transactions)), "sessions": max(peaks["sessions"], len(sessions)),
                 "grants": max(peaks["grants"], len(tokens._grants))}
        clock.now += step
    assert peaks["transactions"] <= 3600 // step + 2
    assert peaks["sessions"] <= 86400 // (10 * step) + 2
    assert peaks["grants"] <= (tokens.settings.code_lifetime + 3600) // (10 * step) + 2


def test_stores_have_a_size_limit() -> None:
    clock = FakeClock()
    transactions = JourneyTransactions(3600, max_entries=20, clock=clock)
    started = [transactions.start(csrf="c", policy=policy(), request=rp_request(), locale="en", correlation_id="x") for _ in range(100)]
    assert len(transactions) == 20 and transactions.get(started[-1].id) is started[-1] and transactions.get(started[0].id) is None


def test_users_are_found_by_index_and_the_directory_is_bounded() -> None:
    directory = Directory(max_users=50_000)
    for i in range(50_000):
        directory.create_social("mobileid.ch", f"sub-{i}", {})
    started = time.process_time()
    found = [directory.find_social("mobileid.ch", f"sub-{i}") for i in range(0, 50_000, 25)]
    took = time.process_time() - started
    assert all(user is not None for user in found) and directory.find_social("mobileid.ch", "nobody") is None
    # 2,000 lookups: a scan of 50,000 users each would take seconds of CPU; the index, milliseconds.
    assert took < 0.5, f"2,000 lookups among 50,000 users took {took:.2f} s of CPU"
    newest = directory.create_social("other.example", "sub-new", {})
    assert len(directory) == 50_000 and directory.find_social("mobileid.ch", "sub-0") is None  # the oldest made room
    assert directory.find_social("other.example", "sub-new") is newest


def test_each_store_and_the_directory_hold_at_most_what_the_readme_says() -> None:
    """README: stores "of at most 100,000 entries"; the directory "keeps at most 100,000 users"."""
    tenant = Tenant(B2CSettings(), TenantKeys.create())
    stores: dict[str, ExpiringStore[Any, Any]] = {"transactions": tenant.transactions._items, "sessions": tenant.sessions._items,
                                                  "grants": tenant.tokens._grants}
    assert {name: store.max_entries for name, store in stores.items()} == dict.fromkeys(stores, said(r"at most ([\d,]+) entries"))
    assert tenant.directory.max_users == Directory().max_users == said(r"keeps at most ([\d,]+) users")


def redeemed(tokens: TokenService, token: str, *, refresh: bool) -> str:
    """The AADB2C code the token endpoint answers ``token`` with, or "ok"."""
    try:
        tokens._take(token, policy(), rp_request().client.client_id, refresh=refresh)
    except B2CError as error:
        return error.code
    return "ok"


@pytest.mark.parametrize("refresh", [False, True], ids=["code", "refresh token"])
def test_codes_and_refresh_tokens_are_kept_past_expiry_as_long_as_the_readme_says(monkeypatch: pytest.MonkeyPatch, refresh: bool) -> None:
    """README: codes kept ``code_lifetime`` + 1 hour, refresh tokens ``refresh_token_lifetime`` + 1 hour: within that hour
    a late redemption is told it expired (AADB2C90080); after it, the grant is gone (AADB2C90129, as an unknown one)."""
    kept = said(r"\(`code_lifetime` \+ (\d+) hour") * 3600
    assert said(r"\(`refresh_token_lifetime` \+ (\d+) hour") * 3600 == kept
    clock = FakeClock()
    monkeypatch.setattr("mocks.b2c.tokens.time", types.SimpleNamespace(time=clock))
    tokens = TokenService(B2CSettings(apps=default_apps("s3cret")), TenantKeys.create(), Directory())
    tokens._grants.clock = clock
    user = tokens.directory.create_social("mobileid.ch", "u-1", {})
    code = tokens.issue_code(policy(), rp_request(), Authentication(user, 0))
    if refresh:
        token, lifetime = tokens._issue_refresh_token(tokens._grants[code]), tokens.settings.refresh_token_lifetime
    else:
        token, lifetime = code, tokens.settings.code_lifetime
    clock.advance(lifetime + kept - 1)
    assert redeemed(tokens, token, refresh=refresh) == "AADB2C90080"
    clock.advance(2)
    assert redeemed(tokens, token, refresh=refresh) == "AADB2C90129"
