"""Read a HAR of a B2C sign-in (what users send with a bug report) and name what went wrong.

Everything is read from what the browser saw, so it works on a HAR from a real tenant as well as
one recorded against the local stack: the authorize request (policy, client id, ui_locales,
domain_hint, prompt, login_hint, redirect URI), B2C's answer (the error in the redirect's
Location, or its error page), the correlation ID, and Mobile ID's error as B2C received it on
``/oauth2/authresp``. Only decoded facts are printed, never a token.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, unquote_plus, urlsplit

from fixtures.addresses import at_address
from fixtures.causes import AADB2C_CODE, CORRELATION_ID, GUID
from fixtures.redaction import JWT_PLACEHOLDER, PHONE, mask_phone_numbers, masked, redact_text
from fixtures.settings import BROWSER_LOCALE, POLICY_NAME, as_language_tags, bad_language_tags
from fixtures.stack_description import StackDescription
from mocks.common.hosts import TENANT_NAME
from mocks.common.languages import accepted_languages
from repro.outcomes import PROMPTS, outcome_for_mid_code, outcome_for_number

# /{tenant}/{policy}/oauth2/v2.0/authorize, ?p={policy} instead of the path's, or the /tfp/ form older MSAL.js libraries send.
AUTHORIZE = re.compile(r"^/(?:tfp/)?(?P<tenant>[^/]+)/(?:(?P<policy>b2c_1a?_[^/]+)/)?oauth2/v2\.0/authorize$", re.I)
MID = re.compile(r"(mid_[a-z]+_\d{4})(?:_([A-Z0-9]+))?(?:\s*-\s*([^'\"\r\n<&]*))?")
ERROR_PAGE = re.compile(r"GlobalException|error-page-content")
# Mobile ID refusing the request on a page of its own, before any sign-in (docs/contracts.md: #mid-error)
MID_ERROR_PAGE = re.compile(r"""id=["']?mid-error\b""")
# Mobile ID's waiting page shows the transaction's trace id (docs/contracts.md: #transaction-number).
TRANSACTION = re.compile(r'id="transaction-number"[^>]*>\s*([A-Z0-9]{4,16})\s*<')
# B2C's profile page (only a new user sees it): the server sends SETTINGS with api "SelfAsserted";
# data-name="SelfAsserted" is set by B2C's script after load, so it is in the HTML only of a saved page.
SELF_ASSERTED = re.compile(r"data-name=\"SelfAsserted\"|\"api\"\s*:\s*\"SelfAsserted\"")
# A phone number of any country as a login hint may hold it: a run of 8 or more digits, spaces or dashes between them;
# in a hint encoded twice (encoded_twice), its + and spaces still escaped: %2B4915112345678, 079%20123%2045%2067.
NUMBER = re.compile(r"(?<![\w*])(?:\+|%2[Bb])?\d(?:(?:[\s-]|%20)?\d){7,}")


def number_forms(hint: str | None) -> list[str]:
    """A login hint that is a phone number of any country (``NUMBER``), in each form a run writes it: as given,
    URL-encoded, without its spaces, and its digits alone (which any writing of its + leaves whole); none for another
    hint. For a tenant run's redaction, whose masking knows Swiss numbers by their shape alone."""
    if not hint or not NUMBER.search(hint):
        return []
    from urllib.parse import quote, quote_plus

    return sorted({hint, quote(hint, safe=""), quote_plus(hint), re.sub(r"\s", "", hint), re.sub(r"\D", "", hint)}, key=len, reverse=True)


NO_AUTHORIZE = "no B2C authorize request (/{tenant}.onmicrosoft.com/{policy}/oauth2/v2.0/authorize) in this HAR"
# Without it the browser's log starts anew at each page, so a HAR saved at the end holds the app's page alone: Chrome's, Edge's
# and Safari's name for it, and Firefox's, whose users looked for the first in vain.
NO_SIGN_IN = f"{NO_AUTHORIZE}; record it from the first page of the sign-in, with 'Preserve log' on (in Firefox: 'Persist Logs')"
AUTHORIZE_PARAMS = ("client_id", "redirect_uri", "ui_locales", "domain_hint", "prompt", "login_hint", "response_type", "response_mode", "scope",
                    "x-client-SKU")  # MSAL's library: a phone's tells the phone (app_platform)
# The repro asks B2C for what jwt.ms takes (fixtures/b2c.py): another app's answer comes in another form, through the same pages.
REPRO_ASKS = {"response_type": "id_token", "response_mode": "fragment"}


