"""User flows configured as data, the way the Azure portal configures them.

Two blades of the portal become two models:

* ``OpenIdConnectProvider``: "Identity providers > New OpenID Connect provider" (name, metadata
  URL, client id and secret, scope, response type, response mode, domain hint, claims mapping);
* ``UserFlow``: "User flows > Sign up and sign in" (name ``B2C_1_...``, the identity providers it
  offers, the user attributes collected on sign-up and the application claims returned).

``UserFlow.to_policy()`` turns one into the ``Policy`` the B2C runtime serves. User flows can be
read from a TOML file (``load_user_flows``), so the emulator federates with any OpenID provider by
configuration alone; ``local_stack_user_flow`` is the seed's ``B2C_1_signupsignin`` with Mobile ID.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictBool, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from .policy import (
    ClaimMapping,
    IdentityProvider,
    Policy,
    PolicyError,
    PolicyKind,
    ProviderProtocol,
    RelyingPartyClaim,
)
from .policy_keys import variable_named

MOBILE_ID_METADATA_URL = "https://openid.mobileid.ch/.well-known/openid-configuration"
LOCAL_STACK_USER_FLOW = "B2C_1_signupsignin"  # the seed's user flow, as the local stack serves it
MOBILE_ID_SCOPE = "openid, profile, phone, mid_profile"

# "Application claims" check boxes of a user flow: option -> (B2C claim type, token claim).
APPLICATION_CLAIMS: dict[str, tuple[str, str]] = {
    "display_name": ("displayName", "name"),
    "given_name": ("givenName", "given_name"),
    "surname": ("surname", "family_name"),
    "email_addresses": ("email", "emails"),
    "identity_provider": ("identityProvider", "idp"),
    "user_is_new": ("newUser", "newUser"),
    "user_object_id": ("objectId", "oid"),
}
# "User attributes" collected on sign-up: option -> claim type (input id on the self-asserted page).
USER_ATTRIBUTES: dict[str, str] = {
    "display_name": "displayName",
    "given_name": "givenName",
    "surname": "surname",
}

ApplicationClaim = Literal["display_name", "given_name", "surname", "email_addresses", "identity_provider", "user_is_new", "user_object_id"]
UserAttribute = Literal["display_name", "given_name", "surname"]


def button_id(provider_name: str) -> str:
    """The user-flow button id of a custom OIDC provider: its name without anything but [A-Za-z0-9_].

    ``"Mobile ID"`` -> ``MobileID``; ``"MSIDLAB4_AzureAD"`` -> ``MSIDLAB4_AzureAD`` (the one id seen on
    a real tenant). The real scheme is Unconfirmed (reference 1.3); see policies/README.md.
    """
    return re.sub(r"[^A-Za-z0-9_]", "", provider_name)


class ClaimsMapping(BaseModel):
    """"Identity provider claims mapping": the IdP's claim name for each B2C field (None = not mapped)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: str = "sub"
    display_name: str | None = "name"
    given_name: str | None = None
    surname: str | None = None
    email: str | None = None


