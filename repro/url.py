"""Read a reporter's URL (the address bar's, an app's log's) as B2C's authorize request (``--from-url``).

The URL goes through the HAR reader as a one-entry HAR, so it tells what a HAR's authorize request tells (policy,
tenant, host, parameters) and nothing more: what came of the request is in no URL. A URL of another kind is said as
what it is, never with its parameters (they may hold a token, an ``id_token_hint``): B2C's error to the app with its
code and correlation ID, the keys to B2C's logs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit, urlunsplit

from fixtures.causes import GUID
from fixtures.redaction import redact_text
from mocks.common.hosts import TENANT_NAME
from repro.har import AUTHORIZE, NO_AUTHORIZE, Finding, answer_in, b2c_authorize, read_har, split_url
from repro.outcomes import giving_the_same_code

ASK = ("give B2C's authorize request instead (https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/oauth2/v2.0/"
       "authorize?client_id=...), the address the sign-in started at: the browser's history or the app's log has it")
# B2C's addresses other than its authorize request, by how their path ends: what a reporter may copy instead.
B2C_ADDRESSES = (("/oauth2/authresp", "B2C's /oauth2/authresp, where Mobile ID (an identity provider) answers B2C"),
                 ("/oauth2/v2.0/logout", "B2C's sign-out request"), ("/oauth2/v2.0/token", "B2C's token request"),
                 ("/openid-configuration", "B2C's metadata (its OpenID configuration)"))
ENTRA_ID_AUTHORIZE = "an authorize request without a B2C policy (neither in its path nor as ?p=): Entra ID's, not B2C's"
B2C_STEP = re.compile(r"^/[^/]+/(b2c_1a?_[^/]+)/api/([A-Za-z]{1,40})", re.I)  # /{tenant}/{policy}/api/SelfAsserted/confirmed
UNFINISHED_ESCAPE = re.compile(r"%[0-9A-Fa-f]?$")
PARAMETER_BEFORE = re.compile(r"[?&#]([\w.-]{1,40})=[^?&#]*$")  # the name of the parameter whose value ends the text
CODE_WORD = re.compile(r"[a-z_]{1,40}")  # an OAuth error as B2C sends it (access_denied): anything else is not repeated


def read_url(url: str, robots: Mapping[str, str] | None = None) -> Finding:
    """What B2C's authorize request ``url`` tells, read as a HAR's; ValueError saying what ``url`` is if it is none."""
    found = read_har(as_har(url), robots)
    found.request_only = True
    return found


def as_copied(url: str) -> str:
    """``url`` without what copying it from a mail, a log or a ticket put around it (blanks, quotes, <angle brackets>, a
    link's markup, a sentence's full stop or comma after it), and with
    its ``&`` back where an HTML page or log wrote it ``&amp;`` (escaped once or more, or as ``&#38;``; a URL's own ``&``
    in a value is ``%26``: no literal ``&amp;`` is ever a URL's; other entities are not undone, ``&copy=1`` is a
    parameter), or a JSON log ``\\u0026`` (and ``\\/``: no URL holds a backslash of its own, it would be ``%5C``). A URL
    percent-encoded whole, once or more (a log writes the sign-in's start as another URL's parameter:
    ``returnUrl=https%3A%2F%2F...``), is decoded as often: each encoding turned its own ``%`` into ``%25``, so its
    parameters' values come back as it sent them. Left as they were, the escapes made one parameter of the rest: a
    client id that swallowed the redirect URI and ``ui_locales``, rerun without them. A link that wraps the request
    (``wrapped_in``) gives the request, read as copied too: a page wrote it with ``&amp;`` before the scanner wrapped it."""
    url = without_what_follows(url.strip()).strip("<>\"'").strip()  # "(URL)." too; " URL " quoted with its blanks
    url = next((linked.group("url") for markup in MARKUP if (linked := markup.fullmatch(url)) and URL_START.match(linked.group("url"))), url)
    url = without_what_follows(url)
    while ENCODED_WHOLE.match(url):
        url = unquote(url)
    if "\\" in url:
        url = JSON_ESCAPE.sub(lambda escape: chr(int(escape.group(1), 16)) if escape.group(1) else "/", url)
    while (unescaped := AMPERSAND.sub("&", url)) != url:
        url = unescaped
    return as_copied(inner) if (inner := wrapped_in(url)) else url  # each wrapped one is shorter: it ends


def without_what_follows(url: str) -> str:
    """``url`` without a sentence's full stop or comma after it, nor the ")" of "(see URL)" (one it does not open): read
    with them, "...&prompt=login." asked for a prompt B2C knows none of."""
    while True:
        if (cut := SENTENCE_END.sub("", url)) != url:
            url = cut
        elif url[-1:] in OPENER and url.count(url[-1]) > url.count(OPENER[url[-1]]):
            url = url[:-1]
        else:
            return url


def wrapped_in(url: str) -> str | None:
    """B2C's authorize request that ``url`` carries as a parameter's value where ``url`` is another's: a mail's link
    rewritten by its scanner (Outlook's safelinks.protection.outlook.com/?url=..., Google's /url?q=...), an app's sign-in
    page's ?returnUrl=; None if it is none. Its parameters came back as the link was given (each encoded once more in it)."""
    try:
        if b2c_authorize(url):
            return None
        values = [value.strip() for _, value in parse_qsl(urlsplit(url).query)]
        return next((value for value in values if value.lower().startswith("https://") and b2c_authorize(value)), None)
    except ValueError:  # no URL: not_authorize says so
        return None


