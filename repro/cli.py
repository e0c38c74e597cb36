"""``python -m repro``: rerun one reported sign-in and write the bundle; ``--from-har`` reads a user's HAR, ``--from-url``
the authorize request's URL.

The journey runs as ``pytest e2e/test_repro.py --repro ...`` (same settings, fixtures, page objects
and pytest-playwright options as every journey); the reporter's language, target and policy become
the suite's settings (E2E_UI_LOCALES, E2E_BROWSER_LOCALE, E2E_TARGET, B2C_TENANT, B2C_DOMAIN,
B2C_POLICIES) for that one run, everything else comes from the environment and ``.env``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TextIO, TypeVar

from fixtures.alive import ALIVE_FILE, held_folder, hold_alive, remove_dead, unwritable
from fixtures.commands import python
from fixtures.slowmo import MAX_SLOWMO_MS, SLOWED_ACTIONS, slowmo_refused
from mocks.common.parent import STOP_SIGNALS  # besides Ctrl-C's SIGINT: a job runner's stop, a closed terminal (not under nohup)
from mocks.faults import did_you_mean  # the outcomes are written as the faults are: lower case, hyphens
from repro.outcomes import JOURNEYS, NUMBER_LEFT_OUT, OUTCOMES, PROMPTS, SET_UP_FAILED, STOPPED_BY_INFRASTRUCTURE
from repro.paths import shown_path
from scripts.process_group import interrupt, signals_handled, signals_held

if TYPE_CHECKING:
    from types import FrameType

    from playwright.sync_api import Playwright

    from fixtures.settings import Settings
    from fixtures.stack_description import StackDescription
    from repro.har import Finding

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "firefox", "webkit")
EXIT_REPRODUCED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
EXIT_NOT_RUN = EXIT_USAGE  # the reported journey did not run (e.g. a browser not installed): nothing reproduced, no bundle
EXIT_SET_UP_FAILED = 3  # it did not run because its set-up (the sign-in's returning user) failed: a bundle shows where
EXIT_NO_BUNDLE = 4  # the run ended, but its bundle could not be written or was refused (a leak found): the unredacted files are kept
EXIT_INFRASTRUCTURE = 5  # the machine or the network stopped the journey (DNS, connection, TLS, browser): nothing reproduced; a bundle
# shows where, or the run said it before the journey (the tenant's preflight, a browser server: its JUnit XML's causes)
WORK_PREFIX = "repro-"  # a run's work folder in --out: repro-YYYYmmdd-HHMMSS-<random>/, its bundle the same name .zip
# The run's own temp folder (its pytest's TMPDIR), in the temp folder: the stack's state, Playwright's driver's files (a
# trace's call stacks, a browser's profile) all go with it, however the journey's pytest ended. A pytest ended by the
# second SIGTERM (run_pytest) ends its stack's folder itself, but its driver exits with no clean-up of its own. Held
# alive as the work folder is, by the journey's pytest too: a repro killed outright leaves it to the next repro.
TEMP_PREFIX = "e2e-repro-"  # not the work folders' "repro-": --out may be the temp folder itself
JUNIT_FILE = "junit.xml"  # in the work folder: the journey's run as pytest's JUnit XML gives it
PROGRESS = re.compile(r"[.EFsxX]+\s+\[\s*\d+%\]\s*$")  # pytest -q's progress line: "E   [100%]" is no error's words
T = TypeVar("T")
STOP_WAIT = 10.0  # seconds an interrupted run's pytest gets to end before it is killed
# How the journey's pytest is stopped, STOP_WAIT apart while it runs on (run_pytest says why).
PYTEST_STOP = (signal.SIGINT, signal.SIGTERM, signal.SIGTERM, signal.SIGKILL)


class UsageError(ValueError):
    """A bad argument: the message says what is allowed."""


class ReproParser(argparse.ArgumentParser):
    """argparse's parser, whose errors repeat no token of what they quote (a reporter's URL given without --from-url, an
    app's redirect, holds one) and say where a report given without its option goes. One line, as the command's own
    refusals are, then where the options are: argparse's usage above it was some twenty lines of every option."""

    def error(self, message: str) -> NoReturn:
        if message.startswith(UNRECOGNIZED):  # argparse joins them with blanks, which neither a URL nor --from-har's path has here
            message += report_without_its_option(message.removeprefix(UNRECOGNIZED).split())
        self.exit(2, f"{self.prog}: error: {quotable(message)}\n{self.prog} --help lists every option\n")


UNRECOGNIZED = "unrecognized arguments: "


def quotable(text: str, *, in_quotes_only: bool = False) -> str:
    """``text`` as a refusal may quote it: its tokens redacted, a Swiss phone number masked as the report masks one, and
    any other long number masked by position as the --from-har printout masks a login hint's (a misspelt --login_hint's
    value is a person's number), but for a path's part: the folders and files it names keep their digits
    (repro-results/20261203-074512/, a bundle's timestamped folder). ``in_quotes_only``: those other numbers only in the
    values it quotes ('...', as repr writes them), for a refusal whose prose names its own numbers."""
    from fixtures.redaction import mask_phone_numbers, masked, redact_text
    from repro.har import NUMBER  # here: keeps `--help` light

    def numbers_masked(part: str) -> str:
        def mask(number: re.Match[str]) -> str:
            start, end = number.span()
            in_a_path = (start > 0 and part[start - 1] in "/\\") or PATH_PART_AFTER.match(part, end) is not None
            return number.group(0) if in_a_path and number.group(0)[0].isdigit() else masked(number.group(0))
        return NUMBER.sub(mask, part)
    text = mask_phone_numbers(redact_text(text))
    return QUOTED.sub(lambda quoted: numbers_masked(quoted.group(0)), text) if in_quotes_only else numbers_masked(text)


# A value repr quotes, not prose's apostrophes (B2C's, the repro's): its quotes have no letter outside them.
QUOTED = re.compile(r"(?<!\w)(?:'[^'\n]*'|\"[^\"\n]*\")(?!\w)")
PATH_PART_AFTER = re.compile(r"[/\\]|\.[A-Za-z]")  # a folder's name (/ after it) or a file's (its extension): 20261203-074512.har


def report_without_its_option(words: Sequence[str]) -> str:
    """Where a URL or a HAR among ``words`` (arguments no option took) goes: "" where there is none."""
    if any(URL_START.match(word) for word in words):
        return "; a reporter's URL goes after --from-url, quoted whole (unquoted, a shell cuts it at its first &): --from-url 'https://...'"
    if any(word.lower().endswith(".har") for word in words):
        return "; a HAR file goes after --from-har: --from-har FILE"
    return ""


URL_START = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)


