"""What the phone does for a number, and how an MSS fault surfaces as an OIDC error.

Swisscom publishes no MSS -> OIDC mapping; the table below is this emulator's
choice (README, "Test numbers and outcomes"). Each failing number gets its own description so a
test can tell them apart after B2C has wrapped the error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from mocks.mobileid import errors
from mocks.mobileid.errors import MidError
from mocks.mobileid.settings import MobileIDSettings, Outcome, TestUser

# MSS fault code -> (name, OIDC error)
MSS_FAULTS: dict[int, tuple[str, MidError]] = {
    208: ("EXPIRED_TRANSACTION", errors.NO_RESPONSE.but("The user did not respond in time (transaction expired)")),
    401: ("USER_CANCEL", errors.REJECTED),
    402: ("PIN_NR_BLOCKED", errors.NO_METHOD.but("No authentication method available: the Mobile ID PIN is blocked")),
    403: ("CARD_BLOCKED", errors.OTHER.but("Authentication failed: the Mobile ID user is suspended")),
    404: ("NO_KEY_FOUND", errors.ACTIVATION_FAILED.but("Mobile ID is not activated for this number (no key found)")),
    406: ("PB_SIGNATURE_PROCESS", errors.BUSY),
    422: ("NO_CERT_FOUND", errors.ACTIVATION_FAILED.but("Mobile ID is not active for this number (no valid certificate)")),
    900: ("INTERNAL_ERROR", errors.SYSTEM_ERROR),
}
OUTCOME_FAULTS: dict[Outcome, int] = {
    "user_cancel": 401,
    "pin_blocked": 402,
    "card_blocked": 403,
    "no_key": 404,
    "busy": 406,
    "expired": 208,
    "no_cert": 422,
    "system_error": 900,
}
AUTO_APPROVE = ("+41700092501", "+41700092502")
FAULT_PREFIX = "+41000092"  # +41000092<fault> raises that MSS fault, as on Swisscom's test platform


@dataclass(frozen=True)
class PhoneBehaviour:
    """How the phone behind a number will answer a transaction."""

    msisdn: str
    outcome: Outcome
    delay: float
    method: str
    serial: str
    alias: str | None
    sim_status: str
    app_status: str
    recovery_code_status: bool
    mss_fault: int | None  # the fault the phone answers with; None when it approves or waits


def robot_number(outcome: Outcome) -> str:
    """The test number whose phone answers with this outcome's MSS fault: +41000092401 cancels (the suite's robots)."""
    return f"{FAULT_PREFIX}{OUTCOME_FAULTS[outcome]}"


def robot_numbers() -> dict[str, str]:
    """Outcome -> the number whose phone always ends that way (the stack's description, the control API)."""
    return {outcome: robot_number(outcome) for outcome in OUTCOME_FAULTS}


def fault_error(fault: int) -> MidError:
    if fault in MSS_FAULTS:
        return MSS_FAULTS[fault][1]
    return errors.SYSTEM_ERROR.but(f"System error (MSS fault {fault})")


def behaviour_for(msisdn: str, settings: MobileIDSettings) -> PhoneBehaviour:
    """Configured test users first, then Swisscom's test numbers, then: wait for the control API."""
    configured = settings.user(msisdn)
    user = configured or _builtin_user(msisdn)
    fault = OUTCOME_FAULTS.get(user.outcome)
    if configured is None and msisdn.startswith(FAULT_PREFIX):
        fault = int(msisdn[len(FAULT_PREFIX):])  # +41000092NNN raises MSS fault NNN, whatever NNN is
    is_app = user.method == "app"
    return PhoneBehaviour(
        msisdn=msisdn,
        outcome=user.outcome,
        delay=user.delay,
        method=user.method,
        serial=user.serial or default_serial(msisdn),
        alias=user.alias,
        sim_status=user.sim_status or ("inactive" if is_app else "active"),
        app_status=user.app_status or ("active" if is_app else "inactive"),
        recovery_code_status=user.recovery_code_status,
        mss_fault=fault,
    )


def _builtin_user(msisdn: str) -> TestUser:
    if msisdn in AUTO_APPROVE:
        return TestUser(msisdn=msisdn, outcome="approve")
    if msisdn.startswith(FAULT_PREFIX):
        fault = int(msisdn[len(FAULT_PREFIX):])
        outcome = next((o for o, f in OUTCOME_FAULTS.items() if f == fault), None)
        return TestUser(msisdn=msisdn, outcome=outcome or "system_error")
    return TestUser(msisdn=msisdn, outcome="wait")


def default_serial(msisdn: str) -> str:
    """A stable Mobile ID serial like ``MIDCHEYUD1YE4QB1`` derived from the number."""
    digest = hashlib.sha256(msisdn.encode()).digest()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "MIDCHE" + "".join(alphabet[b % 36] for b in digest[:10])
