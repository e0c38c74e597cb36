"""The local sign-in stack: B2C, Mobile ID and jwt.ms on one loopback HTTPS port.

Sites are told apart by host name (Starlette ``Host`` routing), so in a
browser mapped to the port every site keeps its production name and URLs,
cross-site form posts and SameSite cookies behave as in production. B2C's back
channel reaches Mobile ID on the same port through the host map.

``serve`` is the command line's entry (prints the lines of docs/contracts.md, mocks/stack_description.py);
``describe`` gives the stack's description without serving; ``running_stack`` runs the stack in a thread for tests.

About 400 lines because the stack is where the three emulators meet (their shared CA and keys, policy
keys, the control API's gating): kept together so that what the stack promises in docs/contracts.md
is in one file; what it prints is in mocks/stack_description.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Host, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mocks.b2c.policy import Policy, PolicyError
from mocks.b2c.settings import B2CSettings, default_apps
from mocks.common import process_start
from mocks.common import serve as common_serve
from mocks.common.files import write_private
from mocks.common.hosts import is_loopback, url_host
from mocks.common.tls import TLSFiles, ca_unloadable, issue_local_certificates, spki_hash
from mocks.faults import Fault, Side, acting_on
from mocks.stack_description import description, ready_lines, run_app, run_user_flow_url
from mocks.stack_user_flows import check_mobile_id_client, custom_policies_mobile_id_client, mobile_id_secret, served_user_flows

if TYPE_CHECKING:
    from mocks.mobileid import MobileIDSettings
    from mocks.stack_proxy import ConnectProxy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLICIES = ROOT / "policies"
MOBILEID_SECRET_KEY = "B2C_1A_MobileIdSecret"
FACEBOOK_SECRET_KEY = "B2C_1A_FacebookSecret"
WEBAPP_SECRET_ENV = "B2C_WEBAPP1_CLIENT_SECRET"
WEBAPP_SECRET_FILE = "webapp1-client-secret"
MOBILEID_KEY_FILE = "mobileid-signing-key.pem"
CONTROL_TOKEN_ENV = "MOBILEID_CONTROL_TOKEN"
MOBILEID_FAULTS = acting_on(Side.MOBILE_ID)


def site_hosts(tenant: str) -> list[str]:
    return [f"{tenant}.b2clogin.com", "m.mobileid.ch", "openid.mobileid.ch", "jwt.ms"]


@dataclass(frozen=True)
class StackConfig:
    host: str = "127.0.0.1"
    port: int = 8443
    tenant: str = "contoso"
    faults: frozenset[Fault] = frozenset()
    state_dir: Path | None = None  # None: a temporary directory, removed at exit
    policies_dir: Path = DEFAULT_POLICIES
    user_flows: Path | None = None  # TOML of extra user flows (mocks/b2c/user_flow.py)
    proxy_port: int | None = None
    ca_files: tuple[Path, ...] = ()  # CAs B2C's back channel trusts besides the public ones (--ca-file)
    # Bearer token of Mobile ID's control API; required to have it at all when ``host`` is not loopback.
    control_token: str | None = field(default=None, repr=False)
    # Policy keys from --policy-key NAME=env:VAR / NAME=file:PATH (mocks/b2c/policy_keys.py).
    policy_keys: tuple[Any, ...] = ()
    # The tenant's language customization (B2C's default is off; the local stack turns it on).
    language_customization: bool = True
    page_build_delay: float = 0.0  # seconds after load that B2C's hosted pages are built (B2CSettings.page_build_delay)
    # The team's page templates, mirrored as <host>/<path> of their URLs (--page-content; mocks/b2c/page_content.py). None: B2C's layouts.
    page_content: Path | None = None
    # How the reader chooses the port, said when it is taken: ``--port``, or make serve's variable when make started it.
    port_option: str = "--port"


@dataclass
class StackInfo:
    port: int
    ca_path: Path
    host_map: dict[str, tuple[str, int]]
    ready_url: str
    tenant: str
    state_dir: Path
    spki: str
    run_urls: dict[str, str]
    b2c_settings: B2CSettings
    webapp_secret: str = field(repr=False)
    proxy_url: str | None = None
    apps: dict[str, Any] = field(default_factory=dict, repr=False)
    control: str = "on"  # Mobile ID's control API: on, on (token required), or off and why
    description: dict[str, Any] = field(default_factory=dict)  # the identities the suite learns (mocks/stack_description.py)
    faults: frozenset[Fault] = frozenset()  # --fault: both emulators' (b2c_settings holds B2C's alone)


# --- pieces ------------------------------------------------------------------------------------


def local_tls(directory: Path, hosts: list[str]) -> TLSFiles:
    """The stack's CA and certificate; kept in ``directory`` and reused while the host names match."""
    marker = directory / "tls-hosts.txt"
    files = TLSFiles.in_directory(directory)
    wanted = "\n".join(hosts)
    kept = (files.ca_cert, files.server_cert_chain, files.server_key, marker)
    if all(p.is_file() for p in kept) and marker.read_text() == wanted and not _damaged(files.ca_cert):
        if not files.server_spki.is_file():  # kept by a stack from before the pin was written beside the certificate
            files.server_spki.write_text(spki_hash(files.server_cert_chain) + "\n")
        return files
    files = issue_local_certificates(directory, hosts)
    marker.write_text(wanted)
    return files


