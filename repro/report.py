"""Assemble the bundle from what the repro run left: evidence (fixtures/repro.py) and pytest-playwright's artifacts."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fixtures.causes import reached_time_limit
from fixtures.commands import SUITE, python
from fixtures.redaction import Redaction
from fixtures.texts import LANGUAGES  # Mobile ID's pages' languages, as the journeys read them
from mocks.common.languages import primary_language
from mocks.faults import Fault
from repro.bundle import LeakError, clean_copy, folders_shown, har_credentials, load_har, paths_shown, write_text, zip_folder
from repro.har import attempts_in, har_has_sign_in, hops, number_forms, read_har
from repro.outcomes import AUTHORIZE_STEP, B2C_PAGE_STEPS, NUMBER_LEFT_OUT, OUTCOMES, STOPPED_BY_INFRASTRUCTURE, WAITING_STEP
from repro.paths import shown_path

SKIPPED_ARGS = {"out", "from_har", "run"}
# The suite's folder as its path is resolved and as Python may name its modules (reached through a link): the trace's paths
# in it are shown relative to it.
SUITE_FOLDERS = (SUITE, Path(os.path.abspath(Path(__file__).parent.parent)))
# The bundle's files as its README.txt lists them: (glob in the bundle, name shown, what it is); only those present are listed.
FILES = (
    ("trace.zip", "trace.zip", "Playwright trace: every page, DOM snapshot and request (python -m playwright show-trace trace.zip; "
                               "without a display or Playwright's Chromium: show-trace --port 0 trace.zip, then open the URL it prints)"),
    ("journey.har", "journey.har", "the browser's HTTP traffic (cookies, codes and tokens redacted)"),
    ("*.webm", "video.webm", "the browser's video"),
    ("screenshots/*.png", "screenshots/", "a screenshot at each step of the journey, named after the step, in order"),
    ("claims.json", "claims.json", "the ID token's decoded claims (B2C sent one)"),
    ("repro.json", "repro.json", "what the journey saw: pages, B2C's answer, codes, correlation IDs, Mobile ID trace ids"),
    ("timings.json", "timings.json", "time of each step and each HTTP hop"),
    ("settings.json", "settings.json", "the settings used (no secrets)"),
    ("versions.json", "versions.json", "Python, Playwright, the browser engine, the suite's commit"),
    ("pytest-output.txt", "pytest-output.txt", "the run's terminal output"),
)


def what_happened(facts: dict[str, Any]) -> str:
    """What the run did and how it ended, from the facts there are (a fact the run never reached is left out)."""
    if facts.get("set_up_failure") and facts.get("result") != STOPPED_BY_INFRASTRUCTURE:
        cause = str(facts["set_up_failure"])
        retry = str(facts.get("set_up_retry") or "")
        return f"{the_run(facts)}\n{cause[:1].upper()}{cause[1:]}\n" \
               "So the reported journey did not run and nothing of it was reproduced." + (f" {retry[:1].upper()}{retry[1:]}." if retry else "")
    redirect = facts.get("redirect") or {}
    error_page = facts.get("b2c_error_page")
    if error_page:
        correlation = f" (correlation ID {error_page['correlation_id']})" if error_page.get("correlation_id") else ""
        end = f"B2C showed its error page{correlation}: {error_page.get('detail') or '(no detail shown)'}"
    elif redirect.get("error"):
        description = (redirect.get("error_description") or "").strip()
        end = f"B2C sent the app {redirect['error']}" + (f": {description}" if description else " without an error_description")
    elif facts.get("claims"):
        end = "B2C sent the app an ID token" + (" that passed every check." if facts.get("claims_verified") else ".")
    elif "redirect" in facts:
        end = "B2C sent the app neither a token nor an error."
    else:
        end = "B2C did not send the app an answer."
    # The journey's verdict where it has one of its own beside B2C's words, which the line above quotes already
    reason = f": {facts.get('verdict') or facts['failure']}" if facts.get("failure") else ""
    # Its words as pytest-timeout says them, or as the suite says them again with the page that held it (a navigation that
    # never answered: the network's). A page whose script never yields is a finding: "failed", said below.
    if facts.get("result") == STOPPED_BY_INFRASTRUCTURE and reached_time_limit(str(facts.get("failure"))):
        return (f"{the_run(facts)}\n{end}\nThe journey reached the repro's time limit{reason}\n"
                "So nothing was reproduced: a page or a service that never answered holds a journey that long (the trace's "
                "last requests say which), or --slowmo slowed it past the limit.")
    if facts.get("result") == STOPPED_BY_INFRASTRUCTURE:
        return (f"{the_run(facts)}\n{end}\nThe machine or the network stopped the journey{reason}\n"
                "So nothing was reproduced: mend what the line above names (the way to B2C or Mobile ID, this machine's "
                "browser, the emulator's control API) and run it again.")
    verdict = "as the suite expects, so no failure of B2C or Mobile ID was reproduced." if facts.get("result") == "passed" \
        else f"NOT as the suite expects{reason}"
    return f"{the_run(facts)}\n{end}\nThis is {verdict}"


def the_run(facts: dict[str, Any]) -> str:
    """``sign-in through B2C_1A_x, phone outcome approve (the phone approves), in chromium 156 emulating iPhone 15.``"""
    words = str(facts.get("journey") or "the reported journey")
    if facts.get("policy"):
        words += f" through {facts['policy']}"
    if facts.get("outcome"):
        words += f", phone outcome {facts['outcome']}" + (f" ({facts['outcome_words']})" if facts.get("outcome_words") else "")
    browser = facts.get("versions", {}).get("browser_engine")
    if browser:  # a device is emulated in this engine: an iPhone's user agent in Chromium is not Safari
        words += f", in {browser} {facts['versions'].get('browser', '')}".rstrip()
        words += f" emulating {facts['device']}" if facts.get("device") else ""
    return words + "."


LONG_WAIT_S = 10  # a phone that answers within it is not worth a line of the summary


def the_wait(facts: dict[str, Any]) -> list[str]:
    """How long the browser stayed on Mobile ID's waiting page (timings.json has it, but "it stays on 'check your phone'"
    is what a reporter says: the summary says how long it stayed, when that is long, and what came next)."""
    steps = facts.get("steps") or []
    at = next((i for i, step in enumerate(steps) if step.get("step") == WAITING_STEP), None)
    if at is None:
        return []
    if at + 1 < len(steps):
        seconds = steps[at + 1]["at_s"] - steps[at]["at_s"]
        return [] if seconds < LONG_WAIT_S else [f"The browser stayed {seconds:.0f} s on Mobile ID's waiting page (\"check your phone\"), until: {steps[at + 1]['step']}."]
    return ["The browser was still on Mobile ID's waiting page (\"check your phone\") when the journey ended."]


def the_language(facts: dict[str, Any], settings: Any) -> list[str]:
    """B2C's page in a language ``ui_locales`` did not ask for: "the page is in English" is what a reporter says, and the
    run still ends as the suite expects (repro.json alone had it)."""
    asked, shown = (settings.ui_locales or "").split(), facts.get("b2c_page_language")
    lines = []
    if asked and shown and primary_language(shown) not in {primary_language(tag) for tag in asked}:
        lines.append(f"B2C's page was in {shown}, not in a language ui_locales asked for ({' '.join(asked)}): B2C shows the "
                     "policy's default language where the policy does not offer the one asked, or where language customization is off.")
    # Mobile ID's page in another language than B2C's, which B2C passes on (e2e/test_languages.py fails on it), where Mobile
    # ID has B2C's: "the phone page is in English" ended as the suite expects, its language in repro.json alone.
    mobile = facts.get("mobile_id_page_language")
    if shown and mobile and primary_language(shown) in LANGUAGES and primary_language(mobile) != primary_language(shown):
        lines.append(f"Mobile ID's page was in {mobile}, where B2C's page was in {shown}: B2C passes its page's language on to "
                     f"Mobile ID (ui_locales), which shows {', '.join(LANGUAGES)}; B2C did not pass it on, or Mobile ID did not take it.")
    return lines


def the_stack(settings: Any) -> list[str]:
    """What the local stack was made to do unlike B2C and Mobile ID: the faults switched on and a policy folder of one's own.
    Said beside what happened, as a failure they cause reads as B2C's own (a name claim missing blames the user flow)."""
    if not settings.is_local:
        return []
    lines = []
    if settings.stack_faults:
        faults = [Fault.named(name) for name in settings.stack_faults]
        lines.append(f"The local stack ran with the fault{'s' if len(faults) > 1 else ''} (E2E_STACK_FAULTS) "
                     + "; ".join(f"{fault.value}: {fault.declaration.description}" for fault in faults)
                     + f". A failure {'they cause' if len(faults) > 1 else 'it causes'} is the emulator's doing, switched on for "
                     "this run, not B2C's or Mobile ID's own.")
    if settings.stack_policies and shown_path(settings.stack_policies) != "policies":  # the suite's own, named
        lines.append(f"The local stack served the custom policies of {shown_path(settings.stack_policies)} (E2E_STACK_POLICIES), "
                     "not the suite's policies/.")
    return lines