def parser() -> argparse.ArgumentParser:
    p = ReproParser(
        prog="python -m repro", description="Rerun one reported B2C + Mobile ID sign-in and write a bundle to attach to the bug.",
        epilog="Examples:\n  python -m repro --journey sign-in --policy B2C_1A_signup_signin --outcome user-cancel --language de\n"
               "  python -m repro --from-har user.har          # what the HAR shows and the command that replays it\n"
               "  python -m repro --from-har user.har --run    # ... and run that command\n"
               "  python -m repro --from-url 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/oauth2/v2.0/"
               "authorize?client_id=5c7d9e1f-3a4b-4c6d-8e0f-1a2b3c4d5e6f&redirect_uri=https%3A%2F%2Fjwt.ms&ui_locales=de&prompt=login'"
               " --outcome user-cancel\n"
               "      # what the URL tells, the command that replays it with the phone cancelling (add --run to run it)\n\n"
               "Exit status: 0 the journey ended as the suite expects; 1 it did not (reproduced); 2 bad arguments, or the\n"
               "reported journey did not run (no bundle); 3 it did not run because its set-up failed (its returning user\n"
               "could not be signed up first; the bundle shows where); 4 it ran but no bundle could be written or it was\n"
               "refused for a leak (what the run did is said where only the zip failed; its unredacted files are kept,\n"
               "the message says where); 5 the machine or the network stopped it (DNS, connection, TLS, browser: nothing\n"
               "reproduced; the bundle shows where, or without one when it stopped before the journey: the tenant's\n"
               "preflight, a browser server that does not answer); 130 stopped while it started or the journey ran\n"
               "(Ctrl-C, SIGTERM, SIGHUP; once the run has ended, its bundle written or not, they change nothing).",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--journey", choices=JOURNEYS, default="sign-in", type=as_word,
                   help="sign-up (new user) or sign-in (returning user); default sign-in (with --from-har: only where the HAR "
                   "cannot tell, as it says; with --from-url, which never tells)")
    p.add_argument("--policy", help="user flow or custom policy, e.g. B2C_1A_signup_signin (default: the first of B2C_POLICIES)")
    p.add_argument("--target", choices=("local", "tenant"), type=as_word, help="local stack or the tenant of .env/environment (default: E2E_TARGET)")
    p.add_argument("--tenant", help="tenant name (sets B2C_TENANT)")
    p.add_argument("--domain", help="B2C host name if not {tenant}.b2clogin.com (sets B2C_DOMAIN)")
    p.add_argument("--browser", choices=BROWSERS,  # no default: browser_of says chromium
                   help="the browser engine (default chromium); firefox and webkit where installed or from a browser server")
    p.add_argument("--device", help="a Playwright device name, e.g. 'Pixel 7' or 'iPhone 15': its screen, user agent and touch, "
                                    "emulated in --browser's engine (not the device's own browser)")
    p.add_argument("--language", help="sets both --ui-locales and --browser-locale, e.g. de; either of those given too "
                                      "replaces its half (the run says so)")
    p.add_argument("--ui-locales", help="ui_locales sent to B2C (sets E2E_UI_LOCALES), e.g. fr; wins over --language")
    p.add_argument("--browser-locale", help="the browser's language (sets E2E_BROWSER_LOCALE), e.g. de-CH; wins over --language")
    p.add_argument("--outcome", default="approve", type=as_word, help=f"what the phone does: {', '.join(OUTCOMES)} (default approve)")
    p.add_argument("--prompt", help=f"prompt sent to B2C: {', '.join(PROMPTS)} (none, on a sign-in the phone approves: the browser "
                                    "signs in once first, so B2C has a session to answer from)")
    p.add_argument("--domain-hint", help="domain_hint sent to B2C, e.g. mobileid.ch")
    p.add_argument("--login-hint", help="login_hint sent to B2C (the number typed at Mobile ID stays the run's own: the "
                                        "emulator's for its user, MOBILEID_TEST_NUMBER with the real service)")
    p.add_argument("--redirect-uri", help="redirect_uri sent to B2C (default B2C_REDIRECT_URI), e.g. an unregistered one")
    p.add_argument("--client-id", help="client_id sent to B2C (default B2C_CLIENT_ID), e.g. an unregistered one; a tenant run "
                                       "still needs B2C_CLIENT_ID, the registered test app its preflight and set-ups use")
    p.add_argument("--headed", action="store_true", help="show the browser (needs a display)")
    p.add_argument("--slowmo", type=int, default=0, metavar="MS", help=f"slow every browser action down by MS milliseconds, at most {MAX_SLOWMO_MS} (the "
                   f"journey's time limit, {JOURNEY_LIMIT_S} s, grows by {SLOWED_ACTIONS} x MS)")
    p.add_argument("--out", default="repro-results", type=non_empty("--out", "a folder"),
                   help="folder for the bundle, made if missing (default repro-results/; beside --from-har or --from-url, with --run only)")
    p.add_argument("--from-har", metavar="FILE", type=non_empty("--from-har", "the HAR file"),
                   help="read a HAR of a failed sign-in and print what it shows and the repro command (with --run, "
                        "--headed and --slowmo apply to its run, --browser in place of the HAR's browser engine; what the HAR's "
                        "sign-in says is read from it)")
    p.add_argument("--from-url", metavar="URL", type=non_empty("--from-url", "the authorize request's URL"),
                   help="read B2C's authorize request as a URL (the address bar's, an app's log's: https://{tenant}.b2clogin.com/"
                        ".../oauth2/v2.0/authorize?..., quoted) and print what it tells and the repro command, as --from-har does; "
                        "what a URL cannot tell comes from --journey, --outcome, --browser, --device, --browser-locale beside it "
                        "(defaults: sign-in, approve, chromium), what it tells (--policy, --target, --tenant, --domain, --language, "
                        "--ui-locales, --prompt, --domain-hint, --login-hint, --redirect-uri, --client-id) is refused beside it")
    p.add_argument("--run", action="store_true", help="with --from-har or --from-url: also run the printed command")
    p.add_argument("--attempt", type=int, metavar="N", help="with --from-har: read the HAR's Nth sign-in attempt (default: the last "
                   "that failed, not counting an app's silent session checks); the HAR's attempts are listed when it holds several")
    return p


def non_empty(flag: str, what: str) -> Callable[[str], str]:
    def value(text: str) -> str:
        if not text.strip():  # an unset variable in a script ($HAR): not the option left out
            raise argparse.ArgumentTypeError(f"empty: give {what}, or leave {flag} out")
        return text
    return value


def as_word(value: str) -> str:
    """An option's word as a reporter may write it: User_Cancel is user-cancel, Sign_In sign-in, LOCAL local (check(),
    or argparse's choices, then say whether it is one). A value holding a token or a phone number (an app's redirect
    given as --outcome) is no word: it stays as given, redacted, for the refusal to quote (lower-cased, a token's eyJ...
    would be past the redaction's notice)."""
    word = value.strip().lower().replace("_", "-")
    if LETTERS.fullmatch(value):
        return word
    return shown if (shown := quotable(value)) != value else quotable(word)  # 079_123_45_67: a number once its _ are -


LETTERS = re.compile(r"[A-Za-z_\s-]*")  # every word as_word takes: no token (its parts' dots) nor number in it, nothing to redact