# A link as a ticket or chat writes it: Markdown's [text](URL), Jira's [text|URL], in brackets or parentheses.
MARKUP = (re.compile(r"\[[^\]]*\]\((?P<url>.+)\)"), re.compile(r"\[[^|\]]*\|(?P<url>.+)\]"), re.compile(r"\((?P<url>.+)\)"),
          re.compile(r"\[(?P<url>.+)\]"))
OPENER = {")": "(", "]": "["}
URL_START = re.compile(r"https?(?::|%3A)", re.I)
SENTENCE_END = re.compile(r"(?<!\.)[.,;:!?]$")  # not the last of "...", which says the URL was cut off
AMPERSAND = re.compile(r"&(?:amp|#38|#x26);", re.I)  # the HTML escapes of an &
JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|/)")  # \u0026, \/ as a JSON string writes them
ENCODED_WHOLE = re.compile(r"https?%(?:25)*3A%(?:25)*2F", re.I)  # a scheme whose "://" is percent-encoded


def address(url: str) -> str:
    """``url`` without its query and fragment, as a bundle names it (its parameters, read, are said apart)."""
    parts = urlsplit(as_copied(url))
    return f"{parts.scheme}://{parts.hostname}{parts.path}"


def said_address(url: str) -> str:
    """``url``'s address as a message says it: redacted (a token in its path), and cut short (a line, not a page)."""
    return redact_text(address(url))[:160]


def as_har(url: str) -> dict[str, Any]:
    """A HAR of one entry: ``url`` as the browser's GET; ValueError if it is not B2C's authorize request."""
    if (why := not_authorize(as_copied(url))) is not None:
        raise ValueError(f"--from-url: {why}")
    return {"log": {"entries": [{"request": {"method": "GET", "url": as_copied(url), "headers": []}, "response": {}}]}}


