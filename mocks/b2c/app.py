"""The B2C tenant as a Starlette app: routes, cookies, and the user journey's steps.

Journey (starter pack SignUpOrSignIn, and the user flow equivalent):
authorize -> unified page (or SSO, or domain_hint straight to the IdP) ->
claims exchange at the IdP -> authresp -> known user: tokens to the app;
new user: SelfAsserted-Social page -> SelfAsserted XHR -> confirmed -> user
written, tokens to the app (``newUser``).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.datastructures import FormData, ImmutableMultiDict
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mocks.b2c import pages
from mocks.b2c.authorize import AuthorizeError, Delivery, delivery_for, error_fields, redirect_location, validate
from mocks.b2c.directory import Directory
from mocks.b2c.errors import B2CError, idp_error_text, new_correlation_id
from mocks.b2c.federation import Federation
from mocks.b2c.keys import TenantKeys
from mocks.b2c.policy import IdentityProvider, Policy, PolicyKind
from mocks.b2c.sessions import (
    CSRF_COOKIE,
    TRANS_COOKIE,
    AuthorizationRequest,
    CookieWriter,
    PendingExchange,
    Sessions,
    Transaction,
    Transactions,
    csrf_from_cookie,
    new_csrf,
    trans_cookie_ids,
    trans_cookie_value,
    transaction_id_from_state,
)
from mocks.b2c.settings import B2CSettings
from mocks.b2c.strings import IDP_UI_LOCALES, pick_locale, strings
from mocks.b2c.tokens import Authentication, TokenService, half_hash
from mocks.common.params import BodySizeLimit, ParameterError, single
from mocks.faults import Fault

STATIC = Path(__file__).parent / "static"
JSON_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache", "Access-Control-Allow-Origin": "*"}
MAX_FORM_FIELDS = 50


@dataclass
class Tenant:
    """Everything the running tenant knows."""

    settings: B2CSettings
    keys: TenantKeys
    directory: Directory = field(default_factory=Directory)

    def __post_init__(self) -> None:
        self.transactions = Transactions(self.settings.transaction_lifetime)
        self.sessions = Sessions(self.settings.session_lifetime)
        self.tokens = TokenService(self.settings, self.keys, self.directory)
        self.federation = Federation(self.settings)
        lax = Fault.LAX_SESSION_COOKIE in self.settings.faults
        self.cookies = CookieWriter(self.settings.tenant_id, same_site="Lax" if lax else "None")

    def reset(self) -> None:
        self.directory.clear()
        self.transactions.clear()
        self.sessions.clear()


def create_app(settings: B2CSettings, *, keys: TenantKeys | None = None, directory: Directory | None = None) -> Starlette:
    tenant = Tenant(settings, keys or TenantKeys.create(foreign=Fault.FOREIGN_SIGNING_KEY in settings.faults), directory or Directory())
    handlers = _Handlers(tenant)
    t = "/{tenant_segment}"
    routes = [
        Route(t + "/{policy}/v2.0/.well-known/openid-configuration", handlers.discovery, methods=["GET", "OPTIONS"]),
        Route(t + "/v2.0/.well-known/openid-configuration", handlers.discovery, methods=["GET", "OPTIONS"]),
        Route(t + "/{policy}/discovery/v2.0/keys", handlers.keys, methods=["GET", "OPTIONS"]),
        Route(t + "/discovery/v2.0/keys", handlers.keys, methods=["GET", "OPTIONS"]),
        Route(t + "/{policy}/oauth2/v2.0/authorize", handlers.authorize, methods=["GET", "POST"]),
        Route(t + "/oauth2/v2.0/authorize", handlers.authorize, methods=["GET", "POST"]),
        Route(t + "/{policy}/oauth2/v2.0/token", handlers.token, methods=["POST", "OPTIONS"]),
        Route(t + "/oauth2/v2.0/token", handlers.token, methods=["POST", "OPTIONS"]),
        Route(t + "/{policy}/oauth2/v2.0/logout", handlers.logout, methods=["GET", "POST"]),
        Route(t + "/oauth2/v2.0/logout", handlers.logout, methods=["GET", "POST"]),
        Route(t + "/oauth2/authresp", handlers.authresp, methods=["GET", "POST"]),
        Route(t + "/{policy}/oauth2/authresp", handlers.authresp, methods=["GET", "POST"]),
        Route(t + "/{policy}/SelfAsserted", handlers.self_asserted, methods=["POST"]),
        Route(t + "/{policy}/api/{api}/{action}", handlers.journey_api, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception})
    app.state.tenant = tenant
    app.add_middleware(_TfpPrefix)
    app.add_middleware(BodySizeLimit)
    return app


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


class _TfpPrefix:
    """MSAL authorities look like ``/tfp/{tenant}.onmicrosoft.com/{policy}/``: same endpoints."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].lower().startswith("/tfp/"):
            scope = dict(scope, path=scope["path"][4:], raw_path=scope.get("raw_path", b"")[4:] or None)
        await self.app(scope, receive, send)


