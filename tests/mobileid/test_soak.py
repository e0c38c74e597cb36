"""A bounded soak on loopback: thousands of abandoned sign-ins, flat memory (issue 12, item 4).

The emulator runs as its own process (``python -m mocks.mobileid``) with a small
``MOBILEID_STORE_LIMIT``, so its stores fill within the first few hundred sign-ins;
after that, every further sign-in must leave the resident set size where it was.
Each sign-in carries 4 KB of ``state`` and ``nonce``, so stores that kept them
all would grow by megabytes over the measured part. Stops by itself after a
counted number of requests; deselect with ``-m "not soak"``.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.mobileid.support import emulator_env, started

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 100
WARM_UP = 200  # sign-ins before the first measurement (twice the store limit)
MEASURED = 400  # sign-ins between the two measurements
ALLOWED_GROWTH_KB = 1024  # kept: ~20 KB; the old unbounded stores: ~6.5 KB per sign-in, 2.6 MB here

pytestmark = pytest.mark.soak


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


CONTROL_TOKEN = secrets.token_hex(16)


@pytest.fixture
def emulator_process():
    """Started as the image starts it (its CMD's options, FORWARDED_ALLOW_IPS, a public issuer, a control token, the access
    log at info), on loopback rather than 0.0.0.0; its requests come as from a TLS-terminating proxy. Its memory is read
    from /proc, so the soak runs here, not against an emulator deployed elsewhere."""
    env = emulator_env(MOBILEID_CLIENT_ID="soak-rp", MOBILEID_CLIENT_SECRET="soak-secret", MOBILEID_REDIRECT_URIS="https://rp.example/cb",
                       MOBILEID_STORE_LIMIT=str(LIMIT), MOBILEID_ISSUER="https://mobileid-emulator.example.com",
                       MOBILEID_CONTROL_TOKEN=CONTROL_TOKEN, FORWARDED_ALLOW_IPS="*", PYTHONPATH=str(ROOT))
    with started([sys.executable, "-m", "mocks.mobileid", "--host", "127.0.0.1", "--port", "0", "--proxy-headers"], cwd=ROOT, env=env) as emulator:
        yield emulator.process, emulator.url


def abandoned_sign_in(http: httpx.Client, i: int) -> None:
    params = {"client_id": "soak-rp", "redirect_uri": "https://rp.example/cb", "response_type": "code", "scope": "openid",
              "state": f"{i:08d}" + "s" * 1992, "nonce": f"{i:08d}" + "n" * 1992}
    started = http.get("/oidc/authorize", params=params)
    assert started.status_code == 303, started.text[:200]
    session = parse_qs(urlsplit(started.headers["location"]).query)["session"][0]
    # A number that waits for the phone; nobody answers.
    assert http.post("/oidc/login", data={"session": session, "msisdn": f"+4179{i:07d}"}).status_code == 303


def test_thousands_of_abandoned_sign_ins_leave_memory_flat(emulator_process) -> None:
    process, url = emulator_process
    with httpx.Client(base_url=url, timeout=10, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}) as http:
        for i in range(WARM_UP):
            abandoned_sign_in(http, i)
        before = rss_kb(process.pid)
        for i in range(WARM_UP, WARM_UP + MEASURED):
            abandoned_sign_in(http, i)
        after = rss_kb(process.pid)
        held = http.get("/control/transactions", headers={"Authorization": f"Bearer {CONTROL_TOKEN}"}).json()["transactions"]
    assert after - before < ALLOWED_GROWTH_KB, f"RSS grew {after - before} KB over {MEASURED} abandoned sign-ins ({before} -> {after} KB)"
    assert len(held) <= LIMIT
