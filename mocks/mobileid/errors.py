"""Mobile ID's OIDC errors: an OAuth ``error`` plus ``mid_<cat>_<code>_<TRACE> - <message>``."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

_TRACE_ALPHABET = string.ascii_uppercase + string.digits


def new_trace() -> str:
    """The 8-character session id the phone shows and error descriptions carry (e.g. ``A9W1GLUM``)."""
    return "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class MidError:
    error: str  # the OAuth error code
    code: str  # e.g. "mid_auth_3010"
    message: str

    def description(self, trace: str) -> str:
        return f"{self.code}_{trace} - {self.message}"

    def but(self, message: str) -> MidError:
        """The same code with a more precise message."""
        return MidError(self.error, self.code, message)


# Request validation (invalid_request unless noted). The login_hint codes 1050-1100 follow the
# order the reference lists them in; the exact numbering per case is our choice (see README).
ACR_NOT_SINGLE = MidError("invalid_request", "mid_req_1010", "acr_values must contain a single value")
ACR_INVALID = MidError("invalid_request", "mid_req_1020", "Invalid acr_values")
UI_LOCALES_NOT_SINGLE = MidError("invalid_request", "mid_req_1030", "ui_locales must contain a single value")
UI_LOCALES_INVALID = MidError("invalid_request", "mid_req_1040", "Invalid ui_locales, supported are en, de, fr, it")
HINT_EMPTY = MidError("invalid_request", "mid_req_1050", "login_hint contains no hints")
HINT_AL4_MANUAL = MidError("invalid_request", "mid_req_1060", "AL4 cannot be combined with enableManualInput")
HINT_BAD_MSISDN = MidError("invalid_request", "mid_req_1070", "login_hint contains an invalid MSISDN")
HINT_DUPLICATE_MSISDN = MidError("invalid_request", "mid_req_1080", "login_hint contains a duplicate MSISDN")
HINT_BAD_SERIAL = MidError("invalid_request", "mid_req_1090", "login_hint contains an invalid serial number")
HINT_BAD_JSON = MidError("invalid_request", "mid_req_1100", "login_hint is not valid JSON")
SCOPE_INVALID = MidError("invalid_scope", "mid_req_1110", "Invalid scope")
AL4_WITHOUT_HINT = MidError("invalid_request", "mid_req_1120", "AL4 requires a login_hint")
MISSING_QUERY = MidError("invalid_request", "mid_req_1130", "Missing query string")
REQUEST_INVALID = MidError("invalid_request", "mid_req_1900", "Invalid request")
UNSUPPORTED_RESPONSE_TYPE = MidError("unsupported_response_type", "mid_req_1900", "Only response_type=code is supported")
SCOPE_NOT_ALLOWED = MidError("unauthorized_client", "mid_sec_2010", "Unauthorized scopes used in request")
ACR_NOT_ALLOWED = MidError("unauthorized_client", "mid_sec_2020", "Unauthorized acr_values used in request")
PARAMETER_NOT_ALLOWED = MidError("unauthorized_client", "mid_sec_2030", "Unauthorized parameters used in request")
DTBD_INVALID = MidError("invalid_request", "mid_auth_4000", "Invalid dtbd")

# Authentication outcomes (access_denied) and system errors.
REJECTED = MidError("access_denied", "mid_auth_3010", "Authentication rejected by the user")
CONSENT_REFUSED = MidError("access_denied", "mid_auth_3020", "The user refused to share the requested data")
ACTIVATION_FAILED = MidError("access_denied", "mid_auth_3060", "Mobile ID is not activated for this number")
NO_METHOD = MidError("access_denied", "mid_auth_3080", "No authentication method available")
NO_RESPONSE = MidError("access_denied", "mid_auth_3300", "The user did not respond in time")
BUSY = MidError("access_denied", "mid_auth_3310", "The user is busy with another authentication")
OTHER = MidError("access_denied", "mid_auth_3900", "Authentication failed")
SYSTEM_ERROR = MidError("server_error", "mid_sys_9900", "System error")
SERIAL_MISMATCH = MidError("access_denied", "mid_auth_3030", "The Mobile ID serial number does not match")
SESSION_UNKNOWN = MidError("invalid_request", "mid_req_1900", "Unknown or expired authentication session")
