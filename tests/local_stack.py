"""The local stack's description for tests of the suite: what ``python -m mocks serve --describe`` prints.

Computed in this process from the same function the stack prints it with, so the tests, like the suite,
take the stack's identities from the stack and copy none (``build_settings({}, LOCAL_STACK)`` is a local run's settings).
"""

from __future__ import annotations

from fixtures.stack_description import StackDescription
from mocks.stack import StackConfig, describe

LOCAL_STACK = StackDescription.from_document(describe(StackConfig()))
