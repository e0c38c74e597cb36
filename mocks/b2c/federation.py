"""Claims exchanges with external identity providers (B2C's back channel).

Front channel: ``authorization_url`` sends the browser to the IdP the way B2C
does (client_id, authresp redirect URI, response_type, the configured scope,
response_mode, ``StateProperties=`` state, nonce, ui_locales). Back channel:
``complete`` redeems the code with Authlib's OAuth2 client over the host-mapped
HTTPS client, then takes the claims from the validated ID token (OpenID
Connect) or from the ClaimsEndpoint (OAuth2). Every failure becomes a
``B2CError``; every call has a timeout.
"""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import authlib.deprecate  # noqa: E402,F401  (it installs an "always" filter; ours must come after it)
import httpx
from authlib.common.urls import add_params_to_uri
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from mocks.b2c.errors import B2CError
from mocks.b2c.policy import IdentityProvider, Policy, ProviderProtocol, typed_value
from mocks.b2c.settings import B2CSettings, fill_in
from mocks.common.net import AsyncHostMapTransport, tls_verification

if TYPE_CHECKING:
    from mocks.b2c.sessions import RelyingPartyRequest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Authlib prefers httpx2 and warns when it falls back to httpx
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

METADATA_TTL = 300.0
MAX_IDP_RESPONSE_BYTES = 256 * 1024

@dataclass(frozen=True)
class ProviderEndpoints:
    authorization_endpoint: str
    token_endpoint: str
    claims_endpoint: str | None = None
    jwks_uri: str | None = None
    issuer: str | None = None


CREDENTIALS_IN_QUERY = "client_secret_query"


def credentials_in_query(auth: Any, method: str, uri: str, headers: Any, body: str) -> tuple[str, Any, str]:
    """Authlib's client auth for client_secret_post over a GET token request: the client's id and secret in the query."""
    return add_params_to_uri(uri, [("client_id", auth.client_id), ("client_secret", auth.client_secret)]), headers, body


