"""scripts/selfcheck.py: a fault counts as caught only by a failure naming its registry symptom."""

from __future__ import annotations

import pytest

from mocks.faults import Fault
from scripts.selfcheck import Verdict


@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.value)
def test_a_failure_with_the_faults_example_message_catches_it(fault: Fault) -> None:
    verdict = Verdict(fault, [("e2e/test_x.py::test_y", fault.declaration.example)], 1.0)
    assert verdict.caught and verdict.diagnosed == verdict.failed


def test_a_failure_naming_something_else_is_not_a_diagnosis() -> None:
    verdict = Verdict(Fault.WRONG_AUDIENCE, [("e2e/test_x.py::test_y", "TimeoutError: page.click: Timeout 15000ms exceeded")], 1.0)
    assert verdict.failed and not verdict.caught
