"""The stack's stop signals: the first stops it, those after it are the same stop again."""

from __future__ import annotations

import os
import signal

import pytest

from mocks.common import process_start
from mocks.common.parent import STOP_SIGNALS


@pytest.mark.parametrize("sig", STOP_SIGNALS, ids=lambda sig: sig.name)
def test_a_second_stop_signal_is_the_same_stop_not_another_exit_in_the_clean_up(sig: signal.Signals, capfd: pytest.CaptureFixture[str],
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`make serve` stopped by a kill of its group: make passed SIGTERM on to the stack, whose second SystemExit came in
    Python's shutdown ("Exception ignored in: <module 'threading'> ... SystemExit: 0") or cut its clean-up short."""
    monkeypatch.setattr(process_start, "_stopping", None)  # the stop it records goes with the test, not into this process's next
    taken = (signal.SIGINT, *STOP_SIGNALS)
    before = {each: signal.getsignal(each) for each in taken}
    try:
        process_start.exit_on_stop_signals(0)
        with pytest.raises(SystemExit) as stopped:
            os.kill(os.getpid(), sig)
        assert stopped.value.code == 0
        with pytest.raises(SystemExit) as again:  # recorded: raised again where the start can stop, had Python swallowed it
            process_start.exit_if_stopped()
        assert again.value.code == 0
        assert {each: signal.getsignal(each) for each in taken} == dict.fromkeys(taken, signal.SIG_IGN)
        os.kill(os.getpid(), sig)  # the same stop again: nothing raised, nothing said
    finally:
        for each, handler in before.items():
            signal.signal(each, handler)
    assert capfd.readouterr().err == f"stopped by {sig.name}\n"