class Federation:
    def __init__(self, settings: B2CSettings) -> None:
        self.settings = settings
        self._metadata: dict[str, tuple[float, dict[str, Any]]] = {}
        self._pool: tuple[asyncio.AbstractEventLoop, AsyncHostMapTransport, httpx.AsyncClient] | None = None

    @functools.cached_property
    def _verify(self) -> ssl.SSLContext | bool:
        # The public CAs, plus the stack's own CA and any the deployment adds (--ca-file, MOCKS_CA_FILES).
        return tls_verification([p for p in (self.settings.ca, *self.settings.extra_cas) if p is not None])

    def _loop_pool(self) -> tuple[asyncio.AbstractEventLoop, AsyncHostMapTransport, httpx.AsyncClient]:
        """One client, on one connection pool, per event loop for every back-channel call: a new client and
        TLS handshake per call cost 30-40 ms per sign-in. A pool belongs to the loop it was made in, so a
        new loop gets a new one; ``aclose`` closes it when the app shuts down."""
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool[0] is not loop:
            transport = AsyncHostMapTransport(self.settings.host_map, verify=self._verify)  # idle connections let go early (net.LIMITS)
            self._pool = (loop, transport, httpx.AsyncClient(transport=transport, timeout=self.settings.back_channel_timeout))
        return self._pool

    def _transport(self) -> AsyncHostMapTransport:
        return self._loop_pool()[1]

    def http(self) -> httpx.AsyncClient:
        return self._loop_pool()[2]

    async def aclose(self) -> None:
        """Close the back channel's connections: the app's shutdown (lifespan). The stack runs its apps
        without lifespan events; its server's event loop, and the pool's connections with it, end at its stop."""
        pool, self._pool = self._pool, None
        if pool is not None and pool[0] is asyncio.get_running_loop():
            await pool[2].aclose()

    def redirect_uri(self, policy: Policy, provider: IdentityProvider) -> str:
        if provider.use_policy_in_redirect_uri:
            return f"{self.settings.base_url}/{self.settings.domain}/{policy.policy_id.lower()}/oauth2/authresp"
        return self.settings.idp_redirect_uri

    # --- metadata --------------------------------------------------------------------------------

    async def endpoints(self, provider: IdentityProvider) -> ProviderEndpoints:
        if provider.protocol is ProviderProtocol.OAUTH2 or not provider.metadata_url:
            if not provider.authorization_endpoint or not provider.token_endpoint:
                raise B2CError("AADB2C90289", error="server_error")
            return ProviderEndpoints(provider.authorization_endpoint, provider.token_endpoint, provider.claims_endpoint)
        doc = await self._discovery(provider.metadata_url)
        try:
            return ProviderEndpoints(
                authorization_endpoint=provider.authorization_endpoint or str(doc["authorization_endpoint"]),
                token_endpoint=provider.token_endpoint or str(doc["token_endpoint"]),
                claims_endpoint=provider.claims_endpoint or doc.get("userinfo_endpoint"),
                jwks_uri=str(doc["jwks_uri"]),
                issuer=str(doc["issuer"]),
            )
        except KeyError:
            raise B2CError("AADB2C90289", error="server_error") from None

    async def _discovery(self, url: str) -> dict[str, Any]:
        cached = self._metadata.get(url)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            doc = await self._get_json(url)
        except B2CError as error:
            if error.code != "AADB2C90273":
                raise
            # Metadata B2C cannot read (not a JSON object, too large) is, as metadata without its keys, the provider not
            # reached: 90289 on the error page (README, error table; unconfirmed), not an invalid answer (90273).
            raise B2CError("AADB2C90289", error="server_error") from None
        self._metadata[url] = (time.monotonic() + METADATA_TTL, doc)
        return doc

    async def _get(self, url: str, **kwargs: Any) -> httpx.Response:
        """A GET on the back channel, its answer whole within ``back_channel_timeout``: httpx's timeout is each read's, so
        an IdP that sends its answer a piece at a time would hold the sign-in as long as it kept sending."""
        try:
            async with asyncio.timeout(self.settings.back_channel_timeout):
                return await self.http().get(url, **kwargs)
        except (httpx.HTTPError, httpx.InvalidURL, TimeoutError):  # InvalidURL: a port that is no number, an IdP's own words
            raise B2CError("AADB2C90289", error="server_error") from None

    async def _get_json(self, url: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._get(url, **kwargs)
        if response.status_code != 200:
            raise B2CError("AADB2C90289", error="server_error")
        return _json_object(response)

    # --- front channel ---------------------------------------------------------------------------

    async def authorization_url(self, policy: Policy, provider: IdentityProvider, *, state: str, nonce: str, ui_locales: str,
                                parameters: tuple[tuple[str, str], ...] = ()) -> str:
        """``parameters``: the technical profile's InputClaims, after B2C's own (PROTOCOL_PARAMETERS; a policy naming one
        of those is refused at load)."""
        endpoints = await self.endpoints(provider)
        params = {
            "client_id": provider.client_id,
            "redirect_uri": self.redirect_uri(policy, provider),
            "response_type": provider.response_type,
            "scope": provider.scope,  # exactly as configured, commas and all
            "response_mode": provider.response_mode,
            "nonce": nonce,
            "ui_locales": ui_locales,
            "state": state,
        }
        separator = "&" if "?" in endpoints.authorization_endpoint else "?"
        return endpoints.authorization_endpoint + separator + urlencode([*params.items(), *parameters])

    # --- back channel ----------------------------------------------------------------------------

    async def complete(self, policy: Policy, provider: IdentityProvider, *, code: str, nonce: str,
                       request: RelyingPartyRequest, correlation_id: str) -> dict[str, Any]:
        """Redeem ``code`` and return B2C claim types (issuerUserId, displayName, identityProvider, ...); ``request``
        and ``correlation_id``: the app's request and the transaction's, whose claim resolvers a claim-resolving
        profile's DefaultValues take."""
        endpoints = await self.endpoints(provider)
        token = await self._redeem(policy, provider, endpoints, code)
        if provider.protocol is ProviderProtocol.OPENID_CONNECT:
            partner = await self._id_token_claims(provider, endpoints, token, nonce)
        else:
            partner = await self._claims_endpoint(provider, endpoints, token)
        return map_claims(provider, partner, self.settings.claim_resolvers(policy, request, correlation_id))

    async def _redeem(self, policy: Policy, provider: IdentityProvider, endpoints: ProviderEndpoints, code: str) -> dict[str, Any]:
        # An OAuth2 profile's HttpBinding GET: Authlib puts the request's parameters in the query string; client_secret_post's
        # credentials go there too (oauth2-technical-profile), by an auth method of Authlib's kind (it would put them in a body).
        in_query = provider.token_endpoint_method == "GET" and provider.token_endpoint_auth_method == "client_secret_post"
        client = AsyncOAuth2Client(
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            token_endpoint_auth_method=CREDENTIALS_IN_QUERY if in_query else provider.token_endpoint_auth_method,
            redirect_uri=self.redirect_uri(policy, provider),
            transport=self._transport(),  # the shared pool; this client is not closed, which would close it
            timeout=self.settings.back_channel_timeout,
        )
        if in_query:
            client.register_client_auth_method((CREDENTIALS_IN_QUERY, credentials_in_query))
        try:
            token = await asyncio.wait_for(client.fetch_token(endpoints.token_endpoint, code=code, method=provider.token_endpoint_method),
                                           self.settings.back_channel_timeout + 1)
        except OAuthError as error:
            # A refused token request (e.g. a wrong client secret: invalid_client), worded as B2C words it.
            raise B2CError("AADB2C90289", (f"'{_short(error.error)}' ",), error="server_error") from None
        except (TimeoutError, httpx.TimeoutException, httpx.TransportError, httpx.InvalidURL):
            raise B2CError("AADB2C90289", error="server_error") from None
        except httpx.HTTPStatusError as error:
            raise _http_error(provider, error.response) from None
        except (httpx.HTTPError, ValueError):
            raise B2CError("AADB2C90273", ("the token endpoint's answer is not JSON",), error="server_error") from None
        return dict(token)

    async def _id_token_claims(self, provider: IdentityProvider, endpoints: ProviderEndpoints, token: dict[str, Any], nonce: str) -> dict[str, Any]:
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise B2CError("AADB2C90273", ("Error: invalid_response,Error Description: no id_token in the token response",), error="server_error")
        jwks = await self._get_json(endpoints.jwks_uri or "")
        if endpoints.issuer is None:  # OpenID discovery requires it, and B2C validates iss against it
            raise B2CError("AADB2C90273", ("Error: invalid_response,Error Description: the identity provider's metadata has no issuer",),
                           error="server_error")
        iss: jwt.ClaimsOption = {"essential": True, "value": endpoints.issuer}
        try:
            keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # the provider's JSON; joserfc checks it, errors below
            decoded = jwt.decode(id_token, keys, algorithms=["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"])
            jwt.JWTClaimsRegistry(
                leeway=300,
                iss=iss,
                aud={"essential": True, "value": provider.client_id},
                exp={"essential": True},
                nonce={"essential": True, "value": nonce},
                sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            detail = f"Error: invalid_token,Error Description: the ID token is not valid ({type(error).__name__}: {error})"
            raise B2CError("AADB2C90273", (detail,), error="server_error") from None
        return dict(decoded.claims)

    async def _claims_endpoint(self, provider: IdentityProvider, endpoints: ProviderEndpoints, token: dict[str, Any]) -> dict[str, Any]:
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or not endpoints.claims_endpoint:
            raise B2CError("AADB2C90273", ("Error: invalid_response,Error Description: no access_token in the token response",), error="server_error")
        headers, params = {}, dict([provider.claims_endpoint_format] if provider.claims_endpoint_format else [])
        if provider.bearer_token_transmission.lower() == "querystring":
            params[provider.claims_endpoint_token_name] = access_token
        else:
            headers["Authorization"] = f"Bearer {access_token}"
        # Always GET, whatever the profile's HttpBinding (which binds the token request): oauth2-technical-profile.
        response = await self._get(endpoints.claims_endpoint, headers=headers, params=params)
        if response.status_code != 200:
            raise _http_error(provider, response)
        return _json_object(response)


def _short(text: object) -> str:
    return str(text)[:100]


def _http_error(provider: IdentityProvider, response: httpx.Response) -> B2CError:
    return B2CError("AADB2C90075", (provider.exchange_id, "2", str(response.status_code), response.reason_phrase or ""), error="server_error")


def _json_object(response: httpx.Response) -> dict[str, Any]:
    if len(response.content) > MAX_IDP_RESPONSE_BYTES:
        raise B2CError("AADB2C90273", ("the identity provider's answer is too large",), error="server_error")
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise B2CError("AADB2C90273", ("the identity provider's answer is not a JSON object",), error="server_error")
    return data


# The claim types a user flow's claims mapping fills (its mappings carry no DataType): B2C's built-in ones, strings.
BUILT_IN_TYPES = {"issuerUserId": "string", "displayName": "string", "givenName": "string", "surname": "string", "email": "string"}


def partner_value(value: Any, data_type: str | None) -> Any:
    """An identity provider's claim as its claim type holds it: a JSON number, Boolean, array or object taken into a
    ``string`` claim is its JSON text, so a GitHub user's numeric ``id`` is the issuerUserId ``"1234567"`` (Microsoft's
    GitHub article maps ``id`` so); any other value as the provider sent it. Unconfirmed: the text B2C makes of a Boolean,
    an array or an object in a string claim (mocks/b2c/README.md, Decisions)."""
    # No claim type holds an object either: its JSON text wherever it goes, not Python's repr.
    if (data_type == "string" and not isinstance(value, str)) or isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def map_claims(provider: IdentityProvider, partner: dict[str, Any], resolvers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Partner claims -> B2C claim types, per the technical profile's OutputClaims (a user flow's claims mapping
    compiles to them): nothing the configuration does not map, as in B2C. A DefaultValue's claim resolvers
    (``{Policy:PolicyId}``, B2CSettings.claim_resolvers) are filled in only for a technical profile with
    IncludeClaimResolvingInClaimsHandling (as in B2C); the partner's own values are taken as sent."""
    resolvers = resolvers if provider.resolves_claims else None
    mapped: dict[str, Any] = {}
    for mapping in provider.claims:
        value = partner.get(mapping.partner_claim) if mapping.partner_claim else None
        if value is not None:
            value = partner_value(value, mapping.data_type or BUILT_IN_TYPES.get(mapping.claim_type))
        else:
            value = (typed_value(fill_in(mapping.default, resolvers or {}), mapping.data_type) if isinstance(mapping.default, str)
                     else mapping.default)
        if value is not None:
            mapped[mapping.claim_type] = value
    if not isinstance(mapped.get("issuerUserId"), str) or not mapped["issuerUserId"]:
        source = next((m.partner_claim for m in provider.claims if m.claim_type == "issuerUserId"), None)
        why = (f"the identity provider's answer has no {source!r}, which {provider.exchange_id} maps to issuerUserId" if source
               else f"{provider.exchange_id} maps no claim to issuerUserId")
        raise B2CError("AADB2C90273", (f"Error: invalid_response,Error Description: no user id: {why}",), error="server_error")
    return mapped
