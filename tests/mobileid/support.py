"""A real Mobile ID emulator on a loopback port, and a scripted user that walks its pages with httpx."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import json
import os
import queue
import secrets
import ssl
import subprocess
import time
from collections.abc import Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import SecretStr

from fixtures.process_output import output_lines, read_until
from mocks.common import serve
from mocks.common.keys import SigningKey
from mocks.common.serve import ServerThread
from mocks.mobileid import ClientSettings, MobileIDSettings, create_app
from tests.html_page import read_page

RP_POST = "rp-post"
RP_BASIC = "rp-basic"
RP_CONSENT = "rp-consent"
SECRETS = {RP_POST: "post-secret-1", RP_BASIC: "basic:secret/2", RP_CONSENT: "consent-secret-3"}
REDIRECTS = {RP_POST: "https://rp.example/cb", RP_BASIC: "https://rp.example/basic-cb?tenant=a", RP_CONSENT: "https://rp.example/consent-cb"}
APPROVE = "+41700092501"
WAITING_NUMBER = "+41791234567"

T = TypeVar("T")


def default_clients() -> list[ClientSettings]:
    return [
        ClientSettings(client_id=RP_POST, client_secret=SecretStr(SECRETS[RP_POST]), redirect_uris=[REDIRECTS[RP_POST]]),
        ClientSettings(
            client_id=RP_BASIC,
            client_secret=SecretStr(SECRETS[RP_BASIC]),
            redirect_uris=[REDIRECTS[RP_BASIC]],
            token_endpoint_auth_method="client_secret_basic",
            claims_in_id_token=False,
        ),
        ClientSettings(client_id=RP_CONSENT, client_secret=SecretStr(SECRETS[RP_CONSENT]), redirect_uris=[REDIRECTS[RP_CONSENT]], consent="once"),
    ]


@functools.cache
def _plain_http() -> ssl.SSLContext:
    """httpx builds a TLS context, loading certifi's bundle (~20 ms), for every client unless given one; one for all."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # trusts nothing: the emulator here is http://127.0.0.1


@functools.cache
def _shared_key() -> SigningKey:
    """One RSA key per test process: generating one per emulator would dominate the run time."""
    return SigningKey.generate("mobileid-test-1")


