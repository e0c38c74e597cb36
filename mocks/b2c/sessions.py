"""Transactions (one sign-in in progress) and SSO sessions, with B2C's cookies.

A transaction is what ``StateProperties=<base64 json>`` names: the relying
party's request, the policy, the claims collected so far. The browser carries
``x-ms-cpim-trans`` (which transactions it owns), ``x-ms-cpim-csrf`` (the
synchronizer token its pages echo) and ``x-ms-cpim-sso:{tenant-id}`` (the
tenant-wide session). All are ``SameSite=None; Secure; HttpOnly`` because the
identity provider's form post back to B2C is cross-site.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from mocks.b2c.policy import Policy
from mocks.b2c.settings import AppRegistration
from mocks.common.oauth import b64url_decode, b64url_encode
from mocks.common.store import DEFAULT_MAX_ENTRIES, ExpiringStore

TRANS_COOKIE = "x-ms-cpim-trans"
CSRF_COOKIE = "x-ms-cpim-csrf"
SSO_COOKIE_PREFIX = "x-ms-cpim-sso:"
MAX_TRANSACTIONS_PER_BROWSER = 5
# Most sign-ins in progress, and most SSO sessions, the tenant keeps; beyond it the one nearest its expiry goes.
MAX_ENTRIES = DEFAULT_MAX_ENTRIES


@dataclass(frozen=True)
class RelyingPartyRequest:
    """The relying party's authorize request to the tenant, after validation."""

    client: AppRegistration
    redirect_uri: str
    response_types: frozenset[str]
    response_mode: str
    scopes: tuple[str, ...]
    state: str | None = None
    nonce: str | None = None
    prompt: str | None = None
    login_hint: str | None = None
    domain_hint: str | None = None
    ui_locales: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    max_age: int | None = None  # seconds since the user last signed in past which the session does not do

    def takes_session(self, auth_time: int, now: float) -> bool:
        """Whether a session whose user signed in at ``auth_time`` answers this request without a new sign-in: not with
        ``prompt=login``, nor past ``max_age`` (AADB2C90120 and 90121 show tenants read it)."""
        return self.prompt != "login" and (self.max_age is None or now - auth_time <= self.max_age)


@dataclass
class PendingExchange:
    """A claims exchange with an identity provider, waiting for its answer at authresp."""

    exchange_id: str
    nonce: str


@dataclass
class JourneyTransaction:
    """One user journey in progress (sign-up or sign-in): what ``x-ms-cpim-trans`` and ``StateProperties`` name."""

    id: str
    csrf: str
    policy: Policy
    request: RelyingPartyRequest
    locale: str
    correlation_id: str
    exchange: PendingExchange | None = None
    # B2C claim types gathered from the identity provider, waiting for the self-asserted page.
    idp_claims: dict[str, Any] | None = None
    # Values the user submitted on the self-asserted page (POST SelfAsserted), applied on confirmed.
    self_asserted: dict[str, str] | None = None
    # Custom policies executed from their XML: where the journey is (mocks/b2c/orchestration.JourneyRun).
    run: Any = None
    # The browser's Accept-Language at the journey's start: its error page, which ui_locales does not reach, speaks it.
    browser_languages: str | None = None

    @property
    def state_properties(self) -> str:
        """The ``tx`` / IdP ``state`` value: ``StateProperties=<base64 {"TID": ...}>``."""
        blob = json.dumps({"TID": self.id}, separators=(",", ":")).encode()
        return "StateProperties=" + b64url_encode(blob)


def transaction_id_from_state(value: str | None) -> str | None:
    """The TID inside ``StateProperties=...``; None when it isn't one of ours."""
    if not value or not value.startswith("StateProperties="):
        return None
    blob = value.removeprefix("StateProperties=")
    try:
        data = json.loads(b64url_decode(blob))
    except (ValueError, RecursionError):  # not base64, not JSON, or nested past the parser's depth: not one of ours
        return None
    tid = data.get("TID") if isinstance(data, dict) else None
    return tid if isinstance(tid, str) and 0 < len(tid) <= 64 else None


