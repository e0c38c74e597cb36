"""What the stack tells its clients: the description of its identities, and the ready lines.

The description is the one place the journey suite learns the local stack's identities from (the
test app, its redirect URI, the policies, the tenant, Mobile ID's control URL, B2C's client there
and the phone numbers with a fixed outcome): ``python -m mocks serve --describe`` prints it without
serving, and a serving stack prints it on its ``stack-description`` ready line (docs/contracts.md).
Nothing of it is a secret.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from mocks.b2c.policy import Policy, PolicyKind
from mocks.common.hosts import chromium_host_resolver_rules, format_host_map
from mocks.faults import Fault
from mocks.mobileid.outcomes import AUTO_APPROVE
from mocks.stack_user_flows import mobile_id_button, mobile_id_elsewhere, offers_mobile_id

if TYPE_CHECKING:
    from mocks.b2c.settings import AppRegistration, B2CSettings
    from mocks.mobileid.settings import MobileIDSettings
    from mocks.stack import StackInfo

# B2C's "Sign up and sign in" user flows run this journey; custom policies name theirs (the starter pack's id).
SIGN_UP_OR_SIGN_IN = "SignUpOrSignIn"


def run_app(apps: Sequence[AppRegistration]) -> AppRegistration:
    """The app the portal's "Run user flow" button signs in to: the public one with implicit ID tokens (testapp1)."""
    return next(app for app in apps if app.implicit_id_token and app.client_secret is None)


def description(tenant: str, app: AppRegistration, policies: Sequence[Policy], mobileid: MobileIDSettings,
                language_customization: bool) -> dict[str, Any]:
    """The stack's identities as a JSON-ready dict (docs/contracts.md, "The stack's description")."""
    from mocks.mobileid.control import CONTROL_PATH
    from mocks.mobileid.outcomes import robot_numbers

    return {
        "tenant": tenant,
        "domain": f"{tenant}.b2clogin.com",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uris[0],
        "policies": [_policy(p) for p in policies],
        "mobileid_client_id": mobileid.clients[0].client_id,
        "control_url": mobileid.issuer.rstrip("/") + CONTROL_PATH,
        "robots": robot_numbers(),
        "language_customization": language_customization,
    }


def _policy(policy: Policy) -> dict[str, Any]:
    journey = policy.journey.id if policy.journey else SIGN_UP_OR_SIGN_IN
    # The journeys sign people up and in: the suite runs, by default, the first such policy of each kind.
    entry: dict[str, Any] = {"id": policy.policy_id, "kind": policy.kind.value, "journey": journey,
                             "sign_up_or_sign_in": _signs_up_or_in(policy)}
    if policy.kind is PolicyKind.USER_FLOW:  # its Mobile ID button says the provider's Name, which only the portal (here: the file) knows
        entry["mobile_id_button"] = mobile_id_button(policy)
    else:  # a team's folder may keep the starter pack's relying party beside its own that offers Mobile ID
        entry["offers_mobile_id"] = offers_mobile_id(policy)
        # its Mobile ID provider on a host the stack does not emulate: the suite says so, instead of its journeys failing there
        if elsewhere := mobile_id_elsewhere(policy):
            entry["mobile_id_elsewhere"] = elsewhere
    return entry


def _signs_up_or_in(policy: Policy) -> bool:
    """Whether the policy starts at B2C's sign-up-or-sign-in page: a user flow of the kind, or a relying party whose journey has
    a CombinedSignInAndSignUp step, whatever its Id (the seed's "Add a user journey" has the team copy SignUpOrSignIn under
    an Id of its own and point DefaultUserJourney at it); ProfileEdit's and PasswordReset's have none."""
    return policy.journey is None or any(step.type == "CombinedSignInAndSignUp" for step in policy.journey.steps)


