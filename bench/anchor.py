"""The anchor of the benchmark: panva/oidc-provider (npm ``oidc-provider``) started by bench/anchor.mjs.

Its two hosts (``op.anchor.test``, ``rp.anchor.test``) are mapped to its loopback port the way the
stack's production host names are, so it runs in the same Chromium with the same kind of flags and
its journey crosses sites as ours does.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

from fixtures.process_output import output_lines, read_until
from mocks.common.net import client
from mocks.common.tls import issue_local_certificates

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "anchor.mjs"
OP_HOST, RP_HOST = "op.anchor.test", "rp.anchor.test"
ISSUER, RP = f"https://{OP_HOST}", f"https://{RP_HOST}"
CLIENT_ID = "bench"
READY = "anchor-listening:"
START_LIMIT_S = 30.0  # spawn to the listening line: well under a second here, so 30 s is a machine far too slow or a hang
LAST_LINES = 10  # of its output, in the error when it does not start


def node_command(tls_dir: Path) -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("bench: Node.js is not installed; the anchor (oidc-provider) needs it (apt-get install nodejs npm)")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        raise SystemExit("bench: oidc-provider is not installed; run `npm ci` in the repository (it is in package.json)")
    return [node, str(SCRIPT), "--cert", str(tls_dir / "server-chain.pem"), "--key", str(tls_dir / "server-key.pem"),
            "--issuer", ISSUER, "--rp", RP]


def anchor_tls(directory: Path) -> Path:
    if not (directory / "server-key.pem").is_file():
        issue_local_certificates(directory, [OP_HOST, RP_HOST])
    return directory


@dataclass
class Anchor:
    """A running oidc-provider; ``started_in`` is spawn to its listening line, in seconds."""

    process: subprocess.Popen[str]
    port: int
    started_in: float
    ca_file: Path
    _jwks: dict[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def start(cls, tls_dir: Path, command: list[str] | None = None, limit: float = START_LIMIT_S) -> Anchor:
        """The anchor started, once it prints its listening line; SystemExit naming it and its last output lines when it
        ends or stays ``limit`` seconds without that line (an oidc-provider that never listens held `make bench` for ever).
        ``command``: the anchor's own unless given (a stand-in)."""
        command = command or node_command(anchor_tls(tls_dir))
        started = time.monotonic()
        # Its errors too (Node's, oidc-provider's), for the message below; the pump drains them after the ready line.
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen: list[str] = []
        try:
            line = read_until(output_lines(process), started + limit, lambda said: said.startswith(READY), seen)
        except (TimeoutError, EOFError) as stop:
            process.kill()
            status = process.wait()
            why = f"printed no {READY!r} line within {limit:g} s" if isinstance(stop, TimeoutError) else f"exited ({status}) first"
            last = "\n".join(f"  {said}" for said in seen[-LAST_LINES:]) or "  (nothing)"
            raise SystemExit(f"bench: the anchor (oidc-provider, bench/anchor.mjs) did not start: it {why}. "
                             f"Its last output lines:\n{last}\nrun: {' '.join(command)}") from None
        return cls(process, int(line[len(READY):].strip()), time.monotonic() - started, tls_dir / "ca.pem")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def host_map(self) -> dict[str, tuple[str, int]]:
        return {OP_HOST: ("127.0.0.1", self.port), RP_HOST: ("127.0.0.1", self.port)}

    def authorize_url(self) -> tuple[str, str, str]:
        """(URL, state, nonce) of an implicit-flow request for an ID token."""
        state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
        query = urlencode({"client_id": CLIENT_ID, "response_type": "id_token", "scope": "openid", "redirect_uri": f"{RP}/cb",
                           "state": state, "nonce": nonce})
        return f"{ISSUER}/auth?{query}", state, nonce

    def jwks(self) -> dict[str, Any]:
        if self._jwks is None:  # fetched once, as the suite caches B2C's JWKS
            with client(self.host_map, verify=str(self.ca_file)) as http:
                self._jwks = http.get(f"{ISSUER}/jwks").json()
        return self._jwks

    def validate(self, callback_url: str, state: str, nonce: str) -> dict[str, Any]:
        """The verified claims from the redirect's fragment (signature, iss, aud, exp, nonce, state)."""
        params = dict(parse_qsl(urlsplit(callback_url).fragment))
        if params.get("state") != state or "id_token" not in params:
            raise AssertionError(f"the anchor's redirect lacks the state or the id_token: {sorted(params)}")
        raw = params["id_token"]
        kid = jwt.get_unverified_header(raw).get("kid")
        key = next(k for k in self.jwks()["keys"] if k.get("kid") == kid)
        claims = jwt.decode(raw, jwt.PyJWK.from_json(json.dumps(key)), algorithms=[key.get("alg", "RS256")],
                            audience=CLIENT_ID, issuer=ISSUER)
        if claims.get("nonce") != nonce:
            raise AssertionError("the anchor's ID token does not echo the nonce")
        return claims
