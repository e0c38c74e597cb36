import sys

try:
    from mocks.common.parent import STOP_SIGNALS  # the stop signals and their handling, as repro.cli's
    from scripts.process_group import interrupt, signals_handled

    # SIGTERM and SIGHUP while Python imports the command end it as Ctrl-C does (its usual line and 130), not with their
    # defaults' 143 and 129; repro.cli's main handles them from its first line on (stop_signals_interrupt).
    with signals_handled(STOP_SIGNALS, interrupt):
        from repro.cli import main
    status = main()
except KeyboardInterrupt:  # while Python imports the command (a second or so), or as it ends: its usual line, not a traceback
    print("repro: interrupted", file=sys.stderr)
    sys.exit(130)  # repro.cli's EXIT_INTERRUPTED, which may not have imported
sys.exit(status)
