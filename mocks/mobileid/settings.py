"""Configuration of the Mobile ID emulator: relying parties, test users, lifetimes, faults.

Settings come from a TOML file, from ``MOBILEID_*`` environment variables, or
from code (``MobileIDSettings.local_stack``). Bad values stop the start with a
message that names the setting and says how to fix it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from mocks.common.hosts import is_loopback
from mocks.faults import Fault, Side, acting_on
from mocks.mobileid.msisdn import InvalidMSISDN, normalize_msisdn

DEFAULT_ISSUER = "https://openid.mobileid.ch"
MIN_CONTROL_TOKEN = 20  # characters of a control token for a control API others can reach (a deployed emulator, a stack's)


def short_control_token(variable: str) -> str:
    """The refusal of a control token under ``MIN_CONTROL_TOKEN`` for a control API others can reach: every wrong guess is
    a quick 401, so a short one is found online (its length not said: a hint too)."""
    return (f"{variable} is too short for a control API others can reach: give it at least {MIN_CONTROL_TOKEN} random "
            "characters, e.g. from `openssl rand -hex 16`")
KNOWN_SCOPES = ("openid", "profile", "phone", "mid_profile")
# Scopes the real service documents but the emulator does not serve (reference mobileid.md section 2): no client here may
# use them, so a request for one is refused as the real service refuses a scope the client is not allowed, mid_sec_2010.
NOT_SERVED_SCOPES = ("offline_access", "mid_location", "mid_cms", "mid_esign_basic", "mid_passkey")
KNOWN_ACRS = (
    "mid_al2_any",
    "mid_al3_any",
    "mid_al3_any_ch",
    "mid_al3_simcard",
    "mid_al3_mobileapp",
    "mid_al4_any",
    "mid_al4_any_ch",
    "mid_al4_simcard",
    "mid_al4_mobileapp",
    "mid_al4_passkey",
)


def is_al4(acr: str) -> bool:
    """AL4 adds the serial check to AL3's and needs a login hint (reference mobileid.md, ACR table)."""
    return acr.startswith("mid_al4")


MAX_DTBD = 239  # characters of a dtbd (the text the phone shows), past which authorize answers mid_auth_4000
MAX_DTBD_NON_GSM = 119  # the same limit for a dtbd with any character outside GSM 03.38 (reference mobileid.md section 3)
# GSM 03.38: the default alphabet (its escape code left out) and the extension table's characters.
GSM_03_38 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    "\f^{}\\[~]|€"
)


def dtbd_limit(text: str) -> int:
    """How long a dtbd like ``text`` may be: 239 characters, or 119 once any of them is outside GSM 03.38."""
    return MAX_DTBD if set(text) <= GSM_03_38 else MAX_DTBD_NON_GSM


SERIAL = re.compile(r"MIDCHE[A-Z0-9]{10}", re.IGNORECASE)  # a user's Mobile ID serial, as login_hint's sn gives it
# What a client may ask for unless its onboarding says otherwise: the SIM/App levels without extra checks.
DEFAULT_ALLOWED_ACRS = ("mid_al2_any", "mid_al3_any", "mid_al3_simcard", "mid_al3_mobileapp")
LOCAL_STACK_CLIENT_ID = "b2c-contoso-0001"


def local_stack_client_id(tenant: str) -> str:
    """B2C's client id at the local stack's Mobile ID."""
    return LOCAL_STACK_CLIENT_ID if tenant == "contoso" else f"b2c-{tenant}-0001"

Outcome = Literal["approve", "wait", "user_cancel", "pin_blocked", "card_blocked", "no_key", "busy", "expired", "no_cert", "system_error"]