@dataclass
class Finding:
    """What a HAR says about one sign-in."""

    host: str = ""
    tenant: str = ""  # its name; "" where the HAR names it by its ID at a custom domain (tenant_id)
    tenant_id: str | None = None  # the tenant's ID where the authorize path names it so (/{tenant-id}/{policy}/...), or
    # what else it names it by that is no tenant name (a domain of the tenant's: /fabrikam.com/{policy}/...)
    policy: str = ""
    # Another policy the request names as ?p= beside its path's (which is read, as the local B2C reads it): said, not chosen.
    policy_in_query: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    repeated: list[str] = field(default_factory=list)  # parameters the request sends more than once, with other values
    unsent: list[str] = field(default_factory=list)  # the app's own parameters, no option sends (a custom policy may read them)
    sent: list[str] = field(default_factory=list)  # the names of every parameter the request sends, but the policy's p
    browser_locale: str | None = None  # the first tag of the browser's Accept-Language that Chromium takes as a locale
    accept_language: str | None = None  # the header itself
    user_agent: str | None = None
    aadb2c_codes: list[str] = field(default_factory=list)
    aadb2c_message: str | None = None
    error: str | None = None  # the OAuth error B2C sent the app
    correlation_id: str | None = None
    mid_code: str | None = None
    mid_trace: str | None = None
    mid_message: str | None = None
    mid_error: str | None = None  # Mobile ID's OAuth error on /oauth2/authresp (access_denied), with a code or without
    mid_error_words: str = ""  # its error_description where it holds no mid_* code (Mobile ID's words alone)
    transactions: list[str] = field(default_factory=list)  # trace ids the waiting page showed
    msisdn: str | None = None
    mid_answered: bool = False  # a request to B2C's /oauth2/authresp: Mobile ID's answer (or error) reached B2C
    profile_page: bool = False
    id_token_claims: dict[str, Any] | None = None
    id_token_redacted: bool = False  # B2C sent an ID token, but the HAR has it redacted (a repro bundle's HAR)
    code_sent: bool = False  # B2C answered with an authorization code (response_type=code)
    attempt: int = 1  # which of the HAR's sign-in attempts this is (each starts at B2C's authorize request)
    attempts: list[str] = field(default_factory=list)  # every attempt in a line, when the HAR holds more than one
    robots: dict[str, str] = field(default_factory=dict, repr=False)  # the numbers with a fixed outcome, to name one
    chosen_journey: str | None = None  # the user's --journey, where the HAR cannot tell (journey_untold)
    # Read from B2C's authorize request alone (a URL, --from-url): nothing of what came of it, nor the browser, is told;
    # the user's --outcome and --device say those (--journey, --browser-locale: chosen_journey, browser_locale).
    request_only: bool = False
    chosen_outcome: str | None = None
    chosen_device: str | None = None

    @property
    def told_by(self) -> str:
        return "URL" if self.request_only else "HAR"

    @property
    def outcome(self) -> str:
        if self.request_only or self.outcome_untold:
            return self.chosen_outcome or "approve"
        if self.msisdn and (by_number := outcome_for_number(self.msisdn, self.robots)):
            return by_number
        if self.mid_code:  # with a number no robot has, a person's own: the user said no, or nothing, on the phone
            return outcome_for_mid_code(self.mid_code, self.mid_message or "", person=bool(self.msisdn)) or "approve"
        return "approve"  # the phone was not the problem (or was never reached)

    @property
    def ends_at_mobile_id(self) -> bool:
        """Whether the HAR ends at Mobile ID after the number was sent (its waiting page: "check your phone"), before its
        answer reached B2C: what the phone did is not in it."""
        answered = self.mid_answered or self.mid_code or self.profile_page or self.sent_id_token or self.code_sent
        return bool(self.msisdn) and not answered

    @property
    def outcome_untold(self) -> bool:
        """Whether the HAR does not say what the phone did: it ends at Mobile ID (ends_at_mobile_id), with a number no
        robot's outcome names."""
        return not self.request_only and self.ends_at_mobile_id and not outcome_for_number(self.msisdn or "", self.robots)

    @property
    def outcome_note(self) -> str:
        """Why the outcome is a pick, where the HAR cannot tell it (outcome_untold), and how to choose another."""
        if not self.outcome_untold:
            return ""
        chosen = "as --outcome says" if self.chosen_outcome else "picked: --outcome timeout beside --from-har replays a phone " \
            "nobody answers, --outcome decline one that declines"
        return f" (the HAR ends at Mobile ID before the phone's answer reached B2C, so it does not say what the phone did; {self.outcome} {chosen})"

    @property
    def unplayed_code(self) -> str | None:
        """Mobile ID's error code when no outcome the repro plays gives it (a system error, a scope the client may not
        use): the rerun is an approval then, which cannot show it."""
        if not self.mid_code or self.outcome != "approve":
            return None
        return self.mid_code

    @property
    def sent_id_token(self) -> bool:
        return self.id_token_claims is not None or self.id_token_redacted

    @property
    def failed(self) -> bool:
        return bool(self.error or self.aadb2c_codes or self.mid_code)

    @property
    def silent(self) -> bool:
        """A check for a session without showing a page (MSAL's ssoSilent, prompt=none): not what a user reports."""
        return self.params.get("prompt") == "none"

    @property
    def journey_untold(self) -> bool:
        """Whether the HAR cannot tell a first sign-in (a sign-up) from a returning user's: Mobile ID answered B2C (a number
        typed, no error of its own), and the HAR ends, or B2C failed, before what tells them apart: B2C's profile page,
        which only a first sign-in shows, or B2C's answer to the app without it."""
        answered = self.sent_id_token or self.code_sent
        return bool(self.msisdn) and not (self.silent or self.mid_code or self.profile_page or answered)

    @property
    def journey(self) -> str:
        if self.request_only:  # not "stopped before Mobile ID", as a HAR of the request alone would be: untold
            return self.chosen_journey or "sign-in"
        if self.chosen_journey and self.journey_untold:
            return self.chosen_journey
        new_user = (self.id_token_claims or {}).get("newUser")
        reached_mobile_id = bool(self.msisdn or self.mid_code or self.sent_id_token)
        # B2C stopped before Mobile ID: who the user is does not matter, and a sign-up needs no user made first. A silent
        # check (prompt=none) is a returning user's by its nature: B2C answers it from a session, never with a page.
        # Stopped between Mobile ID and the profile page (journey_untold): a sign-in, the repro's default, said so.
        if self.silent:
            return "sign-in"
        return "sign-up" if self.profile_page or new_user or not reached_mobile_id else "sign-in"

    @property
    def device(self) -> str | None:
        """The Playwright device the rerun emulates (``--device``): the user's, else the reporter's browser's kind."""
        return self.chosen_device or device_of(self.user_agent)

    @property
    def journey_note(self) -> str:
        """Why the journey is a pick, where the HAR cannot tell (journey_untold), and how to choose the other; and where
        it ends on B2C's own pages before Mobile ID, without an error: nothing there tells who the user was."""
        if not self.journey_untold:
            reached_mobile_id = self.msisdn or self.mid_code or self.mid_answered or self.sent_id_token or self.code_sent
            if self.request_only or self.silent or self.failed or reached_mobile_id or self.journey != "sign-up":
                return ""
            return (" (the HAR ends on B2C's pages before Mobile ID, without an error: who the user was is not in it, and "
                    "does not matter until Mobile ID; sign-up picked, which needs no user made first)")
        other = "sign-up" if self.journey == "sign-in" else "sign-in"
        chosen = "as --journey says" if self.chosen_journey else "picked"
        where = "at Mobile ID (its waiting page), before" if self.ends_at_mobile_id else "between Mobile ID and"
        return (f" (the HAR cannot tell a first sign-in from a returning user's: it ends {where} B2C's profile "
                f"page, which only a first sign-in shows; {self.journey} {chosen}: --journey {other} beside --from-har "
                f"replays a {'first sign-in' if other == 'sign-up' else 'returning user'})")