class OpenIdConnectProvider(BaseModel):
    """One "OpenID Connect provider" of the tenant (Identity providers blade)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    metadata_url: str
    client_id: str = Field(min_length=1)
    client_secret: SecretStr = Field(min_length=1)  # empty: B2C signs in with none, which the provider refuses (invalid_client)
    scope: str = "openid"
    response_type: Literal["code"] = "code"
    response_mode: Literal["form_post", "query"] = "form_post"
    domain_hint: str | None = None
    claims_mapping: ClaimsMapping = ClaimsMapping()
    # Value of the token's ``idp`` claim; default: the domain hint (see policies/README.md).
    idp: str | None = None

    @field_validator("metadata_url")
    @classmethod
    def _https_url(cls, v: str) -> str:
        parts = urlsplit(v)
        try:
            parts.port  # noqa: B018  (its check: a port that is not a number from 0 to 65535 raises)
        except ValueError:
            raise ValueError(f"{v!r} has a port that is not a number from 1 to 65535; use the provider's "
                             ".well-known/openid-configuration URL") from None
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(f"{v!r} is not an https URL; use the provider's .well-known/openid-configuration URL")
        return v

    @field_validator("response_type", mode="before")
    @classmethod
    def _code_only(cls, v: Any) -> Any:
        if v != "code":
            raise ValueError(f"{v!r} is not supported; the emulator federates with the authorization code flow, use 'code'")
        return v

    @field_validator("name")
    @classmethod
    def _name_gives_button_id(cls, v: str) -> str:
        if not button_id(v):
            raise ValueError(f"{v!r} gives an empty button id; use letters, digits or '_' in the name")
        return v

    @property
    def exchange_id(self) -> str:
        return button_id(self.name)

    def idp_value(self) -> str | None:
        return self.idp or self.domain_hint

    def to_identity_provider(self) -> IdentityProvider:
        cm = self.claims_mapping
        claims = [ClaimMapping("issuerUserId", cm.user_id)]
        for claim_type, partner in (("displayName", cm.display_name), ("givenName", cm.given_name),
                                    ("surname", cm.surname), ("email", cm.email)):
            if partner:
                claims.append(ClaimMapping(claim_type, partner))
        idp = self.idp_value()
        # Without a configured value, fall back to the IdP's issuer (what real B2C most likely emits).
        claims.append(ClaimMapping("identityProvider", None if idp else "iss", idp))
        claims.append(ClaimMapping("authenticationSource", None, "socialIdpAuthentication"))
        return IdentityProvider(
            exchange_id=self.exchange_id,
            display_name=self.name,
            domain=self.domain_hint or "",
            protocol=ProviderProtocol.OPENID_CONNECT,
            client_id=self.client_id,
            client_secret=self.client_secret.get_secret_value(),
            scope=self.scope,
            metadata_url=self.metadata_url,
            response_type=self.response_type,
            response_mode=self.response_mode,
            token_endpoint_auth_method="client_secret_post",
            bearer_token_transmission="AuthorizationHeader",
            use_policy_in_redirect_uri=False,
            claims=tuple(claims),
        )


class UserFlow(BaseModel):
    """A "Sign up and sign in" user flow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = LOCAL_STACK_USER_FLOW
    identity_providers: tuple[OpenIdConnectProvider, ...] = ()
    # A check box: TOML's true or false only (lax, "no" or 0 read as a choice the file never made)
    local_accounts: StrictBool = True  # "Email signup" under Local accounts
    user_attributes: tuple[UserAttribute, ...] = ("display_name", "given_name", "surname")
    application_claims: tuple[ApplicationClaim, ...] = (
        "display_name", "given_name", "surname", "identity_provider", "user_is_new", "user_object_id",
    )
    # "Page layouts" > the sign-up page: the collected attributes whose Optional is Yes (the user may leave them empty);
    # None: Display Name required, the others optional, as the seed's set-up has them (the portal's default: Unconfirmed).
    optional_attributes: tuple[UserAttribute, ...] | None = None
    require_id_token_in_logout: StrictBool = False  # Properties blade, Session behavior: "Require ID Token in logout requests"

    @field_validator("name")
    @classmethod
    def _user_flow_name(cls, v: str) -> str:
        if not v.upper().startswith("B2C_1_") or len(v) <= len("B2C_1_") or v.upper().startswith("B2C_1A_"):
            raise ValueError(f"{v!r} is not a user flow name; user flow names start with B2C_1_ (B2C_1A_ is for custom policies)")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", v):
            raise ValueError(f"{v!r}: use letters, digits, '_' or '-'")
        return v

    @model_validator(mode="after")
    def _optional_among_collected(self) -> UserFlow:
        if stray := [a for a in self.optional_attributes or () if a not in self.user_attributes]:
            raise ValueError(f"optional_attributes {stray} are not among user_attributes {list(self.user_attributes)}: the sign-up "
                             "page lists only the attributes the flow collects; tick them under User attributes, or leave them out")
        return self

    def optional(self) -> tuple[UserAttribute, ...]:
        """The collected attributes the sign-up page lets the user leave empty."""
        if self.optional_attributes is not None:
            return self.optional_attributes
        return tuple(a for a in self.user_attributes if a != "display_name")

    @model_validator(mode="after")
    def _unique_buttons(self) -> UserFlow:
        seen: dict[str, str] = {}
        for p in self.identity_providers:
            if p.exchange_id in seen:
                raise ValueError(f"identity providers {seen[p.exchange_id]!r} and {p.name!r} both get button id {p.exchange_id!r}; rename one")
            seen[p.exchange_id] = p.name
        return self

    def to_policy(self) -> Policy:
        # sub is always the user's object id; the chosen application claims follow in the portal's order.
        output = [RelyingPartyClaim("objectId", "sub")]
        output += [RelyingPartyClaim(*APPLICATION_CLAIMS[c]) for c in APPLICATION_CLAIMS if c in self.application_claims]
        return Policy(
            policy_id=self.name,
            kind=PolicyKind.USER_FLOW,
            identity_providers=tuple(p.to_identity_provider() for p in self.identity_providers),
            output_claims=tuple(output),
            # In the flow's order: its page layout orders the attributes it collects (Graph's identityUserFlowAttributeAssignment setOrder)
            self_asserted_claims=tuple(dict.fromkeys(USER_ATTRIBUTES[a] for a in self.user_attributes if a in USER_ATTRIBUTES)),
            required_self_asserted=frozenset(USER_ATTRIBUTES[a] for a in self.user_attributes if a not in self.optional()),
            show_local_account_form=self.local_accounts,
            enforce_id_token_hint_on_logout=self.require_id_token_in_logout,
        )


