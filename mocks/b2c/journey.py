"""The user journey: authorize, the hosted pages and their API, the IdP's answer, tokens to the app.

Built-in journey (user flows and code-built policies; custom policies from XML run in journey_run.py):
authorize -> unified
page (or SSO, or domain_hint straight to the IdP) -> claims exchange at the IdP
-> authresp -> known user: tokens to the app; new user: SelfAsserted-Social page
-> SelfAsserted XHR -> confirmed -> user written, tokens to the app (newUser).
"""

from __future__ import annotations

import secrets
import time

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mocks.b2c import pages
from mocks.b2c.authorize import AuthorizeError, delivery_for, validate
from mocks.b2c.errors import B2CError, NotExecutedStep, idp_error_text, new_correlation_id
from mocks.b2c.journey_run import PolicyJourney
from mocks.b2c.policy import IdentityProvider, Policy
from mocks.b2c.sessions import (
    CSRF_COOKIE,
    TRANS_COOKIE,
    JourneyTransaction,
    PendingExchange,
    RelyingPartyRequest,
    SsoSession,
    csrf_from_cookie,
    new_csrf,
    trans_cookie_ids,
    trans_cookie_value,
    transaction_id_from_state,
)
from mocks.b2c.strings import IDP_UI_LOCALES, strings
from mocks.b2c.tokens import Authentication
from mocks.b2c.web import TENANT, TenantHandlers, with_and_without_policy, xhr
from mocks.common.oauth import half_hash, same_token
from mocks.common.params import ParameterError, single
from mocks.faults import Fault


