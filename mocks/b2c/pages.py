"""HTML of the hosted pages: the template with ``<div id="api">``, SETTINGS and CONTENT.

The unified, self-asserted and error pages are rendered by static/b2c.js from
SETTINGS (B2C's keys: api, csrf, transId, hosts, locale, SA_FIELDS, ...) and
CONTENT (the page strings), after load, as B2C builds them (reference b2c.md,
Addendum: the error page too). The form_post page needs no script to show its content.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.responses import HTMLResponse

from mocks.b2c.errors import B2CError, NotExecutedStep
from mocks.b2c.policy import Policy, PolicyKind, TechnicalProfile
from mocks.b2c.sessions import JourneyTransaction
from mocks.b2c.settings import B2CSettings, fill_in
from mocks.b2c.strings import strings

if TYPE_CHECKING:
    import jinja2

    from mocks.b2c.page_content import PageTemplate


@functools.cache
def _env() -> jinja2.Environment:
    # Built at the first page, not at import: Jinja2 is ~15 ms of the stack's start.
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                              autoescape=jinja2.select_autoescape(["html"]))


# Self-asserted claims: control type and help text (the starter pack's ClaimsSchema UserHelpText).
CLAIM_HELP = {
    "displayName": "Your display name.",
    "givenName": "Your given name (also known as first name).",
    "surname": "Your surname (also known as family name or last name).",
    "email": "Email address that can be used to contact you.",
}
NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache", "X-Frame-Options": "DENY"}


def _script_json(data: Any) -> Markup:
    """JSON safe inside <script>: no '</script>' or '<!--' can close or confuse the element."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _page(template: str, *, lang: str, html_lang: bool = True, build_delay: float = 0.0, team_template: PageTemplate | None = None,
          **context: Any) -> HTMLResponse:
    """``html_lang`` False: no ``<html lang>``, as B2C's Ocean Blue pages without language customization. ``build_delay``:
    seconds after load that static/b2c.js builds the page (``B2CSettings.page_build_delay``). ``team_template``: the page
    in the team's own template (its content definition's LoadUri, --page-content) instead of ``template``, with B2C's
    head parts (``b2c_head.html``, as in the emulator's own layout) added and its ``<html lang>`` set only where
    ``html_lang`` says B2C sets it, else left as the team wrote it (reference b2c.md, Unconfirmed: B2C sets it from
    ``ui_locales`` only with language customization; Classic hard-codes its own)."""
    values = dict(lang=lang, html_lang=lang if html_lang else None, t=strings(lang),
                  build_delay_ms=max(1, round(build_delay * 1000)) if build_delay else 0, **context)
    if team_template is not None:
        head = _env().get_template("b2c_head.html").render(**values)
        html = team_template.render(head, lang=lang if html_lang else None, correlation_id=context["correlation_id"])
    else:
        html = _env().get_template(template).render(**values)
    return HTMLResponse(html, headers=NO_STORE)


def _settings(settings: B2CSettings, transaction: JourneyTransaction, api: str) -> dict[str, Any]:
    policy = transaction.policy
    return {
        "remoteResource": f"{settings.base_url}/static/{'unified' if api != 'SelfAsserted' else 'selfAsserted'}.html",
        "retryLimit": 7,
        "trimSpacesInPassword": True,
        "api": api,
        "csrf": transaction.csrf,
        "transId": transaction.state_properties,
        "pageViewId": str(uuid.uuid4()),
        "suppressElementCss": False,
        "isPageViewIdSentWithHeader": False,
        "allowAutoFocusOnPasswordField": True,
        "pageMode": 0,
        "config": {"showSignupLink": "True", "enableRememberMe": False, "operatingMode": "Email"},
        "hosts": {
            "tenant": f"/{settings.domain}/{policy.policy_id}",
            "policy": policy.policy_id,
            "static": f"{settings.base_url}/static/",
        },
        "locale": {"lang": transaction.locale},
        "correlationId": transaction.correlation_id,
    }


def _team_template(settings: B2CSettings, transaction: JourneyTransaction, content_definition: str | None,
                   page: dict[str, Any]) -> PageTemplate | None:
    """The team's template of the page's content definition, if it has one; its SETTINGS then name it as
    ``remoteResource``, as B2C names the template it fetched (README, Decisions: SETTINGS keys)."""
    template = settings.page_template(transaction.policy, content_definition, transaction.locale)
    if template is not None:
        page["remoteResource"] = template.load_uri
    return template


