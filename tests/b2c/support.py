"""Test harness: the B2C app and a fake IdP on one HTTPS port, and an httpx "browser".

The browser follows B2C's wire protocol (reference b2c.md section 8) the way the
hosted pages' script does, so protocol tests need no real browser.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import shutil
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from pydantic import SecretStr

from mocks.b2c.app import create_app
from mocks.b2c.custom_policy import load_custom_policies
from mocks.b2c.keys import TenantKeys
from mocks.b2c.policy import ClaimMapping, IdentityProvider, Policy, PolicyKind, ProviderProtocol, RelyingPartyClaim
from mocks.b2c.policy_keys import generated_keys
from mocks.b2c.settings import AppRegistration, B2CSettings
from mocks.b2c.tenant import Tenant
from mocks.common import net, serve
from mocks.common.serve import ServerThread
from mocks.faults import Fault
from mocks.jwtms import create_app as create_jwtms
from mocks.stack import host_router, local_tls
from tests.html_page import read_page

from .fake_idp import ISSUER, FakeIdP

B2C = "https://contoso.b2clogin.com"
DOMAIN = "contoso.onmicrosoft.com"
TENANT_ID = "7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
USER_FLOW = "B2C_1_signupsignin"
CUSTOM = "B2C_1A_signup_signin"
SPA = "5c7d9e1f-3a4b-4c6d-8e0f-1a2b3c4d5e6f"  # testapp1: https://jwt.ms, implicit id tokens
WEB = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"  # webapp1: confidential
WEB_SECRET = "webapp1-test-secret"
WEB_REDIRECT = "https://app.contoso.test/signin-oidc"
JWT_MS = "https://jwt.ms"
RP_HOSTS = ("jwt.ms", "app.contoso.test")

APPS = [
    AppRegistration(client_id=SPA, name="testapp1", redirect_uris=[JWT_MS], implicit_id_token=True),
    AppRegistration(client_id=WEB, name="webapp1", redirect_uris=[WEB_REDIRECT], client_secret=SecretStr(WEB_SECRET)),
]
RP_CLAIMS = (
    RelyingPartyClaim("displayName", "name"),
    RelyingPartyClaim("givenName", "given_name"),
    RelyingPartyClaim("surname", "family_name"),
    RelyingPartyClaim("identityProvider", "idp"),
    RelyingPartyClaim("objectId", "sub"),
    RelyingPartyClaim("tenantId", "tid", "{Policy:TenantObjectId}"),
    RelyingPartyClaim("newUser", "newUser"),
)


def oidc_provider(**overrides: Any) -> IdentityProvider:
    """A user-flow "OpenID Connect provider" pointing at the fake IdP's metadata, its claims as a user flow's
    mapping compiles them (``user_flow.OpenIdConnectProvider.to_identity_provider``): User ID, Display name, and
    Given name and Surname (the seed maps only the first two; these tests also fill the page from the IdP)."""
    values: dict[str, Any] = dict(
        exchange_id="FakeIdP", display_name="Fake IdP", domain="idp.example", protocol=ProviderProtocol.OPENID_CONNECT,
        client_id="b2c-client", client_secret="b2c-secret", scope="openid, profile", metadata_url=f"{ISSUER}/.well-known/openid-configuration",
        response_mode="form_post", claims=(ClaimMapping("issuerUserId", "sub"), ClaimMapping("displayName", "name"),
                                           ClaimMapping("givenName", "given_name"), ClaimMapping("surname", "family_name"),
                                           ClaimMapping("identityProvider", None, "idp.example"),
                                           ClaimMapping("authenticationSource", None, "socialIdpAuthentication")),
    )
    values.update(overrides)
    return IdentityProvider(**values)


def oauth2_provider(**overrides: Any) -> IdentityProvider:
    """A custom-policy OAuth2 technical profile: claims from the ClaimsEndpoint."""
    values: dict[str, Any] = dict(
        exchange_id="FakeExchange", display_name="Fake-IdP", domain="idp.example", protocol=ProviderProtocol.OAUTH2,
        client_id="b2c-client", client_secret="b2c-secret", scope="openid, profile",
        authorization_endpoint=f"{ISSUER}/authorize", token_endpoint=f"{ISSUER}/token", claims_endpoint=f"{ISSUER}/userinfo",
        response_mode="form_post", token_endpoint_auth_method="client_secret_post", bearer_token_transmission="AuthorizationHeader",
        claims=(ClaimMapping("issuerUserId", "sub"), ClaimMapping("displayName", "name"), ClaimMapping("identityProvider", None, "idp.example"),
                ClaimMapping("authenticationSource", None, "socialIdpAuthentication")),
    )
    values.update(overrides)
    return IdentityProvider(**values)


def user_flow(*providers: IdentityProvider, name: str = USER_FLOW) -> Policy:
    return Policy(name, PolicyKind.USER_FLOW, providers or (oidc_provider(),), RP_CLAIMS)


def custom_policy(*providers: IdentityProvider, name: str = CUSTOM) -> Policy:
    return Policy(name, PolicyKind.CUSTOM_POLICY, providers or (oauth2_provider(),), RP_CLAIMS)


# --- the starter packs, copied to edit ------------------------------------------------------------

STARTER_PACKS = Path(__file__).resolve().parent / "starterpack"


def copy_pack(target: Path, name: str = "SocialAndLocalAccounts") -> Path:
    """A copy of one of Microsoft's starter packs (with the seed's Mobile ID provider), to edit."""
    shutil.copytree(STARTER_PACKS / name, target)
    return target


POLICY = "B2C_1A_signup_signin"  # the starter pack's sign-up-or-sign-in policy
PACK_KEYS = generated_keys() | {"B2C_1A_FacebookSecret": "unused", "B2C_1A_MobileIdSecret": "b2c-secret"}
# The relying party's single sign-on that wants the ID token on logout (an edit for pack()).
# In the schema's order: after <Endpoints>, which follows <DefaultUserJourney>.
ENFORCE_HINT = ("SignUpOrSignin.xml", '</Endpoints>',
                '</Endpoints>'
                '<UserJourneyBehaviors><SingleSignOn Scope="Tenant" EnforceIdTokenHintOnLogout="true" /></UserJourneyBehaviors>')


def pack(tmp_path: Path, name: str = "SocialAndLocalAccounts", edits: Sequence[tuple[str, str, str]] = (),
         also: Mapping[str, str] | None = None) -> list[Policy]:
    """A copy of the pack with Mobile ID at the fake IdP, plus ``edits`` (file, old, new); its sign-up policy, and the policy
    of each file ``also`` adds (file name -> the sign-up policy's file with its PolicyId and journey changed as given:
    ``{"Other.xml": "B2C_1A_other OtherJourney"}``)."""
    folder = copy_pack(tmp_path / name, name)
    added: list[str] = []
    for file, replacing in (also or {}).items():
        policy_id, journey = replacing.split()
        rp = (folder / "SignUpOrSignin.xml").read_bytes().decode("utf-8-sig")
        (folder / file).write_text(rp.replace(POLICY, policy_id).replace('ReferenceId="SignUpOrSignIn"', f'ReferenceId="{journey}"'))
        added.append(policy_id)
    edits = [("TrustFrameworkExtensions.xml", "https://m.mobileid.ch/oidc/authorize", f"{ISSUER}/authorize"),
             ("TrustFrameworkExtensions.xml", "https://openid.mobileid.ch/token", f"{ISSUER}/token"),
             ("TrustFrameworkExtensions.xml", "https://openid.mobileid.ch/userinfo", f"{ISSUER}/userinfo"),
             ("TrustFrameworkExtensions.xml", "b2c-contoso-0001", "b2c-client"), *edits]
    for file, old, new in edits:
        edit_policy(folder, file, old, new)
    return [p for p in load_custom_policies(folder, tenant="contoso", policy_keys=PACK_KEYS) if p.policy_id in (POLICY, *added)]


GIVEN_NAME_INPUT = "<UserHelpText>Your given name (also known as first name).</UserHelpText>\n        <UserInputType>TextBox</UserInputType>"


def input_type_edit(to: str) -> tuple[str, str, str]:
    """The base's givenName drawn as ``to``: its one UserInputType replaced, as a team would (a second one, out of the
    schema's order, would not pass B2C's upload)."""
    return ("TrustFrameworkBase.xml", GIVEN_NAME_INPUT, GIVEN_NAME_INPUT.replace(">TextBox<", f">{to}<"))


def edit_policy(folder: Path, file: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``file``, which must have it; the byte-order mark stays as B2C's files have it."""
    path = folder / file
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    assert old in text, f"{old!r} not in {file}"
    path.write_bytes(raw[:3] * raw.startswith(b"\xef\xbb\xbf") + text.replace(old, new, 1).encode())


