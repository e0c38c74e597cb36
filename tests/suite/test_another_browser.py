"""``another_browser``: a journey's other browser emulates the device it asks for, and the run's options win over it.

docs/suite.md's journey table: test_mobile_device.py signs up "on a Pixel 7 profile (Chromium) ...; the run's ``--device``
wins"; the fixture's docstring: "options the run already sets (e.g. ``--device``) win over the device asked for here".
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from fixtures import journey as journey_module

PIXEL = {"user_agent": "Pixel UA", "viewport": {"width": 412, "height": 839}, "device_scale_factor": 2.625,
         "is_mobile": True, "has_touch": True, "default_browser_type": "chromium"}


def contexts_opened(monkeypatch: pytest.MonkeyPatch, run_args: dict[str, Any], device: str | None) -> list[dict[str, Any]]:
    """The options ``another_browser(device)`` gives pytest-playwright's ``new_context`` in a run whose context
    arguments are ``run_args``."""
    opened: list[dict[str, Any]] = []

    def new_context(**options: Any) -> SimpleNamespace:
        opened.append(options)
        return SimpleNamespace(new_page=lambda: "page")

    monkeypatch.setattr(journey_module, "Journey", lambda page, *_: page)
    playwright = SimpleNamespace(devices={"Pixel 7": PIXEL})
    open_one = journey_module.another_browser.__wrapped__(new_context, run_args, playwright, None, None, None)  # type: ignore[attr-defined]
    assert open_one(device) == "page"
    return opened


def test_the_device_asked_for_is_emulated_without_its_browser_type(monkeypatch: pytest.MonkeyPatch) -> None:
    [options] = contexts_opened(monkeypatch, {"locale": "en-US", "service_workers": "block"}, "Pixel 7")
    assert options == {key: value for key, value in PIXEL.items() if key != "default_browser_type"}


def test_the_runs_device_wins_over_the_one_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's --device (its descriptor in the run's context arguments, which new_context applies itself) is not
    overridden by the journey's Pixel 7: none of the Pixel's options the run sets is given again."""
    run = {"user_agent": "Galaxy UA", "viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
           "device_scale_factor": 4, "locale": "de-CH"}
    [options] = contexts_opened(monkeypatch, run, "Pixel 7")
    assert options == {}


def test_no_device_asked_for_adds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert contexts_opened(monkeypatch, {"locale": "en-US"}, None) == [{}]
