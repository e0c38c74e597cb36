"""Stopping a server does not wait for idle keep-alive connections (mocks.common.serve.Server)."""

from __future__ import annotations

import logging

import pytest

from mocks.common import net
from mocks.stack import running_stack


def test_a_stop_drops_an_idle_tls_keep_alive_instead_of_waiting_out_the_graceful_timeout(caplog: pytest.LogCaptureFixture) -> None:
    stack = running_stack()
    info = stack.__enter__()
    uvicorn_log = logging.getLogger("uvicorn.error")  # uvicorn's own logging does not reach the root logger
    uvicorn_log.addHandler(caplog.handler)
    try:
        with net.client(info.host_map, verify=False) as idle:  # the connection, not the certificate, is the subject here
            assert idle.get("https://jwt.ms/").status_code == 200  # the connection stays open, idle, in the pool
            stack.__exit__(None, None, None)
    finally:
        uvicorn_log.removeHandler(caplog.handler)
    # What uvicorn says when it gave up waiting for open connections (its graceful timeout, 1 s here)
    assert not [r.getMessage() for r in caplog.records if "timeout graceful shutdown exceeded" in r.getMessage()]