def mobile_id_provider(client_id: str, client_secret: str, metadata_url: str = MOBILE_ID_METADATA_URL) -> OpenIdConnectProvider:
    """Mobile ID exactly as the seed configures it in the portal."""
    return OpenIdConnectProvider(
        name="Mobile ID",
        metadata_url=metadata_url,
        client_id=client_id,
        client_secret=SecretStr(client_secret),
        scope=MOBILE_ID_SCOPE,
        response_type="code",
        response_mode="form_post",
        domain_hint="mobileid.ch",
        claims_mapping=ClaimsMapping(user_id="sub", display_name="name"),
    )


def local_stack_user_flow(
    mobileid_client_id: str,
    mobileid_client_secret: str,
    metadata_url: str = MOBILE_ID_METADATA_URL,
) -> Policy:
    """The seed's ``B2C_1_signupsignin`` with Mobile ID as its only social identity provider."""
    flow = UserFlow(
        name=LOCAL_STACK_USER_FLOW,
        identity_providers=(mobile_id_provider(mobileid_client_id, mobileid_client_secret, metadata_url),),
    )
    return flow.to_policy()


# --------------------------------------------------------------------------- TOML


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_user_flows(data: Mapping[str, Any], *, source: str = "user flows", environ: Mapping[str, str] | None = None) -> list[UserFlow]:
    """User flows from a mapping shaped like the TOML file (see policies/user-flows.example.toml)."""
    environ = os.environ if environ is None else environ
    unknown = set(data) - {"identity_provider", "user_flow"}
    if unknown:
        raise PolicyError(f"{source}: unknown table(s) {sorted(unknown)}; use [[identity_provider]] and [[user_flow]]")
    for table in ("identity_provider", "user_flow"):  # [identity_provider] for [[identity_provider]]: dict() of it was a traceback
        entries = data.get(table, [])
        if not isinstance(entries, list) or not all(isinstance(entry, Mapping) for entry in entries):
            raise PolicyError(f"{source}: {table} is not an array of tables; write each as [[{table}]] (two brackets), "
                              f"as policies/user-flows.example.toml does")
    for i, raw in enumerate(data.get("identity_provider", [])):
        if (name := raw.get("client_secret_env")) is not None and not isinstance(name, str):
            raise KeyRefused(source, "identity_provider", i, "client_secret_env", "is not a string; give the name of the "
                             "environment variable that holds the client secret, e.g. client_secret_env = \"MOBILEID_CLIENT_SECRET\"")
    _refuse_unset_secret_variables(data, source, environ)
    providers: dict[str, OpenIdConnectProvider] = {}
    for i, raw in enumerate(data.get("identity_provider", [])):
        raw = dict(raw)
        env_name = raw.pop("client_secret_env", None)
        if env_name is not None:
            if "client_secret" in raw:
                raise KeyRefused(source, "identity_provider", i, "", "set client_secret or client_secret_env, not both")
            raw["client_secret"] = environ[env_name]
        try:
            p = OpenIdConnectProvider.model_validate(raw)
        except ValidationError as exc:
            raise _policy_error(source, "identity_provider", i, exc, PROVIDER_KEYS) from None
        if p.name in providers:
            raise KeyRefused(source, "identity_provider", i, "name", f"{p.name!r} is defined twice")
        providers[p.name] = p
    flows: list[UserFlow] = []
    for i, raw in enumerate(data.get("user_flow", [])):
        raw = dict(raw)
        if "name" not in raw:  # the model's default is the stack's own flow, which a nameless flow would silently replace
            raise KeyRefused(source, "user_flow", i, "", "name missing; give the user flow's name as the portal shows it, e.g. "
                             "name = \"B2C_1_susi\"")
        names = raw.get("identity_providers", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):  # a string's letters read as providers' names
            what = "an array of names" if isinstance(names, list) else "an array"
            raise KeyRefused(source, "user_flow", i, "identity_providers", f"{names!r} is not {what}; give the providers' names "
                             f"in brackets, e.g. identity_providers = [\"{next(iter(providers), 'Mobile ID')}\"]")
        resolved = []
        for j, n in enumerate(names):
            if n not in providers:
                raise KeyRefused(source, "user_flow", i, f"identity_providers[{j}]",
                                 f"no [[identity_provider]] named {n!r} (defined: {', '.join(providers) or 'none'})")
            resolved.append(providers[n])
        raw["identity_providers"] = tuple(resolved)
        try:
            flows.append(UserFlow.model_validate(raw))
        except ValidationError as exc:
            raise _policy_error(source, "user_flow", i, exc, tuple(UserFlow.model_fields)) from None
    keys = [f.name.lower() for f in flows]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup:
        raise PolicyError(f"{source}: user flow {dup!r} is defined twice (names are case-insensitive)")
    return flows


