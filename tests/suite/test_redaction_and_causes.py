"""The redaction rule and the infrastructure-cause patterns that reports, bundles and CI retries rely on."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from fixtures.causes import is_infrastructure
from fixtures.redaction import JWT_PLACEHOLDER, Redaction, contains_secret, redact_text, secret_values

TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ"


def test_a_jwt_and_a_secret_are_replaced_and_the_rest_kept() -> None:
    text = f"https://jwt.ms/#id_token={TOKEN}&state=abc secret=s3cr3t-value"
    cleaned = redact_text(text, ["s3cr3t-value", None, ""])
    assert TOKEN not in cleaned and "s3cr3t-value" not in cleaned
    assert f"id_token={JWT_PLACEHOLDER}&state=abc" in cleaned
    assert contains_secret(cleaned, ["s3cr3t-value"]) == []
    assert contains_secret(text, ["s3cr3t-value"]) == ["JWT", "secret"]


def test_every_text_member_of_a_zip_is_redacted(tmp_path: Path) -> None:
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as archive:
        archive.writestr("trace.trace", f'{{"location":"https://jwt.ms/#id_token={TOKEN}"}}\n')
        archive.writestr("resources/image.png", b"\x89PNG\r\n\x1a\n\xff\xfe")
    Redaction().zip(trace)
    with zipfile.ZipFile(trace) as archive:
        assert TOKEN not in archive.read("trace.trace").decode()
        assert archive.read("resources/image.png") == b"\x89PNG\r\n\x1a\n\xff\xfe"


@pytest.mark.parametrize(("text", "infrastructure"), [
    ("Page.goto: net::ERR_CONNECTION_REFUSED at https://contoso.b2clogin.com/", True),
    ("httpx.ConnectError: [Errno 111] Connection refused", True),
    ("Target page, context or browser has been closed", True),
    ("AssertionError: ID token aud is 'x', expected the client id 'y'", False),
    ("B2C redirected with server_error instead of an ID token: AADB2C90273", False),
])
def test_only_machine_and_network_failures_count_as_infrastructure(text: str, infrastructure: bool) -> None:
    assert is_infrastructure(text) is infrastructure


def test_secret_values_are_found_by_the_settings_name_webhooks_included() -> None:
    env = {"MOBILEID_CONTROL_TOKEN": "control-token-1", "TEAMS_WEBHOOK_URL": "https://chat.example/hook/abc",
           "B2C_WEBAPP1_CLIENT_SECRET": "webapp-secret", "B2C_TENANT": "contoso-tenant", "SHORT_TOKEN": "abc",
           # docs/suite.md names these two too: a test account's password, a deployed emulator's key in the environment
           "MOBILEID_TEST_PASSWORD": "test-account-password", "signing_private_key": "-----BEGIN PRIVATE KEY-----x"}
    assert sorted(secret_values(env)) == ["-----BEGIN PRIVATE KEY-----x", "control-token-1", "https://chat.example/hook/abc",
                                          "test-account-password", "webapp-secret"]