def _damaged(ca: Path) -> bool:
    """A kept CA that no TLS client can load (a file cut short, overwritten): the back channel would fail every sign-in
    with it, so a new set is made (its certificate and key, if damaged, stop the start saying so: ``serve.run``)."""
    if (why := ca_unloadable(ca)) is None:
        return False
    print(f"stack: the kept CA {ca} {why}; a new CA and certificate are made (trust the new one)", file=sys.stderr)
    return True


def host_router(sites: Mapping[str, Any], index: dict[str, Any]) -> Starlette:
    async def home(request: Request) -> Response:
        if request.url.path == "/":
            return JSONResponse(index)
        return PlainTextResponse("Not Found", status_code=404)

    routes: list[Any] = [Host(host, app) for host, app in sites.items()]
    routes.append(Route("/{path:path}", home, methods=["GET", "HEAD"]))
    return Starlette(routes=routes)


# Mobile ID's two production hosts (reference mobileid.md section 1): the login pages, under /oidc, on m.mobileid.ch; the
# issuer's endpoints (discovery, keys, token, userinfo, and the control API under the issuer) on openid.mobileid.ch. One
# app serves both, so each host answers only its own paths: a policy naming an endpoint on the other host fails here, as
# it would against the real service, instead of passing locally.
MOBILE_ID_PAGES_PATH = "/oidc"


def mobile_id_sites(app: ASGIApp) -> dict[str, ASGIApp]:
    return {"m.mobileid.ch": _only_paths(app, pages=True), "openid.mobileid.ch": _only_paths(app, pages=False)}


