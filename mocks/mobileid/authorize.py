"""Validation of ``/oidc/authorize`` requests, in the order Mobile ID can report errors.

Until the client and its redirect URI are known to be genuine, errors are shown
to the user (``UntrustedRequest``); after that they travel back to the client's
redirect URI (``RejectedRequest``), as OAuth 2.0 §4.1.2.1 requires.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from mocks.common.params import MultiValued, ParameterError, single, split_scope
from mocks.mobileid import errors
from mocks.mobileid.errors import MidError
from mocks.mobileid.locales import language_from_ui_locales
from mocks.mobileid.msisdn import InvalidMSISDN, normalize_msisdn
from mocks.mobileid.settings import (
    KNOWN_ACRS,
    KNOWN_SCOPES,
    NOT_SERVED_SCOPES,
    SERIAL,
    ClientSettings,
    MobileIDSettings,
    dtbd_limit,
    is_al4,
)

# Parameters Mobile ID tells clients not to send ([GS]); PAR/JAR are not emulated.
FORBIDDEN = ("display", "max_age", "id_token_hint", "claims", "request", "request_uri", "registration")
_CODE_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclass(frozen=True)
class LoginHint:
    msisdns: tuple[str, ...]  # in order, the default first
    manual_input: bool
    serials: Mapping[str, str] = field(default_factory=dict)  # number -> its hint's `sn` (else the document's), where given

    def serial_for(self, msisdn: str) -> str | None:
        """The serial the client expects of ``msisdn``'s Mobile ID, checked at AL4 only (reference mobileid.md, ACR)."""
        return self.serials.get(msisdn)

    @property
    def starts_at_once(self) -> bool:
        """One number and no typing allowed: the phone is asked straight away."""
        return len(self.msisdns) == 1 and not self.manual_input


@dataclass(frozen=True)
class LoginRequest:
    """A client's (B2C's, for the suite) authorization request to Mobile ID, validated: what a login session serves."""

    client: ClientSettings
    redirect_uri: str
    response_mode: str
    state: str
    nonce: str
    scopes: tuple[str, ...]
    acr: str
    language: str | None  # from ui_locales; None: the browser decides
    login_hint: LoginHint | None
    code_challenge: str | None
    dtbd: str | None


class UntrustedRequest(Exception):
    """Shown on Mobile ID's error page; never redirected."""

    def __init__(self, error: MidError) -> None:
        super().__init__(error.message)
        self.mid_error = error


class RejectedRequest(Exception):
    """Sent back to the client's redirect URI."""

    def __init__(self, error: MidError, client: ClientSettings, redirect_uri: str, response_mode: str, state: str | None) -> None:
        super().__init__(error.message)
        self.mid_error = error
        self.client = client
        self.redirect_uri = redirect_uri
        self.response_mode = response_mode
        self.state = state


def parse(params: MultiValued, settings: MobileIDSettings) -> LoginRequest:
    if not any(params.getlist(name) for name in ("client_id", "redirect_uri", "response_type", "scope")):
        raise UntrustedRequest(errors.MISSING_QUERY)
    try:
        client_id = single(params, "client_id", required=True, max_length=200)
        redirect_uri = single(params, "redirect_uri", required=True, max_length=2000)
    except ParameterError as error:
        raise UntrustedRequest(errors.REQUEST_INVALID.but(f"Invalid request: {error}")) from None
    client = settings.client(client_id or "")
    if client is None:
        raise UntrustedRequest(errors.REQUEST_INVALID.but("Invalid request: unknown client_id"))
    if redirect_uri not in client.redirect_uris:
        raise UntrustedRequest(errors.REQUEST_INVALID.but("Invalid request: redirect_uri is not registered for this client"))
    assert redirect_uri is not None

    # From here on the redirect URI is trusted. response_mode decides how errors travel, so it comes first.
    response_mode = "query"
    state: str | None = None

    def reject(error: MidError) -> RejectedRequest:
        return RejectedRequest(error, client, redirect_uri, response_mode, state)

    mode_problem: str | None = None
    try:
        mode = single(params, "response_mode")
    except ParameterError as error:
        mode, mode_problem = None, f"Invalid request: {error}"
    if mode not in (None, "query", "form_post"):
        mode, mode_problem = None, "Invalid request: response_mode must be query or form_post"
    response_mode = mode or "query"
    try:  # then the state, which an answer about the mode carries too
        state = single(params, "state", max_length=2000)
    except ParameterError as error:
        raise reject(errors.REQUEST_INVALID.but(f"Invalid request: {error}")) from None
    if mode_problem is not None:
        raise reject(errors.REQUEST_INVALID.but(mode_problem))
    try:
        return _parse_trusted(params, client, redirect_uri, response_mode, state)
    except ParameterError as error:
        raise reject(errors.REQUEST_INVALID.but(f"Invalid request: {error}")) from None
    except _Reject as rejection:
        raise reject(rejection.error) from None


class _Reject(Exception):
    def __init__(self, error: MidError) -> None:
        self.error = error


