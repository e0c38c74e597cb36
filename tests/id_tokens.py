"""ID tokens made for tests of the suite's token checks: a tenant's issuer and keys, a token with any claims, its check."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from fixtures.tokens import validate_id_token
from tests.local_stack import LOCAL_STACK

TENANT_ID = "7a1b4f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
ISSUER = f"https://contoso.b2clogin.com/{TENANT_ID}/v2.0/"
CLIENT = LOCAL_STACK.client_id
NONCE = "n-0S6_WzA2Mj"
KID = "X5eXk4xyojNFum1kl2Ytv8dlNP4-c57dO6QGTVBwaNk"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}


def token(key=KEY, kid: str = KID, alg: str = "RS256", drop: tuple[str, ...] = (), **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": CLIENT, "nonce": NONCE, "iat": now, "nbf": now, "exp": now + 3600,
            "sub": "s", "ver": "1.0", **claims}
    for name in drop:
        body.pop(name)
    if alg == "HS256":
        return jwt.encode(body, "x" * 32, algorithm=alg, headers={"kid": kid})
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


def from_now(**offsets: int) -> str:
    """A token whose times are ``offsets`` from one reading of the clock (iat and nbf now unless given): a lifetime the
    test names is that lifetime, whichever second the clock turns."""
    now = int(time.time())
    times: dict[str, Any] = {"iat": now, "nbf": now, **{name: now + offset for name, offset in offsets.items()}}
    return token(**times)


def check(raw: str) -> dict[str, Any]:
    return validate_id_token(raw, jwks=jwks(), issuer=ISSUER, client_id=CLIENT, nonce=NONCE)
