"""Assemble the bundle from what the repro run left: evidence (fixtures/repro.py) and pytest-playwright's artifacts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from fixtures.redaction import redact_text, secret_values
from repro.bundle import clean_copy, har_credentials, load_har, write_text, zip_folder
from repro.har import har_has_sign_in, hops, read_har

SKIPPED_ARGS = {"out", "from_har", "run"}


def what_happened(facts: dict[str, Any]) -> str:
    redirect = facts.get("redirect") or {}
    error_page = facts.get("b2c_error_page")
    if error_page:
        end = f"B2C showed its error page: {error_page.get('detail')} (correlation ID {error_page.get('correlation_id')})."
    elif redirect.get("error"):
        end = f"B2C sent the app {redirect['error']}: {(redirect.get('error_description') or '').strip()}"
    elif facts.get("claims"):
        end = "B2C sent the app an ID token" + (" that passed every check." if facts.get("claims_verified") else ".")
    else:
        end = "B2C sent the app nothing."
    verdict = "as the suite expects" if facts.get("result") == "passed" else f"NOT as the suite expects: {facts.get('failure')}"
    return f"{facts.get('journey')} through {facts.get('policy')}, phone outcome {facts.get('outcome')} ({facts.get('outcome_words')}).\n" \
           f"{end}\nThis is {verdict}"


def assemble(work: Path, target: Path, *, settings, replay: list[str], video: bool,
             args: dict[str, Any]) -> tuple[Path, str]:
    """Write the zip ``target`` from ``work``; (its path, a summary for the terminal)."""
    import shlex

    evidence, playwright_out = work / "evidence", work / "playwright"
    facts = json.loads((evidence / "repro.json").read_text())
    folder = work / "bundle"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "screenshots").mkdir(parents=True)
    secrets = [*secret_values(), settings.control_token, settings.approval_webhook]
    har_path = evidence / "journey.har"
    if har_path.is_file():
        secrets += sorted(har_credentials(load_har(har_path)))
        clean_copy(har_path, folder / "journey.har", secrets)
        bundled_har = load_har(folder / "journey.har")
        facts["hops"] = hops(bundled_har)
        facts["mobile_id_transactions"] = read_har(bundled_har).transactions if har_has_sign_in(bundled_har) else []
    for shot in sorted((evidence / "screenshots").glob("*.png")):
        shutil.copyfile(shot, folder / "screenshots" / shot.name)
    notes = []
    for artifact in sorted(playwright_out.rglob("*")) if playwright_out.is_dir() else []:
        if artifact.suffix == ".zip":
            clean_copy(artifact, folder / artifact.name, secrets)
        elif artifact.suffix == ".webm":
            shutil.copyfile(artifact, folder / artifact.name)
        elif artifact.suffix == ".png":
            shutil.copyfile(artifact, folder / "screenshots" / artifact.name)
    if not video:
        notes.append("No video: Playwright's ffmpeg is not installed with the system Chromium (python -m playwright install ffmpeg "
                     "where downloads work); the trace and screenshots show every page.")
    story = what_happened(facts)
    claims = facts.pop("claims", None)
    if claims is not None:
        write_text(folder / "claims.json", json.dumps(claims, indent=2), secrets)
    used = {**settings.describe(), "ui_locales": settings.ui_locales or "", "browser_locale": settings.browser_locale,
            **{f"repro.{k}": v for k, v in args.items() if k not in SKIPPED_ARGS and v not in (None, False)}}
    write_text(folder / "settings.json", json.dumps(used, indent=2), secrets)
    write_text(folder / "versions.json", json.dumps(facts.pop("versions", {}), indent=2), secrets)
    write_text(folder / "timings.json", json.dumps({"steps": facts.pop("steps", []), "hops": facts.pop("hops", [])}, indent=2), secrets)
    write_text(folder / "repro.json", json.dumps(facts, indent=2), secrets)
    if (work / "pytest-output.txt").is_file():
        write_text(folder / "pytest-output.txt", (work / "pytest-output.txt").read_text(errors="replace"), secrets)
    ids = [f"AADB2C codes: {', '.join(facts.get('aadb2c_codes', [])) or 'none'}",
           f"B2C correlation IDs: {', '.join(facts.get('correlation_ids', [])) or 'none'}",
           "Mobile ID: " + (", ".join(f"{e['code']} (trace {e['trace']})" for e in facts.get("mobile_id_errors", []))
                            or "no error") + (f"; transactions (trace ids) {', '.join(facts['mobile_id_transactions'])}"
                                              if facts.get("mobile_id_transactions") else "")]
    readme = [
        "Reproduction of a reported B2C + Mobile ID sign-in", "",
        "What happened:", *(f"  {line}" for line in story.splitlines()), "", *ids, "",
        "Replay (from a clone of the suite, with the same .env for a tenant):", f"  {shlex.join(replay)}", "",
        "Files:",
        "  trace*.zip        Playwright trace: every page, DOM snapshot and request (python -m playwright show-trace trace.zip)",
        "  journey.har       the browser's HTTP traffic (cookies, codes and tokens redacted)",
        "  screenshots/      every page the browser showed, in order",
        "  claims.json       the ID token's decoded claims (only when B2C sent one)",
        "  repro.json        what the journey saw: pages, B2C's answer, codes, correlation IDs, Mobile ID trace ids",
        "  timings.json      time of each step and each HTTP hop",
        "  settings.json     the settings used (no secrets); versions.json: Python, Playwright, browser",
        "  pytest-output.txt the run's terminal output",
        *(["", *notes] if notes else []),
        "", "The app's page (redirect URI) was left blank in this browser so no picture shows a raw token;",
        "raw tokens, cookies, authorization codes and secrets are redacted in every file.",
    ]
    write_text(folder / "README.txt", "\n".join(readme) + "\n", secrets)
    bundle = zip_folder(folder, target, secrets)
    summary = "\n".join([story, *ids, *notes])
    return bundle, redact_text(summary, secrets)
