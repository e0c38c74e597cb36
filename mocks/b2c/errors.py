"""B2C's error codes and the one text shape every channel carries them in.

Redirects, token endpoint JSON and the error page all show
``AADB2Cnnnnn: message\\r\\nCorrelation ID: guid\\r\\nTimestamp: yyyy-mm-dd hh:mm:ssZ\\r\\n``.
Messages are those of learn.microsoft.com/azure/active-directory-b2c/error-codes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

# What the stack's error page and answers put before its refusal of a step it does not run (policies/README.md, "What it
# does not execute"); fixtures/causes.py turns it into a failure's cause from a copy of its own (the suite imports no
# emulator code), which tests/suite/test_causes_and_evidence.py holds to this one.
NOT_EXECUTED_WORDS = "Not executed by the B2C emulator"
NOT_EXECUTED_PREFIX = f"{NOT_EXECUTED_WORDS} (policies/README.md): "

MESSAGES: dict[str, str] = {
    "AADB2C90001": "This user already exists, and profile '{0}' does not allow the same user to be created again.",
    "AADB2C99002": "User doesn't exist. Please sign up before you can sign in.",
    "AADB2C90006": "The redirect URI '{0}' provided in the request is not registered for the client ID '{1}'.",
    "AADB2C90007": "The application associated with client ID '{0}' has no registered redirect URIs.",
    "AADB2C90008": "The request does not contain a client ID parameter.",
    "AADB2C90010": "The request does not contain a scope parameter.",
    "AADB2C90013": "The requested response type '{0}' provided in the request is not supported.",
    "AADB2C90014": "The requested response mode '{0}' provided in the request is not supported.",
    "AADB2C90018": "The client ID '{0}' specified in the request is not registered in tenant '{1}'.",
    "AADB2C90022": "Unable to return metadata for the policy '{0}' in tenant '{1}'.",
    "AADB2C90036": "The request does not contain a URI to redirect the user to post logout. "
    "Specify a URI in the post_logout_redirect_uri parameter field.",
    "AADB2C90043": "The prompt included in the request contains invalid values. "
    "Expected 'none', 'login', 'consent' or 'select_account'.",
    "AADB2C90046": "We are having trouble loading your current state. "
    "You might want to try starting your session over from the beginning.",
    "AADB2C90053": "A user with the specified credential could not be found.",
    "AADB2C90057": "The provided application is not configured to allow the OAuth Implicit flow.",
    "AADB2C90067": "The post logout redirect URI '{0}' has an invalid format. Specify an https based URL such as "
    "'https://example.com/return' or for native clients use the IETF native client URI 'urn:ietf:wg:oauth:2.0:oob'.",
    "AADB2C90075": "The claims exchange '{0}' specified in step '{1}' returned HTTP error response with Code '{2}' and Reason '{3}'.",
    "AADB2C90077": "User does not have an existing session and request prompt parameter has a value of '{0}'.",
    "AADB2C90079": "Clients must send a client_secret when redeeming a confidential grant.",
    "AADB2C90080": "The provided grant has expired. Please re-authenticate and try again. Current time: {0}, "
    "Grant issued time: {1}, Grant sliding window expiration time: {2}.",
    "AADB2C90081": "The specified client_secret does not match the expected value for this client. "
    "Please correct the client_secret and try again.",
    "AADB2C90083": "The request is missing required parameter: {0}.",
    "AADB2C90084": "Public clients should not send a client_secret when redeeming a publicly acquired grant.",
    "AADB2C90085": "The service has encountered an internal error. Please reauthenticate and try again.",
    "AADB2C90086": "The supplied grant_type [{0}] is not supported.",
    # As tenants word it (MSAL traces): "Actual Value" is the endpoint's policy, "Expected Value" the grant's.
    "AADB2C90088": "The provided grant has not been issued for this endpoint. Actual Value : {0} and Expected Value : {1}",
    "AADB2C90090": "The provided JWE is not a valid 5 segment token.",
    "AADB2C90091": "The user has cancelled entering self-asserted information.",
    "AADB2C90110": "The scope parameter must include 'openid' when requesting a response_type that includes 'id_token'.",
    "AADB2C90115": "When requesting the 'code' response_type, the scope parameter must include a resource or client ID "
    "for access tokens, and 'openid' for ID tokens. Additionally include 'offline_access' for refresh tokens.",
    "AADB2C90117": "The scope '{0}' provided in the request is not supported.",
    "AADB2C90118": "The user has forgotten their password.",
    "AADB2C90120": "The max age parameter '{0}' specified in the request is invalid. Max age must be an integer between '{1}' and "
    "'{2}' inclusive.",
    "AADB2C90121": "The user session exceeds the specified maximum age and request prompt parameter has a value of 'None'.",
    "AADB2C90122": "Input for '{0}' received in the request has failed HTTP request validation. "
    "Ensure that the input does not contain characters such as < or &.",
    "AADB2C90129": "The provided grant has been revoked. Please reauthenticate and try again.",
    "AADB2C90182": "The supplied code_verifier does not match associated code_challenge",
    "AADB2C90183": "The supplied code_verifier is invalid",
    "AADB2C90184": "The supplied code_challenge_method is not supported. Supported values are plain or S256",
    # Wording of the error codes page; the reference lists these two only as "id_token_hint problems".
    "AADB2C90205": "This application does not have sufficient permissions against this web resource to perform the operation.",
    "AADB2C90208": "The provided id_token_hint parameter is expired. Please provide another token and try again.",
    "AADB2C90210": "The provided id_token_hint parameter could not be validated. Please provide another token and try again.",
    "AADB2C90243": "The IDP's client key/secret is not properly configured.",
    "AADB2C90255": "The claims exchange specified in technical profile '{0}' did not complete as expected. "
    "You might want to try starting your session over from the beginning.",
    "AADB2C90273": "An invalid response was received : '{0}'",
    "AADB2C90279": "The provided client ID '{0}' does not match the client ID that issued the grant.",
    "AADB2C90272": "The id_token_hint parameter has not been specified in the request. Please provide token and try again.",
    "AADB2C90287": "The request contains invalid redirect URI '{0}'.",
    # {0} is empty, or the IdP's OAuth error quoted with a trailing space ("'invalid_client' "), as seen live.
    "AADB2C90289": "We encountered an {0}error connecting to the identity provider. Please try again later.",
    "AADB2C99059": "The supplied request must present a code_challenge. Required for single-page apps using the "
    "authorization code flow.",
}


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def timestamp(moment: datetime | None = None) -> str:
    """B2C's timestamp, e.g. ``2023-08-08 02:22:53Z``."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%SZ")


