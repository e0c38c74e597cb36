"""``python -m mocks serve``: the local sign-in stack (see mocks/b2c/README.md)."""

from __future__ import annotations

from mocks.common import process_start

if __name__ == "__main__":  # the command, not an import of this module (tests read its parser)
    process_start.begin()  # before the imports below (mocks/common/process_start.py)

import argparse
import json
import os
import sys
from pathlib import Path

from mocks.b2c.policy import PolicyError
from mocks.b2c.policy_keys import PolicyKeyError, PolicyKeySource, parse_policy_key
from mocks.b2c.settings import MAX_PAGE_BUILD_DELAY
from mocks.common.hosts import TENANT_NAME
from mocks.common.parent import has_ended, signal_when_parent_ends
from mocks.common.serve import port_number
from mocks.common.tls import ca_unloadable
from mocks.faults import DESCRIPTIONS, parse_faults
from mocks.stack import CONTROL_TOKEN_ENV, DEFAULT_POLICIES, StackConfig, describe, serve

CA_FILES_ENV = "MOCKS_CA_FILES"  # for a deployed stack: CA files, separated by os.pathsep
# Set by make serve's recipe: there the port is chosen with make's SERVE_PORT, which a busy port's refusal names.
MAKE_SERVE_ENV = "MAKE_SERVE"
MAKE_SERVE_PORT_OPTION = "port with make serve SERVE_PORT=N (python -m mocks serve: --port N)"


