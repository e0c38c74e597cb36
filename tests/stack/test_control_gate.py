"""Mobile ID's control API in the stack: only for loopback clients, or with a token (issue 12, item 3).

The stack is built for a ``--host`` without binding it (the socket is a loopback
one that never listens), and requests come through ASGI with the client
address we choose, so nothing here listens beyond loopback.
"""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from mocks.mobileid.settings import MIN_CONTROL_TOKEN
from mocks.stack import StackConfig, build_stack, mobileid_control
from mocks.stack_description import ready_lines
from tests.event_loop import run

REMOTE = ("203.0.113.7", 40000)
LOCAL = ("127.0.0.1", 40000)
TOKEN = "c0ntrol-t0ken-0f-twenty-chars"  # a control API others can reach takes 20 or more


def control_status(app, client: tuple[str, int], token: str | None = None) -> int:
    async def call() -> int:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="https://openid.mobileid.ch") as http:
            return (await http.get("/control/transactions", headers=headers)).status_code

    return run(call())


@pytest.fixture
def stack_for(tmp_path: Path):
    def build(host: str, token: str | None = None):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            app, info, _ = build_stack(StackConfig(host=host, port=0, control_token=token), sock, tmp_path)
        return app, info

    return build


@pytest.mark.parametrize(
    ("host", "token", "answers"),
    [
        ("0.0.0.0", None, {(REMOTE, None): 404, (LOCAL, None): 404}),
        ("0.0.0.0", TOKEN, {(REMOTE, None): 401, (REMOTE, "wrong"): 401, (REMOTE, TOKEN): 200}),
        ("127.0.0.1", None, {(LOCAL, None): 200, (("::ffff:127.0.0.1", 40000), None): 200,
                             (REMOTE, None): 403, (("::ffff:203.0.113.7", 40000), None): 403}),
    ],
    ids=["non-loopback host without a token: no control API", "non-loopback host with a token: the token is required",
         "loopback host without a token: loopback clients only"],
)
def test_who_the_control_api_answers(stack_for, host: str, token: str | None, answers: dict[tuple[tuple[str, int], str | None], int]) -> None:
    app, _ = stack_for(host, token)
    assert {(client, sent): control_status(app, client, sent) for client, sent in answers} == answers


def test_the_ready_lines_say_whether_the_control_api_is_on_never_with_the_token(stack_for) -> None:
    _, off = stack_for("0.0.0.0")
    assert off.control.startswith("off: --host 0.0.0.0 is not loopback") and "MOBILEID_CONTROL_TOKEN" in off.control
    assert f"Mobile ID control API: {off.control}" in ready_lines(off)
    _, with_token = stack_for("0.0.0.0", TOKEN)
    assert with_token.control == "on (token required)" and TOKEN not in "\n".join(ready_lines(with_token))


@pytest.mark.parametrize(("host", "token", "on"), [
    ("127.0.0.1", None, True), ("::1", None, True), ("[::1]", None, True), ("localhost", None, True),
    ("0.0.0.0", None, False), ("::", None, False), ("192.0.2.10", None, False), ("0.0.0.0", TOKEN, True),
])
def test_the_gate_decision(host: str, token: str | None, on: bool) -> None:
    assert mobileid_control(host, token)[0] is on


def test_a_token_on_loopback_is_required_of_loopback_clients_too_and_the_ready_lines_say_so(stack_for) -> None:
    """A token given is the gate wherever the stack listens: its line is not the loopback one, which would tell a reader
    (or a script) that a local client needs none."""
    app, info = stack_for("127.0.0.1", TOKEN)
    assert info.control == "on (token required)" and "Mobile ID control API: on (token required)" in ready_lines(info)
    assert {sent: control_status(app, LOCAL, sent) for sent in (None, "wrong", TOKEN)} == {None: 401, "wrong": 401, TOKEN: 200}


@pytest.mark.parametrize(("length", "refused"), [(MIN_CONTROL_TOKEN - 1, True), (MIN_CONTROL_TOKEN, False)])
def test_a_control_api_others_can_reach_takes_a_token_of_the_emulators_minimum_length(length: int, refused: bool) -> None:
    token = "t" * length
    if refused:
        with pytest.raises(SystemExit, match=rf"MOBILEID_CONTROL_TOKEN \(--host 0\.0\.0\.0\) is too short .* at least {MIN_CONTROL_TOKEN}"):
            mobileid_control("0.0.0.0", token)
    else:
        assert mobileid_control("0.0.0.0", token) == (True, "on (token required)")