@dataclass
class B2CError(Exception):
    """One AADB2C error, with the OAuth ``error`` an application receives for it."""

    code: str
    args_: tuple[str, ...] = ()
    error: str = "invalid_request"
    status: int = 400
    correlation_id: str = field(default_factory=new_correlation_id)
    when: str = field(default_factory=timestamp)
    override: str | None = None  # a localized message instead of the English one


    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.override:
            return self.override
        template = MESSAGES[self.code]
        args = self.args_ or ("",) * template.count("{")
        return template.format(*args)

    @property
    def detail(self) -> str:
        """``AADB2Cnnnnn: message``, as on the error page."""
        return f"{self.code}: {self.message}"

    @property
    def description(self) -> str:
        """The ``error_description`` sent to applications."""
        return f"{self.detail}\r\nCorrelation ID: {self.correlation_id}\r\nTimestamp: {self.when}\r\n"

    def token_endpoint_body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass
class NotExecutedStep:
    """The emulator's refusal of a step it does not execute, shown on B2C's error page where B2C's code and words would be:
    no AADB2C code (a tenant runs the step, so B2C has none for it; its AADB2C90046, "trouble loading your current state",
    sent people to their cookies). ``what``: the policy, the step and why, as policies/README.md "What it does not execute"."""

    what: str
    correlation_id: str = field(default_factory=new_correlation_id)
    when: str = field(default_factory=timestamp)

    @property
    def detail(self) -> str:
        """``Not executed by the B2C emulator (policies/README.md): <what>``, as on the error page."""
        return f"{NOT_EXECUTED_PREFIX}{self.what}"


def idp_error_text(error: str, description: str | None) -> str:
    """The ``{0}`` of AADB2C90273 for an IdP's error response."""
    return f"Error: {error},Error Description: {description or ''}"
