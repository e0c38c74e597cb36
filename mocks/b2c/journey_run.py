"""The hosted pages and answers of a custom policy whose journey is executed from its XML.

``UserJourneyHandlers`` (mocks/b2c/journey.py) hands a transaction here when its policy carries a
``UserJourney``; ``Orchestrator`` (mocks/b2c/orchestration.py) decides what comes next and this
module turns it into the page, the redirect to the identity provider, or the answer to the app.
A step the emulator does not execute shows B2C's error page with the reason and what to change.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData
from starlette.responses import Response

from mocks.b2c import pages
from mocks.b2c.claims_transformations import NotExecuted
from mocks.b2c.directory import User
from mocks.b2c.errors import NOT_EXECUTED_PREFIX, B2CError, NotExecutedStep
from mocks.b2c.orchestration import (
    ClaimVerificationFailed,
    Federate,
    JourneyRun,
    Orchestrator,
    SendClaims,
    ShowSelfAsserted,
    ShowUnified,
    session_claims,
)
from mocks.b2c.policy import IdentityProvider, Policy, UserJourney
from mocks.b2c.sessions import JourneyTransaction, RelyingPartyRequest
from mocks.b2c.strings import strings
from mocks.b2c.tokens import Authentication
from mocks.b2c.web import xhr
from mocks.common.params import ParameterError, single

if TYPE_CHECKING:
    from starlette.requests import Request

    from mocks.b2c.settings import B2CSettings
    from mocks.b2c.tenant import Tenant

def journey_of(transaction: JourneyTransaction) -> UserJourney:
    """The transaction's policy journey; only custom policies run from their XML come here."""
    journey = transaction.policy.journey
    if journey is None:
        raise B2CError("AADB2C90046")
    return journey