def run_user_flow_url(settings: B2CSettings, policy: Policy) -> str:
    """The portal's "Run user flow" / "Run now" URL: testapp1, reply URL https://jwt.ms, id_token."""
    app = run_app(settings.apps)
    query = urlencode({"client_id": app.client_id, "nonce": "defaultNonce", "redirect_uri": app.redirect_uris[0], "scope": "openid",
                       "response_type": "id_token", "prompt": "login"}, quote_via=quote)
    if policy.kind is PolicyKind.CUSTOM_POLICY:  # Run now links of custom policies use the path form
        return f"{settings.base_url}/{settings.domain}/{policy.policy_id}/oauth2/v2.0/authorize?{query}"
    return f"{settings.base_url}/{settings.domain}/oauth2/v2.0/authorize?p={policy.policy_id}&{query}"


PHONE = "+41791234567"  # the README's number: any Swiss mobile number waits for its phone


def approve_command(info: StackInfo, msisdn: str) -> str:
    """The README's curl that approves ``msisdn``'s sign-in (waiting up to 60 s for it), at this stack's address and port:
    the README's names port 8443 (make serve) alone."""
    from mocks.stack import CONTROL_TOKEN_ENV

    control = urlsplit(info.description["control_url"])  # https://openid.mobileid.ch/control
    host = control.hostname or ""
    address, port = info.host_map[host]
    resolve = f"{host}:{port}:{f'[{address}]' if ':' in address else address}"
    token = f' -H "Authorization: Bearer ${CONTROL_TOKEN_ENV}"' if "token" in info.control else ""
    return f"curl -sk --resolve {resolve}{token} -X POST 'https://{host}:{port}{control.path}/phones/{msisdn}/approve?wait=60'"


def ready_lines(info: StackInfo) -> list[str]:
    """What ``python -m mocks serve`` prints once it accepts connections (docs/contracts.md)."""
    lines = [
        f"stack-port: {info.port}",
        f"stack-ca: {info.ca_path}",
        f"stack-host-map: {format_host_map(info.host_map)}",
        f"stack-description: {json.dumps(info.description, separators=(',', ':'))}",
    ]
    if info.proxy_url:
        lines.append(f"stack-proxy: {info.proxy_url}")
    lines.append(f"stack-ready: {info.ready_url}")
    lines.append("")
    # A stack started with a fault, by hand or left in a shell's history, says so: what it breaks reads as a bug otherwise.
    lines += [f"Fault on (--fault): {fault.value}: {fault.description}" for fault in Fault if fault in info.faults]
    lines.append(f"Mobile ID control API: {info.control}")
    lines.append("Run user flow (testapp1, reply URL https://jwt.ms):")
    lines += [f"  {policy}: {url}" for policy, url in info.run_urls.items()]
    lines.append("")
    # Ready to paste: the first policy whose sign-in page has a Mobile ID button (a team's first user flow may offer none),
    # named as that page labels it (the custom policies' DisplayName: "Mobile-ID"); none offers it: the first, and no phone.
    offering = next(((policy.policy_id, label) for policy in info.b2c_settings.policies if (label := mobile_id_button(policy))), None)
    first = offering[0] if offering else next(iter(info.run_urls), None)
    lines.append(f"Open {first or 'one'} in Chromium mapped to the stack (another Run user flow URL in its place):")
    lines.append(f'  chromium --user-data-dir="$(mktemp -d)" --host-resolver-rules="{chromium_host_resolver_rules(info.host_map)}" '
                 f"--ignore-certificate-errors-spki-list={info.spki} '{info.run_urls[first] if first else '<a Run user flow URL>'}'")
    if offering and info.control.startswith("on"):
        lines.append(f"Choose {offering[1]}, type {PHONE} and be its phone ({AUTO_APPROVE[0]} approves at once):")
        lines.append(f"  {approve_command(info, PHONE)}")
    if info.proxy_url:
        lines.append(f"Firefox, WebKit or any browser: use the HTTP proxy {info.proxy_url} (only the stack's host names pass) and trust "
                     f"the CA {info.ca_path} (or ignore certificate errors; Playwright: proxy={{'server': '{info.proxy_url}'}}, "
                     "ignore_https_errors=True).")
    else:
        lines.append("Firefox and WebKit: start with --proxy-port P and point the browser's HTTP proxy at it.")
    lines.append(f"Python clients: mocks.common.net.client(host_map, verify='{info.ca_path}').")
    lines.append("Ctrl-C (or SIGTERM) stops the stack.")
    return lines
