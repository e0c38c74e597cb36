"""tests/suite_run.py's helpers for the tests' own child runs."""

from __future__ import annotations

from tests.suite_run import tail


def test_tail_keeps_whole_lines_of_a_long_output_and_the_end_of_a_long_last_line() -> None:
    lines = "\n".join(f"line {n:04d}" for n in range(1000))
    assert tail("short\n") == "short\n"
    cut = tail(lines, 100)
    assert cut.startswith("[...]\nline ") and cut.endswith("line 0999") and len(cut) <= 106
    one_long_line = "a\n" + "y" * 5000
    assert tail(one_long_line, 100) == "[...]\n" + "y" * 100  # not nothing: the end of the line that holds the failure