def _claims(raw: str) -> dict[str, Any] | None:
    try:
        payload = raw.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    return claims if isinstance(claims, dict) else None  # a JWT's payload is an object; anything else is not one


def _body(part: dict[str, Any]) -> str:
    content = part.get("content") or {}
    text = content.get("text") or ""
    if content.get("encoding") == "base64":
        try:
            text = base64.b64decode(text).decode("utf-8", errors="replace")
        except ValueError:
            return ""
    return text


def browser_locale_of(accept_language: str | None) -> str | None:
    """The locale a replay's browser takes for the one whose ``accept_language`` the HAR shows: its first tag that Chromium
    takes, most wanted first (``--browser-locale`` refuses the others, de-CHE or i-klingon, as Chromium would)."""
    return next((tag for tag in accepted_languages(accept_language) if BROWSER_LOCALE.fullmatch(tag)), None)


def shown_locale(found: Finding) -> str:
    """The browser locale a HAR's description names: the one replayed, with the header where its first tag is another."""
    first = next(iter(accepted_languages(found.accept_language)), "")
    if not first or first == found.browser_locale:
        return found.browser_locale or "-"
    replayed = f"{found.browser_locale}, the first tag" if found.browser_locale else "en-US (the default): no tag"
    return f"{replayed} of Accept-Language {found.accept_language!r} a browser takes as its locale ({first!r} is none)"


def _header(part: dict[str, Any], name: str) -> str | None:
    return next((h.get("value") for h in part.get("headers", []) if h.get("name", "").lower() == name), None)


def in_time_order(har: dict[str, Any]) -> list[dict[str, Any]]:
    """The HAR's entries by when each started, as instants: its times may be written with different UTC offsets (Z beside
    +01:00, or a recording across a daylight-saving change), which their text does not order. An entry whose time is missing
    or no ISO time keeps its place in the HAR, just after the entry before it."""
    keyed, last = [], float("-inf")
    for entry in har.get("log", {}).get("entries", []):
        if (started := _started(entry)) is not None:
            last = started
        keyed.append((last, entry))
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]  # stable: equal times keep the HAR's order


def _started(entry: dict[str, Any]) -> float | None:
    """When ``entry`` started (its ``startedDateTime``), as a POSIX time; a time without an offset is read as UTC, the
    offset HAR tools write most; None where it is missing or no time."""
    text = entry.get("startedDateTime")
    if not isinstance(text, str):
        return None
    try:
        started = datetime.fromisoformat(text)
        return (started if started.tzinfo else started.replace(tzinfo=UTC)).timestamp()
    except ValueError:
        return None


def posted_form(request: dict[str, Any]) -> dict[str, str]:
    """A request's form fields: its URL-encoded ``postData.text``, else its ``postData.params``, which HAR 1.2 lets a
    recorder give instead of the text (or beside it), each ``{name, value}`` as posted."""
    post = request.get("postData") or {}
    if text := post.get("text"):
        return dict(parse_qsl(text))
    return {str(p["name"]): _param_value(p.get("value")) for p in post.get("params") or [] if p.get("name")}


def _param_value(value: object) -> str:
    """A ``postData.params`` value as posted: Firefox and HAR 1.2 write it decoded, Chrome (and IE, which writes no text)
    as in the body, URL-encoded. One with a %-escape is read as encoded (%2B41791234567, its + a space); one without, as
    written (+41791234567 keeps its +)."""
    if not isinstance(value, str):
        return ""
    return unquote_plus(value) if PERCENT_ESCAPE.search(value) else value


PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _note_words(found: Finding, text: str, *, an_error: bool = False) -> None:
    """B2C's and Mobile ID's codes in ``text``, and its correlation ID: an error's (``an_error``) over the sign-in page's
    noted before, any other's only where none was."""
    for code in AADB2C_CODE.findall(text):
        if code not in found.aadb2c_codes:
            found.aadb2c_codes.append(code)
    if (an_error or found.correlation_id is None) and (match := CORRELATION_ID.search(text)):
        found.correlation_id = match.group(1)
    if found.mid_code is None and (match := MID.search(text)):
        found.mid_code, found.mid_trace, found.mid_message = match.group(1), match.group(2), (match.group(3) or "").strip() or None


def _aadb2c_message(body: str) -> str | None:
    """B2C's ``AADBnnnnn: message`` on an error page: a JSON string of the page's data, where a script builds the
    fragment from it (decoded whole: its escapes and quotes), else the fragment's text as served."""
    for quoted in re.finditer(r'"(?:[^"\\]|\\.)*"', body):
        if quoted.group(0).startswith('"AADB2C'):
            with contextlib.suppress(ValueError):
                text = json.loads(quoted.group(0))
                if isinstance(text, str) and AADB2C_CODE.match(text):
                    return text.strip()
    match = re.search(r"(AADB2C\d{5}:[^<\r\n]*)", body)
    return match.group(1).strip() if match else None


def answer_in(params: dict[str, str]) -> Finding:
    """B2C's answer to the app as its redirect's parameters (query and fragment) carry it, read as a HAR's is."""
    found = Finding()
    _note_answer(found, params)
    return found


def _note_answer(found: Finding, params: dict[str, str]) -> None:
    """The parameters B2C sent the app (query or fragment of the redirect)."""
    if "error" in params:
        found.error = params["error"]
        description = params.get("error_description", "")
        _note_words(found, description, an_error=True)
        found.aadb2c_message = found.aadb2c_message or description.split("\n", 1)[0].strip() or None
    found.code_sent = found.code_sent or "code" in params
    if "id_token" in params:
        found.id_token_claims = _claims(params["id_token"])
        # Redacted (a repro bundle's own HAR, or a user who cleaned theirs): still B2C's answer, only its claims are gone.
        found.id_token_redacted = found.id_token_claims is None and JWT_PLACEHOLDER in params["id_token"]