def check(args: argparse.Namespace, env: Mapping[str, str], platform: str = sys.platform) -> None:
    """UsageError naming the argument and what is allowed; settings are checked by ``suite_env``."""
    if args.outcome not in OUTCOMES:
        # As a reporter writes it ("approved", "user cancelled", "PIN blocked"): the outcome meant, suggested
        hint = did_you_mean(args.outcome, OUTCOMES)
        raise UsageError(f"--outcome {args.outcome!r} is not an outcome{hint}; use one of: {', '.join(OUTCOMES)}")
    for name, what in GIVEN_EMPTY:
        if (value := getattr(args, name)) is not None and not value.strip():  # an unset variable in a script: "--device $DEVICE"
            raise UsageError(f"--{name.replace('_', '-')} is empty: leave it out, or give {what}")
    if args.prompt is not None and args.prompt not in PROMPTS:
        # B2C's prompts are lower case, with an underscore: None or select-account as a reporter may write them is close
        close = next((p for p in PROMPTS if p == args.prompt.strip().lower().replace("-", "_")), None)
        hint = f" (did you mean {close!r}?)" if close else ""
        raise UsageError(f"--prompt {args.prompt!r} is not a prompt B2C knows{hint}; use one of: {', '.join(PROMPTS)}")
    if args.policy is not None and not args.policy.upper().startswith(("B2C_1_", "B2C_1A_")):
        raise UsageError(f"--policy {args.policy!r}: policy names start with B2C_1_ (user flow) or B2C_1A_ (custom policy)")
    check_tenant_and_policy(args)
    for name in ("domain_hint", "client_id"):
        value = getattr(args, name)
        if value is not None and any(c.isspace() for c in value):
            raise UsageError(f"--{name.replace('_', '-')} {value!r} must be one word without spaces")
    if args.redirect_uri is not None and not args.redirect_uri.lower().startswith("https://"):
        raise UsageError(f"--redirect-uri {args.redirect_uri!r}: the repro's browser must land on an https URL to read B2C's "
                         "answer (B2C also takes http://localhost and an app's own scheme, which it cannot follow); register "
                         "an https redirect URI such as https://jwt.ms for the test app, or leave --redirect-uri out")
    from fixtures.settings import BROWSER_LOCALE, LANGUAGE_TAG, as_language_tags, bad_language_tags  # the settings' rules

    # --language is the browser's language too: the browser's rule
    for flag, value, many, rule in (("--language", args.language, False, BROWSER_LOCALE),
                                    ("--ui-locales", args.ui_locales, True, LANGUAGE_TAG),
                                    ("--browser-locale", args.browser_locale, False, BROWSER_LOCALE)):
        if value is not None and (not value.strip() or bad_language_tags(value, many, rule)):
            hyphened = as_language_tags(value, many)  # de_CH, as a locale is often written: the tag is de-CH; de,fr: de fr
            example = shlex.quote(hyphened) if hyphened.strip() and not bad_language_tags(hyphened, many, rule) else "de-CH"
            what = "language tags separated by spaces (each a language, then a region after a hyphen)" if many else \
                "a language tag (a language, then a region after a hyphen)"
            raise UsageError(f"{flag} {value!r} is not {what}; e.g. {flag} {example}")
    if why := slowmo_refused(args.slowmo):
        # Its prose names its own figures (60000), so main() masks numbers only in quoted values: the value itself is masked
        # here, as every refusal masks one (--slowmo +41791234567, a reporter's number pasted after the wrong option).
        raise UsageError(why.replace(f"--slowmo {args.slowmo}", f"--slowmo {quotable(str(args.slowmo))}", 1))
    from fixtures.browser import display_missing, under_a_virtual_display  # the suite's rules; imported here to keep `--help` light

    if args.headed and (missing := display_missing(env, platform)):
        raise UsageError(f"--headed needs a display, and {missing}. "
                         "Run without --headed (the bundle's trace and screenshots show every page), "
                         f"or under a virtual display: {under_a_virtual_display(f'{python()} -m repro --headed ...', env)}")
    if args.prompt == "none" and (args.journey == "sign-up" or args.outcome != "approve"):
        what = "--journey sign-up" if args.journey == "sign-up" else f"--outcome {args.outcome}"
        raise UsageError(f"--prompt none with {what}: prompt=none asks B2C to answer from the browser's session, with no page, "
                         "so no one signs up and no phone is asked; leave --prompt none out, or rerun a returning user's silent "
                         "sign-in (--journey sign-in --outcome approve, the defaults)")
    if args.run and not (args.from_har or args.from_url):
        raise UsageError("--run only goes with --from-har FILE or --from-url URL")
    if args.attempt is not None and not args.from_har:
        raise UsageError("--attempt only goes with --from-har FILE" + (" (a URL is one sign-in's request)" if args.from_url else ""))
    if args.attempt is not None and args.attempt < 1:  # said before the HAR is read, as every other argument's refusal is
        raise UsageError(f"--attempt {quotable(str(args.attempt))}: a HAR's sign-in attempts are counted from 1 (its first); leave --attempt "
                         "out to read the last that failed")


# Options refused empty, with what to give instead: empty, each was read as not given (--device '' ran no phone, --tenant ''
# left B2C_TENANT unset) or refused for what it is not (--client-id '' "must be one word").
GIVEN_EMPTY = (("policy", "a policy's name, e.g. --policy B2C_1A_signup_signin"), ("tenant", "the tenant's name, e.g. --tenant contoso"),
               ("domain", "the host B2C serves the tenant's pages at, e.g. --domain login.contoso.com"),
               ("device", "a Playwright device, e.g. --device 'Pixel 7'"), ("prompt", f"one of: {', '.join(PROMPTS)}"),
               ("domain_hint", "the domain_hint the app sends, e.g. --domain-hint mobileid.ch"),
               ("login_hint", "the hint the app sends (e.g. a phone number)"), ("client_id", "the client_id the app sends"),
               ("redirect_uri", "the redirect_uri the app sends, e.g. --redirect-uri https://jwt.ms"))


def check_tenant_and_policy(args: argparse.Namespace) -> None:
    """--tenant, --domain and --policy by the settings' rules (B2C_TENANT, B2C_DOMAIN, B2C_POLICIES), said under the flags'
    names: the settings' own message named the setting, which the user never typed (a .env's is still named so)."""
    from fixtures.settings import POLICY_NAME, Given, domain_problem, tenant_problem

    tenant = (args.tenant or "").strip().lower()
    if tenant and (problem := tenant_problem(tenant, Given("--tenant"))):
        raise UsageError(problem)
    if args.domain and (problem := domain_problem(args.domain.strip().lower(), tenant, Given("--domain"))):
        raise UsageError(problem)
    if args.policy is not None and not POLICY_NAME.fullmatch(args.policy):
        several = " (the repro runs one policy)" if re.search(r"[\s,;]", args.policy.strip()) else ""
        raise UsageError(f"--policy {args.policy!r}: a policy name is B2C_1_ (user flow) or B2C_1A_ (custom policy) and then "
                         f"letters, digits, '_' or '-', e.g. --policy B2C_1A_signup_signin{several}")


def languages_replaced(args: argparse.Namespace) -> list[str]:
    """What --ui-locales or --browser-locale changed of --language's "both": the more precise option wins, and the run
    says so, as --language de --ui-locales fr sends B2C fr while the browser speaks de."""
    if args.language is None:
        return []
    lines = []
    for flag, value, what in (("--ui-locales", args.ui_locales, "ui_locales sent to B2C"),
                              ("--browser-locale", args.browser_locale, "the browser's language")):
        if value is not None and value.split() != [args.language]:
            lines.append(f"repro: {flag} {value} replaces --language {args.language} for {what}")
    return lines