def _refuse_unset_secret_variables(data: Mapping[str, Any], source: str, environ: Mapping[str, str]) -> None:
    """Every provider's unset or empty ``client_secret_env`` at once: the example names two, and one named at a time took two tries."""
    # An empty one too: B2C would sign in at the provider with no secret, which Mobile ID refuses (invalid_client at every
    # sign-in, the stack's Mobile ID holding a generated one), as the portal refuses an empty Client secret.
    unset = [
        f"identity_provider[{i}].client_secret_env: {variable_named(str(name), quoted=True)} is "
        f"{'not set' if name not in environ else 'empty'}"
        for i, raw in enumerate(data.get("identity_provider", []))
        if isinstance(raw, Mapping) and (name := raw.get("client_secret_env")) is not None and not environ.get(name, "").strip()
        and "client_secret" not in raw  # two secrets: refused as such below
    ]
    if unset:  # the fix said too: a team's first start of its copy of the example meets this before anything else
        them = "it" if len(unset) == 1 else "each"
        raise PolicyError(f"{source}: " + "; ".join(unset) + f". Set {them} to the provider's client secret before the start "
                          "(the local stack takes any non-empty value)")


# The keys a file's [[identity_provider]] takes (its secret by name, client_secret_env, or typed, client_secret).
PROVIDER_KEYS = (*(k for k in OpenIdConnectProvider.model_fields if k != "client_secret"), "client_secret_env", "client_secret")
# The check boxes of a flow the stack models: key -> (what they are, the values it takes).
LOCAL_CHOICES = {
    "user_attributes": ("User attributes", tuple(USER_ATTRIBUTES)),
    "optional_attributes": ("User attributes", tuple(USER_ATTRIBUTES)),
    "application_claims": ("Application claims", tuple(APPLICATION_CLAIMS)),
}
# Keys a team reaches for that the file does not take, with where their setting is.
NOT_IN_THE_FILE = {
    "languages": "a user flow's languages follow the tenant's language customization, one switch for all the stack's flows: "
                 "B2C_LANGUAGE_CUSTOMIZATION=on/off (the stack's --language-customization)",
    "language_customization": "one switch for all the stack's flows: B2C_LANGUAGE_CUSTOMIZATION=on/off (the stack's --language-customization)",
}