def described(settings: Any) -> dict[str, str]:
    """The settings as the bundle shows them: a policy folder or file outside the suite as the replay command shows it
    (``<path to name>``: no home folder, no user name), not this machine's path as ``Settings.describe`` gives it."""
    shown: dict[str, str] = settings.describe()
    for key, path in (("stack_policies", settings.stack_policies), ("policy_files", settings.tenant_policy_files),
                      ("stack_page_content", settings.stack_page_content)):
        if key in shown and path:
            shown[key] = shown_path(path)
    return shown


# Where one would have been: B2C's sign-in page starts its source with one (its wording unconfirmed, mocks/b2c/README.md).
NO_CORRELATION_ID = ("none (no 'CorrelationId: <guid>' comment at the top of B2C's page source, none in its answer: look in "
                     "the source of B2C's first page in the bundle's trace)")
# Where else B2C gives it (docs/reference/b2c.md: its error redirects, a claim resolver of custom policies).
ELSEWHERE = ("B2C names it in an error it sends the app ('Correlation ID: <guid>' in error_description), and in the ID token "
             "only where the policy puts it in a claim (the claim resolver {Context:CorrelationId})")


def no_correlation_id(facts: dict[str, Any]) -> str:
    """Why the run found no correlation ID, and where to look: B2C's first page in the trace, unless B2C showed the journey
    no page of its own (prompt=none answers from the session; a sign-in's domain_hint goes straight to Mobile ID)."""
    steps = [step.get("step") for step in facts.get("steps") or []]
    if AUTHORIZE_STEP not in steps or any(step in B2C_PAGE_STEPS for step in steps):
        return NO_CORRELATION_ID
    asked = facts.get("authorize_params") or {}
    why = ""
    if asked.get("prompt") == "none":
        why = " (prompt=none: it answered from the browser's session; the sign-in page in the trace is the set-up sign-in's, an earlier request)"
    elif asked.get("domain_hint"):
        why = f" (domain_hint={asked['domain_hint']} sent the browser straight to Mobile ID)"
    return f"none (B2C showed this journey no page of its own{why}, so there was no page source to read it from; {ELSEWHERE})"


