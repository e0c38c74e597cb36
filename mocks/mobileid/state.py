"""What the emulator remembers between requests: login sessions, codes, tokens, consents.

All in memory; ``reset`` (control API) forgets everything. Every store has a
time limit and a size limit (``mocks.common.store``), so a deployed emulator
that meets abandoned sign-ins does not grow.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mocks.common.store import DEFAULT_MAX_ENTRIES, ExpiringStore
from mocks.mobileid.authorize import LoginRequest
from mocks.mobileid.outcomes import PhoneBehaviour

SESSION_LIFETIME = 30 * 60  # a browser may sit on the login page for a while
CODE_REPLAY_WINDOW = 3600  # a used code is remembered this long past its expiry, to recognise a replay
CONSENT_LIFETIME = 180 * 24 * 3600  # "ask once" asks again after 180 days (README, Decisions)


@dataclass(eq=False)
class LoginSession:
    """One authorization request on its way through the login pages."""

    id: str
    trace: str
    request: LoginRequest
    language: str
    transaction_id: str | None = None
    answer: ClientAnswer | None = None  # the answer to the client, once given
    answer_on_waiting_page: bool = False  # the waiting page took it (form_post): that page may ask again (a reload, a retry)

    @property
    def finished(self) -> bool:
        """The answer went back to the client: the login pages cannot be replayed."""
        return self.answer is not None


@dataclass(frozen=True)
class ClientAnswer:
    """The authorization response for the client: its redirect URI, response mode and fields."""

    redirect_uri: str
    mode: str  # response_mode: query or form_post
    fields: dict[str, str]
    language: str

    @property
    def is_form_post(self) -> bool:
        return self.mode == "form_post"

    def form(self) -> dict[str, Any]:
        """The form_post answer as the waiting page's script builds it: action and fields, in order."""
        return {"action": self.redirect_uri, "fields": [[name, value] for name, value in self.fields.items()]}


@dataclass(eq=False)
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    scopes: tuple[str, ...]
    nonce: str
    acr: str
    behaviour: PhoneBehaviour
    auth_time: int
    expires_at: float
    used: bool = False
    access_token: str | None = None  # revoked if the code is replayed (RFC 6749 §4.1.2)


@dataclass(eq=False)
class AccessToken:
    token: str
    client_id: str
    scopes: tuple[str, ...]
    behaviour: PhoneBehaviour


class Memory:
    """Sessions, codes, access tokens and consents, each in a store with a time and a size limit."""

    def __init__(self, *, max_entries: int = DEFAULT_MAX_ENTRIES, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.sessions: ExpiringStore[str, LoginSession] = ExpiringStore(max_entries=max_entries, clock=clock)
        # Used codes stay an hour past their expiry so a replay is recognised (and its token revoked).
        self.codes: ExpiringStore[str, AuthorizationCode] = ExpiringStore(max_entries=max_entries, clock=clock)
        self.access_tokens: ExpiringStore[str, AccessToken] = ExpiringStore(max_entries=max_entries, clock=clock)
        # (client_id, msisdn) -> when the user gave it
        self.consents: ExpiringStore[tuple[str, str], float] = ExpiringStore(max_entries=max_entries, clock=clock)
        # msisdn -> since when its user counts as having consented to no client (the control API): a consent given
        # before that is set aside, one given after it counts, per client as ever.
        self.consent_reset: ExpiringStore[str, float] = ExpiringStore(max_entries=max_entries, clock=clock)

    def new_session(self, request: LoginRequest, trace: str, language: str, *, at_least: float = 0.0) -> LoginSession:
        """A login session kept SESSION_LIFETIME, or ``at_least`` (its transaction's lifetime) where that is longer: a
        transaction_timeout past the session's lifetime left the phone's answer with no session to reach the client."""
        session = LoginSession(id=secrets.token_urlsafe(24), trace=trace, request=request, language=language)
        self.sessions.put(session.id, session, max(SESSION_LIFETIME, at_least))
        return session

    def session(self, session_id: str | None, *, answered_on_waiting_page: bool = False) -> LoginSession | None:
        """A login session still on its way; ``answered_on_waiting_page``: also one whose waiting page took its answer."""
        session = self.sessions.get(session_id or "")
        if session is None or (session.finished and not (answered_on_waiting_page and session.answer_on_waiting_page)):
            return None
        return session

    def new_code(self, **values: Any) -> AuthorizationCode:
        code = AuthorizationCode(code=secrets.token_urlsafe(32), **values)
        self.codes.put(code.code, code, max(0.0, code.expires_at - self.clock()) + CODE_REPLAY_WINDOW)
        return code

    def new_access_token(self, *, client_id: str, scopes: tuple[str, ...], behaviour: PhoneBehaviour, lifetime: int) -> AccessToken:
        token = AccessToken(secrets.token_urlsafe(32), client_id, scopes, behaviour)
        self.access_tokens.put(token.token, token, lifetime)
        return token

    def access_token(self, token: str) -> AccessToken | None:
        return self.access_tokens.get(token)

    def has_consent(self, client_id: str, msisdn: str) -> bool:
        given = self.consents.get((client_id, msisdn))
        return given is not None and given >= (self.consent_reset.get(msisdn) or 0.0)

    def remember_consent(self, client_id: str, msisdn: str) -> None:
        self.consents.put((client_id, msisdn), self.clock(), CONSENT_LIFETIME)

    def forget_consents(self, msisdn: str) -> None:
        """The number's user has consented to no client yet (its earlier consents set aside)."""
        self.consent_reset.put(msisdn, self.clock(), CONSENT_LIFETIME)

    def asks_consent(self, msisdn: str) -> bool:
        return msisdn in self.consent_reset

    def reset(self) -> None:
        self.sessions.clear()
        self.codes.clear()
        self.access_tokens.clear()
        self.consents.clear()
        self.consent_reset.clear()
