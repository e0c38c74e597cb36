"""What the emulator remembers between requests: login sessions, codes, tokens, consents.

All in memory; ``reset`` (control API) forgets everything. Entries expire lazily.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from mocks.mobileid.authorize import AuthorizationRequest
from mocks.mobileid.outcomes import PhoneBehaviour

SESSION_LIFETIME = 30 * 60  # a browser may sit on the login page for a while


@dataclass(eq=False)
class LoginSession:
    """One authorization request on its way through the login pages."""

    id: str
    trace: str
    request: AuthorizationRequest
    language: str
    created_at: float = field(default_factory=time.time)
    transaction_id: str | None = None
    finished: bool = False  # the answer went back to the client; the session cannot be replayed


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
    expires_at: float


class Memory:
    def __init__(self) -> None:
        self.sessions: dict[str, LoginSession] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.consents: set[tuple[str, str]] = set()  # (client_id, msisdn)

    def new_session(self, request: AuthorizationRequest, trace: str, language: str) -> LoginSession:
        self._expire()
        session = LoginSession(id=secrets.token_urlsafe(24), trace=trace, request=request, language=language)
        self.sessions[session.id] = session
        return session

    def session(self, session_id: str | None) -> LoginSession | None:
        session = self.sessions.get(session_id or "")
        if session is None or session.finished or time.time() - session.created_at > SESSION_LIFETIME:
            return None
        return session

    def new_code(self, **values) -> AuthorizationCode:
        self._expire()
        code = AuthorizationCode(code=secrets.token_urlsafe(32), **values)
        self.codes[code.code] = code
        return code

    def new_access_token(self, *, client_id: str, scopes: tuple[str, ...], behaviour: PhoneBehaviour, lifetime: int) -> AccessToken:
        token = AccessToken(secrets.token_urlsafe(32), client_id, scopes, behaviour, time.time() + lifetime)
        self.access_tokens[token.token] = token
        return token

    def access_token(self, token: str) -> AccessToken | None:
        found = self.access_tokens.get(token)
        if found is None or found.expires_at <= time.time():
            return None
        return found

    def reset(self) -> None:
        self.sessions.clear()
        self.codes.clear()
        self.access_tokens.clear()
        self.consents.clear()

    def _expire(self) -> None:
        now = time.time()
        for key in [k for k, s in self.sessions.items() if now - s.created_at > SESSION_LIFETIME]:
            del self.sessions[key]
        # Used codes stay until they expire so a replay is recognised (and its token revoked).
        for key in [k for k, c in self.codes.items() if c.expires_at < now - 3600]:
            del self.codes[key]
        for key in [k for k, t in self.access_tokens.items() if t.expires_at < now]:
            del self.access_tokens[key]
