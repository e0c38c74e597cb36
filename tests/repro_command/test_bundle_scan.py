"""The bundle's leak check: it finds a JWT or secret in any member, nested zips included, and refuses the bundle."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fixtures.redaction import Redaction
from repro.bundle import LeakError, har_credentials, scan, zip_folder

JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLWJ5dGVz"


def nested_trace(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as trace:
        trace.writestr("trace.network", text)
    return buffer.getvalue()


def test_scan_opens_nested_zips(tmp_path: Path) -> None:
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("README.txt", "clean")
        z.writestr("trace.zip", nested_trace(f'{{"url": "https://jwt.ms/#id_token={JWT}"}}'))
        z.writestr("settings.json", '{"token": "control-s3cret"}')
    assert scan(bundle, ["control-s3cret"]) == ["trace.zip!/trace.network: JWT", "settings.json: secret"]


def test_a_leaking_folder_is_not_zipped(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "repro.json").write_text(f'{{"raw": "{JWT}"}}')
    with pytest.raises(LeakError, match="repro.json: JWT"):
        zip_folder(tmp_path / "in", tmp_path / "out.zip", Redaction())
    assert not (tmp_path / "out.zip").exists() and not (tmp_path / "out.zip.partial").exists()
    (tmp_path / "in" / "repro.json").write_text('{"raw": "<redacted JWT>"}')
    assert zip_folder(tmp_path / "in", tmp_path / "out.zip", Redaction()).is_file()


def test_a_bundle_that_cannot_be_written_leaves_no_partial_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while zipping (No space left on device): a truncated zip named like a bundle was left in --out."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "repro.json").write_text("{}")

    def full(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    with pytest.raises(OSError, match="No space left"):
        zip_folder(tmp_path / "in", tmp_path / "out.zip", Redaction())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in"]


def test_cookie_values_and_codes_count_as_credentials() -> None:
    har = {"log": {"entries": [{
        "request": {"url": "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/authresp?code=abcdefgh12345&state=s",
                    "cookies": [{"name": "x-ms-cpim-sso", "value": "sso-cookie-value-123"}, {"name": "flag", "value": "1"}],
                    "postData": {"text": "code=postedcode999&other=x"}},
        "response": {"cookies": [], "headers": [{"name": "Location", "value": f"https://jwt.ms/#id_token={JWT}&state=s"}]},
    }]}}
    assert har_credentials(har) == {"abcdefgh12345", "sso-cookie-value-123", "postedcode999", JWT}

