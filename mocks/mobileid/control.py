"""The control API (tests only): play the phone, list transactions, reset.

Off (404) unless enabled; with a token configured every call needs
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
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mocks.common.net import is_loopback
from mocks.mobileid import errors
from mocks.mobileid.msisdn import InvalidMSISDN, normalize_msisdn
from mocks.mobileid.runtime import Emulator
from mocks.mobileid.transactions import Status, Transaction

log = logging.getLogger("mocks.mobileid")
MAX_WAIT = 120.0
CONTROL_PATH = "/control"  # on Mobile ID's back-channel host (docs/contracts.md)
SECONDS = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3})?", re.ASCII)


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


NOT_FOUND = {"error": "not_found"}
NO_TOKEN_REMOTE = "without a control token the control API answers loopback clients only; set MOBILEID_CONTROL_TOKEN"


def routes(emulator: Emulator) -> list[Route]:
    settings = emulator.settings
    token = settings.control_token.get_secret_value().encode() if settings.control_token else None

    def refused(request: Request) -> Response | None:
        if not settings.control_on:
            return _json(NOT_FOUND, 404)
        if token is not None:
            scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token):
                return _json({"error": "unauthorized"}, 401, {"WWW-Authenticate": 'Bearer realm="mobileid-control"'})
        elif not is_loopback(request.client.host if request.client else None):
            return _json({"error": "forbidden", "error_description": NO_TOKEN_REMOTE}, 403)
        return None

    def answer(transaction: Transaction, status: Status) -> Response:
        error = errors.REJECTED if status is Status.DECLINED else None
        if not transaction.settle(status, error):
            return _json({"error": "not_pending", "transaction": transaction.as_json()}, 409)
        log.info("control: transaction %s %s", transaction.trace, status.value)
        return _json(transaction.as_json())

    async def list_transactions(request: Request) -> Response:
        if (refusal := refused(request)) is not None:
            return refusal
        msisdn = request.query_params.get("msisdn")
        if msisdn is not None:
            try:
                msisdn = normalize_msisdn(msisdn)
            except InvalidMSISDN:
                return _json({"error": "invalid_msisdn"}, 400)
        return _json({"transactions": [t.as_json() for t in emulator.transactions.list(msisdn)]})

    def decide_transaction(status: Status) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if (refusal := refused(request)) is not None:
                return refusal
            transaction = emulator.transactions.get(request.path_params["transaction_id"])
            if transaction is None:
                return _json(NOT_FOUND, 404)
            return answer(transaction, status)

        return endpoint

    def decide_phone(status: Status) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await phone_answers(request, status)

        return endpoint

    async def phone_answers(request: Request, status: Status) -> Response:
        if (refusal := refused(request)) is not None:
            return refusal
        try:
            msisdn = normalize_msisdn(request.path_params["msisdn"])
        except InvalidMSISDN:
            return _json({"error": "invalid_msisdn"}, 400)
        # float() also takes "1_0", " 5", "1e1", "inf" and non-ASCII digits: seconds are plain decimals only.
        raw = request.query_params.get("wait", "0")
        wait = float(raw) if SECONDS.fullmatch(raw) else -1.0
        if not (math.isfinite(wait) and 0 <= wait <= MAX_WAIT):
            return _json({"error": "invalid_wait", "error_description": f"wait must be 0 to {MAX_WAIT:g} seconds"}, 400)
        transaction = await emulator.transactions.wait_for_pending(msisdn, wait)
        if transaction is None:
            return _json(NOT_FOUND, 404)
        return answer(transaction, status)

    async def reset(request: Request) -> Response:
        if (refusal := refused(request)) is not None:
            return refusal
        emulator.reset()
        log.info("control: reset")
        return _json({"reset": True})

    return [
        Route(f"{CONTROL_PATH}/transactions", list_transactions, methods=["GET"]),
        Route(f"{CONTROL_PATH}/transactions/{{transaction_id}}/approve", decide_transaction(Status.APPROVED), methods=["POST"]),
        Route(f"{CONTROL_PATH}/transactions/{{transaction_id}}/decline", decide_transaction(Status.DECLINED), methods=["POST"]),
        Route(f"{CONTROL_PATH}/phones/{{msisdn}}/approve", decide_phone(Status.APPROVED), methods=["POST"]),
        Route(f"{CONTROL_PATH}/phones/{{msisdn}}/decline", decide_phone(Status.DECLINED), methods=["POST"]),
        Route(f"{CONTROL_PATH}/reset", reset, methods=["POST"]),
    ]