def ask_playwright(question: Callable[[Playwright], T]) -> T:
    """``question`` answered by a Playwright started for it, in a thread of its own: Playwright's sync API refuses to start
    where another is running (a test's, in-process)."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    def ask() -> T:
        with sync_playwright() as playwright:
            return question(playwright)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(ask).result()


def check_device(device: str, browser: str | None = None) -> str:
    """Playwright's name of ``device``, found in any case and with '_' for its spaces ('pixel 7' and 'iPhone_15' are
    'Pixel 7' and 'iPhone 15', as --outcome forgives '_'); UsageError with the close ones if none, or if ``browser``
    (the run's engine) is Firefox and the device a phone's or a tablet's, as a journey run refuses them."""
    from fixtures.browser import device_refused

    mobile: dict[str, bool] = ask_playwright(lambda playwright: {n: bool(d.get("is_mobile")) for n, d in playwright.devices.items()})
    names = list(mobile)
    if device not in names and (same := [n for n in names if n.lower() == " ".join(device.replace("_", " ").split()).lower()]):
        device = same[0]
    if why := device_refused(device, mobile, [browser] if browser else []):
        raise UsageError(why)
    return device


DEFAULT_BROWSER = "chromium"


def browser_of(args: argparse.Namespace) -> str:
    """The engine the journey runs in: ``--browser``'s, else Chromium. (The option has no default of its own: given
    beside --from-har, even as chromium, it replaces the HAR's browser.)"""
    return args.browser or DEFAULT_BROWSER


def check_browser(name: str, settings: Settings, headless: bool) -> None:
    """A browser this machine cannot launch is said at once, before a stack starts, as the suite would skip its journeys
    (fixtures.browser.missing_browser); a browser server (E2E_BROWSER_WS_ENDPOINT) brings its own."""
    if settings.browser_ws_endpoint:
        return
    from fixtures.browser import missing_browser, system_chromium

    if name == "chromium" and system_chromium(headless):
        return  # launchable whatever Playwright has installed: no driver to start (~0.5 s) to find out
    if missing := ask_playwright(lambda playwright: missing_browser(name, playwright, headless)):
        # A HAR's browser (--from-har) is named so too: the user's --browser beside it goes in its place.
        instead = "; --browser chromium runs it in Chromium, or a browser server (E2E_BROWSER_WS_ENDPOINT) brings it" if name != "chromium" else ""
        raise UsageError(f"--browser {name}: {missing}, so the journey did not run and no bundle was written{instead}")


def suite_env(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[dict[str, str], Settings]:
    """(environment for the pytest run, its validated Settings); UsageError for a bad setting."""
    from fixtures.settings import SettingsError
    from fixtures.settings_plugin import ENV_FILE, already, env_file_settings, settings_with_stack

    try:  # as the suite reads it: a line python-dotenv cannot parse stops the run instead of being skipped
        merged = {**env_file_settings(ENV_FILE), **env}
    except SettingsError as error:
        raise UsageError(f"settings: {error}") from None
    # The languages are the command's alone, as a report's parameters (empty: none sent, the browser's en-US): your
    # settings' E2E_UI_LOCALES would have rerun a HAR without ui_locales in another language than the reporter's.
    overrides = {"E2E_TARGET": args.target, "B2C_TENANT": args.tenant, "B2C_DOMAIN": args.domain,
                 "E2E_UI_LOCALES": args.ui_locales or args.language or "", "E2E_BROWSER_LOCALE": args.browser_locale or args.language or ""}
    merged.update({k: v for k, v in overrides.items() if v is not None})
    target = (merged.get("E2E_TARGET") or "local").strip().lower()
    if args.policy and not (merged.get("B2C_POLICIES") or "").strip() and target == "tenant":
        merged["B2C_POLICIES"] = args.policy  # the one policy the repro runs: the tenant's list is not needed for it
    flags = [flag for flag, value in (("--tenant", args.tenant), ("--domain", args.domain)) if value is not None]
    if flags and target == "local":  # said as the flags, not as settings
        raise UsageError(f"{' and '.join(flags)} {'names' if len(flags) == 1 else 'name'} a tenant, but the target is local (the repro starts its own emulators): "
                         "add --target tenant (or set E2E_TARGET=tenant)")
    if args.client_id is not None and target == "tenant" and not (merged.get("B2C_CLIENT_ID") or "").strip():
        needed = (f"--client-id {args.client_id} is the client_id the reported authorize request sends (it may be one B2C "
                  "does not know); B2C_CLIENT_ID is still needed: the test app registered in the tenant, which the tenant's "
                  "preflight checks before the journey and the set-up sign-ins use (a returning user's, prompt=none's "
                  "session). Set B2C_CLIENT_ID to the test app's Application (client) ID in .env or the environment (the "
                  "same id as --client-id if that is the test app's)")
        try:  # the other settings to fix, said at once (the printed command of every tenant's report has --client-id),
            # with a client id standing in for the one missing, said above
            settings_with_stack({**merged, "B2C_CLIENT_ID": str(uuid.UUID(int=1))}, described)
        except SettingsError as error:
            raise UsageError(f"{needed}\nsettings: {as_typed(str(error), args)}") from None
        raise UsageError(needed)
    try:
        settings = settings_with_stack(merged, described)
    except SettingsError as error:
        raise UsageError(f"settings: {as_typed(str(error), args)}") from None
    policy = args.policy or settings.policies[0]
    # B2C's policy names are case-insensitive (discovery and HARs often show them lower-case).
    policy = next((p for p in settings.policies if p.lower() == policy.lower()), policy)
    if settings.stack is not None:
        if settings.stack.served(policy) is None:
            raise UsageError(f"--policy {policy!r} does not exist on the local stack; use one of: {', '.join(settings.stack.policies)}")
        policy = settings.stack.served(policy) or policy
    if not settings.has_control_api and args.outcome != "approve":
        raise UsageError(f"--outcome {args.outcome} needs the Mobile ID emulator's control API; with MOBILEID_MODE="
                         f"{settings.mobileid_mode} a person answers on the phone, so only --outcome approve can be rerun")
    merged["B2C_POLICIES"] = policy
    return merged, settings_with_stack(merged, already(settings.stack) if settings.stack else None)


def as_typed(said: str, args: argparse.Namespace) -> str:
    """A settings error in the command line's words: the E2E_TARGET=tenant it names is the --target tenant typed, and a
    tenant or a policy to give is given with --tenant or --policy too."""
    if args.target:
        said = said.replace(f"E2E_TARGET={args.target}", f"--target {args.target}")
    said = said.replace("e.g. B2C_POLICIES=B2C_1_signupsignin,B2C_1A_signup_signin", "e.g. B2C_POLICIES=B2C_1_signupsignin,"
                        "B2C_1A_signup_signin (or --policy, the one the repro runs)")
    return said.replace("e.g. B2C_TENANT=contoso", "e.g. B2C_TENANT=contoso (or --tenant contoso)")


def video_available() -> bool:
    """Whether Playwright can record video: its own ffmpeg, or the system's linked in its place as the suite's runs do
    (fixtures/video.py, the same rule for where Playwright looks)."""
    from fixtures.video import ensure_ffmpeg

    return ensure_ffmpeg() is not None


def replay_command(args: argparse.Namespace, settings: Settings) -> list[str]:
    """The command with every choice spelled out, so it replays the same run whatever .env says (in tenant mode
    without a phone number given as the login hint: the README says so). A local stack shaped by settings (its faults,
    its custom policy folder and keys' names, language customization off, the team's page templates and user flows) is started the same way
    again: those settings go first, as ``env NAME=value``."""
    from fixtures.redaction import PHONE  # here: keeps `--help` light
    from repro.har import number_forms, option

    # Every one, empty ones too: an empty value in the environment is what overrides the replayer's .env.
    stack = [f"E2E_STACK_FAULTS={','.join(settings.stack_faults)}", f"E2E_STACK_POLICIES={shown_path(settings.stack_policies)}",
             f"E2E_STACK_POLICY_KEYS={','.join(map(shown_key, settings.stack_policy_keys))}",
             f"B2C_LANGUAGE_CUSTOMIZATION={'on' if settings.language_customization else 'off'}",
             f"E2E_STACK_PAGE_BUILD_DELAY={settings.stack_page_build_delay:g}",
             f"E2E_STACK_PAGE_CONTENT={shown_path(settings.stack_page_content)}",
             f"E2E_STACK_USER_FLOWS={shown_path(settings.stack_user_flows)}"] if settings.is_local else []
    command = [*(["env", *stack] if stack else []), python(), "-m", "repro", "--journey", args.journey, "--policy", settings.policies[0],
               "--target", settings.target]
    if settings.target == "tenant":
        command += ["--tenant", settings.tenant, "--domain", settings.domain]
    command += ["--browser", browser_of(args)] + (["--device", args.device] if args.device else [])
    if settings.ui_locales:
        command += ["--ui-locales", settings.ui_locales]
    command += ["--browser-locale", settings.browser_locale, "--outcome", args.outcome]
    for name in ("prompt", "domain_hint", "login_hint", "redirect_uri", "client_id"):
        value = getattr(args, name)
        if value is not None:
            if name == "login_hint" and not settings.is_local and (PHONE.search(value) or number_forms(value)):
                value = NUMBER_LEFT_OUT  # the bundle masks phone numbers: a masked one would replay another hint
            command += option(f"--{name.replace('_', '-')}", value)
    return command


def shown_key(key: str) -> str:
    """``NAME=file:PATH`` with its path shown as ``shown_path`` shows it; ``NAME=env:VAR`` as it is (names, never values)."""
    name, sep, place = key.partition("=file:")
    return f"{name}{sep}{shown_path(place)}" if sep else key


# One journey's time limit (pytest-timeout's, given as --timeout: the journeys' own plugin then adds nothing for --slowmo),
# and what --slowmo adds to it (fixtures/slowmo.py).
JOURNEY_LIMIT_S = 300


def journey_limit(args: argparse.Namespace) -> float:
    return JOURNEY_LIMIT_S + SLOWED_ACTIONS * int(args.slowmo) / 1000


def pytest_command(args: argparse.Namespace, work: Path, video: bool) -> list[str]:
    command = [sys.executable, "-m", "pytest", "e2e/test_repro.py", "-n", "0", "-q", "--tb=short", "-p", "no:cacheprovider",
               "--timeout", f"{journey_limit(args):g}",
               "--repro", args.journey, "--repro-outcome", args.outcome, "--repro-dir", str(work / "evidence"),
               "--output", str(work / "playwright"), "--browser", browser_of(args),
               # The journey keeps its own trace (without frames for a silent phone) and screenshots (masked in tenant mode).
               "--tracing", "off", "--screenshot", "off",
               # This command killed outright (SIGKILL: no clean-up of its own): the journey's pytest stops after its one
               # journey, ending its stack and browser.
               "--stop-with-parent",
               # Why a run stopped before the journey, with its cause (fixtures/run_results.py): the network's is exit 5.
               "--junitxml", str(work / JUNIT_FILE)]
    for name in ("prompt", "domain_hint", "login_hint", "redirect_uri", "client_id"):
        if getattr(args, name) is not None:
            # One argument with its value: a hint that starts with "-" read as an option, one with "@" as pytest's file of arguments.
            command += [f"--repro-{name.replace('_', '-')}={getattr(args, name)}"]
    if video:
        command += ["--video", "on"]
    if args.device:
        command += ["--device", args.device]
    if args.headed:
        command += ["--headed"]
    if args.slowmo:
        command += ["--slowmo", str(args.slowmo)]
    return command


def run(args: argparse.Namespace, env: Mapping[str, str], reported: Mapping[str, Any] | None = None) -> int:
    """Run the journey; its exit status, as ``--help`` lists them (the parser's epilog). ``reported``: what the reporter's
    HAR showed (--from-har --run), for the bundle beside what the rerun did."""
    check(args, env)
    for line in languages_replaced(args):
        say(line)
    if args.device:
        args.device = check_device(args.device, browser_of(args))
    run_env, settings = suite_env(args, env)
    check_browser(browser_of(args), settings, headless=not args.headed)
    out, made_out = bundle_folder(args.out)
    remove_dead_work(out)
    # A folder of its own even for runs started in the same second (a CI matrix into one --out), and a bundle named after it.
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-", dir=out))
    alive = hold_alive(work)  # the journey's pytest holds it too (run_pytest): a folder it still writes is no killed run's
    target = work.with_name(work.name + ".zip")
    temporary: Path | None = None
    held = [alive]
    ended: list[int] = []  # the run's status, once reproduce returned it
    # Around the clean-up too: once the bundle is written (or the run ended without one, its work folder kept for the
    # reader: status 4), a stop changes nothing.
    with stop_signals_interrupt(done=lambda: bool(ended) or target.is_file()):
        try:
            # Made once the work folder is, inside the try: a Ctrl-C while a killed repro's temp folder goes is this run's stop.
            temporary, temporary_alive = held_folder(TEMP_PREFIX)
            held.append(temporary_alive)
            ended.append(reproduce(args, settings, {**run_env, "TMPDIR": str(temporary)}, work, target, made_out, reported, held))
            if work.is_dir():  # kept for the reader (a bundle refused: status 4), so no longer a run's: the next repro leaves it
                (work / ALIVE_FILE).unlink(missing_ok=True)
            return ended[0]
        except KeyboardInterrupt:
            if ended:  # a stop that came as reproduce returned, before the handler knew: the run had ended all the same
                return ended[0]
            with ctrl_c_ignored():
                target.with_name(target.name + ".partial").unlink(missing_ok=True)  # a bundle being zipped
                remove_work(work, made_out)
                if temporary is not None:  # here, with a second Ctrl-C held; the finally's is for the other ends
                    shutil.rmtree(temporary, ignore_errors=True)
            complain("repro: interrupted: the run was stopped and its work folder removed; no bundle was written")
            return EXIT_INTERRUPTED
        finally:
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)
            for lock in held:
                lock.close()


def remove_dead_work(out: Path) -> None:
    """Work folders a repro killed outright (SIGKILL: no clean-up) left in ``out``, with its unredacted trace and HAR, and
    the bundle it was zipping: removed, and said (fixtures/alive.py)."""
    dead = remove_dead(out, WORK_PREFIX)
    for folder in dead:
        folder.with_name(folder.name + ".zip.partial").unlink(missing_ok=True)
    if dead:
        say(f"repro: removed what {len(dead)} repro run(s) killed outright left in {out}: {', '.join(folder.name for folder in dead)}")


def bundle_folder(out: str) -> tuple[Path, Path | None]:
    """(``--out`` as a folder the bundle can be written to, the outermost folder made for it now or None); UsageError if
    it cannot be one."""
    try:
        path = Path(out).resolve()
        # A missing parent is made too (--out bundles/2026/bug-123): the outermost, so a run that leaves no bundle takes all.
        made = next((folder for folder in (*reversed(path.parents), path) if not folder.exists()), None)
    except (OSError, RuntimeError) as error:  # a name too long for the system, links that loop (RuntimeError in Python 3.11)
        raise UsageError(f"--out {out}: not a writable folder ({getattr(error, 'strerror', None) or error})") from None
    if why := unwritable(path) or disk_full(path):
        raise UsageError(f"--out {out}: not a writable folder ({why})")
    return path, made


# Free space below which --out is refused at once: a bundle (its trace, HAR and video) takes a few MiB; a disk fuller
# than this fails the run part-way, its output cut off.
MIN_FREE_BYTES = 16 * 1024 * 1024


def disk_full(folder: Path) -> str | None:
    """Why ``folder``'s disk cannot take a bundle (its free space), or None."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    return f"its disk has {free // 1024} KiB free, and a bundle takes a few MiB: free some space or give a folder on another disk" \
        if free < MIN_FREE_BYTES else None


def reproduce(args: argparse.Namespace, settings: Settings, run_env: Mapping[str, str], work: Path, target: Path, made_out: Path | None,
              reported: Mapping[str, Any] | None = None, held: Sequence[BinaryIO] = ()) -> int:
    """Run the journey in ``work`` and bundle it to ``target``; ``made_out``: the outermost folder this run made for --out,
    removed (with those in it down to --out) if left empty; ``held``: the locks of ``work`` and of the run's temp folder
    (fixtures/alive.py), which the journey's pytest holds too."""
    from fixtures.redaction import Redaction
    from repro.bundle import LeakError
    from repro.har import number_forms
    from repro.report import BundleNotWritten, assemble

    video = video_available()
    command = pytest_command(args, work, video)
    say(f"repro: {args.journey} through {settings.policies[0]} on {settings.target} ({settings.domain}), outcome {args.outcome}")
    try:
        hint = number_forms(args.login_hint) if not settings.is_local else []  # a person's number of any country
        status, output = run_pytest(command, run_env, work / "pytest-output.txt", Redaction.for_run(settings, run_env, hint).text, held)
    except OSError as error:  # its output could not be kept (a disk that filled as the journey ran): run_pytest stopped it
        remove_work(work, made_out)  # what it holds so far is unredacted, and of no run that ended
        complain(f"repro: the journey's output could not be written in {work.parent} ({error.strerror or error}), so the journey "
                 "was stopped: nothing was reproduced and no bundle was written; free some space there, or give --out a folder "
                 "on another disk")
        return EXIT_NOT_RUN
    facts_file = work / "evidence" / "repro.json"
    result = json.loads(facts_file.read_text()).get("result") if facts_file.is_file() else None
    if result not in ("passed", "failed", SET_UP_FAILED, STOPPED_BY_INFRASTRUCTURE):
        # pytest's "ERROR: " of a run stopped at its start (the settings, a browser server that does not answer) left out:
        # the line is the repro's own.
        why = [line.strip().removeprefix("ERROR: ") for line in output if line.startswith(("SKIPPED", "ERROR", "E ")) and not PROGRESS.match(line)][:3] \
            or [f"pytest exit status {status}"]
        exit_status = EXIT_INFRASTRUCTURE if stopped_by_the_network_alone(work / JUNIT_FILE) else EXIT_NOT_RUN
        remove_work(work, made_out)  # nothing to show but what pytest said after the run, kept off the terminal for a bundle there is not
        for line in after_run_report(output):
            say(line, end="")
        complain(f"repro: the journey did not run, so nothing was reproduced and no bundle was written: {' / '.join(why)}")
        return exit_status
    try:
        bundle, summary = assemble(work, target, settings=settings, replay=replay_command(args, settings), video=video, args=vars(args), reported=reported,
                                   environ=run_env)
    except (OSError, ValueError, LeakError, BundleNotWritten) as error:  # say what went wrong; the work folder stays for a look
        if isinstance(error, BundleNotWritten):  # what the run did is known all the same: said, as beside a bundle
            say(error.summary)
        cause = error.__cause__ if isinstance(error, BundleNotWritten) else error
        ended = {"passed": "as the suite expects", "failed": "reproducing a failure", SET_UP_FAILED: "with its set-up failed"}.get(
            str(result), "stopped by the machine or the network")
        complain(f"repro: the run ended {ended} but no bundle was written: {cause}. Its unredacted files (trace, HAR, "
                 f"pytest-output.txt: tokens, cookies{', phone numbers' if not settings.is_local else ''}) are kept in {work}: look there, "
                 "do not attach them, and delete the folder when done.")
        return EXIT_NO_BUNDLE
    remove_work(work)  # it holds the unredacted trace, HAR and output; the bundle has their redacted copies
    say(summary)
    say(f"bundle: {bundle}")
    return exit_status_of(str(result))


def exit_status_of(result: str) -> int:
    """The command's exit status for the journey's ``result`` (repro.json): a failure it met is a reproduction."""
    return {"passed": 0, SET_UP_FAILED: EXIT_SET_UP_FAILED, STOPPED_BY_INFRASTRUCTURE: EXIT_INFRASTRUCTURE}.get(result, EXIT_REPRODUCED)


def stopped_by_the_network_alone(junit: Path) -> bool:
    """Whether the journey's run stopped before it for the machine or the network alone (the tenant's preflight failing only
    on rows such as DNS, a refused connection, TLS; a browser server that does not answer: try again later), not for a
    setting or another reason: the causes of the cases the run wrote of itself in its JUnit XML."""
    from fixtures.causes import INFRASTRUCTURE
    from fixtures.run_results import junit_stop_causes

    return junit_stop_causes(junit) == {INFRASTRUCTURE}


TIMEOUT_BANNER = re.compile(r"\+{5,} Timeout \+{5,}")  # pytest-timeout's, around its dump of the threads' stacks
SECTION = re.compile(r"=+ (.+?) =+")  # a heading of pytest's: "=== FAILURES ===", "=== 1 failed in 2.01s ===" (-v's last line)
# The sections pytest prints after the run, the suite's causes among them; a header before it ("test session starts",
# with -v in PYTEST_ADDOPTS) is none.
AFTER_RUN = frozenset({"ERRORS", "FAILURES", "PASSES", "warnings summary", "causes", "short test summary info", "rerun test summary info"})
RUN_SUMMARY = re.compile(r"\d+ (failed|passed|errors?|skipped|deselected|xfailed|xpassed|warnings?)\b.* in [\d.]+s\b.*")  # the last line
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # pytest's, with PY_COLORS=1 or FORCE_COLOR
# Said while the run goes on, before it is known whether a bundle is written: where none is (exit 4), the refusal names
# the folder kept, whose pytest-output.txt is this one.
AFTER_RUN_KEPT = ("repro: pytest's tracebacks, warnings and causes go to pytest-output.txt (the bundle's, or the kept folder's "
                  "where none is written); the summary below says what happened")


def in_after_run_report(line: str, inside: bool) -> bool:
    """Whether ``line`` of the journey's pytest is part of what it says after the run (its sections: tracebacks, warnings,
    the suite's causes) up to its last line, ``inside``: whether the line before was. The summary that follows says what
    happened in the reporter's words; the rest is for whoever reads the bundle, so the terminal gets one line saying where."""
    text = COLOUR.sub("", line).strip()
    if heading := SECTION.fullmatch(text):
        return not RUN_SUMMARY.fullmatch(heading[1]) and (inside or heading[1] in AFTER_RUN)
    return inside and not RUN_SUMMARY.fullmatch(text)


def is_tally(line: str) -> bool:
    """pytest -q's progress line or its tally, its last line (``PROGRESS``, ``RUN_SUMMARY``; not -v's heading, which the
    reader asked for): of one journey, said again by the summary that follows in the reporter's words, so kept off the
    terminal (pytest-output.txt has them)."""
    text = COLOUR.sub("", line).strip()
    return bool(PROGRESS.match(text) or RUN_SUMMARY.fullmatch(text))


def after_run_report(lines: Sequence[str]) -> list[str]:
    """The lines of ``lines`` (the journey's pytest output) that ``run_pytest`` kept off the terminal: what pytest said after
    the run (in_after_run_report)."""
    kept, inside = [], False
    for line in lines:
        inside = in_after_run_report(line, inside)
        if inside:
            kept.append(line)
    return kept


def run_pytest(command: list[str], env: Mapping[str, str], log_path: Path, clean: Callable[[str], str],
               held: Sequence[BinaryIO] = ()) -> tuple[int, list[str]]:
    """Run the journey's pytest with its output shown and kept, each line passed through ``clean`` first (the run's
    redaction: what the journey printed, Playwright's DEBUG=pw:api among it, may hold a raw token); (exit status, lines).

    pytest runs in a process group of its own, so Ctrl-C reaches this command only, which then ends that group (pytest
    and the local stack; none of their tracebacks reach the terminal) before anything is removed: with Ctrl-C first, so
    pytest stops the journey at once, as at a terminal, and ends its stack and folder itself. Playwright's driver and the
    browsers run in a session of their own (fixtures/browser.py), which pytest's teardown ends; SIGTERM alone would let
    the journey wait on for the phone, until the group was killed, its stack's folder left behind. A pytest still there
    STOP_WAIT later gets SIGTERM twice (the second ends it at once, its stack and folder first), and only then SIGKILL.
    ``held``: the run's folders' locks, which pytest inherits, so they count as a live run's for as long as pytest runs.
    """
    output: list[str] = []
    process: subprocess.Popen[str] | None = None
    try:
        # A stop while pytest starts is held until its handle is known: pytest may run before Popen returns, and in a
        # group of its own it hears no Ctrl-C, so a stop raised in Popen left it running into the folder removed below.
        with signals_held((signal.SIGINT, *STOP_SIGNALS)):
            process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                       process_group=0, pass_fds=tuple(lock.fileno() for lock in held))
        assert process.stdout is not None
        dumping = False  # inside pytest-timeout's dump of every thread's stack: kept, not shown
        reporting = False  # inside what pytest says after the run: kept, not shown (in_after_run_report)
        with log_path.open("w") as log:
            for raw in process.stdout:
                line = clean(raw)
                log.write(line)
                output.append(line)
                if TIMEOUT_BANNER.fullmatch(line.strip()):  # it opens and closes the dump
                    dumping = not dumping
                    if dumping:
                        say(f"repro: the journey reached its time limit; its threads' stacks are in {log_path.name} (in the bundle)")
                elif not dumping:
                    if (reporting := in_after_run_report(line, was := reporting)) and not was:
                        say(AFTER_RUN_KEPT)
                    if not reporting and not is_tally(line):
                        say(line, end="")
        return process.wait(), output
    except BaseException:
        from scripts.process_group import stop_group

        if process is None:  # stopped before pytest was started: nothing of its to stop
            raise
        with ctrl_c_ignored():  # pytest's group, which may still write into the work folder: politely, then for good
            stop_group(process, PYTEST_STOP, wait=STOP_WAIT)
        raise


