import sys

try:
    from repro.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python imports the command (a second or so): its usual line, not a traceback
    print("repro: interrupted", file=sys.stderr)
    sys.exit(130)  # repro.cli's EXIT_INTERRUPTED, which did not import

sys.exit(main())