def read_har(har: dict[str, Any], robots: Mapping[str, str] | None = None, attempt: int | None = None) -> Finding:
    """The facts of one B2C sign-in in ``har``; ValueError if there is none.

    A HAR recorded with 'Preserve log' may hold several attempts (an app's silent session check first, a retry):
    each starts at B2C's authorize request and is read apart, so no fact of one is mixed into another's. Read is
    ``attempt`` (1 = the first), else the last that failed among those a user saw (not prompt=none), else the last.
    ``robots``: outcome -> number of the phones with a fixed outcome (the stack's description), to name a number's outcome.
    """
    entries = in_time_order(har)
    groups: list[list[dict[str, Any]]] = []
    for entry in entries:
        if b2c_authorize(entry.get("request", {}).get("url", "")):
            groups.append([])
        if groups:
            groups[-1].append(entry)
    if not groups:
        raise ValueError(NO_SIGN_IN)
    found = [_read_attempt(group, robots) for group in groups]
    if attempt is not None and not 1 <= attempt <= len(found):
        shown = NUMBER.sub(lambda number: masked(number.group(0)), str(attempt))  # a phone number given as N: masked, as refusals do
        raise ValueError(f"--attempt {shown}: this HAR holds {len(found)} sign-in attempt{'s' * (len(found) > 1)} (1 to {len(found)})")
    if attempt is None:
        seen = [number for number, f in enumerate(found, 1) if not f.silent] or list(range(1, len(found) + 1))
        attempt = ([number for number in seen if found[number - 1].failed] or seen)[-1]
    chosen = found[attempt - 1]
    chosen.attempt = attempt
    if len(found) > 1:
        chosen.attempts = [f"{number}: {_in_a_line(f)}" for number, f in enumerate(found, 1)]
    return chosen


def _read_attempt(entries: list[dict[str, Any]], robots: Mapping[str, str] | None) -> Finding:
    """One attempt: from its authorize request (the first entry) to the next attempt's."""
    found = Finding(robots=dict(robots or {}))
    for entry in entries:
        request, response = entry.get("request", {}), entry.get("response", {})
        if (url := split_url(request.get("url", ""))) is None:
            continue  # no URL (https://[::1/x): no fact of the sign-in in it
        query = dict(parse_qsl(url.query))
        form = posted_form(request)
        if not found.policy and (match := b2c_authorize(request.get("url", ""))):
            found.host, found.tenant = url.hostname or "", match.group("tenant").lower().removesuffix(".onmicrosoft.com")
            # The tenant's ID (Microsoft's advice at a custom domain), or a domain of its (fabrikam.com): no name the
            # command can give as --tenant; its name is the host's.
            if GUID.fullmatch(found.tenant) or not TENANT_NAME.fullmatch(found.tenant):
                found.tenant_id = found.tenant
                found.tenant = found.host.removesuffix(".b2clogin.com") if found.host.endswith(".b2clogin.com") else ""
            found.policy = match.group("policy") or query.get("p", "")
            if query.get("p") and query["p"].lower() != found.policy.lower():  # policy names are read in any case
                found.policy_in_query = query["p"]
            found.params = {k: query[k] for k in AUTHORIZE_PARAMS if k in query}
            pairs = parse_qsl(url.query)
            found.repeated = [k for k in found.params if len({value for name, value in pairs if name == k}) > 1]
            found.unsent = list(dict.fromkeys(name for name, _ in pairs if app_parameter(name)))
            found.sent = list(dict.fromkeys(name for name, _ in pairs if name != "p"))
            found.accept_language = _header(request, "accept-language")
            found.browser_locale = browser_locale_of(found.accept_language)
            found.user_agent = _header(request, "user-agent")
        if url.path.lower().endswith("/oauth2/authresp"):  # Mobile ID's answer at B2C
            found.mid_answered = True
            if "error" in (sent := {**query, **form}):
                if found.mid_error is None:
                    found.mid_error, found.mid_error_words = sent["error"], sent.get("error_description", "").strip()
                _note_words(found, sent.get("error_description", ""))  # Mobile ID's own words (form_post or query), before B2C wraps them
        if "msisdn" in form:
            found.msisdn = form["msisdn"].replace(" ", "")
        redirect = found.params.get("redirect_uri")
        # At the app's address as a browser writes it (https://app.example is posted to as https://app.example/).
        if redirect and request.get("method") == "POST" and at_address(request.get("url", ""), redirect) and "state" in form:
            _note_answer(found, form)  # response_mode=form_post: B2C's page posts the answer to the app
        if location := _header(response, "location"):
            target = split_url(location) or urlsplit("")
            if redirect and at_address(location, redirect):
                _note_answer(found, {**dict(parse_qsl(target.query)), **dict(parse_qsl(target.fragment))})
        elif redirect and request.get("method") == "GET" and at_address(request.get("url", ""), redirect):
            # Safari's HAR keeps a redirect chain as one entry at its last URL, with no 302 whose Location says the answer.
            sent = {**query, **dict(parse_qsl(url.fragment))}
            if {"error", "id_token", "code"} & sent.keys():
                _note_answer(found, sent)
        body = _body(response)
        if MID_ERROR_PAGE.search(body):
            _note_words(found, body)  # its mid_* code and words
        if ERROR_PAGE.search(body):
            _note_words(found, body, an_error=True)
            if found.aadb2c_message is None:
                found.aadb2c_message = _aadb2c_message(body)
        elif found.correlation_id is None and url.hostname == found.host and (match := CORRELATION_ID.search(body)):
            found.correlation_id = match.group(1)  # the comment every B2C page's source starts with: any sign-in has one
        found.transactions += [t for t in TRANSACTION.findall(body) if t not in found.transactions]
        if SELF_ASSERTED.search(body):
            found.profile_page = True
    return found


