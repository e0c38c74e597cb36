"""B2C's stores stay bounded in a long-running stack (issue 12, item 4): fake clock, a week at once."""

from __future__ import annotations

import time

from mocks.b2c.directory import Directory
from mocks.b2c.keys import TenantKeys
from mocks.b2c.policy import Policy, PolicyKind
from mocks.b2c.sessions import JourneyTransactions, RelyingPartyRequest, Sessions
from mocks.b2c.settings import B2CSettings, default_apps
from mocks.b2c.tokens import Authentication, TokenService
from tests.fake_clock import WEEK, FakeClock


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
