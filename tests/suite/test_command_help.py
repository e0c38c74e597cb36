"""Every command the README and docs name answers ``--help`` with its usage and does nothing else: a script that took
``--help`` for a command to run (the browser server), or did its work anyway (the browser set-up, the preflight), had
users find out what it does by running it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures import preflight
from scripts import browser_server, install_browser, offline_report, report_history, report_landing, tenant_mode_against_stack


@pytest.mark.parametrize("main", [browser_server.main, install_browser.main, offline_report.main, report_history.main, report_landing.main,
                                  preflight.main, tenant_mode_against_stack.main],
                         ids=["browser_server", "install_browser", "offline_report", "report_history", "report_landing", "preflight",
                              "tenant_mode_against_stack"])
def test_help_shows_the_usage_and_does_nothing_else(main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    shown = capsys.readouterr()
    assert exited.value.code == 0 and shown.err == ""
    assert shown.out.startswith("usage: "), shown.out[:300]  # nothing before it: nothing was started or checked


def test_a_report_that_is_not_there_is_named_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert offline_report.main([str(tmp_path / "index.html")]) == 2
    assert f"report: {tmp_path / 'index.html'} cannot be read" in capsys.readouterr().err