def _in_a_line(found: Finding) -> str:
    what = [f"prompt={found.params['prompt']}"] if found.params.get("prompt") else []
    what += [f"Mobile ID {found.mid_code}"] if found.mid_code else []
    what += [", ".join(found.aadb2c_codes)] if found.aadb2c_codes else []
    return f"{found.policy}: " + ", ".join([*what, answer(found)])


def split_url(url: str) -> SplitResult | None:
    """``url``'s parts, its host and port read; None where it is no URL (https://[::1/x, a port out of range), as an entry
    of a reporter's HAR may be."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # read here: a port out of range raises only when asked for
    except ValueError:
        return None
    return parts


def b2c_authorize(url: str) -> re.Match[str] | None:
    """B2C's authorize request: a policy in its path or its ``p`` (Entra ID's own /{tenant}/oauth2/v2.0/authorize has neither)."""
    if (parts := split_url(url)) is None:  # no URL (https://[::1/x, a port out of range): no sign-in, not the end of the reading
        return None
    match = AUTHORIZE.match(parts.path)
    return match if match and (match.group("policy") or "p" in dict(parse_qsl(parts.query))) else None


def har_has_sign_in(har: dict[str, Any]) -> bool:
    return attempts_in(har) > 0


def hosts_in(har: dict[str, Any], shown: int = 3) -> str:
    """Where ``har``'s requests went, its first ``shown`` hosts in time order: a HAR of the app's page alone, or of
    another site, says which it is (" (its requests went to www.example.com)")."""
    hosts = list(dict.fromkeys(parts.hostname for entry in in_time_order(har)
                               if (parts := split_url(entry.get("request", {}).get("url", ""))) is not None and parts.hostname))
    more = f" and {len(hosts) - shown} more" if len(hosts) > shown else ""
    return f" (its requests went to {', '.join(hosts[:shown])}{more})" if hosts else " (it holds no request)"


def attempts_in(har: dict[str, Any]) -> int:
    """How many sign-in attempts ``har`` holds: B2C's authorize requests (read_har reads each apart)."""
    return sum(1 for e in har.get("log", {}).get("entries", []) if b2c_authorize(e.get("request", {}).get("url", "")))


def on_local_stack(found: Finding, local: StackDescription) -> bool:
    """Recorded against the local stack (its tenant and host): its phone numbers are the emulator's, nobody's."""
    return found.tenant == local.tenant and found.host == local.domain


def left_out(found: Finding, local: StackDescription) -> dict[str, str]:
    """Parameters of the HAR the repro command leaves out, each with why."""
    params, why = found.params, {}
    for name in (*CARRIED_ON, "ui_locales"):
        if (decoded := encoded_twice(params.get(name) or "")) is not None:
            why[name] = twice_note(found, name, decoded)
        elif name in params and (unsent := unsendable(name, params[name])):
            why[name] = unsent
    redirect = params.get("redirect_uri")
    if redirect and not redirect.lower().startswith("https://"):
        why.setdefault("redirect_uri", f"{redirect} is not an https URL the repro's browser can land on (B2C also takes "
                       "http://localhost and an app's own scheme): it uses B2C_REDIRECT_URI, registered for the test app, instead")
    hint = params.get("login_hint") or ""
    # A long run of digits, or a Swiss number in any form the masking knows (079.123.45.67, 079/123 45 67, +41 (79) ...):
    # printed masked above, it must not follow whole in the command (repro.cli.replay_command's test too).
    if (NUMBER.search(hint) or PHONE.search(hint)) and not on_local_stack(found, local):
        why["login_hint"] = "a person's phone number: put it back (--login-hint) only to send that phone the request"
    if params.get("prompt") and params["prompt"] not in PROMPTS:
        why["prompt"] = (f"{params['prompt']!r} is not a prompt B2C knows ({', '.join(PROMPTS)}; it refuses the request with "
                         "AADB2C90043): the rerun goes without it")
    if "id_token" not in params.get("response_type", "id_token").split():
        # B2C gives an ID token only to an app with implicit ID tokens on (else AADB2C90057), which a code-flow app
        # (MSAL.js 2, ASP.NET Core) seldom has: the rerun would fail at the request, not where the reporter's did.
        for name in ("client_id", "redirect_uri"):
            if params.get(name):
                why.setdefault(name, f"the app asked for {params['response_type']!r}, and the repro asks for an ID token, which B2C "
                               "gives only an app with implicit ID tokens on (else AADB2C90057): it uses B2C_CLIENT_ID and "
                               "B2C_REDIRECT_URI, the test app's")
    if found.tenant_id and not found.tenant:
        named = f"by its ID ({found.tenant_id})" if GUID.fullmatch(found.tenant_id) else f"as {found.tenant_id!r}, not by its name,"
        why["tenant"] = (f"the {found.told_by} names it {named} at {found.host}: the command takes its name from "
                         "B2C_TENANT in your settings (the suite asks B2C for {name}.onmicrosoft.com paths)")
    for name in CARRIED_ON:
        # Redacted where it is printed (a JWT, or an opaque credential such as a redirect URI's ?code=): carried, the
        # command would send the placeholder, a value the reporter's app never did.
        if redact_text(value := params.get(name) or "") != value:
            why[name] = "it holds a token (printed redacted above): a command never carries one"
    return why


# The protocol's and MSAL's own parameters, besides AUTHORIZE_PARAMS and the policy's p: each request's anew (state, nonce,
# PKCE), or the library's telemetry; any other is the app's, which a custom policy may read as {OAUTH-KV:name}.
PROTOCOL_PARAMS = frozenset({"p", "state", "nonce", "code_challenge", "code_challenge_method", "client_info", "client-request-id",
                             "return-client-request-id", "id_token_hint", "max_age", "claims", "sid", "haschrome", "instance_aware",
                             "brk_client_id", "brk_redirect_uri", "x-app-name", "x-app-ver"})


# Of those, the ones that change what B2C does with the request, so a rerun without them may not be the reporter's.
STEERING_PARAMS = ("id_token_hint", "max_age", "claims")