def _as_sent(value: str) -> bool:
    """Not blank, no space around it: a value a header or a form carries as written, which spaces around would change."""
    return bool(value.strip()) and value == value.strip()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClientSettings(_Strict):
    """One relying party as Swisscom onboards it."""

    client_id: Annotated[str, Field(min_length=1, max_length=200)]
    client_secret: SecretStr
    redirect_uris: Annotated[list[str], Field(min_length=1)]
    token_endpoint_auth_method: Literal["client_secret_post", "client_secret_basic"] = "client_secret_post"
    allowed_scopes: list[str] = Field(default_factory=lambda: list(KNOWN_SCOPES))
    allowed_acrs: list[str] = Field(default_factory=lambda: list(DEFAULT_ALLOWED_ACRS))
    default_acr: str = "mid_al3_any"
    # never: no consent page; once: ask the first time per user; always: ask every time.
    consent: Literal["never", "once", "always"] = "never"
    # B2C's user-flow mapping reads the ID token, so the granted claims go there too by default.
    claims_in_id_token: bool = True
    client_name: str = ""
    dtbd_prefix: str = ""

    @field_validator("dtbd_prefix")
    @classmethod
    def _prefix_fits_a_dtbd(cls, value: str) -> str:
        if len(value) > (limit := dtbd_limit(value)):  # every dtbd must start with it, and none may be longer: all would be refused
            outside = sorted(set(value) - GSM_03_38)
            why, fix = (f", as {outside[0]!r} is outside GSM 03.38", f" or write it in GSM 03.38 characters only (up to {MAX_DTBD})"
                        ) if outside else ("", "")
            raise ValueError(f"dtbd_prefix is {len(value)} characters, longer than a dtbd may be ({limit}{why}): shorten it{fix}")
        return value

    @field_validator("client_id")
    @classmethod
    def _client_id_as_sent(cls, value: str) -> str:
        if not _as_sent(value):
            raise ValueError(f"client_id {value!r} must not be blank or start or end with a space (B2C sends it as written)")
        return value

    @field_validator("client_secret")
    @classmethod
    def _secret_not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("the client secret must not be empty")
        return value

    @field_validator("redirect_uris")
    @classmethod
    def _absolute_uris(cls, uris: list[str]) -> list[str]:
        # Swisscom's onboarding takes https redirect URIs, none on localhost (reference mobileid.md section 5): a client
        # the real service would refuse is refused here too.
        for uri in uris:
            parts = urlsplit(uri)
            if parts.scheme != "https" or not parts.hostname or "#" in uri:
                raise ValueError(f"redirect URI {uri!r} must be an absolute https URL without a fragment (Mobile ID registers no other)")
            host = parts.hostname.rstrip(".")  # localhost. is localhost
            if is_loopback(host) or host.endswith(".localhost"):
                raise ValueError(f"redirect URI {uri!r} is on localhost, which Mobile ID does not register")
        return uris

    @field_validator("allowed_scopes")
    @classmethod
    def _known_scopes(cls, scopes: list[str]) -> list[str]:
        documented = sorted(set(scopes) & set(NOT_SERVED_SCOPES))
        if documented:  # Mobile ID's own, but not emulated: say so rather than call them unknown
            raise ValueError(f"scopes {documented} are Mobile ID's but not emulated (README, Not emulated); the emulator serves "
                             f"{list(KNOWN_SCOPES)}")
        unknown = sorted(set(scopes) - set(KNOWN_SCOPES))
        if unknown:
            raise ValueError(f"unknown scopes {unknown}; the emulator serves {list(KNOWN_SCOPES)}")
        if "openid" not in scopes:
            raise ValueError("allowed_scopes must include openid")
        return scopes

    @field_validator("allowed_acrs")
    @classmethod
    def _known_acrs(cls, acrs: list[str]) -> list[str]:
        unknown = sorted(set(acrs) - set(KNOWN_ACRS))
        if unknown:
            raise ValueError(f"unknown ACR values {unknown}; Mobile ID knows {list(KNOWN_ACRS)}")
        return acrs

    @model_validator(mode="after")
    def _default_acr_allowed(self) -> ClientSettings:
        if self.default_acr not in self.allowed_acrs:
            raise ValueError(f"default_acr {self.default_acr!r} is not in allowed_acrs {self.allowed_acrs}")
        return self

    @property
    def display_name(self) -> str:
        return self.client_name or self.client_id


