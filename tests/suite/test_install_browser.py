"""Set-up's browser step: the system's headless shell is installed where it can be, and its absence is said."""

from __future__ import annotations

import pytest

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