class PolicyJourney:
    """Mixin of ``UserJourneyHandlers``: the custom-policy side. Needs ``tenant``, ``settings``, ``_respond``, ``_start_exchange``."""

    tenant: Tenant
    settings: B2CSettings

    if TYPE_CHECKING:  # provided by TenantHandlers and UserJourneyHandlers, the classes this one is mixed into
        def _error_page(self, error: B2CError | NotExecutedStep, *, policy: Policy | None = None, detail: str | None = None,
                        transaction: JourneyTransaction | None = None, request: Request | None = None) -> Response: ...
        def _respond(self, policy: Policy, rp: RelyingPartyRequest, auth: Authentication, lang: str) -> Response: ...
        async def _start_exchange(self, transaction: JourneyTransaction, provider: IdentityProvider,
                                  parameters: tuple[tuple[str, str], ...] = ()) -> Response: ...

    def orchestrator(self, transaction: JourneyTransaction) -> Orchestrator:
        """The journey's steps for ``transaction``: claim resolvers of its policy, the app's request and the transaction."""
        policy = transaction.policy
        return Orchestrator(self.tenant.directory, self.settings.claim_resolvers(policy, transaction.request, transaction.correlation_id),
                            transformation_resolvers=self.settings.claim_resolvers(policy))

    def _sso_run(self, session: Any) -> JourneyRun | None:
        saved = getattr(session, "journey", None) if session is not None else None
        if not saved:
            return None
        return JourneyRun(bag=dict(saved["claims"]), chosen=saved["chosen"], sso_executed=frozenset(saved["executed"]))

    async def _run(self, transaction: JourneyTransaction, *, domain_hint: str | None = None, auth_time: int | None = None) -> Response:
        """Advance the transaction's journey to its next page, redirect or answer."""
        policy, run = transaction.policy, transaction.run
        try:
            outcome = self.orchestrator(transaction).advance(policy, run, domain_hint=domain_hint)
        except NotExecuted as refusal:
            self.tenant.transactions.drop(transaction.id)
            return self._not_executed_page(transaction, refusal)
        except B2CError as error:
            self.tenant.transactions.drop(transaction.id)
            return self._error_page(error, transaction=transaction)
        if isinstance(outcome, ShowUnified):
            return pages.unified(self.settings, transaction)
        if isinstance(outcome, Federate):
            run.federating = outcome.profile.id
            return await self._start_exchange(transaction, outcome.provider, outcome.parameters)
        if isinstance(outcome, ShowSelfAsserted):
            run.fields = outcome.fields
            journey = journey_of(transaction)
            labels = journey.page_labels(outcome.profile, transaction.locale)
            fields = tuple((claim, labels.get(claim, label), required, prefill) for claim, label, required, prefill in outcome.fields)
            definition = outcome.profile.metadata.get("ContentDefinitionReferenceId")
            own = journey.page_strings(definition, transaction.locale)
            return pages.self_asserted(self.settings, transaction, fields=fields, shows_cancel=outcome.profile.shows_cancel, own_strings=own,
                                       content_definition=definition)
        assert isinstance(outcome, SendClaims)
        return self._send_claims(transaction, outcome.bag, auth_time or getattr(run, "auth_time", None))

    def _not_executed_page(self, transaction: JourneyTransaction, refusal: NotExecuted) -> Response:
        """B2C's error page saying the emulator does not execute what the journey reached (where in the files, why, what to
        change), then the policy and the step (its order and type): no AADB2C code, as B2C has none for it. The policy and
        step last: a run's cause (fixtures/causes.py) keeps the refusal's first words, MFA read as MFA."""
        policy, run = transaction.policy, transaction.run
        journey = policy.journey
        steps = journey.steps if journey is not None else ()
        step = steps[run.index] if run is not None and run.index < len(steps) else None
        at = f"{policy.policy_id}, user journey {journey.id}" if journey is not None else policy.policy_id
        if step is not None:
            at += f", orchestration step {step.order} ({step.type})"
        return self._error_page(NotExecutedStep(f"{refusal} [{at}]"), transaction=transaction)

    def _send_claims(self, transaction: JourneyTransaction, bag: dict[str, Any], auth_time: int | None) -> Response:
        run: JourneyRun = transaction.run
        object_id = str(bag.get("objectId") or "")
        user = self.tenant.directory.get(object_id) if object_id else None
        if user is None:  # a journey that never read or wrote the directory: the token says what the bag says
            user = User(object_id, str(bag.get("identityProvider") or ""), "")
        auth = Authentication(user, auth_time or int(time.time()), new_user=bag.get("newUser") is True, claims=dict(bag),
                              correlation_id=transaction.correlation_id)
        self.tenant.transactions.drop(transaction.id)
        response = self._respond(transaction.policy, transaction.request, auth, transaction.locale)
        session = self.tenant.sessions.start(object_id=user.object_id, identity_provider=user.identity_provider, auth_time=auth.auth_time)
        session.journey = {"claims": session_claims(transaction.policy, run), "executed": list(run.executed), "chosen": run.chosen}
        self.tenant.cookies.set(response, self.tenant.cookies.sso_cookie, session.id)
        return response

    # --- entry points from UserJourneyHandlers ----------------------------------------------------

    async def _run_authorize(self, transaction: JourneyTransaction, session: Any) -> Response:
        """The journey's start, from ``session``'s single sign-on where the request takes it (journey.py decides)."""
        sso = self._sso_run(session)
        transaction.run = sso or JourneyRun()
        auth_time = session.auth_time if sso is not None else None
        if sso is not None:
            transaction.run.auth_time = auth_time
        return await self._run(transaction, domain_hint=transaction.request.domain_hint, auth_time=auth_time)

    async def _run_choose(self, transaction: JourneyTransaction, exchange_id: str) -> Response:
        policy: Policy = transaction.policy
        run: JourneyRun = transaction.run
        # A second click (or Back, then a click) while the first provider's answer is awaited starts that exchange again,
        # as a user flow's does; past the provider's answer the choice is made.
        if policy.provider(exchange_id) is None or (run.chosen is not None and run.federating is None):
            return self._error_page(B2CError("AADB2C90046"), transaction=transaction)
        transaction.run.chosen = exchange_id
        return await self._run(transaction)

    async def _run_local_sign_up(self, transaction: JourneyTransaction) -> Response:
        """"Sign up now": the local sign-in profile's SignUpTarget exchange."""
        journey = journey_of(transaction)
        local = journey.local_sign_in_profile(journey.steps[transaction.run.index])
        target = local.metadata.get("SignUpTarget") if local else None
        if not target:
            return self._error_page(B2CError("AADB2C90046"), transaction=transaction)
        transaction.run.chosen = target
        return await self._run(transaction)

    async def _run_federated(self, transaction: JourneyTransaction, claims: dict[str, Any]) -> Response:
        run: JourneyRun = transaction.run
        federating, run.federating = run.federating, None
        if federating is None:
            return self._error_page(B2CError("AADB2C90046"), transaction=transaction)
        profile = journey_of(transaction).profiles[federating]
        try:
            self.orchestrator(transaction).federated(transaction.policy, run, profile, claims)
        except NotExecuted as refusal:
            return self._not_executed_page(transaction, refusal)
        return await self._run(transaction)

    def _run_self_asserted(self, transaction: JourneyTransaction, form: FormData) -> Response:
        run: JourneyRun = transaction.run
        t = strings(transaction.locale)
        if run.confirmable:  # posted again (a double click) before the browser moved on: the page's answer stands
            return xhr("200", None, None)
        if run.page is None:  # the unified page's local-account form
            journey = journey_of(transaction)
            profile = journey.local_sign_in_profile(journey.steps[run.index])
            reason = profile.not_executed if profile is not None else None
            if reason:  # no B2C code: a tenant runs the step (its AADB2C90053 said no account was found)
                return xhr("400", None, NOT_EXECUTED_PREFIX + reason)
            return xhr("400", "AADB2C90053", t["UserMessageIfClaimsPrincipalDoesNotExist"])
        values = {}
        journey = journey_of(transaction)
        try:
            for claim, _label, required, _ in run.fields:
                value = (single(form, claim, max_length=256) or "").strip()
                if required and not value:
                    return xhr("400", None, t["required_field_missing"])
                if value and (wrong := self._not_as_typed(journey, claim, value, t)) is not None:
                    return wrong
                values[claim] = value
        except ParameterError:
            return xhr("400", None, t["field_incorrect"])
        try:
            self.orchestrator(transaction).submitted(transaction.policy, run, values)
        except NotExecuted as refusal:
            return xhr("400", None, NOT_EXECUTED_PREFIX + str(refusal))
        except ClaimVerificationFailed as failed:
            return xhr("400", None, str(failed))
        except B2CError as error:
            return xhr("400", error.code, error.message)
        run.confirmable = True
        return xhr("200", None, None)

    @staticmethod
    def _not_as_typed(journey: UserJourney, claim: str, value: str, t: Mapping[str, str]) -> Response | None:
        """The page's answer to a value its claim type does not take, else None: its Restriction's Pattern (matched as .NET's
        Regex.IsMatch does, the pattern's own anchors deciding), said with its HelpText, as B2C checks it again on the
        server; digits alone for an int or long claim."""
        if pattern := journey.patterns.get(claim):
            try:
                matches = re.search(pattern[0], value) is not None
            except re.error as error:  # .NET syntax Python's regular expressions do not read
                return xhr("400", None, f"{NOT_EXECUTED_PREFIX}claim type {claim!r}: its Restriction's Pattern is not a regular "
                                        f"expression the emulator reads ({error}); write it in the syntax both share, or take it out")
            if not matches:
                return xhr("400", None, pattern[1].strip() or t["field_incorrect"])
        if journey.data_types.get(claim) in ("int", "long") and not re.fullmatch(r"[+-]?\d+", value):
            return xhr("400", None, t["field_incorrect"])
        return None

    async def _run_confirmed(self, transaction: JourneyTransaction) -> Response:
        if not getattr(transaction.run, "confirmable", False):
            return self._error_page(B2CError("AADB2C90046"), transaction=transaction)
        transaction.run.confirmable = False
        return await self._run(transaction)