def _only_paths(app: ASGIApp, *, pages: bool) -> ASGIApp:
    async def site(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        is_page = path == MOBILE_ID_PAGES_PATH or path.startswith(MOBILE_ID_PAGES_PATH + "/")
        if scope["type"] == "http" and is_page != pages:
            # As the emulator answers a path it does not have.
            await JSONResponse({"error": "not_found", "error_description": "Not Found"}, status_code=404)(scope, receive, send)
            return
        await app(scope, receive, send)
    return site


def mobileid_control(host: str, token: str | None) -> tuple[bool, str]:
    """Whether the stack turns Mobile ID's control API on, and the line that says so (``off: `` and ``control_off(host)``).

    Whoever reaches the control API can approve any pending sign-in or reset the
    emulator: without a token it is only for this machine (loopback).
    """
    from mocks.mobileid.settings import MIN_CONTROL_TOKEN, short_control_token

    if token and not is_loopback(host) and len(token) < MIN_CONTROL_TOKEN:  # the emulator's rule
        raise SystemExit(short_control_token(f"{CONTROL_TOKEN_ENV} (--host {host})"))
    if token:
        return True, "on (token required)"
    if is_loopback(host):
        return True, "on (loopback clients only)"
    return False, f"off: {control_off(host)}"


def control_off(host: str) -> str:
    """Why the stack on ``host`` turns the control API off (without a token, off loopback): said too by the API's 404s."""
    return (f"--host {host} is not loopback and {CONTROL_TOKEN_ENV} is not set; set {CONTROL_TOKEN_ENV} to enable it with a "
            "token, or listen on 127.0.0.1")


def _webapp_secret(state_dir: Path) -> str:
    """webapp1's client secret: from the environment (kept in memory only), else generated once and kept
    in the state directory, mode 600 (never printed)."""
    given = os.environ.get(WEBAPP_SECRET_ENV)
    if given:
        return given
    path = state_dir / WEBAPP_SECRET_FILE
    if path.is_file():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(32)
    write_private(path, secret.encode())
    return secret


def _policy_keys(config: StackConfig, flows_mobile_id_secret: str | None) -> dict[str, SecretStr]:
    """The tenant's policy keys: generated ones, the stack's defaults, then --policy-key (which wins)."""
    from mocks.b2c.policy_keys import PolicyKeyError, generated_keys, read_policy_keys

    keys = generated_keys()
    # The default folder is the starter pack, which names Facebook's key; Facebook is unreachable offline.
    if config.policies_dir is not None and config.policies_dir.resolve() == DEFAULT_POLICIES.resolve():
        keys[FACEBOOK_SECRET_KEY] = SecretStr(secrets.token_urlsafe(32))
    # Per start: B2C's policy key and Mobile ID's client agree on it (unless --policy-key gives it); a team's user flows
    # name the secret of that client, which the tenant's key then holds too (one client, one secret).
    keys[MOBILEID_SECRET_KEY] = SecretStr(flows_mobile_id_secret or secrets.token_urlsafe(32))
    try:
        given = read_policy_keys(list(config.policy_keys))
    except PolicyKeyError as error:
        raise PolicyError(str(error)) from None
    if flows_mobile_id_secret is not None and config.user_flows is not None and MOBILEID_SECRET_KEY in given \
            and given[MOBILEID_SECRET_KEY].get_secret_value() != flows_mobile_id_secret:
        raise PolicyError(f"{config.user_flows.name}: the client secret of its Mobile ID provider is not the policy key "
                          f"{MOBILEID_SECRET_KEY}'s (--policy-key): B2C's custom policies and user flows sign in at Mobile ID as one "
                          "client, registered with one secret; give both the same, or leave the key out (the flows' secret is taken)")
    keys.update(given)
    return keys


def _team_flows(config: StackConfig) -> list[Policy]:
    from mocks.b2c.user_flow import load_user_flows

    return load_user_flows(config.user_flows) if config.user_flows is not None else []


def _custom_policies(config: StackConfig, keys: dict[str, SecretStr]) -> list[Policy]:
    from mocks.b2c.custom_policy import load_custom_policies

    return load_custom_policies(config.policies_dir, tenant=config.tenant, policy_keys=keys) if config.policies_dir is not None else []


def _policies(mobileid_client_id: str, mobileid_secret: str, team_flows: list[Policy], custom: list[Policy]) -> list[Policy]:
    from mocks.b2c.user_flow import local_stack_user_flow

    own_flow = local_stack_user_flow(mobileid_client_id, mobileid_secret)
    return [*served_user_flows(own_flow, team_flows), *custom]


def stack_settings(config: StackConfig, state_dir: Path | None = None, host_map: dict[str, tuple[str, int]] | None = None,
                   ca: Path | None = None) -> tuple[MobileIDSettings, B2CSettings, str | None]:
    """Mobile ID's and B2C's settings for ``config``, validated as a serving stack's are (``SystemExit`` saying
    what is wrong), and webapp1's secret. Serving gives ``state_dir`` (keys and secrets kept there), the host map
    and the CA; ``--describe`` gives none of them, so it refuses exactly what ``serve`` refuses."""
    from mocks.mobileid import MobileIDSettings
    from mocks.mobileid.settings import local_stack_client_id

    team_flows = _team_flows(config)
    flows_secret = mobile_id_secret(config.user_flows.name, team_flows) if config.user_flows is not None else None
    policy_keys = _policy_keys(config, flows_secret)
    custom = _custom_policies(config, policy_keys)
    # B2C's client at the stack's Mobile ID: the one the team's custom policies name, with the secret of the key their
    # Mobile ID profile reads (whatever its name), else the stack's own with B2C_1A_MobileIdSecret.
    custom_client = custom_policies_mobile_id_client(str(config.policies_dir), custom) if custom else None
    own_client, mobileid_secret = custom_client or (local_stack_client_id(config.tenant), policy_keys[MOBILEID_SECRET_KEY].get_secret_value())
    if config.user_flows is not None:
        check_mobile_id_client(config.user_flows.name, team_flows, own_client, mobileid_secret)
    control_on, _ = mobileid_control(config.host, config.control_token)
    key_file = {"signing_key_pem": state_dir / MOBILEID_KEY_FILE} if state_dir is not None else {}
    try:
        mobileid = MobileIDSettings.local_stack(tenant=config.tenant, client_secret=mobileid_secret, client_id=own_client,
                                                faults=config.faults & MOBILEID_FAULTS, control_enabled=control_on,
                                                control_off_reason=None if control_on else control_off(config.host),
                                                control_token=SecretStr(config.control_token) if config.control_token else None,
                                                **key_file)
    except ValidationError as error:  # the stack's own values are valid: what a person gave is the control token
        raise SystemExit(f"Mobile ID emulator: invalid settings (the control token is {CONTROL_TOKEN_ENV}): {error}") from None
    webapp_secret = _webapp_secret(state_dir) if state_dir is not None else None
    policies = _policies(own_client, mobileid_secret, team_flows, custom)
    page_content = {}
    if config.page_content is not None:  # imported only then: its HTML parser is ~3 ms of the start
        from mocks.b2c.page_content import read_page_content

        page_content = read_page_content(config.page_content, policies)
    try:
        b2c = B2CSettings(
            tenant=config.tenant,
            apps=default_apps(webapp_secret),
            policies=policies,
            page_content=page_content,
            policy_keys=policy_keys,
            host_map=host_map or {},
            ca=ca,
            extra_cas=config.ca_files,
            faults=config.faults - MOBILEID_FAULTS,
            language_customization=config.language_customization,
            page_build_delay=config.page_build_delay,
        )
    except ValidationError as error:
        raise SystemExit(f"B2C emulator: invalid settings: {error}") from None
    return mobileid, b2c, webapp_secret


def _description(config: StackConfig, mobileid: MobileIDSettings, b2c: B2CSettings) -> dict[str, Any]:
    return description(config.tenant, run_app(b2c.apps), b2c.policies, mobileid, b2c.language_customization)


def describe(config: StackConfig) -> dict[str, Any]:
    """The description a stack started with ``config`` prints (``python -m mocks serve --describe``), without serving."""
    mobileid, b2c, _ = stack_settings(config)
    return _description(config, mobileid, b2c)


def build_stack(config: StackConfig, sock: socket.socket, state_dir: Path) -> tuple[Starlette, StackInfo, TLSFiles]:
    """Everything but the server: certificates, keys, settings and the host-routed app."""
    from mocks.b2c.app import create_app as create_b2c
    from mocks.b2c.keys import TenantKeys
    from mocks.common.keys import SigningKey, own_key
    from mocks.jwtms import create_app as create_jwtms
    from mocks.mobileid import create_app as create_mobileid

    address, port = sock.getsockname()[:2]
    if address in ("0.0.0.0", "::"):  # listening everywhere: this machine reaches it on loopback
        address = "127.0.0.1" if address == "0.0.0.0" else "::1"
    hosts = site_hosts(config.tenant)
    tls = local_tls(state_dir, hosts)
    host_map = {host: (address, port) for host in hosts}

    signing_key = own_key(state_dir / MOBILEID_KEY_FILE)  # loaded here, unchecked: the stack wrote it (mocks/common/keys.py)
    mobileid_settings, b2c_settings, webapp_secret = stack_settings(config, state_dir, host_map, tls.ca_cert)
    assert webapp_secret is not None  # a serving stack keeps one in its state directory
    _, control = mobileid_control(config.host, config.control_token)
    keys = TenantKeys.create(state_dir, foreign=Fault.FOREIGN_SIGNING_KEY in config.faults)
    b2c = create_b2c(b2c_settings, keys=keys)
    mobileid = create_mobileid(mobileid_settings, signing_key=SigningKey(signing_key, mobileid_settings.signing_key_id))
    jwtms = create_jwtms()
    sites = {hosts[0]: b2c, **mobile_id_sites(mobileid), "jwt.ms": jwtms}
    run_urls = {p.policy_id: run_user_flow_url(b2c_settings, p) for p in b2c_settings.policies}
    ready_url = f"https://{url_host(address)}:{port}"
    info = StackInfo(port=port, ca_path=tls.ca_cert.resolve(), host_map=host_map, ready_url=ready_url, tenant=config.tenant,
                     state_dir=state_dir, spki=tls.spki(), run_urls=run_urls, b2c_settings=b2c_settings,
                     webapp_secret=webapp_secret, apps={"b2c": b2c, "mobileid": mobileid, "jwtms": jwtms}, control=control,
                     description=_description(config, mobileid_settings, b2c_settings), faults=config.faults)
    index = {"sites": list(sites), "run_user_flow": run_urls, "docs": "mocks/b2c/README.md"}
    return host_router(sites, index), info, tls


# --- running -----------------------------------------------------------------------------------


def _state_dir(config: StackConfig) -> tuple[Path, bool]:
    if config.state_dir is not None:
        try:
            config.state_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=config.state_dir):  # one that is there but cannot be written (/sys, read-only)
                pass
        except OSError as error:
            raise SystemExit(f"--state-dir {config.state_dir}: the stack's state folder cannot be made or written there "
                             f"({error.strerror}); give a folder that can be, or leave it out for a temporary one") from None
        return config.state_dir.resolve(), False
    return Path(tempfile.mkdtemp(prefix="b2c-stack-")), True