# --- a browser made of httpx ----------------------------------------------------------------------


def auto_post_form(html: str) -> tuple[str, list[tuple[str, str]]] | None:
    """An auto-submitting form_post page -> (action, fields); None for any other page."""
    if "document.forms[0].submit()" not in html:
        return None
    form = read_page(html).forms[0]
    return form.action or "", form.fields


def page_settings(html: str) -> dict[str, Any]:
    match = re.search(r"var SETTINGS = (\{.*?\});\nvar CONTENT = (\{.*?\});</script>", html, re.S)
    assert match, "no SETTINGS/CONTENT on this page"
    settings = json.loads(match.group(1))
    settings["_content"] = json.loads(match.group(2))
    return settings


@dataclass
class Landing:
    """What arrived at the relying party: URL, how, and the parameters."""

    url: str
    mode: str  # query | fragment | form_post
    params: dict[str, str]


@dataclass
class Page:
    response: httpx.Response

    @property
    def html(self) -> str:
        return self.response.text

    @property
    def settings(self) -> dict[str, Any]:
        return page_settings(self.html)

    @property
    def api(self) -> str | None:
        return page_settings(self.html)["api"] if "var SETTINGS" in self.html else None

    def error_detail(self) -> str:
        """The ``AADB2Cnnnnn: message`` the error page's script shows (b2c.js builds the fragment from SETTINGS)."""
        assert self.api == "GlobalException", f"not an error page: {self.html[:300]}"
        return str(page_settings(self.html)["errorDetail"])