class LiveServer:
    """The emulator served by uvicorn in a thread; its issuer is its own loopback URL."""

    def __init__(self, *, shared_key: bool = True, **overrides: Any) -> None:
        sock = serve.bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        values: dict[str, Any] = {"issuer": self.url, "clients": default_clients(), "control_enabled": True}
        values.update(overrides)
        self.settings = MobileIDSettings(**values)
        self.app = create_app(self.settings, signing_key=_shared_key() if shared_key else None)
        self._server = ServerThread(self.app, sock)
        self._sock = sock

    def __enter__(self) -> LiveServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()
        self._sock.close()

    def requests_in_flight(self, timeout: float, at_least: int = 1,
                           besides: set[asyncio.Task[None]] | None = None) -> set[asyncio.Task[None]]:
        """The requests the server is answering (but ``besides``, e.g. those of an earlier test still running), once it
        answers ``at_least`` of them (looked at in its own loop for up to ``timeout`` s)."""
        others = besides or set()

        async def some() -> set[asyncio.Task[None]]:
            tasks, deadline = self._server.server.server_state.tasks, time.monotonic() + timeout
            while len(tasks - others) < at_least and time.monotonic() < deadline:
                await asyncio.sleep(0.01)  # uvicorn says nothing when a request starts: looked at again
            return set(tasks) - others

        return self._in_loop(some(), timeout)

    def requests_end(self, requests: set[asyncio.Task[None]], timeout: float) -> bool:
        """Whether ``requests`` (requests_in_flight) all end within ``timeout`` seconds, waited on in the server's loop."""
        async def end() -> bool:
            return not (await asyncio.wait(requests, timeout=timeout))[1] if requests else True

        return self._in_loop(end(), timeout)

    def _in_loop(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        assert self._server.loop is not None, "the server is not serving"
        return asyncio.run_coroutine_threadsafe(coroutine, self._server.loop).result(timeout + 5)

    def client(self, **kwargs: Any) -> httpx.Client:
        """A new client (own cookies) per test; the emulator speaks plain HTTP, so no CA bundle is loaded for it."""
        return httpx.Client(base_url=self.url, timeout=kwargs.pop("timeout", 10.0), verify=_plain_http(), **kwargs)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(rp: str = RP_POST, **extra: str | None) -> dict[str, str]:
    params = {
        "client_id": rp,
        "redirect_uri": REDIRECTS[rp],
        "response_type": "code",
        "scope": "openid profile phone mid_profile",
        "state": "state-" + secrets.token_hex(4),
        "nonce": "nonce-" + secrets.token_hex(4),
    }
    params.update(extra)  # type: ignore[arg-type]
    return {k: v for k, v in params.items() if v is not None}


@dataclass
class Answer:
    """What the relying party received at its redirect URI."""

    redirect_uri: str
    params: dict[str, str]
    mode: str

    @property
    def error(self) -> str | None:
        return self.params.get("error")

    @property
    def code(self) -> str | None:
        return self.params.get("code")


def answer_of(response: httpx.Response) -> Answer:
    """The authorization response, whether sent as a redirect (query) or an auto-posted form."""
    if response.status_code == 303 and "location" in response.headers:
        location = response.headers["location"]
        parts = urlsplit(location)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        return Answer(location.split("?")[0], params, "query")
    assert response.status_code == 200, response.text
    page = read_page(response.text)
    assert "mid-response" in page.ids, "not a form_post answer page"
    return Answer(page.action or "", page.fields, "form_post")


@dataclass
class User:
    """A user walking the login pages like a browser without JavaScript would."""

    http: httpx.Client
    trail: list[str] = field(default_factory=list)

    def go(self, response: httpx.Response) -> httpx.Response:
        self.trail.append(str(response.url))
        return response

    def authorize(self, params: dict[str, str], method: str = "GET") -> httpx.Response:
        if method == "GET":
            return self.go(self.http.get("/oidc/authorize", params=params))
        return self.go(self.http.post("/oidc/authorize", data=params))

    def session_id(self, response: httpx.Response) -> str:
        assert response.status_code == 303, response.text
        return parse_qs(urlsplit(response.headers["location"]).query)["session"][0]

    def enter_number(self, session: str, msisdn: str) -> httpx.Response:
        return self.go(self.http.post("/oidc/login", data={"session": session, "msisdn": msisdn}))

    def wait_status(self, session: str) -> dict[str, Any]:
        response = self.http.get("/oidc/wait/status", params={"session": session}, timeout=60)
        assert response.status_code == 200, response.text
        return json.loads(response.text)

    def finish(self, session: str) -> Answer:
        """What the client receives once the phone answered: the form the waiting page posts itself
        (form_post without a consent page), else the answer ``/oidc/continue`` leads to."""
        status = self.wait_status(session)
        assert status["status"] == "done", status
        if "post" in status:
            self.trail.append(status["post"]["action"])
            return Answer(status["post"]["action"], dict(status["post"]["fields"]), "form_post")
        return answer_of(self.go(self.http.get(status["next"])))

    def start_transaction(self, msisdn: str = WAITING_NUMBER, params: dict[str, str] | None = None, method: str = "GET") -> str:
        """Authorize (GET, or POST as B2C does) and enter the number, so the phone is asked: the login session's id."""
        session = self.session_id(self.authorize(params or authorize_params(), method))
        assert self.enter_number(session, msisdn).status_code == 303
        return session

    def login(self, params: dict[str, str], msisdn: str = APPROVE) -> Answer:
        return self.finish(self.start_transaction(msisdn, params))


def redeem(http: httpx.Client, code: str, client_id: str = RP_POST, *, redirect_uri: str | None = None, **extra: str) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri or REDIRECTS[client_id], **extra}
    if client_id == RP_BASIC:
        return http.post("/token", data=data, auth=(client_id, SECRETS[client_id]))
    return http.post("/token", data={**data, "client_id": client_id, "client_secret": SECRETS[client_id]})




@dataclass
class Started:
    process: subprocess.Popen[str]
    url: str  # what its ready line gives
    lines: list[str]  # what it printed up to there (stderr too)
    output: queue.Queue[str | None]  # the rest, line by line, as it prints it

    def printed(self, within: float = 10) -> list[str]:
        """Everything it printed, once it has ended (after ``started``'s block): ``lines`` with the rest."""
        with contextlib.suppress(EOFError):
            read_until(self.output, time.monotonic() + within, lambda line: False, self.lines)
        return self.lines


def emulator_env(**settings: str) -> dict[str, str]:
    """The environment for a ``python -m mocks.mobileid`` of a test: none of the caller's MOBILEID_* settings, ``settings`` instead."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("MOBILEID_")}, **settings}


@contextlib.contextmanager
def started(command: list[str], *, cwd: Path, env: Mapping[str, str], within: float = 30) -> Iterator[Started]:
    """The Mobile ID emulator's command run until its ``mobileid-ready:`` line, at most ``within`` seconds (its output
    and errors in the failure otherwise), and ended after the block."""
    process = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    lines = output_lines(process)
    try:
        try:
            ready = read_until(lines, time.monotonic() + within, lambda line: line.startswith("mobileid-ready:"), seen)
        except (TimeoutError, EOFError) as error:
            how = "ended before it said it was ready" if isinstance(error, EOFError) else f"did not say it was ready within {within:g} s"
            raise AssertionError(f"the emulator {how}:\n" + "\n".join(seen[-40:])) from None
        yield Started(process, ready.split(": ", 1)[1].strip(), seen, lines)
    finally:
        process.terminate()
        process.wait(timeout=10)
