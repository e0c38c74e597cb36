"""Secrets given in the environment stay in memory; generated ones are kept with mode 600 (issue 12, item 6)."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest

from mocks.stack import WEBAPP_SECRET_ENV, WEBAPP_SECRET_FILE, StackConfig, build_stack


def build(state_dir: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return build_stack(StackConfig(port=0), sock, state_dir)[1]


def files_holding(directory: Path, text: str) -> list[str]:
    return [p.name for p in directory.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_a_secret_from_the_environment_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEBAPP_SECRET_ENV, "env-given-webapp-secret-123")
    info = build(tmp_path)
    assert info.webapp_secret == "env-given-webapp-secret-123"
    assert info.b2c_settings.app("9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a").client_secret.get_secret_value() == info.webapp_secret
    assert not (tmp_path / WEBAPP_SECRET_FILE).exists()
    assert files_holding(tmp_path, "env-given-webapp-secret-123") == []


def test_a_generated_secret_is_kept_owner_only_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEBAPP_SECRET_ENV, raising=False)
    first = build(tmp_path)
    kept = tmp_path / WEBAPP_SECRET_FILE
    assert kept.read_text() == first.webapp_secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "mobileid-signing-key.pem").stat().st_mode) == 0o600
    assert build(tmp_path).webapp_secret == first.webapp_secret


def test_an_environment_secret_leaves_a_kept_generated_one_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEBAPP_SECRET_ENV, raising=False)
    generated = build(tmp_path).webapp_secret
    monkeypatch.setenv(WEBAPP_SECRET_ENV, "env-given-webapp-secret-456")
    assert build(tmp_path).webapp_secret == "env-given-webapp-secret-456"
    assert (tmp_path / WEBAPP_SECRET_FILE).read_text() == generated