def identifiers(facts: dict[str, Any]) -> list[str]:
    """The reported journey's AADB2C codes, correlation IDs and Mobile ID codes (none when it did not run)."""
    if facts.get("set_up_failure"):
        return []
    mobile_id = ", ".join(f"{e['code']} (trace {e.get('trace') or 'unknown'})" + (f" {e['where']}" if e.get("where") else "")
                          for e in facts.get("mobile_id_errors", [])) or "no error"
    if facts.get("mobile_id_transactions"):
        mobile_id += f"; transactions (trace ids) {', '.join(facts['mobile_id_transactions'])}"
    return [f"AADB2C codes: {', '.join(facts.get('aadb2c_codes', [])) or 'none'}",
            f"B2C correlation IDs: {', '.join(facts.get('correlation_ids', [])) or no_correlation_id(facts)}",
            f"Mobile ID: {mobile_id}"]


def asked_for(facts: dict[str, Any], settings: Any, args: dict[str, Any]) -> None:
    """The journey, policy and outcome asked for, where the run ended before it noted them itself."""
    outcome = OUTCOMES.get(str(args.get("outcome")))
    facts.setdefault("journey", args.get("journey"))
    facts.setdefault("policy", settings.policies[0])
    facts.setdefault("outcome", args.get("outcome"))
    facts.setdefault("outcome_words", outcome.words if outcome else None)


def readme(folder: Path, story: str, ids: list[str], replay: list[str], notes: list[str], *, token_sent: bool = True) -> str:
    """README.txt; ``token_sent``: B2C sent the app a token, which the app's page shows decoded (said so only then)."""
    import shlex

    files = [f"  {shown:<17} {what}" for pattern, shown, what in FILES if any(folder.glob(pattern))]
    lines = [
        "Reproduction of a reported B2C + Mobile ID sign-in", "",
        "What happened:", *(f"  {line}" for line in story.splitlines()), "", *([*ids, ""] if ids else []),
        "Replay (from a clone of the suite, with the same .env for a tenant):", f"  {shlex.join(replay)}", "",
        "Files:", *files, "  README.txt        this file",
        *(["", *notes] if notes else []),
        "", *(["In this browser the app's page (redirect URI) shows only the decoded token, so no picture shows a raw token;",
               "raw tokens, cookies, authorization codes and secrets are redacted in every file."] if token_sent else
              ["Raw tokens, cookies, authorization codes and secrets are redacted in every file."]),
    ]
    return "\n".join(lines) + "\n"