class UserJourneyHandlers(PolicyJourney, TenantHandlers):
    """The user journey's endpoints: authorize, the hosted pages and their API, the identity provider's answer."""

    def routes(self) -> list[Route]:
        return [
            *with_and_without_policy("/oauth2/v2.0/authorize", self.authorize, ["GET", "POST"]),
            *with_and_without_policy("/oauth2/authresp", self.authresp, ["GET", "POST"]),
            Route(f"{TENANT}/{{policy}}/SelfAsserted", self.self_asserted, methods=["POST"]),
            Route(f"{TENANT}/{{policy}}/api/{{api}}/{{action}}", self.journey_api, methods=["GET"]),
        ]

    def _respond(self, policy: Policy, rp: RelyingPartyRequest, auth: Authentication, lang: str) -> Response:
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

    def _transaction(self, request: Request, tx: str | None, csrf: str | None) -> JourneyTransaction:
        """The transaction named by ``tx``, owned by this browser, with the matching CSRF token."""
        tid = transaction_id_from_state(tx)
        transaction = self.tenant.transactions.get(tid)
        if transaction is None or tid not in trans_cookie_ids(request):
            raise B2CError("AADB2C90046")
        cookie = csrf_from_cookie(request)
        if not csrf or not cookie or not same_token(csrf, cookie) or not same_token(csrf, transaction.csrf):
            raise B2CError("AADB2C90046")
        return transaction

    async def _start_exchange(self, transaction: JourneyTransaction, provider: IdentityProvider,
                              parameters: tuple[tuple[str, str], ...] = ()) -> Response:
        """To the identity provider; ``parameters``: its technical profile's InputClaims (custom policies)."""
        nonce = secrets.token_urlsafe(24)
        # The self-check's B2C that does not pass its pages' language on to the identity provider.
        locale = "en" if Fault.UI_LOCALES_NOT_PASSED_ON in self.settings.faults else transaction.locale
        try:
            url = await self.tenant.federation.authorization_url(
                transaction.policy, provider, state=transaction.state_properties, nonce=nonce,
                ui_locales=IDP_UI_LOCALES[locale], parameters=parameters)
        except B2CError as error:
            return self._error_page(error, transaction=transaction)
        transaction.exchange = PendingExchange(provider.exchange_id, nonce)
        return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})

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
                return self._error_page(failure.error, policy=policy, request=request)
            return self._deliver_error(failure.delivery, failure.error)
        lang = self.settings.page_language(policy, rp.ui_locales, request.headers.get("accept-language"))

        # The self-check's B2C that keeps no single sign-on session (a policy whose session managers are SM-Noop): it sets
        # its x-ms-cpim-sso cookie, and answers no sign-in from it.
        kept = Fault.NO_SSO_SESSION not in self.settings.faults
        found = self.tenant.sessions.get(request.cookies.get(self.tenant.cookies.sso_cookie)) if kept else None
        session = found if found is not None and rp.takes_session(found.auth_time, time.time()) else None  # not past max_age
        # The request's max_age refused a session of the policy's kind (prompt=none has no login); the other kind's is
        # none to it (below), whatever its age: 90077, never 90121's "exceeds the specified maximum age".
        too_old = found is not None and session is None and (found.journey is None) == (policy.journey is None)
        if policy.journey is not None:
            return await self._authorize_run(request, policy, rp, lang, session, too_old=too_old)
        # A session a custom policy wrote is not a user flow's: B2C applies no single sign-on between the two kinds, either
        # way (MicrosoftDocs/azure-docs#53226; mocks/b2c/README.md, Decisions), as a custom policy takes no user flow's.
        session = session if session is not None and session.journey is None else None
        user = self.tenant.directory.get(session.object_id) if session else None
        if session is not None and user is not None:
            return self._respond(policy, rp, Authentication(user, session.auth_time), lang)  # SSO: no page at all
        if rp.prompt == "none":
            return self._deliver_error(delivery_for(rp), no_silent_sign_in(too_old=too_old), lang=lang)

        csrf = csrf_from_cookie(request) or new_csrf()
        transaction = self.tenant.transactions.start(csrf=csrf, policy=policy, request=rp, locale=lang,
                                                     correlation_id=new_correlation_id(),
                                                     browser_languages=request.headers.get("accept-language"))
        provider = policy.provider_for_domain(rp.domain_hint) if rp.domain_hint else None
        if provider is not None:
            response = await self._start_exchange(transaction, provider)
        else:
            response = pages.unified(self.settings, transaction)
        self.tenant.cookies.set(response, CSRF_COOKIE, csrf)
        self.tenant.cookies.set(response, TRANS_COOKIE, trans_cookie_value(trans_cookie_ids(request), transaction))
        return response

    async def _authorize_run(self, request: Request, policy: Policy, rp: RelyingPartyRequest, lang: str, session: SsoSession | None, *,
                             too_old: bool) -> Response:
        """A custom policy run from its XML: SSO and domain_hint are decided by its journey. ``session``: the one the request
        takes (none with prompt=login or past max_age, ``too_old`` then)."""
        if rp.prompt == "none" and self._sso_run(session) is None:
            return self._deliver_error(delivery_for(rp), no_silent_sign_in(too_old=too_old), lang=lang)
        csrf = csrf_from_cookie(request) or new_csrf()
        transaction = self.tenant.transactions.start(csrf=csrf, policy=policy, request=rp, locale=lang,
                                                     correlation_id=new_correlation_id(),
                                                     browser_languages=request.headers.get("accept-language"))
        response = await self._run_authorize(transaction, session)
        self.tenant.cookies.set(response, CSRF_COOKIE, csrf)
        self.tenant.cookies.set(response, TRANS_COOKIE, trans_cookie_value(trans_cookie_ids(request), transaction))
        return response

    # --- the hosted pages' API -------------------------------------------------------------------

    async def journey_api(self, request: Request) -> Response:
        policy = None
        try:
            policy = self._policy(request)
            params = request.query_params
            transaction = self._transaction(request, single(params, "tx"), single(params, "csrf_token"))
        except (B2CError, ParameterError) as error:
            return self._error_page(error if isinstance(error, B2CError) else B2CError("AADB2C90046"), policy=policy, request=request)
        if transaction.policy.key != policy.key:
            return self._error_page(B2CError("AADB2C90046"), transaction=transaction)
        api, action = request.path_params["api"].lower(), request.path_params["action"].lower()
        lang = transaction.locale
        if transaction.run is not None:
            if api == "combinedsigninandsignup" and action == "unified" and params.get("claimsexchange"):
                return await self._run_choose(transaction, params["claimsexchange"])
            if api == "combinedsigninandsignup" and action == "unified" and params.get("local") == "signup":
                return await self._run_local_sign_up(transaction)
            if api == "selfasserted" and action == "confirmed":
                return await self._run_confirmed(transaction)
            if api == "selfasserted" and action == "cancelled" and (transaction.run.page is not None or transaction.run.confirmable):
                self.tenant.transactions.drop(transaction.id)
                cancel = B2CError("AADB2C90091", error="access_denied")
                return self._deliver_error(delivery_for(transaction.request), _localized(cancel, lang), lang=lang, transaction=transaction)
        if api == "combinedsigninandsignup":
            if action == "unified":
                exchange = params.get("claimsexchange")
                if exchange:
                    provider = policy.provider(exchange)
                    # A second click (or Back, then a click) while the provider's answer is awaited starts its exchange
                    # again; once the answer came (the new user's profile page), the choice is made.
                    if provider is None or transaction.idp_claims is not None:
                        return self._error_page(B2CError("AADB2C90046"), transaction=transaction)
                    return await self._start_exchange(transaction, provider)
                if params.get("local") == "signup":  # no B2C code: a tenant runs it
                    return self._error_page(NotExecutedStep(
                        "local account sign-up (mocks/b2c/README.md); sign up with an identity provider instead "
                        f"[{policy.policy_id}, its sign-in page's 'Sign up now' link]"), transaction=transaction)
                return pages.unified(self.settings, transaction)
            if action == "forgotpassword":
                # Neither policy has self-service password reset, so B2C hands the click to the app.
                self.tenant.transactions.drop(transaction.id)
                return self._deliver_error(delivery_for(transaction.request), B2CError("AADB2C90118", error="access_denied"), lang=lang,
                                           transaction=transaction)
            if action == "confirmed":
                return self._error_page(B2CError("AADB2C90046"), transaction=transaction)  # no local sign-in can have succeeded
        if api == "selfasserted" and transaction.idp_claims is not None:
            if action == "confirmed" and transaction.self_asserted is not None:
                return self._complete_sign_up(transaction)
            if action == "cancelled":
                self.tenant.transactions.drop(transaction.id)
                cancel = B2CError("AADB2C90091", error="access_denied")
                return self._deliver_error(delivery_for(transaction.request), _localized(cancel, lang), lang=lang, transaction=transaction)
        return self._error_page(B2CError("AADB2C90046"), transaction=transaction)

    async def self_asserted(self, request: Request) -> Response:
        """The pages' XHR: ``POST SelfAsserted?tx=...&p=...`` with ``X-CSRF-TOKEN``."""
        try:
            policy = self._policy(request)
            transaction = self._transaction(request, single(request.query_params, "tx"), request.headers.get("x-csrf-token"))
        except (B2CError, ParameterError):
            return xhr("400", "AADB2C90046", B2CError("AADB2C90046").message)
        t = strings(transaction.locale)
        if transaction.policy.key != policy.key:
            return xhr("400", "AADB2C90046", B2CError("AADB2C90046").message)
        form = await self._form(request)
        if transaction.run is not None:
            try:
                if single(form, "request_type") != "RESPONSE":
                    return xhr("400", "AADB2C90046", t["unknown_error"])
            except ParameterError:
                return xhr("400", None, t["field_incorrect"])
            return self._run_self_asserted(transaction, form)
        try:
            if single(form, "request_type") != "RESPONSE":
                return xhr("400", "AADB2C90046", t["unknown_error"])
            if transaction.idp_claims is None:
                # The unified page's local-account sign-in: the directory has no local accounts.
                return xhr("400", "AADB2C90053", t["UserMessageIfClaimsPrincipalDoesNotExist"])
            values = {}
            for claim in policy.self_asserted_claims:
                value = (single(form, claim, max_length=256) or "").strip()
                if claim in policy.required_self_asserted and not value:
                    return xhr("400", None, t["required_field_missing"])
                values[claim] = value
        except ParameterError:
            return xhr("400", None, t["field_incorrect"])
        transaction.self_asserted = values
        return xhr("200", None, None)

    def _complete_sign_up(self, transaction: JourneyTransaction) -> Response:
        claims = dict(transaction.idp_claims or {})
        for claim, value in (transaction.self_asserted or {}).items():  # the page's values win, an emptied field's too:
            if value:                                                       # a claim left without a value is none (README, Decisions)
                claims[claim] = value
            else:
                claims.pop(claim, None)
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
            return self._error_page(B2CError("AADB2C90255", (exchange.exchange_id,)), transaction=transaction)
        transaction.exchange = None
        rp = transaction.request

        if idp_error is not None:
            if Fault.IDP_ERROR_SWALLOWED in self.settings.faults:
                return pages.unified(self.settings, transaction)
            self.tenant.transactions.drop(transaction.id)
            outer = "access_denied" if idp_error == "access_denied" else "server_error"
            return self._deliver_error(delivery_for(rp), B2CError("AADB2C90273", (idp_error_text(idp_error, idp_description),), error=outer),
                                       lang=lang, transaction=transaction)
        if code is None:
            self.tenant.transactions.drop(transaction.id)
            error = B2CError("AADB2C90273", ("Error: invalid_response,Error Description: the response contains no code",), error="server_error")
            return self._deliver_error(delivery_for(rp), error, lang=lang, transaction=transaction)
        try:
            claims = await self.tenant.federation.complete(transaction.policy, provider, code=code, nonce=exchange.nonce,
                                                           request=transaction.request, correlation_id=transaction.correlation_id)
        except B2CError as error:
            # The back channel failed (unreachable, refused, a bad token): B2C tells the app, as error=server_error with
            # the AADB2C code (public traces of AADB2C90289 at apps' redirect URIs; README, Decisions).
            self.tenant.transactions.drop(transaction.id)
            return self._deliver_error(delivery_for(rp), error, lang=lang, transaction=transaction)
        if transaction.run is not None:
            return await self._run_federated(transaction, claims)

        user = self.tenant.directory.find_social(str(claims["identityProvider"]), str(claims["issuerUserId"]))
        if user is not None:
            self.tenant.transactions.drop(transaction.id)
            auth = Authentication(user, int(time.time()))
            return self._signed_in(self._respond(transaction.policy, rp, auth, lang), auth)
        transaction.idp_claims = claims  # SelfAsserted-Social: the user confirms the profile first
        if not transaction.policy.self_asserted_claims:
            transaction.self_asserted = {}  # nothing to ask: write the user at once
            return self._complete_sign_up(transaction)
        return pages.self_asserted(self.settings, transaction)


def no_silent_sign_in(*, too_old: bool) -> B2CError:
    """prompt=none that a session cannot answer: none (AADB2C90077), or one older than the request's max_age (90121)."""
    return B2CError("AADB2C90121", error="interaction_required") if too_old else B2CError("AADB2C90077", ("None",), error="interaction_required")


def _localized(error: B2CError, lang: str) -> B2CError:
    """AADB2C90091's text follows ui_locales (seen in Spanish in the wild)."""
    text = strings(lang).get(error.code)
    if text is None:
        return error
    error.override = text
    return error