class _Handlers:
    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.settings = tenant.settings

    # --- helpers ---------------------------------------------------------------------------------

    def _tenant_ok(self, request: Request) -> None:
        segment = request.path_params["tenant_segment"].lower()
        if segment not in (self.settings.domain, self.settings.tenant_id, f"{self.settings.tenant}.b2clogin.com"):
            raise HTTPException(404, "Not Found")

    def _policy(self, request: Request, params: Any = None) -> Policy:
        self._tenant_ok(request)
        name = request.path_params.get("policy")
        if name is None:
            try:
                name = single(params if params is not None else request.query_params, "p", max_length=200)
            except ParameterError:
                name = None
        policy = self.settings.policy(name or "")
        if policy is None:
            raise B2CError("AADB2C90022", (name or "", self.settings.domain), status=404)
        return policy

    async def _form(self, request: Request) -> FormData:
        try:
            return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
        except Exception:  # malformed multipart/urlencoded bodies: treat as an empty, invalid request
            return FormData()

    def _params(self, request: Request, form: FormData | None) -> ImmutableMultiDict:
        return form if form is not None else request.query_params

    def _deliver(self, delivery: Delivery, fields: list[tuple[str, str]], *, lang: str = "en") -> Response:
        if delivery.response_mode == "form_post":
            return pages.form_post(delivery.redirect_uri, fields, lang=lang)
        return RedirectResponse(redirect_location(delivery, fields), status_code=302, headers={"Cache-Control": "no-store"})

    def _deliver_error(self, delivery: Delivery, error: B2CError, *, lang: str = "en") -> Response:
        return self._deliver(delivery, error_fields(error, delivery.state), lang=lang)

    def _error_page(self, error: B2CError, lang: str = "en", *, detail: str | None = None) -> Response:
        return pages.error(error, lang=lang, detail=detail)

    def _respond(self, policy: Policy, rp: AuthorizationRequest, auth: Authentication, lang: str) -> Response:
        """The relying party's answer: code and/or id_token, in its response mode."""
        code = self.tenant.tokens.issue_code(policy, rp, auth) if "code" in rp.response_types else None
        fields: list[tuple[str, str]] = []
        if "id_token" in rp.response_types:
            fields.append(("id_token", self.tenant.tokens.id_token(policy, rp, auth, c_hash=half_hash(code) if code else None)))
        if code:
            fields.append(("code", code))
        if rp.state is not None:
            fields.append(("state", rp.state))
        return self._deliver(delivery_for(rp), fields, lang=lang)

    def _signed_in(self, response: Response, auth: Authentication) -> Response:
        session = self.tenant.sessions.start(object_id=auth.user.object_id, identity_provider=auth.user.identity_provider,
                                             auth_time=auth.auth_time)
        self.tenant.cookies.set(response, self.tenant.cookies.sso_cookie, session.id)
        return response

    def _transaction(self, request: Request, tx: str | None, csrf: str | None) -> Transaction:
        """The transaction named by ``tx``, owned by this browser, with the matching CSRF token."""
        tid = transaction_id_from_state(tx)
        transaction = self.tenant.transactions.get(tid)
        if transaction is None or tid not in trans_cookie_ids(request):
            raise B2CError("AADB2C90046")
        cookie = csrf_from_cookie(request)
        if not csrf or not cookie or not secrets.compare_digest(csrf, cookie) or not secrets.compare_digest(csrf, transaction.csrf):
            raise B2CError("AADB2C90046")
        return transaction

    async def _start_exchange(self, transaction: Transaction, provider: IdentityProvider) -> Response:
        nonce = secrets.token_urlsafe(24)
        try:
            url = await self.tenant.federation.authorization_url(
                transaction.policy, provider, state=transaction.state_properties, nonce=nonce,
                ui_locales=IDP_UI_LOCALES[transaction.locale])
        except B2CError as error:
            return self._error_page(error, transaction.locale)
        transaction.exchange = PendingExchange(provider.exchange_id, nonce)
        return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})

    # --- metadata --------------------------------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return _preflight()
        try:
            policy = self._policy(request)
        except B2CError as error:
            return JSONResponse(error.token_endpoint_body(), status_code=404, headers=JSON_HEADERS)
        s = self.settings
        name = policy.policy_id.lower()
        if "policy" in request.path_params:
            base = f"{s.base_url}/{s.domain}/{name}"
            endpoint = lambda path: f"{base}/{path}"  # noqa: E731
        else:
            endpoint = lambda path: f"{s.base_url}/{s.domain}/{path}?p={name}"  # noqa: E731
        claims = [c.token_claim for c in policy.output_claims] + ["oid", "name", "idp", "newUser", "sub"]
        claims += ["acr" if policy.kind is PolicyKind.CUSTOM_POLICY else "tfp", "iss", "iat", "exp", "aud", "nonce", "auth_time"]
        doc = {
            "issuer": s.issuer,
            "authorization_endpoint": endpoint("oauth2/v2.0/authorize"),
            "token_endpoint": endpoint("oauth2/v2.0/token"),
            "end_session_endpoint": endpoint("oauth2/v2.0/logout"),
            "jwks_uri": endpoint("discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            # Only what the emulator honours (the real list adds the token types, see README).
            "response_types_supported": ["code", "code id_token", "id_token"],
            "scopes_supported": ["openid"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": list(dict.fromkeys(claims)),
        }
        return JSONResponse(doc, headers=JSON_HEADERS)

    async def keys(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return _preflight()
        try:
            policy = self._policy(request)
        except B2CError as error:
            return JSONResponse(error.token_endpoint_body(), status_code=404, headers=JSON_HEADERS)
        key = self.tenant.keys.for_policy(policy).public_jwk()
        return JSONResponse({"keys": [key]}, headers=JSON_HEADERS)

    # --- authorize -------------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        form = await self._form(request) if request.method == "POST" else None
        params = self._params(request, form)
        try:
            policy = self._policy(request, params)
        except B2CError as error:
            return self._error_page(error)
        try:
            rp = validate(params, self.settings)
        except AuthorizeError as failure:
            if failure.delivery is None:
                return self._error_page(failure.error)
            return self._deliver_error(failure.delivery, failure.error)
        lang = pick_locale(rp.ui_locales, self.settings.default_locale)

        session = self.tenant.sessions.get(request.cookies.get(self.tenant.cookies.sso_cookie))
        user = self.tenant.directory.get(session.object_id) if session else None
        if session is not None and user is not None and rp.prompt != "login":
            return self._respond(policy, rp, Authentication(user, session.auth_time), lang)  # SSO: no page at all
        if rp.prompt == "none":
            return self._deliver_error(delivery_for(rp), B2CError("AADB2C90077", ("none",), error="interaction_required"), lang=lang)

        csrf = csrf_from_cookie(request) or new_csrf()
        transaction = self.tenant.transactions.start(csrf=csrf, policy=policy, request=rp, locale=lang,
                                                     correlation_id=new_correlation_id())
        provider = policy.provider_for_domain(rp.domain_hint) if rp.domain_hint else None
        if provider is not None:
            response = await self._start_exchange(transaction, provider)
        else:
            response = pages.unified(self.settings, transaction)
        self.tenant.cookies.set(response, CSRF_COOKIE, csrf)
        self.tenant.cookies.set(response, TRANS_COOKIE, trans_cookie_value(trans_cookie_ids(request), transaction))
        return response

    # --- the hosted pages' API -------------------------------------------------------------------

    async def journey_api(self, request: Request) -> Response:
        try:
            policy = self._policy(request)
            params = request.query_params
            transaction = self._transaction(request, single(params, "tx"), single(params, "csrf_token"))
        except (B2CError, ParameterError) as error:
            return self._error_page(error if isinstance(error, B2CError) else B2CError("AADB2C90046"))
        if transaction.policy.key != policy.key:
            return self._error_page(B2CError("AADB2C90046"), transaction.locale)
        api, action = request.path_params["api"].lower(), request.path_params["action"].lower()
        lang = transaction.locale
        if api == "combinedsigninandsignup":
            if action == "unified":
                exchange = params.get("claimsexchange")
                if exchange:
                    provider = policy.provider(exchange)
                    if provider is None:
                        return self._error_page(B2CError("AADB2C90046"), lang)
                    return await self._start_exchange(transaction, provider)
                if params.get("local") == "signup":
                    return self._error_page(B2CError("AADB2C90046"), lang, detail=(
                        "Local account sign-up is not part of this emulator (see mocks/b2c/README.md); "
                        "sign up with an identity provider instead."))
                return pages.unified(self.settings, transaction)
            if action == "forgotpassword":
                # Neither policy has self-service password reset, so B2C hands the click to the app.
                self.tenant.transactions.drop(transaction.id)
                return self._deliver_error(delivery_for(transaction.request), B2CError("AADB2C90118", error="access_denied"), lang=lang)
            if action == "confirmed":
                return self._error_page(B2CError("AADB2C90046"), lang)  # no local sign-in can have succeeded
        if api == "selfasserted" and transaction.idp_claims is not None:
            if action == "confirmed" and transaction.self_asserted is not None:
                return self._complete_sign_up(transaction)
            if action == "cancelled":
                self.tenant.transactions.drop(transaction.id)
                cancel = B2CError("AADB2C90091", error="access_denied")
                return self._deliver(delivery_for(transaction.request), error_fields(_localized(cancel, lang), transaction.request.state), lang=lang)
        return self._error_page(B2CError("AADB2C90046"), lang)

    async def self_asserted(self, request: Request) -> Response:
        """The pages' XHR: ``POST SelfAsserted?tx=...&p=...`` with ``X-CSRF-TOKEN``."""
        try:
            policy = self._policy(request)
            transaction = self._transaction(request, single(request.query_params, "tx"), request.headers.get("x-csrf-token"))
        except (B2CError, ParameterError):
            return _xhr("400", "AADB2C90046", B2CError("AADB2C90046").message, http_status=400)
        t = strings(transaction.locale)
        if transaction.policy.key != policy.key:
            return _xhr("400", "AADB2C90046", B2CError("AADB2C90046").message, http_status=400)
        form = await self._form(request)
        try:
            if single(form, "request_type") != "RESPONSE":
                return _xhr("400", "AADB2C90046", t["unknown_error"])
            if transaction.idp_claims is None:
                # The unified page's local-account sign-in: the directory has no local accounts.
                return _xhr("400", "AADB2C90053", t["UserMessageIfClaimsPrincipalDoesNotExist"])
            values = {}
            for claim in policy.self_asserted_claims:
                value = (single(form, claim, max_length=256) or "").strip()
                if claim in pages.REQUIRED_SELF_ASSERTED and not value:
                    return _xhr("400", None, t["required_field_missing"])
                values[claim] = value
        except ParameterError:
            return _xhr("400", None, t["field_incorrect"])
        transaction.self_asserted = values
        return _xhr("200", None, None)

    def _complete_sign_up(self, transaction: Transaction) -> Response:
        claims = dict(transaction.idp_claims or {})
        claims.update({k: v for k, v in (transaction.self_asserted or {}).items() if v})
        directory = self.tenant.directory
        identity_provider = str(claims.get("identityProvider"))
        user = directory.find_social(identity_provider, str(claims["issuerUserId"]))
        new_user = user is None
        if user is None:  # AAD-UserWriteUsingAlternativeSecurityId
            user = directory.create_social(identity_provider, str(claims["issuerUserId"]), claims)
        self.tenant.transactions.drop(transaction.id)
        auth = Authentication(user, int(time.time()), new_user=new_user)
        return self._signed_in(self._respond(transaction.policy, transaction.request, auth, transaction.locale), auth)

    # --- the identity provider's answer ----------------------------------------------------------

    async def authresp(self, request: Request) -> Response:
        self._tenant_ok(request)
        form = await self._form(request) if request.method == "POST" else None
        params = self._params(request, form)
        try:
            state = single(params, "state")
            code = single(params, "code", max_length=8192)
            idp_error = single(params, "error", max_length=200)
            idp_description = single(params, "error_description")
        except ParameterError:
            return self._error_page(B2CError("AADB2C90046"))
        transaction = self.tenant.transactions.get(transaction_id_from_state(state))
        if transaction is None or transaction.exchange is None:
            return self._error_page(B2CError("AADB2C90046"))
        lang = transaction.locale
        exchange = transaction.exchange
        provider = transaction.policy.provider(exchange.exchange_id)
        if transaction.id not in trans_cookie_ids(request) or provider is None:
            # Typically a SameSite=Lax cookie that the IdP's cross-site form post did not carry.
            return self._error_page(B2CError("AADB2C90255", (exchange.exchange_id,)), lang)
        transaction.exchange = None
        rp = transaction.request

        if idp_error is not None:
            if Fault.IDP_ERROR_SWALLOWED in self.settings.faults:
                return pages.unified(self.settings, transaction)
            self.tenant.transactions.drop(transaction.id)
            outer = "access_denied" if idp_error == "access_denied" else "server_error"
            return self._deliver_error(delivery_for(rp), B2CError("AADB2C90273", (idp_error_text(idp_error, idp_description),), error=outer), lang=lang)
        if code is None:
            self.tenant.transactions.drop(transaction.id)
            error = B2CError("AADB2C90273", ("Error: invalid_response,Error Description: the response contains no code",), error="server_error")
            return self._deliver_error(delivery_for(rp), error, lang=lang)
        try:
            claims = await self.tenant.federation.complete(transaction.policy, provider, code=code, nonce=exchange.nonce)
        except B2CError as error:
            self.tenant.transactions.drop(transaction.id)
            return self._error_page(error, lang)

        user = self.tenant.directory.find_social(str(claims["identityProvider"]), str(claims["issuerUserId"]))
        if user is not None:
            self.tenant.transactions.drop(transaction.id)
            auth = Authentication(user, int(time.time()))
            return self._signed_in(self._respond(transaction.policy, rp, auth, lang), auth)
        transaction.idp_claims = claims  # SelfAsserted-Social: the user confirms the profile first
        return pages.self_asserted(self.settings, transaction)

    # --- token and logout ------------------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return _preflight()
        form = await self._form(request)
        try:
            policy = self._policy(request, request.query_params)
            body = self.tenant.tokens.redeem(policy, form, _basic_credentials(request))
        except B2CError as error:
            return JSONResponse(error.token_endpoint_body(), status_code=error.status if error.status != 404 else 400, headers=JSON_HEADERS)
        return JSONResponse(body, headers=JSON_HEADERS)

    async def logout(self, request: Request) -> Response:
        form = await self._form(request) if request.method == "POST" else None
        params = self._params(request, form)
        try:
            self._policy(request, params)
            target = single(params, "post_logout_redirect_uri", max_length=2048)
            state = single(params, "state")
            client_id = single(params, "client_id", max_length=200)
        except B2CError as error:
            return self._error_page(error)
        except ParameterError as error:
            return self._error_page(B2CError("AADB2C90122", (error.name,)))
        session_id = request.cookies.get(self.tenant.cookies.sso_cookie)
        if session_id:
            self.tenant.sessions.drop(session_id)
        if target is None:
            response = self._error_page(B2CError("AADB2C90036"))
        else:
            apps = [self.settings.app(client_id)] if client_id else self.settings.apps
            if any(app is not None and target in app.redirect_uris for app in apps):
                location = target if state is None else redirect_location(Delivery(target, "query", None), [("state", state)])
                response = RedirectResponse(location, status_code=302, headers={"Cache-Control": "no-store"})
            else:
                response = self._error_page(B2CError("AADB2C90287", (target,)))
        self.tenant.cookies.clear(response, self.tenant.cookies.sso_cookie)
        return response


def _localized(error: B2CError, lang: str) -> B2CError:
    """AADB2C90091's text follows ui_locales (seen in Spanish in the wild)."""
    text = strings(lang).get(error.code)
    if text is None:
        return error
    error.override = text
    return error


def _xhr(status: str, code: str | None, message: str | None, *, http_status: int = 200) -> JSONResponse:
    """The SelfAsserted XHR answer: HTTP 200 with ``{"status":"200"}`` or ``{"status":"400",...}``."""
    body: dict[str, str] = {"status": status}
    if code:
        body["errorCode"] = code
    if message:
        body["message"] = message
    return JSONResponse(body, status_code=http_status, headers={"Cache-Control": "no-store"})


def _preflight() -> Response:
    return Response(status_code=204, headers={"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                              "Access-Control-Allow-Headers": "Content-Type, Authorization", "Access-Control-Max-Age": "3600"})


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise B2CError("AADB2C90081", error="invalid_client", status=401) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise B2CError("AADB2C90081", error="invalid_client", status=401)
    # RFC 6749 2.3.1: both parts are form-urlencoded inside the header.
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