def app_parameter(name: str) -> bool:
    """Whether ``name`` is one of the app's own parameters, to say (a short word), not the protocol's or MSAL's."""
    lower = name.lower()
    return (bool(re.fullmatch(r"[\w.-]{1,40}", name, re.ASCII)) and lower not in PROTOCOL_PARAMS and name not in AUTHORIZE_PARAMS
            and not lower.startswith("x-client-"))


CARRIED_ON = ("prompt", "domain_hint", "login_hint", "redirect_uri", "client_id")  # what of the app's request the command carries on
# A value that is all escapes and characters no encoding escapes, once read: https%3A%2F%2Fjwt.ms, %2B41791234567, de%2DCH.
# A redirect URI's own query may hold an escape (https://app.fabrikam.com/cb?next=%2Fhome): its ':' is no encoding's.
# Only unreserved characters, '/' and escapes; with an escape among them (encoded_twice: checked apart, as one pattern
# with an escape between two runs of the others backtracked over every split, seconds for a value of 50 KB).
ENCODED = re.compile(r"(?:[\w.~/-]|%[0-9A-Fa-f]{2})+", re.ASCII)
INSTEAD = {"redirect_uri": "with B2C_REDIRECT_URI, registered for the test app", "client_id": "with B2C_CLIENT_ID, the test app's"}


def unsendable(name: str, value: str) -> str | None:
    """Why the repro's option for ``name`` (repro.cli's check, its rule) cannot send the app's ``value``, and what the rerun
    sends instead; None if it can. Carried, the printed command was refused: no command at all for the reporter's request."""
    instead = f"the rerun goes {INSTEAD.get(name, f'without {name}')}"
    flag = f"--{name.replace('_', '-')}"
    if not value.strip():
        return f"blank: {instead}"
    if name in ("domain_hint", "client_id") and any(c.isspace() for c in value):
        return f"{value!r} is not one word, as {flag} takes it: {instead}"
    if name == "ui_locales" and bad_language_tags(as_language_tags(value, many=True), many=True):
        return (f"{value!r} is not language tags (each a language, then a region after a hyphen, e.g. de-CH), as {flag} "
                f"takes them: {instead}; {flag} with the language meant, in the printed command, sends one")
    return None


def encoded_twice(value: str) -> str | None:
    """``value`` decoded once more where, as the request sent it, it is still percent-encoded (the app, or what a URL was
    copied from, encoded it twice); None for a value as an app means it."""
    return unquote(value) if "%" in value and ENCODED.fullmatch(value) else None


def twice_note(found: Finding, name: str, decoded: str) -> str:
    """Why a parameter encoded twice is left out of the rerun, and how to send it as the app meant it."""
    read = {"redirect_uri": ", no URL: a redirect URI not registered for the app (AADB2C90006)",
            "ui_locales": ", no language tag"}.get(name, "")
    copied = ", or the URL was encoded again where it was copied from" if found.request_only else ""
    instead = INSTEAD.get(name, f"without {name}")
    flag = f"--{name.replace('_', '-')}"
    # Decoded, it may still be no value the option sends (an app's own scheme as its redirect URI): no option to offer then.
    sendable = unsendable(name, decoded) is None and (name != "redirect_uri" or decoded.lower().startswith("https://"))
    decoded_sent = (f", and {' '.join(shlex.quote(word) for word in option(flag, decoded))} in the printed command sends it decoded"
                    if sendable else f"; decoded, it is no value {flag} sends either")
    return (f"{found.params[name]} looks percent-encoded twice (decoded once more: {decoded}): sent so, B2C reads it as it is{read}. "
            f"The app encodes it once too often{copied}; the rerun goes {instead}{decoded_sent}")


# The Playwright device closest to the reporter's browser, by its kind (the model and version differ: emulated in
# Chromium, a device gives the screen, user agent and touch of its kind, which B2C's and Mobile ID's pages lay out for).
# iPadOS's Safari sends a desktop (Macintosh) user agent by default: such an iPad reads, and is replayed, as a desktop.
PHONE_KINDS = (("iPad", "iPad Pro 11"), ("iPhone", "iPhone 15"), ("Android", "Pixel 7"))
ANDROID_TABLET = "Galaxy Tab S4"


def device_of(user_agent: str | None) -> str | None:
    """The Playwright device for a phone or tablet's ``user_agent`` (``--device``), None for a desktop browser."""
    if not user_agent:
        return None
    for word, device in PHONE_KINDS:
        if word in user_agent:
            return ANDROID_TABLET if word == "Android" and "Mobile" not in user_agent else device  # a tablet's has no "Mobile"
    return None


# Browsers whose engine is not Chromium, by their user agent's words: every iOS browser is WebKit (Apple's rule), and
# Safari's own says Version/ and Safari/ without a Chromium-based browser's word.
CHROMIUM_WORDS = ("Chrome/", "Chromium/", "CriOS/", "Edg/", "EdgiOS/", "OPR/", "SamsungBrowser/")


def engine_of(user_agent: str | None) -> str | None:
    """The Playwright browser engine of the reporter's browser when it is not Chromium (``--browser``): WebKit for
    Safari and every iOS browser, Firefox for Firefox on a desktop; None for Chromium's and an unknown one. Firefox on
    Android is replayed as its phone in Chromium: Playwright's Firefox has no mobile emulation (``--device``)."""
    if not user_agent:
        return None
    if any(word in user_agent for word in ("iPhone", "iPad", "iPod")):
        return "webkit"
    if "Firefox/" in user_agent:
        return None if device_of(user_agent) else "firefox"
    if "Safari/" in user_agent and "Version/" in user_agent and not any(word in user_agent for word in CHROMIUM_WORDS):
        return "webkit"
    return None


def replayed_as(user_agent: str | None, browser: str | None = None) -> str:
    """How the reporter's browser is replayed, for the terminal's browser row ("" for a desktop Chromium); ``browser``:
    the user's ``--browser``, which replaces the reporter's engine (``repro_args``)."""
    device, engine = device_of(user_agent), browser or engine_of(user_agent)
    if device:
        return f" (replayed as Playwright's {device}, in {engine or 'chromium'})"
    return f" (replayed in Playwright's {engine})" if engine and engine != "chromium" else ""


