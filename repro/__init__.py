"""Reproduce a reported sign-in: one command reruns one journey with the reporter's parameters
and writes a bundle to attach to the bug; a HAR the user sent gives back that command.

Why a top-level package and not ``scripts/``: the same names and rules are used in three places
(the command line, the pytest journey ``e2e/test_repro.py`` through ``fixtures/repro.py``, and the
tests in ``tests/repro_command/``), so they need an importable home. ``python -m repro`` is the command;
the journey itself runs on the pytest suite (same page objects, fixtures and pytest-playwright
options), not on a second driver.
"""
