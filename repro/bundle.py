"""The bundle to attach to a bug: one zip of what the repro journey saw, with no secret or raw token.

Every text member passes through ``fixtures.redaction`` (JWTs and the given secrets); the HAR and
the trace also lose the values of cookies and authorization codes, which are credentials too.
``scan`` then opens every member, nested zips (the trace) included, and the bundle is refused if
anything is left.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fixtures.redaction import contains_secret, credentials_in, redact_file, redact_text, redact_zip


class LeakError(RuntimeError):
    """The bundle would carry a secret or raw token; it is not written."""


def har_credentials(har: dict[str, Any]) -> set[str]:
    """Cookie values and credential parameters (URLs, form bodies, Location headers) found in a HAR."""
    return credentials_in(har.get("log", {}).get("entries", []))


def scan(path: Path, secrets: Iterable[str | None] = (), _name: str = "") -> list[str]:
    """``member: what`` for every JWT or secret in the zip at ``path`` (or bytes of a nested zip)."""
    secrets = [s for s in secrets if s]
    findings: list[str] = []
    with zipfile.ZipFile(path) as bundle:
        for info in bundle.infolist():
            data = bundle.read(info)
            name = f"{_name}{info.filename}"
            if data[:4] == b"PK\x03\x04":
                findings += scan(io.BytesIO(data), secrets, f"{name}!/")  # type: ignore[arg-type]
                continue
            text = data.decode("utf-8", errors="ignore")
            findings += [f"{name}: {what}" for what in sorted(set(contains_secret(text, secrets)))]
    return findings


def clean_copy(source: Path, target: Path, secrets: list[str]) -> None:
    """Copy a file into the bundle folder, redacted (zip members one by one)."""
    shutil.copyfile(source, target)
    if zipfile.is_zipfile(target):
        redact_zip(target, secrets)
    else:
        redact_file(target, secrets)


def write_text(target: Path, text: str, secrets: list[str]) -> None:
    target.write_text(redact_text(text, secrets))


def zip_folder(folder: Path, target: Path, secrets: list[str]) -> Path:
    """Zip ``folder`` to ``target``; LeakError (and no file) if a secret or raw token is left in it."""
    tmp = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            bundle.write(path, path.relative_to(folder).as_posix())
    findings = scan(tmp, secrets)
    if findings:
        tmp.unlink()
        raise LeakError("the bundle would carry secrets or raw tokens, so it was not written: " + "; ".join(findings[:5]))
    tmp.replace(target)
    return target


def load_har(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a HAR file (JSON with log.entries): {error}") from None