def repro_args(found: Finding, local: StackDescription, browser: str | None = None) -> list[str]:
    """``python -m repro`` arguments that rerun the sign-in in ``found``: on the local stack (described by ``local``) when it
    is its tenant, in the reporter's browser engine unless ``browser`` (the user's ``--browser``) says another."""
    on_stack = on_local_stack(found, local)
    skipped = left_out(found, local)
    args = ["--journey", found.journey, "--policy", found.policy, "--target", "local" if on_stack else "tenant"]
    if (engine := browser or engine_of(found.user_agent)) and engine != "chromium":
        args += ["--browser", engine]
    if not on_stack:
        args += ["--tenant", found.tenant] if found.tenant else []  # else B2C_TENANT's (left_out says why)
        if found.host != f"{found.tenant}.b2clogin.com":
            args += ["--domain", found.host]
    params = found.params
    if params.get("ui_locales") and "ui_locales" not in skipped:
        args += ["--ui-locales", as_language_tags(params["ui_locales"], many=True)]  # apps send de_CH or de,fr too
    if found.browser_locale:
        args += ["--browser-locale", found.browser_locale]
    if found.device:
        args += ["--device", found.device]
    args += ["--outcome", found.outcome]
    the_stacks = {"redirect_uri": local.redirect_uri, "client_id": local.client_id} if on_stack else {}  # said by default
    for name in CARRIED_ON:
        if params.get(name) and name not in skipped and params[name] != the_stacks.get(name):
            args += option(f"--{name.replace('_', '-')}", params[name])
    return args


def option(flag: str, value: str) -> list[str]:
    """``flag`` with ``value`` as a command line gives it: joined by ``=`` where the value begins with ``-`` (a login hint
    of ``-x``), which argparse would otherwise read as an option of its own and refuse the command."""
    return [f"{flag}={value}"] if value.startswith("-") else [flag, value]


def describe(found: Finding, local: StackDescription, browser: str | None = None) -> list[str]:
    """Lines for the terminal: what the HAR shows, facts only (a person's phone number masked, as in a bundle)."""

    # Off the local stack every number is a person's, Swiss or not: the number typed in, and any long run of digits in the
    # login hint (masked as the bundle masks Swiss ones); elsewhere only what reads as a Swiss number (a client id's
    # digits are no phone's).
    local_numbers = on_local_stack(found, local)
    p = found.params if local_numbers else {
        name: NUMBER.sub(lambda m: masked(m.group(0)), mask_phone_numbers(value)) if name == "login_hint" else mask_phone_numbers(value)
        for name, value in found.params.items()}
    # A number as typed (national 079..., spaced): masked as the report masks it, else by position (an E.164 one)
    shown = found.msisdn and mask_phone_numbers(found.msisdn)
    number = found.msisdn and (found.msisdn if local_numbers else shown if shown != found.msisdn else masked(found.msisdn))
    rows = []
    if found.attempts:
        rows += [("attempt", f"{found.attempt} of {len(found.attempts)} (--attempt N reads another)")]
        rows += [("", line) for line in found.attempts]
    rows += [
        ("B2C", f"{found.host} (tenant {found.tenant or found.tenant_id})"), ("policy", found.policy), ("client id", p.get("client_id", "-")),
        ("redirect URI", p.get("redirect_uri", "-")), ("ui_locales", p.get("ui_locales", "-")),
        ("domain_hint", p.get("domain_hint", "-")), ("prompt", p.get("prompt", "-")), ("login_hint", p.get("login_hint", "-"))]
    if found.request_only:  # B2C's request alone: what came of it (B2C's and Mobile ID's answers) is nowhere to read
        rows.append(("not in the URL", untold(found, browser)))
    else:
        rows += [
            ("browser locale", shown_locale(found)),
            ("browser", (found.user_agent or "-")[:120] + replayed_as(found.user_agent, browser)),
            ("AADB2C code", ", ".join(found.aadb2c_codes) or "none"), ("B2C said", found.aadb2c_message or (found.error or "-")),
            ("correlation ID", found.correlation_id or "none"),
            ("Mobile ID error", mobile_id_error(found)),
            ("Mobile ID number", number or "-"), ("Mobile ID trace", ", ".join(found.transactions) or found.mid_trace or "-"),
            ("result", answer(found)),
            ("journey, outcome", f"{found.journey}, {found.outcome}" + found.journey_note + found.outcome_note + (
                f" (Mobile ID's {found.unplayed_code} is no outcome the repro's phone can give: the rerun approves, and cannot show it)"
                if found.unplayed_code else "")),
        ]
    rows += [("note", note) for note in notes(found)]
    if local_numbers and found.policy and local.served(found.policy) is None:  # --run (and the command printed) refuses it
        rows.append(("note", f"{found.policy} is no policy the local stack serves ({', '.join(local.policies)}): the repro command "
                             "below runs only where E2E_STACK_POLICIES or E2E_STACK_USER_FLOWS make the stack serve it"))
    rows += [("left out", f"{name}: {why}") for name, why in left_out(found, local).items()]
    return [f"{name:<17} {value}" for name, value in rows]


def mobile_id_error(found: Finding) -> str:
    """Mobile ID's error code, its trace and its words, where it sent any (a code alone, or "mid_auth_3010_<trace> - "); its
    OAuth error alone where it sent B2C no code (no error_description, or an empty one)."""
    if not found.mid_code:
        if not found.mid_error:
            return "none"
        return f"{found.mid_error}: {found.mid_error_words} (no mid_* code)" if found.mid_error_words else \
            f"{found.mid_error} (no mid_* code, nor words)"
    return f"{found.mid_code} (trace {found.mid_trace or '?'})" + (f": {found.mid_message}" if found.mid_message else "")


