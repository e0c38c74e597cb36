"""Odd and hostile input anywhere gets a 4xx answer: never a 500, never a hang."""

from __future__ import annotations

import pytest

FORM = {"content-type": "application/x-www-form-urlencoded"}
CASES = [
    ("GET", "/oidc/authorize?client_id=%ff%fe&redirect_uri=%00", None, None),
    ("GET", "/oidc/authorize?" + "a=1&" * 2000, None, None),
    ("POST", "/oidc/authorize", b"client_id=rp-post&client_id=rp-post", FORM),
    ("POST", "/oidc/authorize", b'{"client_id": "rp-post"}', {"content-type": "application/json"}),
    ("POST", "/oidc/authorize", b"--x\r\nbroken", {"content-type": "multipart/form-data; boundary=x"}),
    ("POST", "/oidc/login", b"session=nope&msisdn=%2B41791234567", FORM),
    ("POST", "/oidc/login", b"session=a&session=b", FORM),
    ("GET", "/oidc/wait?session=" + "x" * 5000, None, None),
    ("GET", "/oidc/wait/status", None, None),
    ("GET", "/oidc/continue?session=", None, None),
    ("POST", "/oidc/consent", b"decision=accept", FORM),
    ("POST", "/token", b"%%%&&&===", FORM),
    ("POST", "/token", b"grant_type=authorization_code&" + b"x=1&" * 200, FORM),
    ("POST", "/token", b"\xff\xfe\x00", FORM),
    ("POST", "/userinfo", b"access_token=abc", FORM),
    ("GET", "/control/phones/not-a-number/approve", None, None),
    ("POST", "/control/phones/not-a-number/approve", None, None),
    ("DELETE", "/jwks.json", None, None),
    ("GET", "/nothing-here", None, None),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), CASES, ids=[f"{m} {p[:40]}" for m, p, _, _ in CASES])
def test_hostile_input_is_a_client_error(http, method: str, path: str, body: bytes | None, headers: dict | None) -> None:
    response = http.request(method, path, content=body, headers=headers, timeout=5)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])


MANY_FIELDS = "&".join(f"f{i}=1" for i in range(150)).encode()


@pytest.mark.parametrize(("path", "body", "headers"), [
    ("/oidc/authorize", b"--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nfile\r\n--x--\r\n",
     {"content-type": "multipart/form-data; boundary=x"}),
    ("/oidc/authorize", MANY_FIELDS, FORM),
    ("/oidc/login", b"--x\r\nbroken", {"content-type": "multipart/form-data"}),  # no boundary
    ("/oidc/consent", MANY_FIELDS, FORM),
], ids=["a file", "too many fields", "no boundary", "consent: too many fields"])
def test_a_form_the_pages_cannot_read_gets_a_page_not_json(http, path: str, body: bytes, headers: dict) -> None:
    """A person's browser posted it: Mobile ID's HTML error page, as for any other unusable request to its pages."""
    response = http.post(path, content=body, headers=headers)
    assert 400 <= response.status_code < 500 and response.headers["content-type"].startswith("text/html"), \
        (response.status_code, response.headers.get("content-type"), response.text[:300])
    assert "mid_" in response.text, response.text[:500]


def test_a_token_request_over_the_field_limit_is_an_oauth_error(http) -> None:
    """The back channel answers in OAuth's JSON, whatever the request's fault: B2C reads the error from it."""
    response = http.post("/token", content=b"grant_type=authorization_code&" + MANY_FIELDS, headers=FORM)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request", (response.status_code, response.text[:300])
    assert "50 parameters of at most 16 KiB" in response.json()["error_description"]
    oversized = http.post("/token", content=b"grant_type=authorization_code&code=" + b"c" * (17 * 1024), headers=FORM)
    assert oversized.status_code == 400 and oversized.json()["error"] == "invalid_request", (oversized.status_code, oversized.text[:300])


def test_a_token_request_of_more_than_50_parameters_or_one_over_16_kib_is_refused_at_the_limit(http) -> None:
    """README, Slow clients: more than 50 parameters, or one over 16 KiB, is 400 invalid_request; 50, or 16 KiB, is read."""
    def token(extra: list[tuple[str, str]]) -> dict:
        body = "&".join(f"{name}={value}" for name, value in [("grant_type", "authorization_code"), *extra])
        return http.post("/token", content=body.encode(), headers=FORM).json()
    limit = "50 parameters of at most 16 KiB"
    assert limit in token([(f"f{i}", "1") for i in range(50)]).get("error_description", "")  # 51 with grant_type
    assert limit not in token([(f"f{i}", "1") for i in range(49)]).get("error_description", "")
    # A parameter is its name and its value as sent: "f" and 16 KiB less one byte is 16 KiB.
    assert limit in token([("f", "x" * (16 * 1024))]).get("error_description", "")
    assert limit not in token([("f", "x" * (16 * 1024 - 1))]).get("error_description", "")


def test_basic_credentials_with_odd_bytes(http) -> None:
    for header in ["Basic", "Basic =", "Basic //79", "Basic " + "A" * 3000, "Bearer x"]:
        response = http.post("/token", data={"grant_type": "authorization_code", "code": "c", "redirect_uri": "https://rp.example/cb"}, headers={"Authorization": header})
        assert response.status_code == 401, (header, response.text)


def chunked(size: int, piece: int = 64 * 1024):
    for _ in range(size // piece):
        yield b"a" * piece


@pytest.mark.parametrize("path", ["/token", "/userinfo", "/oidc/login", "/control/reset", "/control/phones/+41791234567/approve"])
def test_a_chunked_body_over_the_limit_is_413_wherever_it_goes(http, path: str) -> None:
    response = http.post(path, content=chunked(3 * 1024 * 1024), headers=FORM, timeout=10)
    assert response.status_code == 413, (response.status_code, response.text[:200])
