"""Faults the local stack can switch on by name (``python -m mocks serve --fault NAME``).

Each one imitates a way the real services can misbehave that the journey suite
must catch; ``make selfcheck`` proves that it does. This is the one place a fault
is declared: its side, description, the symptom the suite's failure must name,
the journeys that can see it and, for a fault that changes an ID token, what it
changes (a ``TokenCallback``, applied by B2C's token service just before it signs,
the way navikt/mock-oauth2-server applies its token callbacks). Faults that act
elsewhere are honoured by one check where they act (``Fault.X in settings.faults``).
The stack, ``scripts/selfcheck.py`` and the fault tables of README.md and
docs/suite.md (``python -m mocks.faults --write-docs``) read them from here.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Self

Claims = dict[str, Any]

# What the token faults put in place of the right value.
OTHER_AUDIENCE = "00000000-0000-0000-0000-0000000bad01"
OTHER_IDP = "google.com"
OTHER_ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-0000000bad02/v2.0/"


class Side(str, Enum):
    """The emulator a fault acts on (the stack hands each emulator its own)."""

    B2C = "b2c"
    MOBILE_ID = "mobileid"

    @property
    def label(self) -> str:
        return "B2C" if self is Side.B2C else "Mobile ID"


@dataclass(frozen=True)
class TokenCallback:
    """What a fault does to an ID token's claims just before B2C signs them; touches only ``claims``."""

    claims: tuple[str, ...]
    change: Callable[[Claims], None]

    def __call__(self, claims: Mapping[str, Any]) -> Claims:
        changed = dict(claims)
        self.change(changed)
        return changed


def without(claim: str) -> TokenCallback:
    """The token leaves ``claim`` out."""

    def change(claims: Claims) -> None:
        claims.pop(claim, None)

    return TokenCallback((claim,), change)


def replacing(claim: str, value: Any) -> TokenCallback:
    """The token carries ``value`` in ``claim`` (when it carries that claim at all)."""

    def change(claims: Claims) -> None:
        if claim in claims:
            claims[claim] = value

    return TokenCallback((claim,), change)


def _expire(claims: Claims) -> None:
    # Issued one lifetime and five minutes ago: exp is 300 s in the past, the lifetime unchanged.
    shift = claims["exp"] - claims["iat"] + 300
    for name in ("exp", "nbf", "iat"):
        claims[name] -= shift


@dataclass(frozen=True)
class Declaration:
    name: str  # what --fault takes
    side: Side
    description: str  # one line: what goes wrong (CLI help, self-check output, README)
    symptom: str  # regex a journey's failure message must match for the self-check to count the fault caught
    journeys: tuple[str, ...]  # pytest arguments selecting the journeys that can see it (the self-check's fast path)
    example: str  # what such a failure says (docs/suite.md)
    cause_name: str  # the cause the suite's report files such a failure under (the self-check requires it)
    token: TokenCallback | None = None  # for faults that change B2C's ID tokens
    slow: bool = False  # its journeys wait out a delay: the self-check starts it first, so it does not finish last


TOKEN_JOURNEYS = ("e2e/test_sign_up.py", "e2e/test_token_contract.py")
# The suite's cause names (fixtures/causes.py; this package does not import the suite's, tests/test_fault_registry.py
# holds them equal): a fault is caught only by a failure filed under its own, as the nightly message groups them.
TOKEN_CONTRACT, BROKEN_PROMISE, B2C_ERROR_REDIRECT = "ID token contract", "broken promise", "B2C error redirect"
TENANT_CONFIGURATION = "tenant configuration"