def serve(config: StackConfig) -> None:
    """Run until SIGINT/SIGTERM; print the ready lines (flushed) once connections are accepted."""
    # uvicorn shuts down gracefully, then re-raises the signal it caught; end with status 0 instead. Set before the
    # state folder is made: a stop while the stack is built runs the finally below, which removes a temporary one.
    process_start.exit_if_stopped()  # a stop the loading of the modules swallowed: before anything is made
    process_start.exit_on_stop_signals(0)
    state_dir, temporary = None, False
    sock = proxy = None
    try:
        state_dir, temporary = _state_dir(config)
        sock = common_serve.bind(config.host, config.port, config.port_option)  # a port in use ends the start here: the temporary folder goes too
        try:
            app, info, tls = build_stack(config, sock, state_dir)
        except PolicyError as error:
            raise SystemExit(f"policy refused: {error}") from None
        except OSError as error:  # a state file it cannot write or read (a folder named ca.pem): a traceback before
            raise SystemExit(f"the stack cannot keep its state in {state_dir}: {error.filename}: {error.strerror}; remove what is "
                             "in the way, or give --state-dir another folder") from None
        except RuntimeError as error:  # a stop while a module it imports made a class: Python wrapped its SystemExit
            if (stop := process_start.stopped_inside(error)) is not None:
                raise stop from None
            raise
        process_start.exit_if_stopped()  # a stop the build swallowed (a finalizer's "Exception ignored"): before it serves
        proxy = _start_proxy(config, info)

        def ready() -> None:
            sys.stdout.write("\n".join(ready_lines(info)) + "\n")
            sys.stdout.flush()

        common_serve.run(app, sock, on_ready=ready, ssl_certfile=str(tls.server_cert_chain), ssl_keyfile=str(tls.server_key))
    finally:
        if proxy is not None:
            proxy.stop()
        if sock is not None:
            sock.close()
        if temporary and state_dir is not None:
            shutil.rmtree(state_dir, ignore_errors=True)