def _sign_in_name(settings: B2CSettings, transaction: JourneyTransaction, profile: TechnicalProfile | None) -> str | None:
    """What the local account form's sign-in name starts with. A user flow: the app's ``login_hint`` (reference b2c.md,
    direct sign-in). A custom policy: what its local sign-in profile's signInName InputClaim gives (the starter pack's
    ``DefaultValue="{OIDC:LoginHint}"``), its claim resolvers filled in where the profile resolves claims, as B2C fills
    them in; nothing when the profile has no such claim, whatever the app sent. ``profile``: the custom policy's local
    sign-in profile."""
    policy = transaction.policy
    if policy.journey is None:
        return transaction.request.login_hint
    default = next((c.default for c in profile.input_claims if c.claim_type == "signInName" and c.default), None) if profile else None
    if profile is None or default is None:
        return None
    # The resolvers the journey's orchestrator fills in (journey_run.py ``orchestrator``), {Context:CorrelationId} among them.
    resolvers = settings.claim_resolvers(policy, transaction.request, transaction.correlation_id)
    return fill_in(default, resolvers) if profile.resolves_claims else default


# B2C's UxElement string ids (page layout 2.x, learn.microsoft.com localization-string-ids) a custom policy may give each
# page the emulator draws, and the page string (strings.py) each one replaces. Others are not applied: ids of layouts
# before 2.0 (createaccount_link, local_intro_email, requiredField_password), texts with placeholders the emulator does not fill in
# (local_intro_generic's {0}, createaccount_two_links), and the emulator's own keys (title_unified, working).
SIGN_IN_PAGE_STRINGS = {string_id: string_id for string_id in (
    "heading", "social_intro", "divider_title", "forgotpassword_link", "createaccount_intro", "button_signin", "unknown_error")} | {
    "createaccount_one_link": "createaccount_link"}
PROFILE_PAGE_STRINGS = {string_id: string_id for string_id in ("initial_intro", "button_continue", "button_cancel", "required_field")} | {
    "error_requiredFieldMissing": "required_field_missing", "error_fieldIncorrect": "field_incorrect",
    "error_passwordEntryMismatch": "password_mismatch", "helplink_text": "help_link"}


def _with_own_strings(t: Mapping[str, str], own: Mapping[str, str], applied: Mapping[str, str]) -> dict[str, str]:
    """The page's strings ``t`` with the policy's own texts in place of B2C's (a custom policy's UxElement LocalizedStrings),
    for the string ids ``applied`` names (``SIGN_IN_PAGE_STRINGS``, ``PROFILE_PAGE_STRINGS``)."""
    return {**t, **{applied[string_id]: text for string_id, text in own.items() if string_id in applied}}


def unified(settings: B2CSettings, transaction: JourneyTransaction) -> HTMLResponse:
    policy: Policy = transaction.policy
    page = _settings(settings, transaction, "CombinedSigninAndSignup")
    # A custom policy's step that shows this page: its local sign-in profile's settings and its content definition's texts.
    step = policy.journey.steps[transaction.run.index] if policy.journey is not None else None
    # Each button reads its technical profile's DisplayName, or the ClaimsProvider LocalizedString of its ClaimsExchange Id
    # in the page's language where the sign-in step's content definition gives one (reference b2c.md 1.3).
    buttons = policy.journey.button_texts(step.content_definition, transaction.locale) if policy.journey is not None and step is not None else {}
    page["claimsProviders"] = [{"id": p.exchange_id, "name": buttons.get(p.exchange_id, p.display_name)} for p in policy.identity_providers]
    local = policy.journey.local_sign_in_profile(step) if policy.journey is not None and step is not None else None
    if local is not None and not local.shows_signup_link:  # as SETTINGS.config carries it (reference b2c.md 1.1)
        page["config"] = {**page["config"], "showSignupLink": "False"}
    if local is not None and not local.shows_forgot_password:  # how B2C's page carries it is not in the reference: a choice
        page["config"] = {**page["config"], "forgotPasswordLinkLocation": "None"}
    if policy.show_local_account_form:
        page["localAccount"] = {
            # Custom policies (starter pack) ask for signInName; user flows with email sign-in for email.
            "field": "signInName" if policy.kind is PolicyKind.CUSTOM_POLICY else "email",
            "loginHint": _sign_in_name(settings, transaction, local),
        }
    t = strings(transaction.locale)
    if policy.journey is not None and step is not None:
        t = _with_own_strings(t, policy.journey.page_strings(step.content_definition, transaction.locale), SIGN_IN_PAGE_STRINGS)
    team_template = _team_template(settings, transaction, step.content_definition if step is not None else None, page)
    return _page("layout.html", lang=transaction.locale, html_lang=settings.customizes_language(transaction.policy), title=t["title_unified"],
                 container_class="unified_container", build_delay=settings.page_build_delay, correlation_id=transaction.correlation_id,
                 settings_json=_script_json(page), content_json=_script_json(t), team_template=team_template)