def stop_signals_interrupt(done: Callable[[], bool] | None = None) -> contextlib.AbstractContextManager[None]:
    """SIGTERM (a job runner, ``timeout``) and SIGHUP (a closed terminal) stop the run as Ctrl-C does: pytest runs in a
    process group of its own, so only this command hears them, and it must end that group and remove the work folder.

    With ``done`` (the run's bundle is in place, from its rename from ``.partial``, or the run ended without one), Ctrl-C
    and both signals are ignored from the moment it says so. What is left then (the summary, the work and temp folders
    removed) takes a moment: a stop that came there said "no bundle was written" beside the bundle's line, or exited 130
    after it. A signal this process ignores stays ignored (``cmd &`` in a script ignores Ctrl-C: the terminal's Ctrl-C is
    not this run's)."""
    if done is None:
        return signals_handled(STOP_SIGNALS, interrupt)

    def stop_unless_done(signum: int, frame: FrameType | None) -> None:
        if not done():
            (signal.default_int_handler if signum == signal.SIGINT else interrupt)(signum, frame)

    heard = [sig for sig in (signal.SIGINT, *STOP_SIGNALS) if signal.getsignal(sig) is not signal.SIG_IGN]
    return signals_handled(heard, stop_unless_done)


def ctrl_c_ignored() -> contextlib.AbstractContextManager[None]:
    """A second Ctrl-C (or SIGTERM, SIGHUP) while the run is being cleaned up would leave half of it behind: hold it."""
    return signals_handled((signal.SIGINT, *STOP_SIGNALS), signal.SIG_IGN)