@dataclass
class SsoSession:
    id: str
    object_id: str
    identity_provider: str
    auth_time: int
    # Custom policies: the claims their session managers persist, the profiles that ran, the exchange picked.
    journey: dict[str, Any] | None = None


_Item = TypeVar("_Item")


class _Expiring(Generic[_Item]):
    """A store of one kind with one lifetime; bounded in time and size (``mocks.common.store``)."""

    def __init__(self, lifetime: float, *, max_entries: int = MAX_ENTRIES, clock: Callable[[], float] = time.time) -> None:
        self._lifetime = lifetime
        self._items: ExpiringStore[str, _Item] = ExpiringStore(max_entries=max_entries, clock=clock)

    def _put(self, key: str, item: _Item) -> None:
        self._items.put(key, item, self._lifetime)

    def _get(self, key: str | None) -> _Item | None:
        return self._items.get(key) if key else None

    def drop(self, key: str) -> None:
        self._items.pop(key)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class JourneyTransactions(_Expiring[JourneyTransaction]):
    def start(self, *, csrf: str, policy: Policy, request: RelyingPartyRequest, locale: str, correlation_id: str,
              browser_languages: str | None = None) -> JourneyTransaction:
        transaction = JourneyTransaction(secrets.token_hex(16), csrf, policy, request, locale, correlation_id,
                                         browser_languages=browser_languages)
        self._put(transaction.id, transaction)
        return transaction

    def get(self, tid: str | None) -> JourneyTransaction | None:
        return self._get(tid)


class Sessions(_Expiring[SsoSession]):
    def start(self, *, object_id: str, identity_provider: str, auth_time: int) -> SsoSession:
        session = SsoSession(secrets.token_urlsafe(32), object_id, identity_provider, auth_time)
        self._put(session.id, session)
        return session

    def get(self, session_id: str | None) -> SsoSession | None:
        return self._get(session_id)


# --- cookies -------------------------------------------------------------------------------------


def trans_cookie_ids(request: Request) -> list[str]:
    """Transaction ids the browser's ``x-ms-cpim-trans`` cookie holds (B2C's ``T_DIC`` list)."""
    raw = request.cookies.get(TRANS_COOKIE)
    if not raw:
        return []
    try:
        data = json.loads(b64url_decode(raw))
        return [str(entry["I"]) for entry in data.get("T_DIC", []) if isinstance(entry, dict) and "I" in entry]
    except (ValueError, RecursionError, AttributeError, TypeError, KeyError):
        return []


def trans_cookie_value(existing: list[str], transaction: JourneyTransaction) -> str:
    ids = [tid for tid in existing if tid != transaction.id][-(MAX_TRANSACTIONS_PER_BROWSER - 1):] + [transaction.id]
    body = {"T_DIC": [{"I": tid, "T": transaction.policy.policy_id.lower(), "S": 1} for tid in ids], "C_ID": transaction.id}
    # URL-safe and unpadded so the value needs no cookie quoting.
    return b64url_encode(json.dumps(body, separators=(",", ":")).encode())


def csrf_from_cookie(request: Request) -> str | None:
    value = request.cookies.get(CSRF_COOKIE)
    return value if value and 16 <= len(value) <= 200 else None


def new_csrf() -> str:
    return secrets.token_urlsafe(48)


class CookieWriter:
    """Sets and clears B2C's cookies with the attributes the tenant (or a fault) calls for."""

    def __init__(self, tenant_id: str, *, same_site: str = "None", script_readable_session: bool = False) -> None:
        self.sso_cookie = SSO_COOKIE_PREFIX + tenant_id
        self.same_site = same_site
        self.script_readable_session = script_readable_session  # the session cookie without HttpOnly (a fault)

    def set(self, response: Response, name: str, value: str) -> None:
        httponly = not (self.script_readable_session and name == self.sso_cookie)
        response.set_cookie(name, value, path="/", secure=True, httponly=httponly, samesite=self.same_site)  # type: ignore[arg-type]  # "None" as B2C spells it; Starlette lower-cases it

    def clear(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", secure=True, httponly=True, samesite=self.same_site)  # type: ignore[arg-type]  # "None" as B2C spells it; Starlette lower-cases it