class TestUser(_Strict):
    """A phone number with a scripted behaviour (what the phone will do)."""

    __test__ = False  # not a pytest test class

    msisdn: str
    outcome: Outcome = "approve"
    delay: Annotated[float, Field(ge=0, le=3600)] = 0.0
    method: Literal["sim", "app"] = "sim"
    serial: str | None = None
    alias: str | None = None
    sim_status: str | None = None
    app_status: str | None = None
    recovery_code_status: bool = True

    @field_validator("serial")
    @classmethod
    def _serial(cls, value: str | None) -> str | None:
        if value is not None and not SERIAL.fullmatch(value):
            raise ValueError(f"serial {value!r} is not a Mobile ID serial: MIDCHE and 10 letters or digits")
        return value

    @field_validator("msisdn")
    @classmethod
    def _e164(cls, value: str) -> str:
        try:
            return normalize_msisdn(value)
        except InvalidMSISDN as error:
            raise ValueError(str(error)) from None


class MobileIDSettings(_Strict):
    issuer: str = DEFAULT_ISSUER
    # Where /oidc/authorize and the login pages live (m.mobileid.ch in production); defaults to the issuer.
    authorization_base_url: str | None = None
    clients: list[ClientSettings] = Field(default_factory=list)
    users: list[TestUser] = Field(default_factory=list)
    transaction_timeout: Annotated[float, Field(gt=0, le=3600)] = 80.0
    code_lifetime: Annotated[int, Field(gt=0, le=3600)] = 120
    access_token_lifetime: Annotated[int, Field(gt=0, le=86400)] = 3600
    id_token_lifetime: Annotated[int, Field(gt=0, le=86400)] = 3600
    # How long the waiting page's long-poll request is held open before the browser re-issues it.
    long_poll_seconds: Annotated[float, Field(gt=0, le=60)] = 25.0
    # Keyed hash salt for pairwise subjects; keep it fixed so sub stays stable across restarts.
    subject_salt: SecretStr = SecretStr("mobileid-emulator-pairwise-subject")
    signing_key_pem: Path | None = None
    # None: the key's RFC 7638 thumbprint, so a new key per start (no signing_key_pem) has a new kid, and a relying party
    # that caches the JWKS and fetches it again only for a kid it does not know (B2C) finds the new key.
    signing_key_id: str | None = None
    # None: on when a control token is set (the command line also turns it on for loopback hosts).
    control_enabled: bool | None = None
    # Why whoever built these settings turned the control API off (the local stack: its --host), said by its 404s.
    control_off_reason: str | None = None
    control_token: SecretStr | None = None
    faults: frozenset[Fault] = frozenset()
    # Most entries each store keeps (transactions, login sessions, codes, access tokens, consents); beyond it the
    # entry nearest its expiry goes. Every entry also has a time limit (README, Bounded memory).
    store_limit: Annotated[int, Field(ge=10, le=10_000_000)] = 100_000
    slow_idp_delay: Annotated[float, Field(ge=0, le=60)] = 5.0

    @field_validator("issuer", "authorization_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if (not value.startswith(("https://", "http://")) or "?" in value or "#" in value or not urlsplit(value).hostname
                or any(character.isspace() for character in value)):
            raise ValueError(f"{value!r} must be an absolute http(s) URL with a host, without query, fragment or spaces")
        return value.rstrip("/")

    @field_validator("signing_key_id")
    @classmethod
    def _kid_named(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():  # the JWKS's kid, by which B2C picks the key that signed a token
            raise ValueError("signing_key_id must not be empty: it is the key's kid in the JWKS (unset it for the default)")
        return value

    @field_validator("control_token")
    @classmethod
    def _usable_token(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty token would leave the control API on without one (and pass the start's check for a token); one with
        spaces around it could never be sent, as the Bearer header's value is read without them."""
        if value is not None and not _as_sent(value.get_secret_value()):
            raise ValueError("the control token must not be empty or start or end with a space (unset it for no token)")
        return value

    @field_validator("faults")
    @classmethod
    def _mobile_id_faults(cls, value: frozenset[Fault]) -> frozenset[Fault]:
        """A B2C fault here would start an emulator that quietly does nothing of what was asked."""
        if others := sorted(value - acting_on(Side.MOBILE_ID)):
            sides = " and ".join(sorted({fault.side.label for fault in others}))
            raise ValueError(f"{', '.join(f.value for f in others)} {'acts' if len(others) == 1 else 'act'} on {sides}, not on "
                             "Mobile ID; this emulator's faults: " + ", ".join(sorted(fault.value for fault in acting_on(Side.MOBILE_ID))))
        return value

    @field_validator("signing_key_pem")
    @classmethod
    def _pem_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no PEM file at {value}")
        return value

    @model_validator(mode="after")
    def _unique(self) -> MobileIDSettings:
        ids = [client.client_id for client in self.clients]
        if len(ids) != len(set(ids)):
            raise ValueError("client ids must be unique")
        numbers = [user.msisdn for user in self.users]
        if len(numbers) != len(set(numbers)):
            raise ValueError("test user MSISDNs must be unique")
        return self

    @property
    def authorization_base(self) -> str:
        return self.authorization_base_url or self.issuer

    @property
    def control_on(self) -> bool:
        if self.control_enabled is None:
            return self.control_token is not None
        return self.control_enabled

    def client(self, client_id: str) -> ClientSettings | None:
        return next((c for c in self.clients if c.client_id == client_id), None)

    def user(self, msisdn: str) -> TestUser | None:
        return next((u for u in self.users if u.msisdn == msisdn), None)

    @classmethod
    def local_stack(
        cls,
        *,
        tenant: str = "contoso",
        client_secret: str,
        client_id: str | None = None,
        faults: frozenset[Fault] | set[Fault] = frozenset(),
        **overrides: Any,
    ) -> MobileIDSettings:
        """Mobile ID as the local stack serves it: the B2C tenant's client from docs/contracts.md (or ``client_id``, the
        one a team's custom policies name), control API on."""
        b2c_client = ClientSettings(
            client_id=client_id or local_stack_client_id(tenant),
            client_secret=SecretStr(client_secret),
            redirect_uris=[f"https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/oauth2/authresp"],
            token_endpoint_auth_method="client_secret_post",
            client_name=f"{tenant} (Azure AD B2C)",
        )
        values: dict[str, Any] = {
            "issuer": DEFAULT_ISSUER,
            "authorization_base_url": "https://m.mobileid.ch",
            "clients": [b2c_client],
            "control_enabled": True,
            "faults": frozenset(faults),
        }
        values.update(overrides)
        return cls(**values)


class ConfigurationError(SystemExit):
    """Stops the start; the message names the setting and the fix."""


ENVIRONMENT = {
    "MOBILEID_ISSUER": "issuer",
    "MOBILEID_AUTHORIZATION_BASE_URL": "authorization_base_url",
    "MOBILEID_TRANSACTION_TIMEOUT": "transaction_timeout",
    "MOBILEID_CODE_LIFETIME": "code_lifetime",
    "MOBILEID_ACCESS_TOKEN_LIFETIME": "access_token_lifetime",
    "MOBILEID_ID_TOKEN_LIFETIME": "id_token_lifetime",
    "MOBILEID_SUBJECT_SALT": "subject_salt",
    "MOBILEID_SIGNING_KEY_PEM": "signing_key_pem",
    "MOBILEID_SIGNING_KEY_ID": "signing_key_id",
    "MOBILEID_CONTROL_ENABLED": "control_enabled",
    "MOBILEID_CONTROL_TOKEN": "control_token",
    "MOBILEID_FAULTS": "faults",
    "MOBILEID_SLOW_IDP_DELAY": "slow_idp_delay",
    "MOBILEID_STORE_LIMIT": "store_limit",
}
# The single-client deployment (the IdP of a real B2C test tenant) needs only these.
CLIENT_ENVIRONMENT = {
    "MOBILEID_CLIENT_ID": "client_id",
    "MOBILEID_CLIENT_SECRET": "client_secret",
    "MOBILEID_REDIRECT_URIS": "redirect_uris",
    "MOBILEID_CLIENT_AUTH_METHOD": "token_endpoint_auth_method",
    "MOBILEID_CLIENT_CONSENT": "consent",
}


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> MobileIDSettings:
    """File first, then environment, then explicit overrides (the command line)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    if config_file is not None:
        import tomllib  # only when a file is given: off the stack's start path

        named = "the settings file (--config or MOBILEID_CONFIG)"
        try:
            values = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigurationError(f"{config_file}, {named}: cannot read it ({error.strerror}).") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigurationError(f"{config_file}, {named}: not valid TOML ({error}). Fix the file.") from None
    for variable, field in ENVIRONMENT.items():
        if environ.get(variable):
            values[field] = environ[variable]
    if "faults" in values and isinstance(values["faults"], str):
        values["faults"] = [part.strip() for part in values["faults"].split(",") if part.strip()]
    env_client: dict[str, Any] = {field: environ[v] for v, field in CLIENT_ENVIRONMENT.items() if environ.get(v)}
    env_client_index = None
    if env_client:
        # A variable it lacks is said with every other bad setting (the validation's "missing"), not alone before them.
        if "redirect_uris" in env_client:
            env_client["redirect_uris"] = [u.strip() for u in env_client["redirect_uris"].split(",") if u.strip()]
        values["clients"] = [*values.get("clients", []), env_client]
        env_client_index = len(values["clients"]) - 1
    given = {k: v for k, v in overrides.items() if v is not None}
    values.update(given)
    options = {k: f"--{k.replace('_', '-')}" for k in given}  # a value the command line gave is said as its option's
    source = str(config_file) if config_file else "environment"
    settings = build_settings(values, source=source, origin=options, env_client=env_client_index)
    # A secret file's trailing newline (a Kubernetes secret from a file, a here-document) kept in the variable: B2C sends the
    # secret as its policy key holds it, without, and every token request was a 401 invalid_client. (Not in ClientSettings:
    # the local stack's B2C sends the stack's secret as it is, whatever is around it.)
    spaced = [f"  clients.{index}.client_secret{' (environment MOBILEID_CLIENT_SECRET)' if index == env_client_index else ''}: "
              "the client secret must not start or end with a space or a newline (B2C sends the secret without them, so every "
              "token request would be refused); remove them"
              for index, client in enumerate(settings.clients) if not _as_sent(client.client_secret.get_secret_value())]
    if spaced:
        raise ConfigurationError(f"Mobile ID emulator: invalid configuration from {source}:\n" + "\n".join(spaced)
                                 + "\nFix these settings (see mocks/mobileid/README.md, section Settings) and start again.")
    return settings


ENV_CLIENT_NEEDS = "the environment-configured client needs MOBILEID_CLIENT_ID, MOBILEID_CLIENT_SECRET and MOBILEID_REDIRECT_URIS (comma-separated)"


def build_settings(values: Mapping[str, Any], *, source: str = "settings", origin: Mapping[str, str] | None = None,
                   env_client: int | None = None) -> MobileIDSettings:
    """``values`` validated; each error names its setting with the variable that sets it, or with ``origin``'s word for
    where its value came from (the command line's option). ``env_client``: the index in ``clients`` of the client the
    environment configured, the one whose errors name a variable (a file's clients are the file's)."""
    try:
        return MobileIDSettings.model_validate(dict(values))
    except ValidationError as error:
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"]) or "(top level)"
            first = str(item["loc"][0]) if item["loc"] else ""
            if origin and first in origin and first != "clients":
                hint = f" ({origin[first]})"
            else:
                variable = _variable_for(item["loc"], env_client)
                hint = f" (environment {variable})" if variable else ""
            said = f"not set: {ENV_CLIENT_NEEDS}" if item["type"] == "missing" and first == "clients" and hint else item["msg"]
            problems.append(f"  {where}{hint}: {said}")
        raise ConfigurationError(
            f"Mobile ID emulator: invalid configuration from {source}:\n" + "\n".join(problems)
            + "\nFix these settings (see mocks/mobileid/README.md, section Settings) and start again."
        ) from None


def _variable_for(loc: tuple[Any, ...], env_client: int | None) -> str | None:
    if not loc:
        return None
    if loc[0] == "clients":
        if len(loc) > 2 and loc[1] == env_client:
            return next((v for v, f in CLIENT_ENVIRONMENT.items() if f == loc[2]), None)
        return None
    return next((v for v, f in ENVIRONMENT.items() if f == loc[0]), None)
