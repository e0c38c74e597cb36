"""scripts/selfcheck.py: every fault has the journeys that can see it, and they exist."""

from __future__ import annotations

from pathlib import Path

from mocks.faults import Fault
from scripts.selfcheck import JOURNEYS, SYMPTOMS

ROOT = Path(__file__).resolve().parents[2]


def test_every_fault_has_journeys_and_a_symptom():
    assert set(JOURNEYS) == set(Fault) == set(SYMPTOMS)


def test_each_faults_journeys_exist():
    for fault, selection in JOURNEYS.items():
        paths = [arg for arg in selection if arg.startswith("e2e/")]
        assert paths, f"{fault.value} selects no journey file"
        for path in paths:
            assert (ROOT / path).is_file(), f"{fault.value}: {path} does not exist"
