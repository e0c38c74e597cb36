"""Faults the local stack can switch on by name (``python -m mocks serve --fault NAME``).

Each one imitates a way the real services can misbehave that the journey suite
must catch; ``make selfcheck`` proves that it does.
"""

from __future__ import annotations

from enum import Enum


class Fault(str, Enum):
    FOREIGN_SIGNING_KEY = "foreign-signing-key"
    WRONG_AUDIENCE = "wrong-audience"
    EXPIRED_TOKEN = "expired-token"
    NONCE_NOT_ECHOED = "nonce-not-echoed"
    NAME_CLAIM_MISSING = "name-claim-missing"
    WRONG_IDP = "wrong-idp"
    LAX_SESSION_COOKIE = "lax-session-cookie"
    IDP_ERROR_SWALLOWED = "idp-error-swallowed"
    USERINFO_FAILING = "userinfo-failing"
    SLOW_IDP = "slow-idp"

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self]


DESCRIPTIONS: dict[Fault, str] = {
    Fault.FOREIGN_SIGNING_KEY: "B2C signs ID tokens with a key that is not in its JWKS (same kid)",
    Fault.WRONG_AUDIENCE: "B2C ID tokens carry an aud other than the application's client id",
    Fault.EXPIRED_TOKEN: "B2C ID tokens are already expired when issued",
    Fault.NONCE_NOT_ECHOED: "B2C ID tokens leave out the nonce the application sent",
    Fault.NAME_CLAIM_MISSING: "B2C ID tokens leave out the name claim",
    Fault.WRONG_IDP: "B2C ID tokens name an identity provider other than mobileid.ch in idp",
    Fault.LAX_SESSION_COOKIE: "B2C sets its x-ms-cpim-* cookies SameSite=Lax, so cross-site form posts lose them",
    Fault.IDP_ERROR_SWALLOWED: "B2C drops a Mobile ID error and shows the sign-in page again instead of telling the app",
    Fault.USERINFO_FAILING: "Mobile ID's userinfo endpoint answers 500 server_error",
    Fault.SLOW_IDP: "Mobile ID's token and userinfo endpoints take 5 seconds to answer",
}


def parse_faults(names: list[str]) -> frozenset[Fault]:
    """Fault names from the command line; unknown names stop the start with the list of known ones."""
    faults = set()
    for name in names:
        for part in filter(None, (p.strip() for p in name.split(","))):
            try:
                faults.add(Fault(part))
            except ValueError:
                known = ", ".join(f.value for f in Fault)
                raise SystemExit(f"unknown fault {part!r}; known faults: {known}") from None
    return frozenset(faults)