def as_page(result: Landing | Page) -> Page:
    """``result`` where the test expects a B2C page: a landing at the relying party fails the test, naming it."""
    assert isinstance(result, Page), f"expected a B2C page; the browser landed at the relying party: {result}"
    return result


def landing(url: str, method: str = "GET", fields: list[tuple[str, str]] | None = None) -> Landing:
    parts = urlsplit(url)
    if method == "POST":
        return Landing(url, "form_post", dict(fields or []))
    if parts.fragment:
        return Landing(url, "fragment", dict(parse_qsl(parts.fragment, keep_blank_values=True)))
    return Landing(url, "query", dict(parse_qsl(parts.query, keep_blank_values=True)))


class Browser:
    """A cookie-keeping client that follows redirects and form_post pages until the RP or a B2C page."""

    def __init__(self, host_map: dict[str, tuple[str, int]], ca: str) -> None:
        self.http = net.client(host_map, verify=ca)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, url, **kwargs)

    def go(self, url: str, method: str = "GET", data: Any = None, headers: dict[str, str] | None = None) -> Landing | Page:
        for _ in range(20):
            host = urlsplit(url).hostname or ""
            if host in RP_HOSTS:
                return landing(url, method, data)
            response = self.http.request(method, url, data=dict(data) if isinstance(data, list) else data, headers=headers)
            if response.status_code in (301, 302, 303, 307):
                url, method, data = response.headers["location"], "GET", None
                continue
            form = auto_post_form(response.text) if response.headers.get("content-type", "").startswith("text/html") else None
            if form is None:
                return Page(response)
            url, method, data = form[0], "POST", form[1]
        raise AssertionError("redirect loop")

    # The hosted pages' script, step by step.

    def choose(self, page: Page, exchange_id: str) -> Landing | Page:
        s = page.settings
        query = urlencode({"claimsexchange": exchange_id, "csrf_token": s["csrf"], "tx": s["transId"], "p": s["hosts"]["policy"]})
        return self.go(f"{B2C}{s['hosts']['tenant']}/api/{s['api']}/unified?{query}")

    def self_asserted(self, page: Page, fields: dict[str, str], *, csrf: str | None = None) -> httpx.Response:
        s = page.settings
        query = urlencode({"tx": s["transId"], "p": s["hosts"]["policy"]})
        headers = {"X-CSRF-TOKEN": csrf if csrf is not None else s["csrf"], "X-Requested-With": "XMLHttpRequest"}
        return self.http.post(f"{B2C}{s['hosts']['tenant']}/SelfAsserted?{query}", data={"request_type": "RESPONSE", **fields}, headers=headers)

    def confirmed(self, page: Page, api: str = "SelfAsserted", action: str = "confirmed") -> Landing | Page:
        s = page.settings
        query = urlencode({"csrf_token": s["csrf"], "tx": s["transId"], "p": s["hosts"]["policy"]})
        return self.go(f"{B2C}{s['hosts']['tenant']}/api/{api}/{action}?{query}")


