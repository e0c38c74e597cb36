"""Fixtures for bench/journeys.py: the anchor, and the suite's browser with the anchor's hosts mapped too."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from bench.anchor import Anchor
from fixtures.browser import PIN_FLAG
from mocks.common.hosts import chromium_environment, chromium_host_resolver_rules
from mocks.common.tls import TLSFiles

RULES = "--host-resolver-rules="


@pytest.fixture(scope="session")
def anchor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Anchor]:
    running = Anchor.start(tmp_path_factory.mktemp("anchor-tls"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any], anchor: Anchor) -> dict[str, Any]:
    """The suite's launch options (one browser for both journeys), its host map extended by the anchor's hosts and, where
    the suite trusts the stack's certificate by its pin, its pin list by the anchor's: neither journey meets a certificate error.

    BENCH_CHROMIUM_FLAGS (space-separated) adds flags for a trial; both journeys get them.
    """
    args = dict(browser_type_launch_args)
    extra = chromium_host_resolver_rules(anchor.host_map)
    anchor_pin = TLSFiles.in_directory(anchor.ca_file.parent).spki()
    flags = [f"{flag}, {extra}" if flag.startswith(RULES) else f"{flag},{anchor_pin}" if flag.startswith(PIN_FLAG) else flag
             for flag in args.get("args", [])]
    if not any(flag.startswith(RULES) for flag in flags):
        flags.append(RULES + extra)
    args["args"] = flags + os.environ.get("BENCH_CHROMIUM_FLAGS", "").split()
    if (environment := chromium_environment(anchor.host_map, args.get("env") or os.environ)) is not None:
        args["env"] = environment  # the anchor's hosts past a proxy too, as the suite's are
    return args