def environment_variables(keys: tuple[str, ...]) -> list[str]:
    """The variables the stack's policy keys are read from (``NAME=env:VARIABLE``), read as the stack reads them."""
    from mocks.b2c.policy_keys import PolicyKeyError, parse_policy_key  # here: the stack's module (pydantic) only for keys

    variables = []
    for key in keys:
        try:
            source = parse_policy_key(key)
        except PolicyKeyError:  # a name the stack refused at its start: the run's output says so
            continue
        if source.kind == "env":
            variables.append(source.where)
    return variables


def phone_notes(facts: dict[str, Any], settings: Any, folder: Path) -> list[str]:
    """Tenant mode: where the phone number is masked, and where a picture in the bundle ``folder`` may still show it (a
    run whose set-up failed has neither video nor trace)."""
    if settings.is_local:
        return []
    notes = ["Phone numbers are masked in every text file (+4179*****67); screenshots mask the number field and any "
             "number shown as text."]
    pictures = [name for name, present in (("the video", any(folder.glob("*.webm"))),
                                           ("the trace's frames", (folder / "trace.zip").is_file() and facts.get("trace_frames") is not False))
                if present]
    if pictures:
        many = pictures != ["the video"]  # the frames are many
        notes.append(f"{' and '.join(pictures).capitalize()} {'are pictures' if many else 'is a picture'} of the pages as they were: "
                     f"{'they show' if many else 'it shows'} the number typed into Mobile ID's page"
                     + (" and its waiting page's text" if facts.get("waiting_page_shows_number") else "")
                     + ". Look before attaching the bundle where others can see it.")
    return notes


class BundleNotWritten(Exception):
    """The run's bundle could not be zipped (its cause: an OSError, a LeakError); ``summary``: what the run did, as the
    terminal says it beside a bundle (its notes about the bundle's files left out)."""

    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


