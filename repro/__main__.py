import sys


def _stopped(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM, SIGHUP: as Ctrl-C, where repro.cli's own handlers are not set


try:
    import signal

    # A job runner's stop or a closed terminal while Python imports the command: its usual line and 130, as for Ctrl-C,
    # not their defaults' 143 and 129. SIGHUP stays ignored under nohup (as repro.cli's STOP_SIGNALS, not imported yet, leave it).
    for _signal in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(_signal) is not signal.SIG_IGN:
            signal.signal(_signal, _stopped)
    from repro.cli import main

    status = main()
except KeyboardInterrupt:  # while Python imports the command (a second or so), or as it ends: its usual line, not a traceback
    print("repro: interrupted", file=sys.stderr)
    sys.exit(130)  # repro.cli's EXIT_INTERRUPTED, which may not have imported
sys.exit(status)