class KeyRefused(PolicyError):
    """A refusal of one key of one table of the file: ``source: table[index].path: message``, its line found from the text."""

    def __init__(self, source: str, table: str, index: int, path: str, message: str) -> None:
        super().__init__(f"{source}: {table}[{index}]{'.' + path if path else ''}: {message}")
        self.source, self.table, self.index, self.path = source, table, index, path

    def at_line(self, text: str) -> PolicyError:
        """The same refusal with the line of the file where the key is (else its table starts); itself where none is found."""
        line = _line_of(text, self.table, self.index, re.findall(r"\w+", self.path)[:2])
        return PolicyError(str(self).replace(f"{self.source}: ", f"{self.source}, line {line}: ", 1)) if line else self


def _line_of(text: str, table: str, index: int, keys: list[str]) -> int | None:
    """Where the index-th [[table]] holds the key (a [table.key] sub-table's key within it), 1-based; tomllib tells no lines."""
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines) if re.fullmatch(rf"\s*\[\[\s*{table}\s*\]\]\s*(#.*)?", line)]
    if index >= len(starts):
        return None  # an inline array of tables: no header to count
    at, found = starts[index], starts[index]
    for n in range(at + 1, len(lines)):
        if re.match(r"\s*\[\[", lines[n]):
            break  # the next table's
        if keys and re.match(rf"\s*\[\s*{table}\s*\.\s*{keys[0]}\s*\]", lines[n]):
            found, keys = n, keys[1:]  # the sub-table: its key below
        elif keys and re.match(rf"\s*\"?{re.escape(keys[0])}\"?\s*=", lines[n]):
            return n + 1
    return found + 1


def _policy_error(source: str, table: str, index: int, exc: ValidationError, keys: tuple[str, ...]) -> KeyRefused:
    err = exc.errors()[0]
    return KeyRefused(source, table, index, _loc(tuple(err["loc"])), _what_is_wrong(err, keys))


def _what_is_wrong(err: ErrorDetails, keys: tuple[str, ...]) -> str:
    """pydantic's words, said in the file's: its keys, its arrays, its true and false."""
    kind, msg = err["type"], str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        if len(err["loc"]) > 1 and err["loc"][0] == "claims_mapping":
            keys = tuple(ClaimsMapping.model_fields)
        if key in NOT_IN_THE_FILE:
            return f"not a key of the file; {NOT_IN_THE_FILE[key]}"
        close = difflib.get_close_matches(key, keys, n=1)
        return f"unknown key{f' (did you mean {close[0]}?)' if close else ''}; the keys here are {', '.join(keys)}"
    if kind == "literal_error" and err["loc"][0] in LOCAL_CHOICES:
        # The portal offers more check boxes than the stack models: said as the stack's limit, not as the tenant's mistake.
        what, choices = LOCAL_CHOICES[str(err["loc"][0])]
        typed = re.sub(r"\W+", "_", str(err["input"]).lower())  # as the portal words it: "Email Address", "User is new"
        close = difflib.get_close_matches(typed, choices, n=1) or [c for c in choices if c.startswith(typed)][:1]
        fix = f"did you mean {close[0]}?" if close else "leave it out of the file the stack serves"
        return f"{err['input']!r} is not one of the {what} the local stack models ({', '.join(choices)}); {fix}"
    if kind == "tuple_type":
        return f"{err['input']!r} is not an array; give the values in brackets, e.g. [\"display_name\"]"
    if kind == "bool_type":
        return f"{err['input']!r} is not true or false; give true or false, unquoted"
    if kind == "too_short" and err["loc"] == ("client_secret",):  # never the input: a secret's
        return "empty; give the provider's client secret, by the variable that holds it: client_secret_env = \"VARIABLE\""
    if kind == "missing" and err["loc"] == ("client_secret",):
        return "missing; give client_secret_env = \"VARIABLE\", the environment variable that holds the provider's client secret"
    return msg


def load_user_flows(path: Path, *, environ: Mapping[str, str] | None = None) -> list[Policy]:
    """The user flows of a TOML file as ``Policy`` objects; ``PolicyError`` names the key at fault."""
    import tomllib  # only when a file is given: off the stack's start path

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path.name}: malformed TOML ({exc})") from None
    except UnicodeDecodeError:  # UTF-16 as some editors save, or no text at all: a traceback before
        raise PolicyError(f"{path.name}: not UTF-8 text, as TOML must be; save it as UTF-8") from None
    try:
        flows = parse_user_flows(data, source=path.name, environ=environ)
    except KeyRefused as refused:
        raise refused.at_line(text) from None
    return [f.to_policy() for f in flows]