def remove_work(work: Path, made_out: Path | None = None) -> None:
    """Remove the run's work folder (it can hold the unredacted trace and HAR), and the folders from its --out up to
    ``made_out`` (the outermost one this run made) that are now empty."""
    shutil.rmtree(work, ignore_errors=True)
    if made_out is None:
        return
    for folder in (work.parent, *work.parent.parents):
        if folder != made_out and made_out not in folder.parents:
            break  # not one this run made
        try:
            folder.rmdir()  # only if empty: the bundles of earlier runs, another run's, stay
        except OSError:
            break


@functools.cache
def local_stack() -> StackDescription:
    """The local stack a run with no settings of its own starts, as it describes itself (``--describe``: nothing is
    started): what a report is told apart from (its tenant, app and phone numbers) and replayed on. Asked once: a
    report's rerun (--run) takes it again for its settings (``described``)."""
    from fixtures.stack_description import describe_stack, serve_command

    return describe_stack(serve_command(None, ()))


def described(settings: Settings) -> StackDescription:
    """The description of the stack ``settings`` start: ``local_stack``'s where they shape it no way of their own (faults,
    a policy folder, language customization off...), else the stack's command asked for it."""
    from fixtures.stack_description import asking_the_command, serve_command, stack_command

    return local_stack() if stack_command(None, settings) == serve_command(None, ()) else asking_the_command(settings)