def _pid(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a process id (the pid of the process that starts the stack)")
    return int(text)


def _tenant(text: str) -> str:
    if not TENANT_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a tenant name: lower-case letters, digits and '-' (not at either end), at most 63, e.g. contoso")
    return text


def _build_delay(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_PAGE_BUILD_DELAY:  # NaN too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to {MAX_PAGE_BUILD_DELAY:g}, e.g. 1")
    return seconds


def _directory(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a directory")
    return path


def _file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text!r} is not a file")
    return path


def not_a_ca(path: Path) -> str | None:
    """Why ``path`` is no PEM file of CA certificates a TLS client can trust, else None (it is loaded as the back channel
    will load it: a file found only at the first sign-in's back channel failed every sign-in with HTTP 500)."""
    return "is not a file" if not path.is_file() else ca_unloadable(path)


def _ca_file(text: str) -> Path:
    if why := not_a_ca(Path(text)):
        raise argparse.ArgumentTypeError(f"{text!r} {why}")
    return Path(text)


def _policy_key(text: str) -> PolicyKeySource:
    try:
        return parse_policy_key(text)
    except PolicyKeyError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parser() -> argparse.ArgumentParser:
    width = max(len(fault.value) for fault in DESCRIPTIONS)  # the longest name too keeps its text in the column
    faults = "\n".join(f"  {fault.value:<{width}}  {text}" for fault, text in DESCRIPTIONS.items())
    root = argparse.ArgumentParser(prog="python -m mocks", description="Offline emulators of Azure AD B2C, Mobile ID and jwt.ms.")
    commands = root.add_subparsers(dest="command", required=True, metavar="serve")
    serve_parser = commands.add_parser(
        "serve",
        help="run B2C, Mobile ID and jwt.ms on one loopback HTTPS port",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Serve {tenant}.b2clogin.com, m.mobileid.ch, openid.mobileid.ch and jwt.ms on one HTTPS port,\n"
            "telling them apart by host name, with a certificate from a throw-away local CA.\n"
            "When ready, prints stack-port, stack-ca, stack-host-map, stack-description (the identities as JSON,\n"
            "as --describe prints them), stack-proxy if asked for and, last, stack-ready; then each policy's\n"
            "Run user flow URL and how to point a browser at the stack.\n"
            f"Mobile ID's control API is on for loopback clients; with {CONTROL_TOKEN_ENV} set it needs that bearer\n"
            "token, and on a --host other than loopback it is off unless the token is set.\n"
            "Stops cleanly on Ctrl-C or SIGTERM."
        ),
        epilog="faults (--fault NAME, repeatable or comma-separated):\n" + faults,
    )
    serve_parser.add_argument("--port", type=port_number, default=8443, help="HTTPS port (default 8443; 0 picks a free one)")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_parser.add_argument("--tenant", type=_tenant,
                              help="B2C tenant name (default: the one the --policies files are written for, their TenantId "
                                   "fabrikam.onmicrosoft.com serving fabrikam; contoso for policies/); another than the files' "
                                   "is refused, as B2C refuses a policy written for another tenant")
    serve_parser.add_argument("--fault", action="append", default=[], metavar="NAME", help="switch on a fault (see below)")
    serve_parser.add_argument("--state-dir", type=Path, metavar="DIR",
                              help="keep the CA, certificates, signing keys and webapp1's client secret here across restarts "
                                   "(default: a temporary directory removed at exit)")
    serve_parser.add_argument("--policies", type=_directory, default=DEFAULT_POLICIES, metavar="DIR",
                              help="custom policy XML files (default: policies/)")
    serve_parser.add_argument("--policy-key", action="append", default=[], type=_policy_key, metavar="NAME=env:VAR|NAME=file:PATH",
                              help="a policy key the policies reference (e.g. B2C_1A_FacebookSecret=env:FACEBOOK_SECRET); the value "
                                   "comes from the variable or file, never the command line; repeatable. Generated: "
                                   "B2C_1A_TokenSigningKeyContainer, B2C_1A_TokenEncryptionKeyContainer, B2C_1A_MobileIdSecret")
    serve_parser.add_argument("--language-customization", choices=("on", "off"), default="on",
                              help="the tenant's language customization, for user flows: on (default here) lets ui_locales "
                                   "pick the page language and <html lang>; off is B2C's own default (English pages without "
                                   "lang). A custom policy follows its own <Localization>")
    serve_parser.add_argument("--page-build-delay", type=_build_delay, default=0.0, metavar="SECONDS",
                              help="build B2C's hosted pages this long after their load event, as the real service builds them "
                                   "0.25-2.2 s after navigation (default 0: at once after load); proves that page waits wait")
    serve_parser.add_argument("--page-content", type=_directory, metavar="DIR",
                              help="the team's own page templates, DIR/<host>/<path> of each URL a custom policy's content definition "
                                   "loads (LoadUri https://contoso.blob.core.windows.net/b2c/unified.html: "
                                   "DIR/contoso.blob.core.windows.net/b2c/unified.html); those pages are then shown in them, with B2C's "
                                   "fragment in their <div id=\"api\">. Default: B2C's layouts for every page")
    serve_parser.add_argument("--user-flows", type=_file, metavar="FILE",
                              help="TOML file with the team's user flows (the format: policies/user-flows.example.toml), served "
                                   "first; one named B2C_1_signupsignin replaces the stack's own. Its Mobile ID provider names B2C's "
                                   "client at the stack's Mobile ID, which registers it with the secret the provider names")
    serve_parser.add_argument("--ca-file", type=_ca_file, action="append", default=[], metavar="PEM",
                              help="a CA that B2C's back channel trusts besides the public CAs, e.g. of an identity provider on a "
                                   f"private certificate (repeatable; also ${CA_FILES_ENV}, separated by '{os.pathsep}')")
    serve_parser.add_argument("--describe", action="store_true",
                              help="print the stack's description (tenant, test app, policies, Mobile ID's control URL and client, "
                                   "numbers per outcome) as JSON and exit without serving")
    serve_parser.add_argument("--stop-with-parent", type=_pid, metavar="PID",
                              help="stop (as on SIGTERM) when the process PID that started the stack ends, however it ends, "
                                   "also before the stack is up: the suite's runs ask for it with their own pid, so a run "
                                   "killed outright leaves no stack running (Linux only)")
    serve_parser.add_argument("--proxy-port", type=port_number, metavar="P",
                              help="also run an HTTP CONNECT proxy on P that tunnels only the stack's host names (for Firefox/WebKit)")
    return root


def ca_files(given: list[Path], environ: dict[str, str] | os._Environ[str]) -> tuple[Path, ...]:
    """``--ca-file`` values, then those of ``$MOCKS_CA_FILES``; a path that is not a file stops the start."""
    from_env = [Path(p) for p in environ.get(CA_FILES_ENV, "").split(os.pathsep) if p.strip()]
    if wrong := [f"{p} ({why})" for p in from_env if (why := not_a_ca(p))]:
        raise SystemExit(f"{CA_FILES_ENV} names {', '.join(wrong)}; give PEM files of CAs, separated by '{os.pathsep}'")
    return (*given, *from_env)


# The suite's settings that become the stack's options (fixtures/stack_description.py): the stack reads the options alone.
SUITE_SETTINGS = (("E2E_STACK_USER_FLOWS", "--user-flows FILE", "your user flows"),
                  ("E2E_STACK_POLICIES", "--policies DIR", "your custom policies"),
                  ("E2E_STACK_PAGE_CONTENT", "--page-content DIR", "your page templates"),
                  ("E2E_STACK_FAULTS", "--fault NAME", "the faults it names"))


# The suite's settings file, which `make serve` and the stack started by hand do not read (the suite gives them as options).
ENV_FILE = Path(__file__).resolve().parent.parent / ".env"


def unheeded_settings(argv: list[str], environ: dict[str, str] | os._Environ[str],
                      env_file: dict[str, str | None] | None = None) -> list[str]:
    """A suite setting set where its option is not given, in the environment or in the suite's ``env_file``: a team that
    tries its file on the stack by hand with the setting it runs the journeys with saw the stack's own policies, and no
    word of why."""
    env_file = env_file or {}
    return [f"note: {name}{'' if environ.get(name, '').strip() else ' (in .env)'} is the suite's setting, which the stack does "
            f"not read (the suite starts it with {option}): serving without {what}; give {option}" for name, option, what in SUITE_SETTINGS
            if (environ.get(name, "").strip() or (env_file.get(name) or "").strip())
            and not any(a.split("=")[0] == option.split()[0] for a in argv)]


def suite_env_file() -> dict[str, str | None]:
    """``ENV_FILE``'s settings as python-dotenv reads them; none where it is missing or unreadable (a note's source only:
    the suite's own run says what is wrong with the file)."""
    from dotenv import dotenv_values  # here: not on the start path of the stacks the suite starts

    try:
        return dict(dotenv_values(ENV_FILE)) if ENV_FILE.is_file() else {}
    except (OSError, UnicodeDecodeError):
        return {}


def served_tenant(policies: Path) -> str:
    """The tenant a stack serving ``policies`` is: the one their files are written for (a team's own name in them, as the
    starter pack's readme asks), else contoso, whose name the loader then asks the files for."""
    if policies == DEFAULT_POLICIES:  # contoso's: nothing to read on the default start's path
        return "contoso"
    from mocks.b2c.custom_policy.files import files_tenant

    return files_tenant(policies) or "contoso"


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command == "serve":
        # .env only by hand: the suite starts its stacks (--stop-with-parent) with its settings as options
        by_hand = suite_env_file() if args.stop_with_parent is None else {}
        for note in unheeded_settings(sys.argv[1:] if argv is None else argv, os.environ, by_hand):
            print(note, file=sys.stderr)
    if args.command == "serve" and (starter := args.stop_with_parent) is not None:
        if os.getppid() != starter and not has_ended(starter):  # not an ended starter (the stack stops then, as asked): a wrong pid
            raise SystemExit(f"--stop-with-parent {starter}: process {starter} did not start this stack (process {os.getppid()} did); "
                             "give the pid of the process that starts it")
        if not signal_when_parent_ends(starter):
            print(f"--stop-with-parent: not available here (Linux's parent-death signal; refused or another system): the stack "
                  f"will not stop by itself when process {starter} ends", file=sys.stderr)
    if args.command == "serve":
        config = StackConfig(host=args.host, port=args.port, tenant=args.tenant or served_tenant(args.policies), faults=parse_faults(args.fault),
                             state_dir=args.state_dir, policies_dir=args.policies, user_flows=args.user_flows,
                             proxy_port=args.proxy_port, ca_files=ca_files(args.ca_file, os.environ),
                             control_token=os.environ.get(CONTROL_TOKEN_ENV) or None, policy_keys=tuple(args.policy_key),
                             language_customization=args.language_customization == "on", page_build_delay=args.page_build_delay,
                             page_content=args.page_content,
                             port_option=MAKE_SERVE_PORT_OPTION if os.environ.get(MAKE_SERVE_ENV) else "--port")
        if args.describe:
            try:
                print(json.dumps(describe(config), indent=2))
            except PolicyError as error:
                raise SystemExit(f"policy refused: {error}") from None
            return
        serve(config)


if __name__ == "__main__":
    main()