def authorize_url(policy: str = USER_FLOW, *, path_form: bool = False, more: Mapping[str, str] | None = None,
                  **params: str | None) -> str:
    """B2C's authorize URL for ``policy`` with ``params`` and ``more`` over the defaults; a parameter given as None is left out."""
    query: dict[str, str | None] = {"client_id": SPA, "redirect_uri": JWT_MS, "scope": "openid", "response_type": "id_token", "nonce": "defaultNonce"}
    query.update(params)
    query.update(more or {})
    query = {k: v for k, v in query.items() if v is not None}
    if path_form:
        return f"{B2C}/{DOMAIN}/{policy}/oauth2/v2.0/authorize?{urlencode(query)}"
    return f"{B2C}/{DOMAIN}/oauth2/v2.0/authorize?{urlencode({'p': policy, **query})}"


# --- the harness ---------------------------------------------------------------------------------


@dataclass
class Harness:
    settings: B2CSettings
    tenant: Tenant
    idp: FakeIdP
    host_map: dict[str, tuple[str, int]]
    ca: str
    browsers: list[Browser] = field(default_factory=list)

    def browser(self) -> Browser:
        browser = Browser(self.host_map, self.ca)
        self.browsers.append(browser)
        return browser

    def sign_up(self, browser: Browser, url: str, *, exchange: str | None = None, **fields: str) -> Landing:
        """Unified page -> IdP (``exchange``'s, else the first button's) -> self-asserted page (accepting the prefilled
        values) -> the app."""
        page = browser.go(url)
        assert isinstance(page, Page) and page.api == "CombinedSigninAndSignup", page
        provider = exchange or page.settings["claimsProviders"][0]["id"]
        sa = browser.choose(page, provider)
        assert isinstance(sa, Page) and sa.api == "SelfAsserted", getattr(sa, "html", sa)
        values = {f["ID"]: f["PRE"] for f in sa.settings["SA_FIELDS"]["AttributeFields"]}
        values.update(fields)
        answer = browser.self_asserted(sa, values)
        assert answer.json() == {"status": "200"}, answer.text
        result = browser.confirmed(sa)
        assert isinstance(result, Landing), result
        return result


KEY_CACHE: dict[str, TenantKeys] = {}


def tenant_keys(foreign: bool = False) -> TenantKeys:
    """RSA keys are slow to make: share them between harnesses of one test process."""
    name = "foreign" if foreign else "plain"
    if name not in KEY_CACHE:
        KEY_CACHE[name] = TenantKeys.create(foreign=foreign)
    return KEY_CACHE[name]


@contextlib.contextmanager
def harness(directory: Path, *, policies: list[Policy] | None = None, faults: frozenset[Fault] = frozenset(),
            idp: FakeIdP | None = None, **overrides: Any) -> Iterator[Harness]:
    hosts = ["contoso.b2clogin.com", "idp.example", "jwt.ms"]
    tls = local_tls(directory, hosts)
    sock = serve.bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    host_map = {host: ("127.0.0.1", port) for host in hosts}
    idp = idp or FakeIdP()
    values: dict[str, Any] = dict(apps=APPS, policies=policies or [user_flow(), custom_policy()], host_map=host_map, ca=tls.ca_cert,
                                  faults=faults, back_channel_timeout=2.0, language_customization=True)
    values.update(overrides)
    settings = B2CSettings(**values)
    app = create_app(settings, keys=tenant_keys(Fault.FOREIGN_SIGNING_KEY in faults))
    server = ServerThread(host_router({hosts[0]: app, hosts[1]: idp.app(), hosts[2]: create_jwtms()}, {}), sock,
                          certfile=str(tls.server_cert_chain), keyfile=str(tls.server_key))
    server.start()
    h = Harness(settings, app.state.tenant, idp, host_map, str(tls.ca_cert))
    try:
        yield h
    finally:
        for browser in h.browsers:
            browser.close()
        server.stop()
        sock.close()


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port bound and never listening for the block: every connection to it is refused, and no other test's
    server can take it meanwhile (a free port closed before use could be another's by then)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



def b64url_json(raw: str) -> Any:
    """Unpadded base64url JSON (a JWT segment; B2C's transaction cookie and state), its keys in their order."""
    return json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def jwt_segment(token: str, index: int) -> dict[str, Any]:
    """One segment of a compact JWT (0: header, 1: claims), unverified."""
    segment: dict[str, Any] = b64url_json(token.split(".")[index])
    return segment