def from_har(args: argparse.Namespace, env: Mapping[str, str], typed: Sequence[str]) -> int:
    """The repro command that replays the HAR ``args.from_har`` names (run with --run); ``typed``: the options the command
    line gave (``options_typed``), refused where the HAR decides them."""
    from fixtures.redaction import Redaction, secret_values
    from repro.bundle import har_credentials, load_har
    from repro.har import NO_SIGN_IN, describe, har_has_sign_in, hosts_in, on_local_stack, read_har
    from repro.url import all_but_authorize_in

    check(args, env)  # the run's own options (--slowmo -5)
    # --journey only where the HAR cannot tell a first sign-in from a returning user's, --outcome where it ends before the
    # phone's answer (read below, once the HAR is read)
    if read_from_har := [flag for flag in typed if flag not in (*HOW_TO_RUN, *HAR_OPTIONS, "journey", "outcome")]:
        refuse_read_from_report(read_from_har)
    check_out_option(args, typed, "--from-har", "the HAR shows")
    har = load_har(Path(args.from_har))  # first: a file that is no HAR is said at once, without asking the stack
    if not har_has_sign_in(har):
        raise ValueError(f"{args.from_har}: {all_but_authorize_in(har) or NO_SIGN_IN + hosts_in(har)}")  # one nearly B2C's: as --from-url says it
    local = local_stack()  # its tenant, app and phone numbers tell the HAR's apart
    found = read_har(har, local.robots, args.attempt)  # load_har refused entries of another shape than a HAR's
    if "journey" in typed:
        if not found.journey_untold:
            refuse_read_from_report(["journey"])
        found.chosen_journey = args.journey
    if "outcome" in typed:
        if not found.outcome_untold:
            refuse_read_from_report(["outcome"])
        found.chosen_outcome = args.outcome
    # What the HAR holds is printed through the redaction a bundle gets: a token in a parameter or an error, its codes and
    # cookies, and off the local stack a person's number wherever it is quoted (Mobile ID's error text).
    clean = Redaction([*secret_values(env), *sorted(har_credentials(har))], mask_phones=not on_local_stack(found, local)).text
    shown = [clean(line) for line in describe(found, local, args.browser)]  # so also in the bundle of a --run
    return replay_report(found, local, args, env, clean, shown, f"{args.from_har}: a value of the HAR's sign-in",
                         {"har": Path(args.from_har).name})


def from_url(args: argparse.Namespace, env: Mapping[str, str], typed: Sequence[str]) -> int:
    """The repro command that replays B2C's authorize request ``args.from_url`` (run with --run); ``typed``: the options the
    command line gave, refused where the URL decides them, taken where no URL can tell (UNTOLD_BY_URL)."""
    from fixtures.redaction import Redaction, secret_values
    from repro.har import describe, on_local_stack
    from repro.url import address, read_url

    check(args, env)
    if read := [flag for flag in typed if flag not in (*HOW_TO_RUN, *UNTOLD_BY_URL, *URL_OPTIONS)]:
        refuse_read_from_report(read, "the URL's authorize request")
    check_out_option(args, typed, "--from-url", "the URL tells")
    found = read_url(args.from_url)  # first: a URL of another kind is said at once, without asking the stack
    refuse_choices_a_silent_request_cannot_have(found.params.get("prompt"), args, typed)
    local = local_stack()  # its tenant tells a URL of the local stack's
    # Typed, even as the defaults, they are the user's word: the line that says them says so.
    found.chosen_journey = args.journey if "journey" in typed else None
    found.chosen_outcome = args.outcome if "outcome" in typed else None
    found.browser_locale = args.browser_locale
    found.chosen_device = check_device(args.device, args.browser) if args.device else None  # the command printed names it as Playwright does
    # A URL has no cookies: the environment's secrets, and off the local stack a person's number (a login hint), are its to hide.
    clean = Redaction(secret_values(env), mask_phones=not on_local_stack(found, local)).text
    shown = [clean(line) for line in describe(found, local, args.browser)]
    # The bundle names the URL by its address, without its query: the lines above are its parameters, read (an
    # id_token_hint among them stays out).
    return replay_report(found, local, args, env, clean, shown, "--from-url: a value of the URL's authorize request",
                         {"url": address(args.from_url)})