def self_asserted(settings: B2CSettings, transaction: JourneyTransaction, fields: tuple[tuple[str, str, bool, str], ...] | None = None,
                  shows_cancel: bool = True, own_strings: Mapping[str, str] | None = None,
                  content_definition: str | None = None) -> HTMLResponse:
    """``fields``: (claim type, label, required, prefill) from a policy's self-asserted profile, labelled as the policy
    says (B2C translates no claim type of a custom policy); else the built-in page, labelled in its language.
    ``shows_cancel``: the profile's ``setting.showCancelButton`` (B2C shows Cancel unless it is false). ``own_strings``: the
    policy's texts for the page's buttons and intro (its content definition's UxElements). ``content_definition``: the
    profile's ContentDefinitionReferenceId, whose LoadUri may name the team's own template."""
    t = _with_own_strings(strings(transaction.locale), own_strings or {}, PROFILE_PAGE_STRINGS)
    claims = transaction.idp_claims or {}
    if fields is None:
        fields = tuple((c, t.get(c, c), c in transaction.policy.required_self_asserted, _text(claims.get(c))) for c in transaction.policy.self_asserted_claims)
    page = _settings(settings, transaction, "SelfAsserted")
    if not shows_cancel:  # only when the profile says so: b2c.md lists no such key in a default page's config
        page["config"] = {**page["config"], "showCancelButton": "False"}
    drawn_as = transaction.policy.journey.input_types if transaction.policy.journey is not None else {}  # user flows: text boxes
    page["SA_FIELDS"] = {
        "AttributeFields": [
            {"ID": claim, "DN": label, "HELP": CLAIM_HELP.get(claim, ""), "IS_REQ": required, "PRE": prefill,
             "UX_INPUT_TYPE": drawn_as.get(claim, "TextBox")}
            for claim, label, required, prefill in fields
        ]
    }
    team_template = _team_template(settings, transaction, content_definition, page)
    return _page("layout.html", lang=transaction.locale, html_lang=settings.customizes_language(transaction.policy),
                 title=t["title_selfasserted"], container_class="self_asserted_container", build_delay=settings.page_build_delay,
                 correlation_id=transaction.correlation_id, settings_json=_script_json(page), content_json=_script_json(t),
                 team_template=team_template)


ERROR_PAGE_STRINGS = ("error_heading", "error_help", "correlation_id", "timestamp")


def error(err: B2CError | NotExecutedStep, *, lang: str = "en", detail: str | None = None, html_lang: bool = True, build_delay: float = 0.0,
          team_template: PageTemplate | None = None) -> HTMLResponse:
    """B2C's error page; ``detail`` goes after the code and its text, as every real error page leads with its code (the
    suite's dead-end detection reads it); a ``NotExecutedStep`` (a step the emulator does not run) shows its refusal alone,
    in B2C's markup, as no B2C code is its. ``team_template``: the policy's ``api.error``
    content definition's, where its LoadUri names the team's own."""
    t = strings(lang)
    page = {"api": "GlobalException", "correlationId": err.correlation_id, "timestamp": err.when,
            "errorDetail": f"{err.detail} {detail}" if detail else err.detail, "locale": {"lang": lang}}
    content = {key: t[key] for key in ERROR_PAGE_STRINGS}  # its own words only: no other page's message (a code) in its source
    return _page("layout.html", lang=lang, html_lang=html_lang, title=t["title_error"], container_class="self_asserted_container",
                 build_delay=build_delay, correlation_id=err.correlation_id, settings_json=_script_json(page), content_json=_script_json(content),
                 team_template=team_template)


def form_post(action: str, fields: list[tuple[str, str]], *, lang: str = "en") -> HTMLResponse:
    return _page("form_post.html", lang=lang, action=action, fields=fields)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
