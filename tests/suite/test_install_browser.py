"""Set-up's browser step: the system's headless shell and ffmpeg are installed where they can be, and their absence is said."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.video import ffmpeg_path
from scripts import install_browser as script


def test_a_missing_headless_shell_is_installed_when_it_can_be(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    installed: list[tuple[str, ...]] = []
    monkeypatch.setattr(script, "system_headless_shell", lambda: "/usr/bin/chromium-headless-shell" if installed else None)
    monkeypatch.setattr(script, "apt_install", lambda *packages, recommends=True: installed.append(packages))
    script.headless_shell_support()
    assert installed == [("chromium-headless-shell",)]
    assert "headless: Chromium's headless shell at /usr/bin/chromium-headless-shell" in capsys.readouterr().out


def test_without_a_headless_shell_the_full_browser_runs_headless_and_set_up_says_so(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(script, "system_headless_shell", lambda: None)
    monkeypatch.setattr(script, "apt_install", lambda *packages, recommends=True: None)  # not root: nothing installed
    script.headless_shell_support()
    said = capsys.readouterr().out
    assert "no chromium-headless-shell" in said and "apt-get install chromium-headless-shell" in said


def test_video_support_installs_the_systems_ffmpeg_and_links_it_where_playwright_looks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Playwright's ffmpeg cannot be downloaded everywhere: set-up installs Debian's (as root) and links it in its place."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    installed: list[tuple[str, ...]] = []

    def apt_install(*packages: str, recommends: bool = True) -> None:  # what apt-get would leave on PATH
        installed.append(packages)
        (bin_dir / "ffmpeg").write_text("#!/bin/sh\n")
        (bin_dir / "ffmpeg").chmod(0o755)

    monkeypatch.setattr(script, "apt_install", apt_install)
    script.video_support()
    assert installed == [("ffmpeg",)]
    assert ffmpeg_path().resolve() == bin_dir / "ffmpeg" and f"video: ffmpeg at {ffmpeg_path()}" in capsys.readouterr().out


def test_without_any_ffmpeg_set_up_says_video_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "browsers"))
    monkeypatch.setattr(script, "apt_install", lambda *packages, recommends=True: None)  # not root: nothing installed
    script.video_support()
    assert "video: no ffmpeg, so --video is refused (apt-get install ffmpeg" in capsys.readouterr().out
    assert not (tmp_path / "browsers").exists()