def _parse_trusted(params: MultiValued, client: ClientSettings, redirect_uri: str, response_mode: str, state: str | None) -> LoginRequest:
    if state is None:
        raise _Reject(errors.REQUEST_INVALID.but("Invalid request: state is required"))
    response_type = single(params, "response_type", required=True)
    if response_type != "code":
        raise _Reject(errors.UNSUPPORTED_RESPONSE_TYPE)
    sent_forbidden = [name for name in FORBIDDEN if any(params.getlist(name))]  # sent empty: not sent (README, Decisions)
    if sent_forbidden:
        raise _Reject(errors.PARAMETER_NOT_ALLOWED.but(f"Unauthorized parameters used in request: {', '.join(sent_forbidden)}"))
    scopes = tuple(dict.fromkeys(split_scope(single(params, "scope", required=True) or "")))
    if "openid" not in scopes or any(scope not in (*KNOWN_SCOPES, *NOT_SERVED_SCOPES) for scope in scopes):
        raise _Reject(errors.SCOPE_INVALID)
    if any(scope not in client.allowed_scopes for scope in scopes):  # a documented scope we do not serve too
        raise _Reject(errors.SCOPE_NOT_ALLOWED)
    nonce = single(params, "nonce", max_length=2000)
    if nonce is None:
        raise _Reject(errors.REQUEST_INVALID.but("Invalid request: nonce is required"))
    acr = _acr(single(params, "acr_values"), client)
    language = None
    ui_locales = single(params, "ui_locales", max_length=200)
    if ui_locales is not None:
        language_or_error = language_from_ui_locales(ui_locales)
        if isinstance(language_or_error, MidError):
            raise _Reject(language_or_error)
        language = language_or_error
    prompt = single(params, "prompt")
    if prompt not in (None, "login"):
        raise _Reject(errors.REQUEST_INVALID.but("Invalid request: the only prompt value allowed is login"))
    hint_text = single(params, "login_hint")
    login_hint = parse_login_hint(hint_text) if hint_text is not None else None
    if is_al4(acr):
        if login_hint is None:
            raise _Reject(errors.AL4_WITHOUT_HINT)
        if login_hint.manual_input:
            raise _Reject(errors.HINT_AL4_MANUAL)
    dtbd = single(params, "dtbd", max_length=1000)
    if dtbd is not None and (len(dtbd) > dtbd_limit(dtbd) or not dtbd.startswith(client.dtbd_prefix)):
        raise _Reject(errors.DTBD_INVALID)
    return LoginRequest(
        client=client,
        redirect_uri=redirect_uri,
        response_mode=response_mode,
        state=state,
        nonce=nonce,
        scopes=scopes,
        acr=acr,
        language=language,
        login_hint=login_hint,
        code_challenge=_code_challenge(params),
        dtbd=dtbd,
    )


def _acr(value: str | None, client: ClientSettings) -> str:
    if value is None:
        return client.default_acr
    if len(value.replace(",", " ").split()) != 1:  # "a,b" is two values as "a b" is
        raise _Reject(errors.ACR_NOT_SINGLE)
    if value not in KNOWN_ACRS:
        raise _Reject(errors.ACR_INVALID)
    if value not in client.allowed_acrs:
        raise _Reject(errors.ACR_NOT_ALLOWED)
    return value


def _code_challenge(params: MultiValued) -> str | None:
    """PKCE: S256 only. A challenge without a method means ``plain`` (RFC 7636 §4.3), which we refuse."""
    challenge = single(params, "code_challenge")
    method = single(params, "code_challenge_method")
    if challenge is None:
        if method is not None:
            raise _Reject(errors.REQUEST_INVALID.but("Invalid request: code_challenge_method without code_challenge"))
        return None
    if method != "S256":
        raise _Reject(errors.REQUEST_INVALID.but("Invalid request: code_challenge_method must be S256"))
    if not _CODE_CHALLENGE.fullmatch(challenge):
        raise _Reject(errors.REQUEST_INVALID.but("Invalid request: malformed code_challenge"))
    return challenge


def parse_login_hint(text: str) -> LoginHint:
    """Mobile ID's JSON login_hint: ``{"enableManualInput":true,"hints":[{"msisdn":"+41...","default":true}]}``."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth
        raise _Reject(errors.HINT_BAD_JSON) from None
    if not isinstance(document, dict):
        raise _Reject(errors.HINT_BAD_JSON)
    if document.get("useLDAP"):
        raise _Reject(errors.PARAMETER_NOT_ALLOWED.but("Unauthorized parameters used in request: LDAP login is not enabled for this client"))
    manual = document.get("enableManualInput", False)
    hints = document.get("hints", [])
    if not isinstance(manual, bool) or not isinstance(hints, list) or not all(isinstance(h, dict) for h in hints):
        raise _Reject(errors.HINT_BAD_JSON)
    document_serial = document.get("sn")
    msisdns: list[str] = []
    serials: dict[str, str] = {}
    default: str | None = None
    for hint in hints:
        raw = hint.get("msisdn")
        if raw is None:
            continue
        try:
            msisdn = normalize_msisdn(raw) if isinstance(raw, str) else ""
        except InvalidMSISDN:
            msisdn = ""
        if not msisdn:
            raise _Reject(errors.HINT_BAD_MSISDN)
        if msisdn in msisdns:
            raise _Reject(errors.HINT_DUPLICATE_MSISDN)
        msisdns.append(msisdn)
        if hint.get("default") is True and default is None:
            default = msisdn
        serial = hint.get("sn", document_serial)  # each number its own serial
        if serial is not None:
            serials[msisdn] = _serial(serial)
    if not msisdns and not manual:
        raise _Reject(errors.HINT_EMPTY)
    if document_serial is not None:
        _serial(document_serial)
    if default is not None:
        msisdns.remove(default)
        msisdns.insert(0, default)
    return LoginHint(msisdns=tuple(msisdns), manual_input=manual, serials=serials)


def _serial(value: object) -> str:
    if not isinstance(value, str) or not SERIAL.fullmatch(value):
        raise _Reject(errors.HINT_BAD_SERIAL)
    return value
