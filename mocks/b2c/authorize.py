"""Validating a relying party's authorize request, and answering it.

The order of checks decides where an error goes. Until the client and its
redirect URI are known to belong together, nothing may be sent to that URI, so
those errors (AADB2C90008, 90018, 90007, 90006, 90083 redirect_uri, 90014 for
an unknown response_mode) show B2C's error page. After that, errors go to the
application's redirect URI in its response mode (AADB2C90013, 90010, 90110,
90115, 90117, 90205, 90043, 90057, 90184).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus

from mocks.b2c.errors import B2CError
from mocks.b2c.sessions import RelyingPartyRequest
from mocks.b2c.settings import B2CSettings
from mocks.common.params import MultiValued, ParameterError, single, split_scope

RESPONSE_MODES = ("query", "fragment", "form_post")
RESPONSE_TYPES = (frozenset({"code"}), frozenset({"id_token"}), frozenset({"code", "id_token"}))
PROMPTS = ("login", "none", "consent", "select_account")
# max_age's bounds are not published (AADB2C90120 names them as placeholders): 0 to .NET's largest int, Unconfirmed.
MAX_AGE_BOUNDS = (0, 2147483647)
KNOWN_SCOPES = ("openid", "offline_access", "profile", "email")


@dataclass(frozen=True)
class Delivery:
    """Where and how an answer goes to the application."""

    redirect_uri: str
    response_mode: str
    state: str | None


class AuthorizeError(Exception):
    """``delivery`` None: show the error page; else redirect the error to the application."""

    def __init__(self, error: B2CError, delivery: Delivery | None) -> None:
        super().__init__(error.detail)
        self.error = error
        self.delivery = delivery


def validate(params: MultiValued, settings: B2CSettings) -> RelyingPartyRequest:
    try:
        return _validate(params, settings)
    except ParameterError as error:
        raise AuthorizeError(B2CError("AADB2C90122", (error.name,)), None) from None


def _validate(params: MultiValued, settings: B2CSettings) -> RelyingPartyRequest:
    client_id = single(params, "client_id", max_length=200)
    if client_id is None:
        raise AuthorizeError(B2CError("AADB2C90008"), None)
    client = settings.app(client_id)
    if client is None:
        raise AuthorizeError(B2CError("AADB2C90018", (client_id, settings.domain)), None)
    if not client.redirect_uris:
        raise AuthorizeError(B2CError("AADB2C90007", (client_id,)), None)
    redirect_uri = single(params, "redirect_uri", max_length=2048)
    if redirect_uri is None:
        raise AuthorizeError(B2CError("AADB2C90083", ("redirect_uri",)), None)
    if redirect_uri not in client.redirect_uris:
        raise AuthorizeError(B2CError("AADB2C90006", (redirect_uri, client_id)), None)
    requested_mode = single(params, "response_mode", max_length=50)
    if requested_mode is not None and requested_mode not in RESPONSE_MODES:
        raise AuthorizeError(B2CError("AADB2C90014", (requested_mode,)), None)
    state = single(params, "state")

    def fail(code: str, *args: str, error: str = "invalid_request", mode: str | None = None) -> AuthorizeError:
        return AuthorizeError(B2CError(code, args, error=error), Delivery(redirect_uri, mode or requested_mode or "query", state))

    response_type = single(params, "response_type", max_length=100) or ""
    types = frozenset(response_type.split())
    if types not in RESPONSE_TYPES:
        raise fail("AADB2C90013", response_type, error="unsupported_response_type")
    with_id_token = "id_token" in types
    default_mode = "fragment" if with_id_token else "query"
    mode = requested_mode or default_mode
    if mode == "query" and with_id_token:
        # Tokens never travel in a query string.
        raise fail("AADB2C90014", mode, mode="fragment")

    scope = single(params, "scope")
    if scope is None:
        raise fail("AADB2C90010", mode=mode)
    scopes = tuple(split_scope(scope))
    for value in scopes:
        if value.lower().startswith(("https://", "http://", "api://")):
            # A web API's scope: no app here is granted one (the emulator registers no API), so a tenant refuses it
            # (MicrosoftDocs/azure-docs#53530), where taking it would echo in the token response a scope whose access
            # token never comes.
            raise fail("AADB2C90205", error="invalid_request", mode=mode)
        if value not in KNOWN_SCOPES and value != client_id:
            raise fail("AADB2C90117", value, error="invalid_scope", mode=mode)
    if with_id_token and "openid" not in scopes:
        raise fail("AADB2C90110", mode=mode)
    if not with_id_token and "openid" not in scopes and client_id not in scopes:
        raise fail("AADB2C90115", mode=mode)

    prompt = single(params, "prompt", max_length=50)
    if prompt is not None and prompt not in PROMPTS:
        raise fail("AADB2C90043", mode=mode)
    max_age = single(params, "max_age", max_length=50)
    lowest, highest = MAX_AGE_BOUNDS
    if max_age is not None and not (max_age.isascii() and max_age.isdigit() and lowest <= int(max_age) <= highest):
        raise fail("AADB2C90120", max_age, str(lowest), str(highest), mode=mode)
    if with_id_token and not client.implicit_id_token:
        raise fail("AADB2C90057", error="unauthorized_client", mode=mode)

    challenge = single(params, "code_challenge", max_length=200)
    method = single(params, "code_challenge_method", max_length=20)
    if challenge is not None:
        method = method or "plain"
        if method not in ("plain", "S256"):
            raise fail("AADB2C90184", mode=mode)
    else:
        method = None

    return RelyingPartyRequest(
        client=client,
        redirect_uri=redirect_uri,
        response_types=types,
        response_mode=mode,
        scopes=scopes,
        state=state,
        nonce=single(params, "nonce"),
        prompt=prompt,
        login_hint=single(params, "login_hint", max_length=256),
        domain_hint=single(params, "domain_hint", max_length=256),
        ui_locales=single(params, "ui_locales", max_length=100),
        code_challenge=challenge,
        code_challenge_method=method,
        max_age=int(max_age) if max_age is not None else None,
    )


def delivery_for(request: RelyingPartyRequest) -> Delivery:
    return Delivery(request.redirect_uri, request.response_mode, request.state)


def error_fields(error: B2CError, state: str | None) -> list[tuple[str, str]]:
    fields = [("error", error.error), ("error_description", error.description)]
    if state is not None:
        fields.append(("state", state))
    return fields


def encode(fields: list[tuple[str, str]]) -> str:
    """Form-encode like .NET's HttpUtility.UrlEncode: spaces as '+', lower-case escapes (``%3a``, ``%0d%0a``)."""
    def enc(text: str) -> str:
        out = quote_plus(text, safe="-_.!*()")
        # Lower-case the hex digits of every %XX escape.
        parts = out.split("%")
        return parts[0] + "".join("%" + p[:2].lower() + p[2:] for p in parts[1:])

    return "&".join(f"{enc(k)}={enc(v)}" for k, v in fields)


def redirect_location(delivery: Delivery, fields: list[tuple[str, str]]) -> str:
    """The Location for query and fragment modes (form_post is a page, see pages.form_post)."""
    if delivery.response_mode == "fragment":
        return f"{delivery.redirect_uri}#{encode(fields)}"
    separator = "&" if "?" in delivery.redirect_uri else "?"
    return f"{delivery.redirect_uri}{separator}{encode(fields)}"
