"""What a person reads in the terminal says what the run did, once: the suite's own hook wrappers add no frames to a failing
phase's traceback (make smoke, --tb=short), the evidence line names only what the run kept, and the faults' help lines
up each description in one column."""

from __future__ import annotations

import types
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from fixtures import reporting, stack_exit
from mocks.__main__ import parser
from mocks.faults import DESCRIPTIONS


def _visible_frames(monkeypatch: pytest.MonkeyPatch, wrapper: Callable[..., Generator[None, None, None]], *args: object) -> list[str]:
    """The names of the frames pytest shows (not ``__tracebackhide__``) of an error thrown into ``wrapper`` at its yield."""
    monkeypatch.setattr(stack_exit, "ended", lambda config: None)  # a stack that still runs
    generator = wrapper(*args)
    next(generator)
    with pytest.raises(ValueError) as excinfo:
        generator.throw(ValueError("the journey's own failure"))
    return [entry.name for entry in excinfo.traceback if not entry.ishidden(excinfo) and Path(entry.path) != Path(__file__)]


@pytest.mark.parametrize("wrapper", [reporting.pytest_runtest_setup, reporting.pytest_runtest_setup_held, reporting.pytest_runtest_call,
                                     stack_exit.pytest_runtest_setup, stack_exit.pytest_runtest_call],
                         ids=lambda wrapper: f"{wrapper.__module__}.{wrapper.__name__}")
def test_the_suites_hook_wrappers_leave_no_frames_in_a_failing_phases_traceback(monkeypatch: pytest.MonkeyPatch,
                                                                                  wrapper: Callable[..., Generator[None, None, None]]) -> None:
    item = types.SimpleNamespace(stash={}, config=None)
    assert _visible_frames(monkeypatch, wrapper, item) == [], "frames that only repeat `return (yield)` in every set-up error"


def test_the_teardown_wrapper_leaves_no_frames_either(monkeypatch: pytest.MonkeyPatch) -> None:
    item = types.SimpleNamespace(stash={}, config=None)
    assert _visible_frames(monkeypatch, stack_exit.pytest_runtest_teardown, item, None) == []


@pytest.mark.parametrize(("files", "said"), [
    (["a/trace.zip", "a/test-failed-1.png"], "traces and screenshots"),  # make e2e's: no --video
    (["a/trace.zip", "a/test-failed-1.png", "b/video.webm"], "traces, screenshots and videos"),
    (["a/test-failed-1.png"], "screenshots"),
    (["a/notes.txt"], "evidence"),
])
def test_the_evidence_line_names_only_what_the_run_kept(tmp_path: Path, files: list[str], said: str) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    assert reporting.evidence_kinds(tmp_path) == said


def test_every_faults_description_starts_in_one_column() -> None:
    epilog = next(action for action in parser()._subparsers._group_actions[0].choices.values()).epilog  # type: ignore[union-attr]
    assert epilog is not None
    lines = [line for line in epilog.splitlines()[1:] if line.strip()]
    assert len(lines) == len(DESCRIPTIONS)
    columns = {line.index(text) for line, text in zip(lines, DESCRIPTIONS.values(), strict=True)}
    assert len(columns) == 1, "\n".join(lines)
    assert all(line[next(iter(columns)) - 2:next(iter(columns))] == "  " for line in lines), "\n".join(lines)
