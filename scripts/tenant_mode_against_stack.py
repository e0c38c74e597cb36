"""Run the journeys in tenant mode against the stack started as a separate process.

This is how CI exercises tenant mode without a real tenant: the stack is started
with ``python -m mocks serve`` and the suite reaches it only through the
settings a real tenant would be configured with (plus the host map and CA that
stand in for public DNS and a public certificate). Their values are the ones the
stack prints in its description (``stack-description``), as a team would copy
them from a tenant's portal.

    python scripts/tenant_mode_against_stack.py [pytest arguments...]

e.g. ``-m smoke -n 2``. ``E2E_STACK_POLICIES`` and ``E2E_STACK_POLICY_KEYS`` (from the environment, not ``.env``) give the
stack a team's own policy folder, ``E2E_STACK_PAGE_CONTENT`` its page templates, ``E2E_STACK_USER_FLOWS`` its user flows (the
journeys then told the flow's Mobile ID button as B2C_USER_FLOW_IDP_NAME, as a team copies it from the portal); pytest's own options: ``.venv/bin/pytest --help``.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.alive import alive_folder  # noqa: E402
from fixtures.redaction import policy_key_variables, user_flow_secret_variables  # noqa: E402
from fixtures.settings import SUITE_PREFIXES, SettingsError, page_build_delay, stack_policy_keys  # noqa: E402
from fixtures.settings_plugin import ENV_FILE, read_env_file  # noqa: E402
from fixtures.stack import Stack, StackStartError, tenant_settings  # noqa: E402
from fixtures.stack_description import serve_command  # noqa: E402
from scripts.process_group import main_stopped_cleanly, run_to_its_end  # noqa: E402


def tenant_mode_env(settings: dict[str, str], environ: dict[str, str], env_file: Path = ENV_FILE) -> dict[str, str]:
    """The journeys' environment: the stack's tenant settings and nothing of the caller's (environment or ``.env``)
    that would point elsewhere. The suite reads ``.env`` under the environment, so its names are set blank (unset).
    Nor the variables the stack read its secrets from (E2E_STACK_POLICY_KEYS' ``env:VARIABLE``, the user flows'
    ``client_secret_env``): a tenant's journeys never hold its policy keys, and this run's, which E2E_STACK_* no longer
    name to it, could not tell them for secrets (a Chromium's environment, which --showlocals prints)."""
    stack_only = {*policy_key_variables(environ.get("E2E_STACK_POLICY_KEYS", "").split(",")),
                  *user_flow_secret_variables(environ.get("E2E_STACK_USER_FLOWS"))}
    env = {k: v for k, v in environ.items() if not k.startswith(SUITE_PREFIXES) and k not in stack_only}
    try:
        from_file = read_env_file(env_file) if env_file.is_file() else {}
    except SettingsError:
        from_file = {}  # the run itself names the broken line
    env.update({name: "" for name in from_file if name.startswith(SUITE_PREFIXES)})
    return {**env, **settings}


def control_token(environ: dict[str, str] | os._Environ[str]) -> str:
    """The control API's bearer token the stack asks for, as a deployed emulator's does (README: MOBILEID_CONTROL_TOKEN):
    the caller's, else one made for the run (an empty setting is none)."""
    return environ.get("MOBILEID_CONTROL_TOKEN") or secrets.token_urlsafe(24)


STATE_PREFIX = "tenant-stack-"


USAGE = "usage: python scripts/tenant_mode_against_stack.py [pytest arguments...]"


def main(pytest_args: list[str]) -> int:
    if "-h" in pytest_args or "--help" in pytest_args:  # the usage alone: no stack started, no pytest run
        print(f"{USAGE}\n\n{(__doc__ or '').strip()}")
        raise SystemExit(0)
    # The stack reads the token from its environment, this process's; the journeys get it as a tenant's run does.
    token = os.environ["MOBILEID_CONTROL_TOKEN"] = control_token(os.environ)
    refused: list[str] = []
    delay = page_build_delay(os.environ, True, refused)  # a tenant's B2C builds its pages late: the stack may too
    keys = list(stack_policy_keys(os.environ, refused))  # E2E_STACK_POLICY_KEYS: the keys of a team's policy folder
    if refused:
        raise SystemExit(f"tenant mode: {refused[0]}")
    # What a run killed outright left (its stack's keys and client secret) goes first (fixtures/alive.py).
    with alive_folder(STATE_PREFIX) as state_dir:
        # E2E_STACK_POLICIES / E2E_STACK_POLICY_KEYS: the tenant serves a team's own policy folder.
        folder = os.environ.get("E2E_STACK_POLICIES") or None
        page_content = os.environ.get("E2E_STACK_PAGE_CONTENT") or None  # the team's page templates (--page-content)
        user_flows = os.environ.get("E2E_STACK_USER_FLOWS") or None  # the team's user flows (--user-flows)
        try:
            stack = Stack(state_dir, command=serve_command(state_dir, (), True, folder, keys, delay, page_content, user_flows))
        except StackStartError as error:  # the stack's own words say what it refused (E2E_STACK_POLICIES, a policy key, a template)
            given = [name for name in ("E2E_STACK_POLICIES", "E2E_STACK_POLICY_KEYS", "E2E_STACK_PAGE_CONTENT", "E2E_STACK_USER_FLOWS")
                     if os.environ.get(name, "").strip()]
            raise SystemExit(f"tenant mode: {error.headline}" + (f" (from {' and '.join(given)})" if given else "")) from None
        try:
            settings = {**tenant_settings(stack.info), "MOBILEID_CONTROL_TOKEN": token}
            if folder:  # the files such a tenant was given: the journeys read its texts from them, as a team's run does
                settings["B2C_POLICY_FILES"] = folder
            print(f"tenant mode: B2C tenant {stack.info.description.tenant} at {stack.info.ready_url} (separate process)", flush=True)
            command = [sys.executable, "-m", "pytest", "e2e", "--stop-with-parent", *pytest_args]  # killed outright: it stops too
            return run_to_its_end(command, cwd=ROOT, env=tenant_mode_env(settings, dict(os.environ)))
        finally:
            stack.stop()


if __name__ == "__main__":
    main_stopped_cleanly(main)