def refuse_choices_a_silent_request_cannot_have(prompt: str | None, args: argparse.Namespace, typed: Sequence[str]) -> None:
    """The user's --journey sign-up or --outcome other than approve beside a URL with prompt=none: refused naming them, as
    the printed command's check would have, but saying to leave out --prompt none, which the user never typed."""
    clash = [f"--{name} {value}" for name, value, default in (("journey", args.journey, "sign-in"), ("outcome", args.outcome, "approve"))
             if name in typed and value != default]
    if prompt == "none" and clash:
        raise UsageError(f"{' and '.join(clash)}: the URL's prompt=none asks B2C to answer from the browser's session, with no page, "
                         f"so no one signs up and no phone is asked; leave {'it' if len(clash) == 1 else 'them'} out to rerun the "
                         "silent sign-in the URL asks for")


def replay_report(found: Finding, local: StackDescription, args: argparse.Namespace, env: Mapping[str, str], clean: Callable[[str], str],
                  shown: list[str], value_of: str, source: Mapping[str, str]) -> int:
    """Print what a report ``shown`` and the command that replays ``found``; with --run, run it, its bundle saying the
    report's ``source`` (the HAR's name, the URL's address) and what it showed."""
    from fixtures.redaction import Redaction, secret_values
    from repro.har import repro_args

    say("\n".join(shown))
    command_args = [*repro_args(found, local, args.browser), *how_to_run(args)]
    try:  # the command printed is one --run (and a person) can run
        check(printed := parser().parse_args(command_args), env)
    except UsageError as error:
        raise UsageError(clean(f"{value_of} cannot be rerun as it is: {error}")) from None
    if printed.device and printed.browser == "firefox":  # the report's phone beside the user's --browser firefox
        try:
            check_device(printed.device, printed.browser)
        except UsageError as error:  # beside a HAR its own advice (leave --device out) is not one to take: the HAR gives it
            why = (f"its sign-in was on a phone ({printed.device}), which Playwright's Firefox does not emulate; leave --browser "
                   "firefox out to rerun it in the phone's own engine, or give --browser chromium") if args.from_har else str(error)
            raise UsageError(clean(f"{value_of} cannot be rerun as it is: {why}")) from None
    # As it runs: a carried value is the sign-in's own parameter (the HAR's credentials are left out of it by repro_args),
    # and one that happens to equal a cookie's value would not replay redacted. The environment's secrets stay out.
    say(f"\nrepro command:\n  {python()} -m repro " + shlex.join(Redaction(secret_values(env)).text(arg) for arg in command_args))
    if not args.run:
        return 0
    rerun = parser().parse_args([*command_args, "--out", args.out])
    return run(rerun, env, reported={**source, "showed": shown})  # the bundle ties the rerun to the report


def refuse_read_from_report(flags: Sequence[str], source: str = "the HAR's sign-in") -> NoReturn:
    """Refuse options (argparse dests) whose value the report (``source``: the HAR's sign-in, the URL) gives, beside it."""
    said = ", ".join(f"--{flag.replace('_', '-')}" for flag in flags)
    raise UsageError(f"{said}: read from {source}; leave {'it' if len(flags) == 1 else 'them'} out, or run the "
                     "printed repro command with the change")


def check_out_option(args: argparse.Namespace, typed: Sequence[str], flag: str, what: str) -> None:
    """--out beside a report (``flag``): refused without --run, which alone writes a bundle; with --run, a folder the
    bundle cannot be written to is refused now, before the report is read and printed, not after."""
    if args.run:
        _, made = bundle_folder(args.out)
        if made is not None:  # made to prove it can be: the run makes it again, and a refusal before the run leaves none
            for folder in (Path(args.out).resolve(), *Path(args.out).resolve().parents):
                try:
                    folder.rmdir()
                except OSError:  # something put there meanwhile: left as it is
                    break
                if folder == made:
                    break
    if "out" in typed and not args.run:  # the reading alone writes no bundle: --out was dropped without a word, exit 0
        raise UsageError(f"--out {args.out}: {flag} alone only prints what {what} and the repro command, so no bundle "
                         "is written; add --run to run it and write its bundle there, or leave --out out")


# With --from-har, how its rerun runs (taken from the command line); the rest is what the HAR's sign-in says.
HOW_TO_RUN = ("browser", "headed", "slowmo")
HAR_OPTIONS = ("from_har", "run", "attempt", "out")
# With --from-url, what no URL tells (the journey, the phone, the browser's language and device) is the user's too.
UNTOLD_BY_URL = ("journey", "outcome", "device", "browser_locale")
URL_OPTIONS = ("from_url", "run", "out")


def flags_given(args: argparse.Namespace) -> list[str]:
    """The options ``args`` holds other than their defaults, by their names in ``args``."""
    defaults = vars(parser().parse_args([]))
    return [name for name, value in vars(args).items() if value != defaults.get(name)]


def options_typed(argv: Sequence[str] | None) -> list[str]:
    """The options ``argv`` gives, by their names in ``args``, whatever their values: ``--outcome approve`` or ``--journey
    sign-in`` typed beside ``--from-har`` is the user's word, though it is the default, and went unnoticed by
    ``flags_given``: the HAR's outcome replaced it without a word (a ``--run`` rerunning a cancel the user asked to approve)."""
    p, untyped = parser(), object()
    p.set_defaults(**dict.fromkeys(vars(p.parse_args([])), untyped))
    return [name for name, value in vars(p.parse_args(argv)).items() if value is not untyped]


def how_to_run(args: argparse.Namespace) -> list[str]:
    """``args``' own --headed and --slowmo, as repro arguments (none where they are the defaults); its --browser goes in
    place of the HAR's (repro_args)."""
    return [*(["--headed"] if args.headed else []), *(["--slowmo", str(args.slowmo)] if "slowmo" in flags_given(args) else [])]


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    ended: list[int] = []  # the command's status, once it has one: a stop after that (its bundle's line said) changes nothing
    try:
        # SIGTERM and SIGHUP as Ctrl-C from the start: while the command checks its settings and browser (seconds, a
        # stack's description among them) they ended it with their defaults' 143 and 129, not "interrupted" and 130.
        with stop_signals_interrupt(done=lambda: bool(ended)):
            args = parser().parse_args(argv)  # in the try: a Ctrl-C this early is the usual line too (argparse's exits pass)
            if args.from_har is not None and args.from_url is not None:
                raise UsageError("--from-har and --from-url: give one report, the HAR (it tells more: the journey, the phone's "
                                 "outcome, the browser) or the authorize request's URL")
            if args.from_url is not None:
                ended.append(from_url(args, env, options_typed(argv)))
            else:
                ended.append(from_har(args, env, options_typed(argv)) if args.from_har is not None else run(args, env))
        return ended[0]
    except (UsageError, ValueError) as error:
        # Refusals quote the argument refused, which may be an app's redirect with its token (--prompt 'https://app#id_token=...')
        # or a person's number (--prompt +41791234567)
        complain(f"python -m repro: error: {quotable(str(error), in_quotes_only=True)}")
        return EXIT_USAGE
    except KeyboardInterrupt:  # before or after the journey (a run in progress cleans up after itself in run)
        if ended:  # as the command returned, before the handler knew
            return ended[0]
        complain("repro: interrupted")
        return EXIT_INTERRUPTED


def say(text: str, end: str = "\n") -> None:
    """``text`` on standard output, at once; a reader that went away (| head) sends the rest nowhere: the run goes on, and
    its bundle is written all the same."""
    try:
        print(text, end=end, flush=True)
    except OSError:  # a broken pipe; a terminal that hung up (EIO), its SIGHUP ignored once the bundle is written
        output_nowhere()


def complain(text: str) -> None:
    """``text`` on standard error; a reader that went away (2>&1 | head) sends it nowhere, and the command still exits with
    its own status: a BrokenPipeError's traceback would have made it 1, a failure reproduced."""
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:  # as in say
        output_nowhere(sys.stderr)


def output_nowhere(stream: TextIO | None = None) -> None:
    """``stream`` (standard output, the default, or error) to /dev/null from now on, its reader gone: what is still
    buffered and every later write would meet the broken pipe again (Python's last flush at exit too)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), (stream or sys.stdout).fileno())