class Fault(str, Enum):
    _value_: str
    declaration: Declaration

    def __new__(cls, declaration: Declaration) -> Self:
        member = str.__new__(cls, declaration.name)
        member._value_ = declaration.name
        member.declaration = declaration
        return member

    @classmethod
    def named(cls, name: str) -> Fault:
        """The fault ``--fault name`` switches on; ValueError if none is called that.

        (``Fault(name)`` finds it too, but type checkers read that call as a declaration.)"""
        for fault in cls:
            if fault.value == name:
                return fault
        raise ValueError(f"{name!r} is not a fault")

    FOREIGN_SIGNING_KEY = Declaration(
        "foreign-signing-key", Side.B2C, "B2C signs ID tokens with a key that is not in its JWKS (same kid)",
        symptom=r"signature does not verify", journeys=TOKEN_JOURNEYS,
        cause_name=TOKEN_CONTRACT,
        example="ID token signature does not verify against the tenant's JWKS (kid ...)")
    WRONG_AUDIENCE = Declaration(
        "wrong-audience", Side.B2C, "B2C ID tokens carry an aud other than the application's client id",
        symptom=r"\baud\b", journeys=TOKEN_JOURNEYS, token=replacing("aud", OTHER_AUDIENCE),
        cause_name=TOKEN_CONTRACT,
        example="ID token aud is '...', expected client id '...'")
    EXPIRED_TOKEN = Declaration(
        "expired-token", Side.B2C, "B2C ID tokens are already expired when issued",
        symptom=r"expired", journeys=TOKEN_JOURNEYS, token=TokenCallback(("exp", "nbf", "iat"), _expire),
        cause_name=TOKEN_CONTRACT,
        example="ID token is expired: exp ... is 300 s in the past")
    NONCE_NOT_ECHOED = Declaration(
        "nonce-not-echoed", Side.B2C, "B2C ID tokens leave out the nonce the application sent",
        symptom=r"nonce", journeys=TOKEN_JOURNEYS, token=without("nonce"),
        cause_name=TOKEN_CONTRACT,
        example="ID token has no nonce; B2C must echo the nonce the app sent")
    NAME_CLAIM_MISSING = Declaration(
        "name-claim-missing", Side.B2C, "B2C ID tokens leave out the name claim",
        symptom=r"\bname\b", journeys=TOKEN_JOURNEYS, token=without("name"),
        cause_name=TOKEN_CONTRACT,
        example="ID token has no name claim, which the app's token contract needs; it is emitted by ...")
    WRONG_ISSUER = Declaration(
        "wrong-issuer", Side.B2C, "B2C ID tokens name an issuer other than the one its discovery document publishes",
        symptom=r"\biss\b", journeys=TOKEN_JOURNEYS, token=replacing("iss", OTHER_ISSUER),
        cause_name=TOKEN_CONTRACT,
        example="ID token iss is '...', expected the discovery issuer '...'")
    WRONG_IDP = Declaration(
        "wrong-idp", Side.B2C, "B2C ID tokens name an identity provider other than mobileid.ch in idp",
        symptom=r"\bidp\b", journeys=TOKEN_JOURNEYS, token=replacing("idp", OTHER_IDP),
        cause_name=TOKEN_CONTRACT,
        example=f"ID token idp is '{OTHER_IDP}', expected 'mobileid.ch'")
    SUB_MISSING = Declaration(
        "sub-missing", Side.B2C, "B2C ID tokens leave out sub, the user's id (a relying party whose SubjectNamingInfo claim has no value)",
        symptom=r"\bsub\b", journeys=("e2e/test_sign_in.py", "e2e/test_token_contract.py"), token=without("sub"),
        cause_name=TOKEN_CONTRACT,
        example="ID token has no sub claim (claims: [...])")
    MISSING_AUTH_TIME = Declaration(
        "missing-auth-time", Side.B2C, "B2C ID tokens leave out auth_time, the time the user last entered credentials",
        symptom=r"\bauth_time\b", journeys=("e2e/test_token_contract.py",), token=without("auth_time"),
        cause_name=TOKEN_CONTRACT,
        example="ID token has no auth_time claim (claims: [...])")
    ANSWER_IN_QUERY = Declaration(
        "answer-in-query", Side.B2C, "B2C sends the app its answer in the URL's query although the app asked for the fragment",
        symptom=r"response_mode=fragment", journeys=TOKEN_JOURNEYS,
        cause_name=BROKEN_PROMISE,
        example="B2C sent the app its answer in the URL's query, not the fragment the app asked for (response_mode=fragment)")
    ANSWER_ALSO_IN_QUERY = Declaration(
        "answer-also-in-query", Side.B2C, "B2C sends the app its answer in the fragment, as asked, and in the URL's query as well",
        symptom=r"query too|query as well", journeys=TOKEN_JOURNEYS,
        cause_name=BROKEN_PROMISE,
        example="B2C sent the app its answer in the URL's fragment and id_token, state in its query too, where the app asked for the fragment")
    LAX_SESSION_COOKIE = Declaration(
        "lax-session-cookie", Side.B2C, "B2C sets its x-ms-cpim-* cookies SameSite=Lax, so cross-site form posts lose them",
        symptom=r"SameSite", journeys=("e2e/test_cookies.py",),
        cause_name=BROKEN_PROMISE,
        example="B2C's journey cookies (...) must be SameSite=None; Secure ...: ['x-ms-cpim-csrf (SameSite=Lax, ...)']")
    SCRIPT_READABLE_SESSION_COOKIE = Declaration(
        "script-readable-session-cookie", Side.B2C, "B2C sets its x-ms-cpim-sso session cookie without HttpOnly, so a page's scripts can read the session",
        symptom=r"HttpOnly", journeys=("e2e/test_cookies.py",),
        cause_name=BROKEN_PROMISE,
        example="B2C's session cookie (x-ms-cpim-sso...) must be HttpOnly, or any script on B2C's pages reads the SSO session: ['x-ms-cpim-sso:... (HttpOnly=False)']")
    IDP_ERROR_SWALLOWED = Declaration(
        "idp-error-swallowed", Side.B2C, "B2C drops a Mobile ID error and shows the sign-in page again instead of telling the app",
        symptom=r"AADB2C90273|Mobile ID error", journeys=("e2e/test_mobileid_outcomes.py",),
        cause_name=BROKEN_PROMISE,
        example="B2C did not redirect to https://jwt.ms with Mobile ID's error as AADB2C90273; the browser shows B2C's sign-in page again")
    UI_LOCALES_NOT_PASSED_ON = Declaration(
        "ui-locales-not-passed-on", Side.B2C, "B2C passes Mobile ID English (ui_locales=en-US) whatever language its pages show",
        symptom=r"ui_locales", journeys=("e2e/test_languages.py",),  # the language journeys alone check it (README)
        cause_name=BROKEN_PROMISE,
        example="B2C shows B2C_1_signupsignin's pages in 'de' (the app asked for 'de') but passed Mobile ID ui_locales='en-US': ...")
    NO_SSO_SESSION = Declaration(
        "no-sso-session", Side.B2C, "B2C keeps no single sign-on session, as with every session manager SM-Noop: a user who just signed in is asked again",
        symptom=r"did not answer from its session", journeys=("e2e/test_sign_in.py",),  # the smoke's sign-in asks again from the session
        cause_name=TENANT_CONFIGURATION,
        example="B2C did not answer from its session: the app asked B2C_1_signupsignin again in the browser where the user had just "
                "signed in, and the browser shows B2C's sign-in page again; the user flow B2C_1_signupsignin must keep a session: ...")
    TOKEN_FAILING = Declaration(
        "token-failing", Side.MOBILE_ID, "Mobile ID's token endpoint answers 500 server_error",
        # Which of B2C's codes a failing token endpoint gives is unconfirmed (mocks/b2c/README.md): either is the fault's.
        symptom=r"AADB2C90075|AADB2C90289", journeys=("e2e/test_sign_up.py",),  # both policies redeem Mobile ID's code
        cause_name=B2C_ERROR_REDIRECT,
        example="B2C did not show its profile page to the new user; the browser shows the app, which B2C sent server_error: "
                "\"AADB2C90075: ...\"")
    USERINFO_FAILING = Declaration(
        "userinfo-failing", Side.MOBILE_ID, "Mobile ID's userinfo endpoint answers 500 server_error",
        symptom=r"userinfo|AADB2C90273|server_error",
        journeys=("e2e/test_sign_up.py", "-k", "b2c_1a"),  # only the custom policy calls userinfo
        cause_name=B2C_ERROR_REDIRECT,
        example="B2C did not show its profile page to the new user; the browser shows the app, which B2C sent server_error: "
                "\"AADB2C90075: ...\"")
    SLOW_IDP = Declaration(
        "slow-idp", Side.MOBILE_ID, "Mobile ID's token and userinfo endpoints take 5 seconds to answer",
        symptom=r"slow|budget", journeys=("e2e/test_backchannel.py",), slow=True,
        cause_name=BROKEN_PROMISE,
        example="the identity provider Mobile ID (mobileid.ch) is slow: 5.4 s from the phone's answer to the token ...")

    @property
    def side(self) -> Side:
        return self.declaration.side

    @property
    def description(self) -> str:
        return self.declaration.description

    @property
    def symptom(self) -> str:
        return self.declaration.symptom

    @property
    def journeys(self) -> list[str]:
        return list(self.declaration.journeys)

    @property
    def cause_name(self) -> str:
        return self.declaration.cause_name

    @property
    def token(self) -> TokenCallback | None:
        return self.declaration.token