def not_authorize(url: str) -> str | None:
    """Why ``url`` is not B2C's authorize request, saying what it is where it can; None if it is one."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is no number is no URL's)
    except ValueError:
        parts = None
    if "\n" in url or "\r" in url:  # the address whole, but wrapped: "give the whole address" would not say what to do
        return "not a URL as it is: it has a line break inside (a mail or a terminal wrapped it?); join its lines into one"
    if parts is None or not parts.scheme or not parts.hostname:
        return ("not a URL; give the whole address, from https:// on, as the address bar or the app's log shows it "
                "(quoted, as it holds &)")
    if blank := re.search(r"\s", url):  # a log that wrote the URL decoded (scope=openid profile), or words after it
        value = PARAMETER_BEFORE.search(url[:blank.start()])
        where = f"in {value.group(1)}'s value" if value else "inside"
        return (f"not a URL as it is: it has a space {where}, which a URL writes %20 (or +); leave out words after the "
                "address, and where a log wrote the URL decoded, write each space in a value as %20")
    shown = said_address(url)
    # Shortened for display (a log viewer's, a ticket's ellipsis), or mid-escape: read as it is, its last value (a redirect
    # URI, a client id) would be rerun cut, and B2C's refusal of it taken for the reporter's failure.
    if (cut := next((end for end in ("\u2026", "...") if url.endswith(end)), None)) or UNFINISHED_ESCAPE.search(url):
        end = f"in {cut!r}" if cut else "in an unfinished %-escape"
        return (f"{shown} is cut off (it ends {end}, as a log or a page shortens a long line): give the whole address; the "
                "browser's history or the app's log has it")
    sent = {**dict(parse_qsl(parts.query)), **dict(parse_qsl(parts.fragment))}
    if "error" in sent:
        return f"{shown} is {error_words(parts.path, sent)}, not B2C's authorize request; {ASK}{outcome_hint(sent)}"
    if {"id_token", "code", "access_token"} & sent.keys():
        return (f"{shown} is {answer_to(parts.path, 'answer')} (a token or code: not printed; share it with no one), not B2C's "
                f"authorize request; {ASK}")
    if parts.scheme.lower() != "https":
        return f"{shown} is not an https URL: B2C's authorize request is one (the browser's history shows it whole); {ASK}"
    if b2c_authorize(url):
        return None
    if (all_but := all_but_authorize(url)) is not None:
        return f"{shown}{all_but}"
    path = parts.path.lower()
    what = next((said for end, said in B2C_ADDRESSES if path.endswith(end)), None)
    if what is None and AUTHORIZE.match(parts.path):  # /{tenant}/oauth2/v2.0/authorize without a policy: Entra ID's
        what = ENTRA_ID_AUTHORIZE
    # Where a reporter stuck on a page copies the address bar's URL: B2C's page past the request, or Mobile ID's.
    if what is None and (step := B2C_STEP.match(parts.path)):
        what = (f"a page of B2C's sign-in past its authorize request (policy {step.group(1)}, its {step.group(2)} step), which "
                "carries the session's state, none of the app's parameters")
    if what is None and (parts.hostname or "").endswith(".mobileid.ch"):
        what = "Mobile ID's page, where B2C sent the sign-in (its parameters are B2C's request to Mobile ID, not the app's to B2C)"
    return f"{shown} is {what}; {ASK}" if what else f"{shown} is not B2C's authorize request; {ASK}"


# Unconfirmed: the reference does not say whether B2C reads .../authorize/ as its authorize request; not read as one here
# (the rerun would ask B2C for another address than the reporter's app did), but said precisely.
SLASH_AFTER_AUTHORIZE = "its path ends /authorize/, with a slash after authorize that B2C's authorize request does not have"


def all_but_authorize(url: str) -> str | None:
    """What keeps ``url`` from being B2C's authorize request where it all but is one, as words to follow its address: a
    slash after authorize, B2C's older address form, or both, each said, and the request to give instead; None if it is
    none of these (or no URL: a HAR's entry urlsplit refuses, https://[::1/x, is no request to give instead)."""
    if (parts := split_url(url)) is None:
        return None
    unslashed = parts._replace(path=parts.path.rstrip("/"))
    slash = unslashed.path != parts.path
    if at_b2clogin := b2clogin_form(unslashed):
        return (" looks like B2C's authorize request at an older address form (login.microsoftonline.com/te/...: unconfirmed, "
                f"as is whether B2C still answers there){f', and {SLASH_AFTER_AUTHORIZE}' if slash else ''}; give the same "
                f"request at B2C's b2clogin.com address{', without the slash' if slash else ''}, its parameters as they are: "
                f"{redact_text(at_b2clogin)}")
    if slash and b2c_authorize(urlunsplit(unslashed)):
        return f": {SLASH_AFTER_AUTHORIZE}; give it without the slash (.../oauth2/v2.0/authorize?...)"
    return None


def all_but_authorize_in(har: Mapping[str, Any]) -> str | None:
    """Why ``har``, which holds no B2C authorize request, holds none: its first request that all but is one, said as
    --from-url says it (all_but_authorize), or an Entra ID sign-in's (the app's or the portal's, recorded in B2C's stead);
    None if it holds none such either (a HAR recorded without 'Preserve log' holds the app's pages alone, as one of another
    site does: no words of those can tell them apart)."""
    entra_id = None
    for number, entry in enumerate(har.get("log", {}).get("entries", []), 1):
        url = entry.get("request", {}).get("url", "")
        if (all_but := all_but_authorize(url)) is not None:
            return (f"{NO_AUTHORIZE}, but its entry {number} is nearly one: {said_address(url)}{all_but} to --from-url, with "
                    "--outcome and --journey for what the HAR shows came of it")
        if entra_id is None and (parts := split_url(url)) is not None and AUTHORIZE.match(parts.path):
            entra_id = (f"{NO_AUTHORIZE}; its entry {number}, {said_address(url)}, is {ENTRA_ID_AUTHORIZE}. Record the "
                        "sign-in of the app that signs in through B2C (its address has the policy, B2C_1_... or B2C_1A_...), "
                        "from its first page, with 'Preserve log' on")
    return entra_id


# B2C's authorize request at https://login.microsoftonline.com/te/{tenant}/{policy}/oauth2/v2.0/authorize: Unconfirmed, the
# reference names login.microsoftonline.com only for B2C's cookies and older tokens' issuer, not this address form, nor
# whether B2C still answers at it. Not read as the request (the rerun would ask B2C there): its b2clogin.com form is given.
OLDER_HOST, OLDER_PREFIX = "login.microsoftonline.com", "/te/"


def b2clogin_form(parts: SplitResult) -> str | None:
    """The b2clogin.com address of B2C's authorize request ``parts`` makes at B2C's older login.microsoftonline.com/te/ form,
    with ``?...`` for its query (its values are not repeated: they may hold a token or a hint); None if it is none."""
    if (parts.hostname or "").lower() != OLDER_HOST or not parts.path.lower().startswith(OLDER_PREFIX):
        return None
    path = parts.path[len(OLDER_PREFIX) - 1:]
    if (match := b2c_authorize(urlunsplit(parts._replace(path=path)))) is None:
        return None
    tenant = match.group("tenant").lower().removesuffix(".onmicrosoft.com")
    host = f"{tenant}.b2clogin.com" if TENANT_NAME.fullmatch(tenant) and not GUID.fullmatch(tenant) else "{tenant}.b2clogin.com"
    named = "" if "{" not in host else " ({tenant}: the tenant's name, as in {name}.onmicrosoft.com)"
    return f"https://{host}{path}?...{named}"


def error_words(path: str, sent: Mapping[str, str]) -> str:
    """The error ``sent`` carries, by the codes and IDs to look up (its description's words are not repeated: they may
    quote a person's number)."""
    found = answer_in(dict(sent))
    said = [f"error {found.error}" if CODE_WORD.fullmatch(found.error or "") else "an error", *found.aadb2c_codes]
    said += [f"correlation ID {found.correlation_id}"] if found.correlation_id else []
    said += [f"Mobile ID {found.mid_code}"] if found.mid_code else []
    return f"{answer_to(path, 'error')}: {', '.join(said)}"


def outcome_hint(sent: Mapping[str, str]) -> str:
    """The --outcome whose phone gives the Mobile ID error ``sent`` carries, for the rerun of the request asked for: a
    HAR's is read so (repro/har.py ``Finding.outcome``); "" where it carries none the repro plays."""
    found = answer_in(dict(sent))
    if not found.mid_code or (outcome := found.outcome) == "approve":
        return ""
    also = "".join(f" (or {other.name}: {other.words}, the same code)" for other in giving_the_same_code(outcome))
    return f"; rerun it with --outcome {outcome}{also}, the phone's answer that gives {found.mid_code}"


def answer_to(path: str, what: str) -> str:
    """Whose ``what`` (answer, error) a URL at ``path`` carries: Mobile ID's to B2C at B2C's /oauth2/authresp (its code there
    is Mobile ID's to B2C), the app's own at B2C's token endpoint (a code it redeems), else B2C's to the app."""
    if path.lower().endswith("/oauth2/authresp"):
        return "Mobile ID's answer to B2C, at B2C's /oauth2/authresp"
    if path.lower().endswith("/oauth2/v2.0/token"):  # the app redeems B2C's code there: the code is its request's, not B2C's answer
        return "B2C's token request" + (", with the app's code or token for it" if what == "answer" else "")
    return f"the app's redirect with B2C's {what}"
