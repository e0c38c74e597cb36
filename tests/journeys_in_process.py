"""Real journeys against a stack running in the test's process: what a test needs to drive one with ``Journey``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from unittest import mock

from playwright.sync_api import Browser, Page

from fixtures.b2c import B2CTenant
from fixtures.journey import Journey
from fixtures.mobile_id import ControlAPI, MobileID
from fixtures.settings import Settings, build_settings
from fixtures.stack_description import StackDescription
from mocks.common import net
from mocks.stack import StackConfig, running_stack


@dataclass(frozen=True)
class JourneyParts:
    browser: Browser
    b2c: B2CTenant
    mobile_id: MobileID
    settings: Settings

    def journey(self, **context_options: Any) -> Journey:
        """A journey in a new context (closed with the browser)."""
        return Journey(self.browser.new_context(ignore_https_errors=True, **context_options).new_page(), self.b2c, self.mobile_id,
                       self.settings)


def journey_on(page: Page) -> Journey:
    """A journey on ``page`` alone, with a local run's settings: its tenant and phone are stand-ins nothing answers, for
    tests of what a journey reads in the browser (its waits, where B2C sent it)."""
    return Journey(page, mock.MagicMock(), mock.MagicMock(), build_settings({}))


@contextmanager
def journey_parts(state_dir: Path, launch_chromium: Callable[..., Browser], env: Mapping[str, str] | None = None,
                  config: StackConfig | None = None) -> Iterator[JourneyParts]:
    """A stack in ``state_dir`` (started with ``config``, e.g. a team's policy folder), the suite's settings as it describes
    itself (and ``env``), and a Chromium that reaches it."""
    config = replace(config or StackConfig(), port=0, state_dir=state_dir)
    with running_stack(config) as stack, net.client(stack.host_map, verify=str(stack.ca_path)) as http:
        settings = build_settings(dict(env or {}), StackDescription.from_document(stack.description))
        assert settings.control_url is not None, "the local stack describes its control API"
        mobile_id = MobileID(settings, ControlAPI(http, settings.control_url, None), logging.getLogger("journeys-in-process").warning)
        yield JourneyParts(launch_chromium(stack.host_map), B2CTenant(settings, http), mobile_id, settings)
