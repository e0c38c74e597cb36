"""The pages a user sees on m.mobileid.ch: authorize, phone number, waiting, consent.

Flow: ``/oidc/authorize`` validates the request and opens a login session, then
``/oidc/login`` (phone number) -> ``/oidc/wait`` (transaction number; the page
long-polls ``/oidc/wait/status``) -> the client's redirect URI with a code or an
error. Once the phone answered, a form_post answer goes from the waiting page
itself (the long-poll hands it the form); anything else, and a browser without
JavaScript, goes through ``/oidc/continue`` (-> optional ``/oidc/consent``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from mocks.common.params import ParameterError, read_form, single
from mocks.mobileid import authorize, errors, pages
from mocks.mobileid.errors import MidError, new_trace
from mocks.mobileid.held import Ended, held
from mocks.mobileid.locales import TEXTS, language_from_accept
from mocks.mobileid.msisdn import InvalidMSISDN, normalize_msisdn
from mocks.mobileid.runtime import Handlers
from mocks.mobileid.settings import is_al4
from mocks.mobileid.state import ClientAnswer, LoginSession
from mocks.mobileid.transactions import SignatureTransaction, Status

log = logging.getLogger("mocks.mobileid")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _unless_gone(request: Request, waiting: Awaitable[bool]) -> bool | None:
    """``waiting``'s answer, None as soon as the client has gone (a closed or left waiting page), or False (not settled
    yet: the page asks again) as soon as the server starts to stop (mocks/mobileid/held.py)."""
    answer = await held(request, waiting)
    if answer is Ended.GONE:
        return None
    return False if answer is Ended.STOPPING else answer


async def read_params(request: Request) -> QueryParams | FormData:
    """GET: the query; POST: the form body (a body of another type, or a form Starlette refuses: a file, too many
    fields, a multipart body without its boundary, counts as no parameters: the page then says what is missing, in
    HTML, rather than the JSON error of the back channel)."""
    if request.method in ("GET", "HEAD"):
        return request.query_params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in FORM_TYPES:
        return FormData()
    return await read_form(request, max_fields=100, max_part_size=16 * 1024) or FormData()


class LoginPages(Handlers):
    """The login pages, one method per endpoint; ``routes()`` lists them."""

    def routes(self) -> list[Route]:
        return [
            Route("/oidc/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/oidc/login", self.login, methods=["GET", "POST"]),
            Route("/oidc/wait", self.wait, methods=["GET"]),
            Route("/oidc/wait/status", self.wait_status, methods=["GET"]),
            Route("/oidc/continue", self.continue_, methods=["GET"]),
            Route("/oidc/consent", self.consent, methods=["GET", "POST"]),
        ]

    # --- endpoints -------------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        if request.method == "HEAD":
            return self._not_for_head("GET, POST")
        trace = new_trace()
        language = language_from_accept(request.headers.get("accept-language"))
        try:
            auth = authorize.parse(await read_params(request), self.settings)
        except authorize.UntrustedRequest as problem:
            log.info("authorization request %s refused on the error page: %s", trace, problem.mid_error.code)
            return self._error_page(problem.mid_error, trace, language)
        except authorize.RejectedRequest as problem:
            log.info("authorization request %s refused: %s", trace, problem.mid_error.code)
            fields = {"error": problem.mid_error.error, "error_description": problem.mid_error.description(trace)}
            if problem.state is not None:
                fields["state"] = problem.state
            return self._respond(self._answer(problem.redirect_uri, problem.response_mode, fields, language))
        session = self.emulator.memory.new_session(auth, trace, auth.language or language, at_least=self.emulator.transactions.lifetime)
        if auth.login_hint is not None and auth.login_hint.starts_at_once:
            self._start_transaction(session, auth.login_hint.msisdns[0])
            return self._redirect("/oidc/wait", session)
        return self._redirect("/oidc/login", session)

    async def login(self, request: Request) -> Response:
        params = await read_params(request)
        session = self._session_of(params)
        if session is None:
            return self._lost_session(request)
        if session.transaction_id is not None:
            return self._redirect("/oidc/wait", session)
        if request.method != "POST":
            return self._login_page(session)
        try:
            typed = single(params, "msisdn", max_length=64) or ""
            msisdn = normalize_msisdn(typed)
        except (ParameterError, InvalidMSISDN):
            return self._login_page(session, str(params.get("msisdn", ""))[:64], TEXTS[session.language]["msisdn_error"])
        hint = session.request.login_hint
        if hint is not None and not hint.manual_input and msisdn not in hint.msisdns:
            return self._login_page(session, typed, TEXTS[session.language]["msisdn_not_offered"])
        self._start_transaction(session, msisdn)
        return self._redirect("/oidc/wait", session)

    async def wait(self, request: Request) -> Response:
        found = self._with_transaction(request, answered=True)  # a reload after the answer went: the page posts it again
        if isinstance(found, Response):
            return found
        session, transaction = found
        return pages.render(
            "wait.html",
            session.language,
            self.settings.authorization_base,
            trace=transaction.trace,
            msisdn=transaction.msisdn,
            status_url=self._url("/oidc/wait/status", session),
            continue_url=self._url("/oidc/continue", session),
        )

    async def wait_status(self, request: Request) -> Response:
        """Long-poll: answers as soon as the transaction settles, or after long_poll_seconds."""
        session = self._session_of(request.query_params, answered=True)  # a retry after the answer went gets it again
        transaction = self._transaction_of(session) if session else None
        if session is None or transaction is None:
            return JSONResponse({"status": "unknown"}, status_code=404, headers={"Cache-Control": "no-store"})
        settled = await _unless_gone(request, transaction.wait(self.settings.long_poll_seconds))
        if settled is None:
            return Response(status_code=204)  # nobody reads it: the page was closed or left
        if not settled:
            return JSONResponse({"status": "pending"}, headers={"Cache-Control": "no-store"})
        # A form_post answer goes from the waiting page itself: one page less between the phone and the client.
        if session.request.response_mode == "form_post":
            answer = self._settled_answer(session, transaction)
            if answer is not None:
                session.answer_on_waiting_page = True
                return JSONResponse({"status": "done", "post": answer.form()}, headers={"Cache-Control": "no-store"})
        return JSONResponse({"status": "done", "next": self._url("/oidc/continue", session)}, headers={"Cache-Control": "no-store"})

    async def continue_(self, request: Request) -> Response:
        if request.method == "HEAD":
            return self._not_for_head("GET")
        found = self._with_transaction(request)
        if isinstance(found, Response):
            return found
        session, transaction = found
        if transaction.pending:
            return self._redirect("/oidc/wait", session)
        answer = self._settled_answer(session, transaction)
        return self._redirect("/oidc/consent", session) if answer is None else self._respond(answer)

    async def consent(self, request: Request) -> Response:
        params = await read_params(request)
        session = self._session_of(params)
        if session is None:
            return self._lost_session(request)
        transaction = self._transaction_of(session)
        if transaction is None or transaction.status is not Status.APPROVED or not self._needs_consent(session, transaction):
            return self._redirect("/oidc/continue", session)
        if request.method != "POST":
            return self._consent_page(session)
        try:
            decision = single(params, "decision")
        except ParameterError:
            decision = None
        if decision == "accept":
            self.emulator.memory.remember_consent(session.request.client.client_id, transaction.msisdn)
            return self._respond(self._code_answer(session, transaction))
        if decision == "decline":
            return self._respond(self._error_answer(session, errors.CONSENT_REFUSED))
        return self._redirect("/oidc/consent", session)

    # --- the login session -----------------------------------------------------------------------

    def _session_of(self, params: QueryParams | FormData, *, answered: bool = False) -> LoginSession | None:
        """The login session the parameters name; ``answered``: also one whose answer the waiting page took."""
        try:
            return self.emulator.memory.session(single(params, "session", max_length=100), answered_on_waiting_page=answered)
        except ParameterError:
            return None

    def _transaction_of(self, session: LoginSession) -> SignatureTransaction | None:
        return self.emulator.transactions.get(session.transaction_id) if session.transaction_id else None

    def _with_transaction(self, request: Request, *, answered: bool = False) -> tuple[LoginSession, SignatureTransaction] | Response:
        """The query's login session and its transaction; else the answer: the error page, or back to the number."""
        session = self._session_of(request.query_params, answered=answered)
        if session is None:
            return self._lost_session(request)
        transaction = self._transaction_of(session)
        if transaction is None and session.transaction_id is not None:
            # Its transaction ended and was forgotten (kept its lifetime after it started): a waiting page left open that
            # long, a laptop that slept. Back to the number it went to the waiting page again, a redirect loop.
            return self._respond(self._error_answer(session, errors.NO_RESPONSE))
        if transaction is None:
            return self._redirect("/oidc/login", session)
        return session, transaction

    def _start_transaction(self, session: LoginSession, msisdn: str) -> SignatureTransaction:
        request_ = session.request
        message = request_.dtbd or TEXTS[session.language]["phone_message"]
        message = message.replace("#CLIENT#", request_.client.display_name).replace("#SESSION#", session.trace)
        transaction = self.emulator.transactions.start(
            msisdn=msisdn,
            client_id=request_.client.client_id,
            trace=session.trace,
            message=message,
            acr=request_.acr,
            serial_hint=request_.login_hint.serial_for(msisdn) if request_.login_hint and is_al4(request_.acr) else None,  # else sn unchecked
        )
        session.transaction_id = transaction.id
        log.info("transaction %s (%s) started for client %s: %s", transaction.trace, transaction.id, transaction.client_id, transaction.status.value)
        return transaction

    def _needs_consent(self, session: LoginSession, transaction: SignatureTransaction) -> bool:
        client = session.request.client
        if client.consent == "always":
            return True
        # "once", or a user the control API made one who has consented to nothing yet: asked until this client has it.
        asks = client.consent == "once" or self.emulator.memory.asks_consent(transaction.msisdn)
        return asks and not self.emulator.memory.has_consent(client.client_id, transaction.msisdn)

    # --- answers ---------------------------------------------------------------------------------

    def _url(self, path: str, session: LoginSession) -> str:
        return f"{self.settings.authorization_base}{path}?{urlencode({'session': session.id})}"

    def _redirect(self, path: str, session: LoginSession) -> Response:
        return RedirectResponse(self._url(path, session), status_code=303)

    @staticmethod
    def _not_for_head(allowed: str) -> Response:
        """HEAD, which Starlette serves wherever GET is, on a page whose GET acts (asks the phone, hands the client its
        code): a tool's or a prefetch's HEAD must change nothing, and its GET's headers are that action's."""
        return Response(status_code=405, headers={"Allow": allowed, "Cache-Control": "no-store"})

    def _error_page(self, error: MidError, trace: str, language: str) -> Response:
        return pages.render("error.html", language, self.settings.authorization_base, status=400, error=error.error, description=error.description(trace))

    def _lost_session(self, request: Request) -> Response:
        return self._error_page(errors.SESSION_UNKNOWN, new_trace(), language_from_accept(request.headers.get("accept-language")))

    def _login_page(self, session: LoginSession, msisdn: str = "", error: str | None = None) -> Response:
        hint = session.request.login_hint
        return self._form_page(
            "login.html",
            session,
            "/oidc/login",
            msisdn=msisdn or (hint.msisdns[0] if hint and hint.msisdns else ""),
            hints=hint.msisdns if hint else (),
            error=error,
        )

    def _consent_page(self, session: LoginSession) -> Response:
        text = TEXTS[session.language]
        items = [text["claim_phone"]] if {"phone", "profile"} & set(session.request.scopes) else []
        if "mid_profile" in session.request.scopes:
            items.append(text["claim_profile"])
        return self._form_page("consent.html", session, "/oidc/consent", items=items)

    def _form_page(self, template: str, session: LoginSession, path: str, **values: Any) -> Response:
        """A page whose form posts the login session back to ``path``."""
        base = self.settings.authorization_base
        client_name = session.request.client.display_name
        return pages.render(template, session.language, base, action=f"{base}{path}", session_id=session.id, client_name=client_name, **values)

    def _answer(self, redirect_uri: str, mode: str, fields: dict[str, str], language: str) -> ClientAnswer:
        """An authorization response, with the issuer (RFC 9207) as every answer of ours carries it."""
        return ClientAnswer(redirect_uri, mode, {**fields, "iss": self.settings.issuer}, language)

    def _respond(self, answer: ClientAnswer) -> Response:
        """The answer sent to the client: an auto-posted form (form_post) or a redirect with a query."""
        if answer.is_form_post:
            return pages.render("form_post.html", answer.language, self.settings.authorization_base, redirect_uri=answer.redirect_uri,
                                fields=list(answer.fields.items()))
        separator = "&" if "?" in answer.redirect_uri else "?"
        return RedirectResponse(f"{answer.redirect_uri}{separator}{urlencode(answer.fields)}", status_code=303, headers=pages.page_headers())

    def _settled_answer(self, session: LoginSession, transaction: SignatureTransaction) -> ClientAnswer | None:
        """The answer once the phone answered: the phone's error, a code, or None while consent is still to be asked.

        Given once: a second request for it (two polls of one page, a retry) gets the same answer, not a second code."""
        if session.answer is not None:
            return session.answer
        if transaction.status is not Status.APPROVED:
            return self._error_answer(session, transaction.error or errors.OTHER)
        if self._needs_consent(session, transaction):
            return None
        return self._code_answer(session, transaction)

    def _client_answer(self, session: LoginSession, fields: dict[str, str]) -> ClientAnswer:
        """The session's answer, kept on it (``_settled_answer`` hands it again); the session is finished."""
        request_ = session.request
        session.answer = self._answer(request_.redirect_uri, request_.response_mode, fields, session.language)
        return session.answer

    def _error_answer(self, session: LoginSession, error: MidError) -> ClientAnswer:
        request_ = session.request
        log.info("login %s for client %s ends with %s", session.trace, request_.client.client_id, error.code)
        return self._client_answer(session, {"error": error.error, "error_description": error.description(session.trace), "state": request_.state})

    def _code_answer(self, session: LoginSession, transaction: SignatureTransaction) -> ClientAnswer:
        request_ = session.request
        code = self.emulator.memory.new_code(
            client_id=request_.client.client_id,
            redirect_uri=request_.redirect_uri,
            code_challenge=request_.code_challenge,
            scopes=request_.scopes,
            nonce=request_.nonce,
            acr=request_.acr,
            behaviour=transaction.behaviour,
            auth_time=int(transaction.settled_at or 0),
            expires_at=time.time() + self.settings.code_lifetime,
        )
        log.info("login %s for client %s succeeded", session.trace, request_.client.client_id)
        return self._client_answer(session, {"code": code.code, "state": request_.state})
