"""The control API (tests only): play the phone, list transactions, reset.

Off (404 `control_off`, saying how to turn it on) unless enabled; with a token configured every call needs
``Authorization: Bearer <token>``; without one, only loopback clients are
answered (403 otherwise), so a control API without a token never reaches the
network even if the server listens on every interface. Routes and answers:
docs/contracts.md.
"""

from __future__ import annotations

import hmac
import logging
import math
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mocks.common.hosts import is_loopback
from mocks.mobileid import errors
from mocks.mobileid.held import Ended, held
from mocks.mobileid.msisdn import InvalidMSISDN, normalize_msisdn
from mocks.mobileid.outcomes import robot_numbers
from mocks.mobileid.runtime import Emulator, Handlers
from mocks.mobileid.transactions import SignatureTransaction, Status

log = logging.getLogger("mocks.mobileid")
MAX_WAIT = 120.0
CONTROL_PATH = "/control"  # on Mobile ID's back-channel host (docs/contracts.md)
SECONDS = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3})?", re.ASCII)


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


NOT_FOUND = {"error": "not_found"}
STOPPING = {"error": "stopping", "error_description": "the Mobile ID emulator stopped while this call waited for the number's "
            "transaction: none was answered; start the emulator (or the stack) again and ask again"}
NO_TOKEN_REMOTE = "without a control token the control API answers loopback clients only; set MOBILEID_CONTROL_TOKEN"


