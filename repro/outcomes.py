"""Mobile ID outcomes by the names a bug report uses, and how the emulator's phone produces each.

Robot numbers are Swisscom's test numbers (+41000092<MSS fault>), as the stack describes them
(``Settings.robots``, fixtures/stack_description.py);
``approve`` and ``decline`` are a fresh number answered through the control API; ``timeout`` is a
fresh number nobody answers, so Mobile ID ends the transaction itself (``transaction_timeout``,
80 s on the emulator as on Swisscom's SIM method). The ``mid_*`` codes are the emulator's mapping
(mocks/mobileid/outcomes.py, README "Outcomes"); Swisscom documents the codes, not which MSS fault
gives which, so reading a real HAR back to a name is a best guess for the blocked states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from fixtures.settings import MOBILE_ID_TRANSACTION_LIFETIME

Phone = Literal["approve", "decline", "robot", "silent"]


@dataclass(frozen=True)
class Outcome:
    name: str  # as typed on the command line: user-cancel
    phone: Phone  # what the phone does
    robot: str | None  # the outcome's key in Settings.robots, for robot outcomes
    codes: tuple[str, ...]  # Mobile ID's mid_* codes B2C must pass on (empty: a token)
    words: str


OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("approve", "approve", None, (), "the phone approves"),
    Outcome("user-cancel", "robot", "user_cancel", ("mid_auth_3010",), "the user cancels on the phone (MSS 401)"),
    Outcome("pin-blocked", "robot", "pin_blocked", ("mid_auth_3080",), "the Mobile ID PIN is blocked (MSS 402)"),
    Outcome("card-blocked", "robot", "card_blocked", ("mid_auth_3900",), "the SIM card is blocked (MSS 403)"),
    Outcome("no-key", "robot", "no_key", ("mid_auth_3060",), "Mobile ID is not activated for the number (MSS 404)"),
    Outcome("busy", "robot", "busy", ("mid_auth_3310",), "another Mobile ID sign-in is running on the phone (MSS 406)"),
    Outcome("expired", "robot", "expired", ("mid_auth_3300",), "the transaction expired (MSS 208)"),
    Outcome("timeout", "silent", None, ("mid_auth_3300",), "nobody answers on the phone until Mobile ID gives up"),
    Outcome("decline", "decline", None, ("mid_auth_3010",), "the user declines the request shown on the phone"),
)}
JOURNEYS = ("sign-up", "sign-in")
PROMPTS = ("login", "none", "consent", "select_account")  # AADB2C90043's list; B2C documents only login
SET_UP_FAILED = "set-up failed"  # repro.json's result when the set-up before the reported journey failed
# ... when the machine or the network stopped it (cause infrastructure: DNS, a refused connection, TLS, the browser):
# the journey never met B2C's or Mobile ID's answer, so it reproduces nothing.
STOPPED_BY_INFRASTRUCTURE = "stopped by infrastructure"
# Longest a silent phone keeps the browser waiting: Mobile ID's transaction timeout (80 s) plus B2C's hop back.
SILENT_PHONE_WAIT = MOBILE_ID_TRANSACTION_LIFETIME + 20


def silent_phone_wait_line() -> str:
    """What the repro prints before a silent phone's long wait, so nobody takes the quiet for a hang."""
    return f"repro: waiting up to {SILENT_PHONE_WAIT:g} s for Mobile ID to give up, as the reporter's phone did"


def outcome_for_mid_code(code: str, message: str = "", person: bool = False) -> str | None:
    """The outcome name whose phone gives Mobile ID error ``code`` (``mid_auth_3010``), or None. ``person``: the number was a
    person's own, no test number, so the outcome is what a person's phone does (declines, stays silent)."""
    if person and (by_person := next((o.name for o in OUTCOMES.values() if o.phone != "robot" and code in o.codes), None)):
        return by_person
    if code == "mid_auth_3300":
        return "expired" if "expired" in message.lower() else "timeout"
    return next((o.name for o in OUTCOMES.values() if o.phone == "robot" and code in o.codes), None)


def giving_the_same_code(name: str) -> list[Outcome]:
    """The other outcomes whose phone gives the Mobile ID error of outcome ``name``: its code alone cannot tell them apart."""
    codes = set(OUTCOMES[name].codes)
    return [o for o in OUTCOMES.values() if o.name != name and codes & set(o.codes)]


def outcome_for_number(msisdn: str, robots: Mapping[str, str]) -> str | None:
    """The outcome name of a Swisscom test number (``robots``: outcome -> number), or None for any other number."""
    robot = next((key for key, number in robots.items() if number == msisdn), None)
    return next((o.name for o in OUTCOMES.values() if o.robot == robot), None) if robot else None

# In a tenant-mode bundle's replay command, in place of a phone number given as --login-hint (the bundle masks numbers).
NUMBER_LEFT_OUT = "<phone number>"
# The journey's step at Mobile ID's "check your phone" page (e2e/test_repro.py), which the summary times (repro/report.py).
WAITING_STEP = "Mobile ID waiting for the phone"
# The journey's steps on B2C's own pages (e2e/test_repro.py), whose source starts with its correlation ID: a journey with
# none of them (prompt=none, a sign-in domain_hint sends straight to Mobile ID) has no page to read one from (repro/report.py).
AUTHORIZE_STEP = "authorize request sent"
B2C_PAGE_STEPS = (B2C_SIGN_IN_STEP, B2C_PROFILE_STEP, B2C_ERROR_STEP) = ("B2C sign-in page", "B2C profile page", "B2C error page")