DESCRIPTIONS: dict[Fault, str] = {fault: fault.description for fault in Fault}


def acting_on(side: Side) -> frozenset[Fault]:
    return frozenset(fault for fault in Fault if fault.side is side)


def token_callbacks(faults: Iterable[Fault]) -> list[TokenCallback]:
    """The active faults' token callbacks, in the registry's order."""
    active = set(faults)
    return [fault.token for fault in Fault if fault in active and fault.token is not None]


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """`` (did you mean wrong-audience?)`` for a misspelt fault name (``wrong_audiance``, ``Wrong-Audience``), or a name
    of another list written so (the repro's outcomes: ``PIN blocked``), else nothing: the list of names that follows is
    read line by line otherwise."""
    close = difflib.get_close_matches(name.lower().replace("_", "-"), list(names), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


def parse_faults(names: list[str], side: Side | None = None) -> frozenset[Fault]:
    """Fault names from the command line; unknown names, or with ``side`` (one emulator on its own) a fault acting on the
    other, stop the start with the list of the faults it takes."""
    offered = [f for f in Fault if side is None or f.side is side]
    known = ", ".join(f.value for f in offered)
    faults = set()
    for name in names:
        for part in filter(None, (p.strip() for p in name.split(","))):
            try:
                fault = Fault.named(part)
            except ValueError:
                raise SystemExit(f"unknown fault {part!r}{did_you_mean(part, [f.value for f in offered])}; known faults: {known}") from None
            if fault not in offered:
                raise SystemExit(f"--fault {part}: it acts on {fault.side.label}, not on this emulator; its faults: {known}")
            faults.add(fault)
    return frozenset(faults)


# --- the fault tables of the docs ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "python -m mocks.faults --write-docs"
BEGIN = f"<!-- fault table: generated from mocks/faults.py by `{REGENERATE}` -->"
END = "<!-- end of fault table -->"


def _code(text: str) -> str:
    return "`" + text.replace("|", r"\|") + "`"


def markdown(table: str) -> str:
    """``readme``: what each fault does; ``suite``: which journeys see it and what their failure says."""
    if table == "readme":
        rows = ["| Fault | Acts on | What goes wrong |", "|---|---|---|"]
        rows += [f"| {_code(f.value)} | {f.side.label} | {f.description} |" for f in Fault]
    elif table == "suite":
        rows = ["| Fault | Journeys run first | Failure must match | Filed under | Message |", "|---|---|---|---|---|"]
        rows += [f"| {_code(f.value)} | {_code(' '.join(f.journeys))} | {_code(f.symptom)} | {f.cause_name} | {_code(f.declaration.example)} |"
                 for f in Fault]
    else:
        raise ValueError(f"unknown table {table!r}; known: readme, suite")
    return "\n".join(rows) + "\n"


DOCS = {"README.md": "readme", "docs/suite.md": "suite"}


def with_table(text: str, table: str, *, where: str) -> str:
    """``text`` with the generated table between its BEGIN and END lines."""
    pattern = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.DOTALL)
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"{where} needs exactly one fault table between the lines\n  {BEGIN}\n  {END}")
    return pattern.sub(lambda _: f"{BEGIN}\n{markdown(table)}{END}", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mocks.faults", description="The fault registry's tables for the docs.")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--markdown", choices=["readme", "suite"], help="print one table")
    what.add_argument("--write-docs", action="store_true", help="rewrite the tables in " + " and ".join(DOCS))
    args = parser.parse_args(argv)
    if args.markdown:
        sys.stdout.write(markdown(args.markdown))
        return 0
    for name, table in DOCS.items():
        path = ROOT / name
        path.write_text(with_table(path.read_text(encoding="utf-8"), table, where=name), encoding="utf-8")
        print(f"wrote the fault table of {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