class ControlApi(Handlers):
    """Tests play the phone here, one method per endpoint; ``routes()`` lists them."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        self._token = self.settings.control_token.get_secret_value().encode() if self.settings.control_token else None

    def routes(self) -> list[Route]:
        return [
            Route(f"{CONTROL_PATH}/transactions", self.list_transactions, methods=["GET"]),
            Route(f"{CONTROL_PATH}/transactions/{{transaction_id}}/approve", self.approve_transaction, methods=["POST"]),
            Route(f"{CONTROL_PATH}/transactions/{{transaction_id}}/decline", self.decline_transaction, methods=["POST"]),
            Route(f"{CONTROL_PATH}/phones/{{msisdn}}/approve", self.approve_on_phone, methods=["POST"]),
            Route(f"{CONTROL_PATH}/phones/{{msisdn}}/decline", self.decline_on_phone, methods=["POST"]),
            Route(f"{CONTROL_PATH}/phones/{{msisdn}}/consent", self.ask_consent, methods=["POST"]),
            Route(f"{CONTROL_PATH}/reset", self.reset, methods=["POST"]),
            Route(f"{CONTROL_PATH}/robots", self.robots, methods=["GET"]),
        ]

    async def list_transactions(self, request: Request) -> Response:
        if (refusal := self.refused(request)) is not None:
            return refusal
        msisdn = request.query_params.get("msisdn")
        if msisdn is not None:
            try:
                msisdn = normalize_msisdn(msisdn)
            except InvalidMSISDN as error:
                # A raw "+" in a query string is a space once decoded (a path keeps it): say so rather than just refuse.
                said = "a '+' in a query string reads as a space: send it as %2B" if msisdn.startswith(" ") else str(error)
                return _json({"error": "invalid_msisdn", "error_description": said}, 400)
        return _json({"transactions": [t.as_json() for t in self.emulator.transactions.list(msisdn)]})

    async def approve_transaction(self, request: Request) -> Response:
        return self._decide_transaction(request, Status.APPROVED)

    async def decline_transaction(self, request: Request) -> Response:
        return self._decide_transaction(request, Status.DECLINED)

    async def approve_on_phone(self, request: Request) -> Response:
        return await self._phone_answers(request, Status.APPROVED)

    async def decline_on_phone(self, request: Request) -> Response:
        return await self._phone_answers(request, Status.DECLINED)

    async def ask_consent(self, request: Request) -> Response:
        """The number's user has consented to no client yet: its sign-ins ask on the consent page until it is given."""
        msisdn = self._phone(request)
        if isinstance(msisdn, Response):
            return msisdn
        self.emulator.memory.forget_consents(msisdn)
        log.info("control: %s asks consent at its next sign-in", msisdn)
        return _json({"msisdn": msisdn, "asks_consent": True})

    async def reset(self, request: Request) -> Response:
        if (refusal := self.refused(request)) is not None:
            return refusal
        self.emulator.reset()
        log.info("control: reset")
        return _json({"reset": True})

    async def robots(self, request: Request) -> Response:
        """The numbers whose phone always ends one way (a deployed emulator's, for a suite run against a tenant)."""
        if (refusal := self.refused(request)) is not None:
            return refusal
        return _json({"robots": robot_numbers()})

    def _why_off(self) -> str:
        if self.settings.control_off_reason:
            return f"this emulator's control API is off: {self.settings.control_off_reason}"
        if self.settings.control_enabled is False:
            return "this emulator's control API is off: MOBILEID_CONTROL_ENABLED is false where it runs"
        return "this emulator's control API is off: set MOBILEID_CONTROL_TOKEN where it runs (required off loopback)"

    def refused(self, request: Request) -> Response | None:
        """What a call gets before its route looks at it (off, or not let in), whatever its method; None: let in."""
        if not self.settings.control_on:  # still a 404 (nothing is here), but saying why, unlike "no such transaction"
            return _json({"error": "control_off", "error_description": self._why_off()}, 404)
        if self._token is not None:
            scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self._token):
                return _json({"error": "unauthorized"}, 401, {"WWW-Authenticate": 'Bearer realm="mobileid-control"'})
        elif not is_loopback(request.client.host if request.client else None):
            return _json({"error": "forbidden", "error_description": NO_TOKEN_REMOTE}, 403)
        return None

    def _decide_transaction(self, request: Request, status: Status) -> Response:
        if (refusal := self.refused(request)) is not None:
            return refusal
        transaction = self.emulator.transactions.get(request.path_params["transaction_id"])
        if transaction is None:
            return _json(NOT_FOUND, 404)
        return self._answer(transaction, status)

    def _phone(self, request: Request) -> str | Response:
        """The path's number, normalized; else the answer (the control API off or refused, or no number)."""
        if (refusal := self.refused(request)) is not None:
            return refusal
        try:
            return normalize_msisdn(request.path_params["msisdn"])
        except InvalidMSISDN as error:  # which form the page would take, as its "not a phone number" says
            return _json({"error": "invalid_msisdn", "error_description": str(error)}, 400)

    async def _phone_answers(self, request: Request, status: Status) -> Response:
        msisdn = self._phone(request)
        if isinstance(msisdn, Response):
            return msisdn
        # float() also takes "1_0", " 5", "1e1", "inf" and non-ASCII digits: seconds are plain decimals only.
        raw = request.query_params.get("wait", "0")
        wait = float(raw) if SECONDS.fullmatch(raw) else -1.0
        if not (math.isfinite(wait) and 0 <= wait <= MAX_WAIT):
            return _json({"error": "invalid_wait", "error_description": f"wait must be 0 to {MAX_WAIT:g} seconds"}, 400)
        # Ended early, the number's next transaction is left to the next call: one a client gave up on (curl's Ctrl-C)
        # must not answer a sign-in started later; one the server's stop cuts says so (B2C and the page stop too).
        transaction = await held(request, self.emulator.transactions.wait_for_pending(msisdn, wait))
        if transaction is Ended.STOPPING:
            return _json(STOPPING, 503)
        if transaction is None or transaction is Ended.GONE:
            return _json({**NOT_FOUND, "error_description": f"no transaction of {msisdn} waited for its phone within {wait:g} s: "
                          "enter the number on Mobile ID's login page, then ask again (or ask first, with ?wait=S up to "
                          f"{MAX_WAIT:g})"}, 404)
        return self._answer(transaction, status)

    def _answer(self, transaction: SignatureTransaction, status: Status) -> Response:
        error = errors.REJECTED if status is Status.DECLINED else None
        if not transaction.settle(status, error):
            return _json({"error": "not_pending", "transaction": transaction.as_json()}, 409)
        log.info("control: transaction %s %s", transaction.trace, status.value)
        return _json(transaction.as_json())