def notes(found: Finding) -> list[str]:
    """What of the request the rerun does otherwise, or what the request itself says of how it was sent or copied."""
    said = []
    if found.request_only and not found.chosen_device and (platform := app_platform(found.params.get("x-client-SKU", ""))):
        said.append(platform)
    if found.request_only and len(found.sent) <= 1 and all(re.fullmatch(r"[\w.-]{1,40}", name, re.ASCII) for name in found.sent):
        said.append(f"the URL sends {f'{found.sent[0]} alone' if found.sent else 'no parameter'}, where an app's authorize request "
                    "sends several (client_id, redirect_uri, scope, response_type, ...): typed unquoted, a shell cuts a URL at its "
                    "first &; quote it whole ('https://...')")
    # ".../authorize??client_id=...": B2C, as the URL's reader, takes the parameter's name with the second '?'.
    for name in (sent for sent in found.sent if sent.startswith("?") and sent.lstrip("?") in AUTHORIZE_PARAMS):
        said.append(f"the request sends {name!r}: a '?' too many before it (.../authorize??{name.lstrip('?')}=...), so B2C reads "
                    f"no {name.lstrip('?')} in it, as the rows above show; the reporter's app builds its URL so")
    asked = {name: found.params[name] for name in REPRO_ASKS if found.params.get(name, REPRO_ASKS[name]) != REPRO_ASKS[name]}
    if asked:
        said.append(f"the app asked {', '.join(f'{k}={v}' for k, v in asked.items())}; the repro asks for "
                    f"{', '.join(f'{k}={v}' for k, v in REPRO_ASKS.items())}, as jwt.ms takes it: B2C's and Mobile ID's "
                    "pages are the same, B2C's answer comes in that other form")
    if steering := [name for name in STEERING_PARAMS if name in found.sent]:  # names only: an id_token_hint is a token
        said.append(f"the request also sends {', '.join(steering)}, which the rerun does not (no option sends one; a command never "
                    "carries a token): B2C may answer it otherwise (a policy with an id_token_hint reads that token's claims, "
                    "max_age can ask for a new sign-in, claims asks for other claims)")
    if found.unsent:  # names only: a value may be anything (a person's)
        said.append(f"the request also sends {', '.join(found.unsent)}, which the rerun does not: a custom policy that reads one "
                    "({OAUTH-KV:name}) may run otherwise")
    if found.policy_in_query is not None:  # which of the two B2C runs the reference does not say (Unconfirmed)
        other = found.policy_in_query if POLICY_NAME.fullmatch(found.policy_in_query) else None  # as --policy takes one
        said.append(f"the request names policy {found.policy} in its path and {other or 'another value'} as ?p=: the rows above "
                    f"and the rerun take the path's, as the local B2C does (which one B2C takes is not documented); "
                    + (f"the printed command with --policy {other} in its stead runs the other" if other else
                       "that value is no policy name (B2C_1_ or B2C_1A_, then letters, digits, '_' or '-'), so --policy can give it none"))
    if found.repeated:  # an app that adds a parameter its library already sent: which one B2C reads is not the repro's to say
        said.append(f"the request sends {', '.join(found.repeated)} more than once, with different values: the rows above and "
                    "the rerun take the last")
    if re.match(r" \d", found.params.get("login_hint", "")):  # the row's leading space shows nothing of it
        said.append("login_hint begins with a space: the number's + is in the URL as it is, which a URL reads as a space (B2C "
                    "too); a + in a URL's value is %2B")
    return said


# MSAL's library for a phone, as its requests name it (x-client-SKU=MSAL.iOS, MSAL.Xamarin.Android): the sign-in runs in
# that phone's browser, Safari's engine on iOS (ASWebAuthenticationSession), Chrome's on Android (Custom Tabs).
APP_PLATFORMS = (("ios", "--device 'iPhone 15' --browser webkit", "an iPhone's (or an iPad's)"), ("android", "--device 'Pixel 7'", "an Android phone's"))


def app_platform(sku: str) -> str | None:
    """What the app's MSAL (``x-client-SKU``) tells of the phone the sign-in ran on, and the options that replay it."""
    if not re.fullmatch(r"[\w.-]{1,40}", sku):  # a library's name, or nothing to repeat
        return None
    return next((f"the app's library is {sku} (x-client-SKU): its sign-in runs in {whose} browser; {flags} beside --from-url "
                 "replays that phone" for word, flags, whose in APP_PLATFORMS if word in sku.lower()), None)


def untold(found: Finding, browser: str | None) -> str:
    """What a URL cannot tell, as the command replays it: each the user's choice beside --from-url, else the repro's default."""
    picks = [("journey", found.journey, found.chosen_journey), ("outcome", found.outcome, found.chosen_outcome),
             ("browser", browser or "chromium", browser), ("device", found.chosen_device or "none", found.chosen_device),
             ("browser locale", found.browser_locale or "en-US", found.browser_locale)]
    said = ", ".join(f"{name} {value} ({'--' + name.replace(' ', '-') if given else 'default'})" for name, value, given in picks)
    return f"{said}; --journey, --outcome, --browser, --device, --browser-locale beside --from-url set them"


def answer(found: Finding) -> str:
    """What B2C sent the app, as the HAR shows it."""
    if found.id_token_claims is not None:
        return "ID token" + (" for a new user" if found.journey == "sign-up" else "")
    if found.id_token_redacted:
        return "an ID token (redacted)"
    if found.error:
        return f"error {found.error}"
    if found.code_sent:
        return "an authorization code"
    return "B2C error page" if found.aadb2c_codes else "no answer to the app in the HAR"


def hops(har: dict[str, Any]) -> list[dict[str, Any]]:
    """Each navigation hop (documents, redirects, form posts) with its status and time, in order."""
    rows = []
    for entry in in_time_order(har):
        request, response = entry.get("request", {}), entry.get("response", {})
        status = response.get("status", 0)
        mime = (response.get("content") or {}).get("mimeType") or ""  # null where a recorder knows none
        if not (300 <= status < 400 or mime.startswith("text/html") or request.get("method") == "POST"):
            continue
        if (url := split_url(request.get("url", ""))) is None:
            continue
        rows.append({"started": entry.get("startedDateTime"), "method": request.get("method"), "host": url.hostname,
                     "path": url.path, "params": sorted(k for k, _ in parse_qsl(url.query)), "status": status,
                     "time_ms": round(entry.get("time") or 0, 1), "timings_ms": entry.get("timings", {})})
    return rows