def assemble(work: Path, target: Path, *, settings: Any, replay: list[str], video: bool,
             args: dict[str, Any], environ: Mapping[str, str] | None = None, reported: Mapping[str, Any] | None = None
             ) -> tuple[Path, str]:
    """Write the zip ``target`` from ``work``; (its path, a summary for the terminal). ``environ``: the run's environment
    (.env included), whose secret-named settings are redacted; ``reported``: what the reporter's HAR showed (--from-har
    --run: its name) or URL told (--from-url --run: its address), kept in README.txt and repro.json."""
    evidence, playwright_out = work / "evidence", work / "playwright"
    facts = json.loads((evidence / "repro.json").read_text())
    asked_for(facts, settings, args)
    folder = work / "bundle"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "screenshots").mkdir(parents=True)
    har_path = evidence / "journey.har"
    har = load_har(har_path) if har_path.is_file() else None
    hint = number_forms(args.get("login_hint")) if not settings.is_local else []  # a person's number of any country
    redaction = Redaction.for_run(settings, environ, extra=[*(sorted(har_credentials(har)) if har is not None else ()), *hint])
    shown = folders_shown(SUITE_FOLDERS, Path.home())  # the paths of this machine in the trace and pytest's output
    if har is not None:
        clean_copy(har_path, folder / "journey.har", redaction)
        bundled_har = load_har(folder / "journey.har")
        facts["hops"] = hops(bundled_har)
        # The journey's own attempt, its last: a set-up's sign-in before it (the returning user's, prompt=none's session)
        # is another's, whose Mobile ID transaction the journey did not have.
        found = read_har(bundled_har, attempt=attempts_in(bundled_har)) if har_has_sign_in(bundled_har) else None
        facts["mobile_id_transactions"] = found.transactions if found else []
        if found and found.mid_error and not facts.get("mobile_id_errors"):  # an error B2C's words dropped (idp-error-swallowed)
            facts["mobile_id_errors"] = [{"code": found.mid_code or found.mid_error, "trace": found.mid_trace,
                                          "where": "in its answer to B2C (journey.har), which B2C's words did not pass on"}]
    if (evidence / "trace.zip").is_file():
        clean_copy(evidence / "trace.zip", folder / "trace.zip", redaction, paths_shown(shown))
    for shot in sorted((evidence / "screenshots").glob("*.png")):
        shutil.copyfile(shot, folder / "screenshots" / shot.name)
    # pytest-playwright's --output holds only the video: the journey keeps its own trace and screenshots (repro.cli.pytest_command).
    videos = sorted(playwright_out.rglob("*.webm")) if playwright_out.is_dir() else []
    for number, video_file in enumerate(videos, start=1):  # as README.txt names it (Playwright's own names are hashes)
        shutil.copyfile(video_file, folder / ("video.webm" if number == 1 else f"video-{number}.webm"))
    notes = []
    if not video:
        notes.append("No video: Playwright has no ffmpeg to record with (neither its own build nor a system one it can link in "
                     f"its folder; `sudo apt-get install ffmpeg`, or `{python()} -m playwright install ffmpeg` where downloads work); "
                     "the trace and screenshots show every page.")
    if facts.get("trace_frames") is False:
        notes.append("The trace has no screencast frames: a silent phone keeps Mobile ID's spinner turning for 80 s, tens of MB "
                     "of frames. Its DOM snapshots still show every page; the screenshots (and the video, if any) show them as pictures.")
    notes += phone_notes(facts, settings, folder)
    # Each value redacted before the command is quoted: redacted after, a token's "<redacted JWT>" stood unquoted, and
    # the shell read the line as redirections.
    replay = [redaction.text(argument) for argument in replay]
    if any("<redacted" in argument for argument in replay):  # JWT_PLACEHOLDER's and SECRET_PLACEHOLDER's start
        notes.append("The replay command had a value this bundle redacts (a token or a secret): it says <redacted ...> there; put "
                     "the value back before replaying.")
    if NUMBER_LEFT_OUT in replay:
        notes.append(f"The replay command's --login-hint was a phone number: it says {NUMBER_LEFT_OUT}; put the number back before replaying.")
    # A policy key read from the environment (NAME=env:VAR) is named, never its value: the replay needs the variable set.
    if from_env := environment_variables(settings.stack_policy_keys if settings.is_local else ()):
        them = "them" if len(from_env) > 1 else "it"
        notes.append(f"The replay command's E2E_STACK_POLICY_KEYS reads {' and '.join(from_env)} from the environment (its value is in "
                     f"no file of this bundle): set {them} as the run had {them} before replaying.")
    story = "\n".join([what_happened(facts), *the_wait(facts), *the_language(facts, settings), *the_stack(settings)])
    claims = facts.pop("claims", None)
    if claims is not None:
        write_text(folder / "claims.json", json.dumps(claims, indent=2), redaction)
    if isinstance(facts.get("settings"), dict):  # the journey's own copy (fixtures/repro.py)
        facts["settings"].update(described(settings))
    used = {**described(settings), "ui_locales": settings.ui_locales or "", "browser_locale": settings.browser_locale,
            **{f"repro.{k}": v for k, v in args.items() if k not in SKIPPED_ARGS and v not in (None, False)}}
    write_text(folder / "settings.json", json.dumps(used, indent=2), redaction)
    write_text(folder / "versions.json", json.dumps(facts.pop("versions", {}), indent=2), redaction)
    ids = identifiers(facts)  # before its steps go to timings.json: which of B2C's pages the journey saw
    timings = {"steps": facts.pop("steps", []), "hops": facts.pop("hops", [])}
    if timings["steps"] or timings["hops"]:  # none when the journey never ran (its set-up failed): no empty file listed
        write_text(folder / "timings.json", json.dumps(timings, indent=2), redaction)
    source = (f"the HAR {reported['har']} showed (python -m repro --from-har)" if "har" in reported else
              f"the URL {reported['url']} told (python -m repro --from-url)") if reported else ""
    reported_lines = [f"Reported: {source}:", *(f"  {line}" for line in reported["showed"])] if reported else []
    if reported:
        facts["reported"] = dict(reported)
    write_text(folder / "repro.json", json.dumps(facts, indent=2), redaction)
    if (work / "pytest-output.txt").is_file():
        write_text(folder / "pytest-output.txt", shown((work / "pytest-output.txt").read_text(errors="replace")), redaction)
    write_text(folder / "README.txt", readme(folder, story, ids, replay, [*reported_lines, *notes], token_sent=claims is not None),
               redaction)
    try:
        bundle = zip_folder(folder, target, redaction)
    except (OSError, LeakError) as error:
        raise BundleNotWritten(redaction.text("\n".join([story, *ids]))) from error
    summary = "\n".join([story, *ids, *notes])
    return bundle, redaction.text(summary)
