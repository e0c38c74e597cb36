"""What every tenant endpoint shares: tenant and policy from the URL, forms, answers to the app."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from mocks.b2c import pages
from mocks.b2c.authorize import Delivery, error_fields, redirect_location
from mocks.b2c.errors import B2CError, NotExecutedStep
from mocks.b2c.policy import Policy
from mocks.b2c.tenant import Tenant
from mocks.common.params import MultiValued, ParameterError, read_form, single
from mocks.faults import Fault

if TYPE_CHECKING:
    from mocks.b2c.sessions import JourneyTransaction

JSON_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache", "Access-Control-Allow-Origin": "*"}
MAX_FORM_FIELDS = 50
# The content definition of B2C's error page (globalexception; reference b2c.md 1.1, content definition ids).
ERROR_CONTENT_DEFINITION = "api.error"
ShownError = TypeVar("ShownError", bound=B2CError | NotExecutedStep)  # what B2C's error page shows: B2C's error, or the emulator's refusal


# Every endpoint is served under the tenant (name, id or domain), most of them both with the policy in the
# path and, the older form, in ``?p=``.
TENANT = "/{tenant_segment}"


def with_and_without_policy(path: str, handler: Any, methods: list[str]) -> list[Route]:
    """``{tenant}/{policy}/path`` and ``{tenant}/path`` (policy from ``?p=``), both to ``handler``."""
    return [Route(f"{TENANT}/{{policy}}{path}", handler, methods=methods), Route(f"{TENANT}{path}", handler, methods=methods)]


class TenantHandlers:
    """A class of endpoint handlers of one tenant, one method per endpoint; ``routes()`` lists them (as Mobile ID's)."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.settings = tenant.settings

    def routes(self) -> list[Route]:
        raise NotImplementedError

    # --- helpers ---------------------------------------------------------------------------------

    def _tenant_ok(self, request: Request) -> None:
        segment = request.path_params["tenant_segment"].lower()
        if segment not in (self.settings.domain, self.settings.tenant_id, f"{self.settings.tenant}.b2clogin.com"):
            raise HTTPException(404, "Not Found")

    def _policy(self, request: Request, params: MultiValued | None = None) -> Policy:
        self._tenant_ok(request)
        name = request.path_params.get("policy")
        if name is None:
            # The query string is B2C's place for ``p`` (its metadata's ``?p=`` URLs; the token endpoint's "add this parameter
            # to the query string, not to the POST body"), a POSTed authorize or logout's too; else the form's.
            sources: list[MultiValued] = [request.query_params]
            if params is not None and params is not request.query_params:
                sources.append(params)
            try:
                name = next((found for source in sources if (found := single(source, "p", max_length=200)) is not None), None)
            except ParameterError as error:  # repeated or oversized: not "policy ''"
                raise B2CError("AADB2C90122", (error.name,)) from None
        policy = self.settings.policy(name or "")
        if policy is None:
            raise B2CError("AADB2C90022", (name or "", self.settings.domain), status=404)
        return policy

    async def _form(self, request: Request) -> FormData:
        # A body that is no readable form, or over the limits, is an empty request: B2C then says what is missing.
        return await read_form(request, max_fields=MAX_FORM_FIELDS) or FormData()

    def _params(self, request: Request, form: FormData | None) -> MultiValued:
        return form if form is not None else request.query_params

    def _deliver(self, delivery: Delivery, fields: list[tuple[str, str]], *, lang: str = "en") -> Response:
        if delivery.response_mode == "form_post":
            return pages.form_post(delivery.redirect_uri, fields, lang=lang)
        if Fault.ANSWER_IN_QUERY in self.settings.faults:  # the self-check's B2C that ignores response_mode=fragment
            delivery = replace(delivery, response_mode="query")
        location = redirect_location(delivery, fields)
        if Fault.ANSWER_ALSO_IN_QUERY in self.settings.faults and delivery.response_mode == "fragment":  # and in the query too
            location = redirect_location(replace(delivery, response_mode="query"), fields) + location[len(delivery.redirect_uri):]
        return RedirectResponse(location, status_code=302, headers={"Cache-Control": "no-store"})

    def _deliver_error(self, delivery: Delivery, error: B2CError, *, lang: str = "en",
                       transaction: JourneyTransaction | None = None) -> Response:
        """``error`` to the app; ``transaction``: the journey it ends (``in_journey``)."""
        return self._deliver(delivery, error_fields(in_journey(error, transaction), delivery.state), lang=lang)

    def _error_page(self, error: B2CError | NotExecutedStep, *, policy: Policy | None = None, detail: str | None = None,
                    transaction: JourneyTransaction | None = None, request: Request | None = None) -> Response:
        """B2C's error page in ``policy``'s language for a request without ``ui_locales``, whatever the request's (B2C
        does not pass ``ui_locales`` to the exception page: b2c.md section 1.5): the browser's where the policy offers it
        (``request``'s Accept-Language, else the one the journey started with), else the policy's default (b2c.md
        section 5), with ``<html lang>`` as ``policy``'s pages have it (no policy known: the tenant's default and
        setting). ``transaction``: the journey it ends, whose policy it is and whose correlation ID it shows
        (``in_journey``). A ``NotExecutedStep`` shows the emulator's refusal in place of B2C's code and words."""
        if policy is None and transaction is not None:
            policy = transaction.policy
        error = in_journey(error, transaction)
        if policy is None:
            lang, html_lang = self.settings.default_locale, self.settings.language_customization
        else:
            browser = request.headers.get("accept-language") if request is not None else \
                transaction.browser_languages if transaction is not None else None
            lang, html_lang = self.settings.page_language(policy, None, browser), self.settings.customizes_language(policy)
        # B2C shows its errors in the policy's api.error content definition: the team's template where its LoadUri names one.
        team_template = self.settings.page_template(policy, ERROR_CONTENT_DEFINITION, lang) if policy is not None else None
        return pages.error(error, lang=lang, detail=detail, html_lang=html_lang, build_delay=self.settings.page_build_delay,
                           team_template=team_template)


def in_journey(error: ShownError, transaction: JourneyTransaction | None) -> ShownError:
    """``error`` with the correlation ID of the journey it ends, the one that journey's pages showed (an error outside any
    keeps its own): one ID per journey, as B2C's logs and its troubleshooting advice treat it (README, Decisions)."""
    return replace(error, correlation_id=transaction.correlation_id) if transaction is not None else error


def xhr(status: str, code: str | None, message: str | None) -> JSONResponse:
    """The SelfAsserted XHR answer: HTTP 200 with ``{"status":"200"}`` or ``{"status":"400",...}``, whatever the error
    (reference b2c.md section 4: the page reads the body's status; an HTTP error would be an answer no tenant gives)."""
    body: dict[str, str] = {"status": status}
    if code:
        body["errorCode"] = code
    if message:
        body["message"] = message
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def preflight() -> Response:
    return Response(status_code=204, headers={"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                              "Access-Control-Allow-Headers": "Content-Type, Authorization", "Access-Control-Max-Age": "3600"})