def _start_proxy(config: StackConfig, info: StackInfo) -> ConnectProxy | None:
    """The CONNECT proxy for browsers without host-resolver rules, when asked for (--proxy-port)."""
    if config.proxy_port is None:
        return None
    from mocks.stack_proxy import ConnectProxy  # only with --proxy-port: off the start path otherwise

    proxy = ConnectProxy(info.host_map, config.host, config.proxy_port)
    proxy.start()
    info.proxy_url = f"http://{url_host(config.host)}:{proxy.port}"
    return proxy


@contextlib.contextmanager
def running_stack(config: StackConfig | None = None, **overrides: Any) -> Iterator[StackInfo]:
    """The stack in this process, on a free port unless told otherwise: ``with running_stack() as stack: ...``."""
    config = config or StackConfig(port=0)
    if overrides:
        config = StackConfig(**{**config.__dict__, **overrides})
    state_dir, temporary = _state_dir(config)
    sock = server = proxy = None
    try:
        sock = common_serve.bind(config.host, config.port, config.port_option)  # as in serve: a port in use takes the temporary folder with it
        app, info, tls = build_stack(config, sock, state_dir)
        proxy = _start_proxy(config, info)
        server = common_serve.ServerThread(app, sock, certfile=str(tls.server_cert_chain), keyfile=str(tls.server_key))
        server.start()
        yield info
    finally:
        if server is not None:
            server.stop()
        if proxy is not None:
            proxy.stop()
        if sock is not None:
            sock.close()
        if temporary:
            shutil.rmtree(state_dir, ignore_errors=True)


@dataclass
class RunningStack:
    """A stack started with ``start_stack``; ``stop()`` ends it (also usable as a context manager)."""

    info: StackInfo
    _exit: contextlib.ExitStack = field(repr=False)

    def stop(self) -> None:
        self._exit.close()

    def __enter__(self) -> StackInfo:
        return self.info

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_stack(config: StackConfig | None = None, **overrides: Any) -> RunningStack:
    """``running_stack`` without a ``with`` block: for fixtures that start and stop in different places."""
    exit_stack = contextlib.ExitStack()
    info = exit_stack.enter_context(running_stack(config, **overrides))
    return RunningStack(info, exit_stack)
