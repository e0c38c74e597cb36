"""Tell a chat channel what the nightly found, by cause: one short message.

    python scripts/notify.py RESULTS_DIR [--title T] [--link URL]

Reads ``RESULTS_DIR/*-result.json`` (each journey once, by its final attempt), groups
failed, broken and unknown journeys (as the quality gate counts them) by their Allure label ``cause`` and, within a cause, by
``cause_detail`` (journeys without the labels: cause "unclassified", detail the first
line of the failure message). Prints the message, then posts it to every webhook set:
``SLACK_WEBHOOK_URL`` (Slack incoming webhook, ``{"text": ...}``) and
``TEAMS_WEBHOOK_URL`` (Teams Workflows webhook, an Adaptive Card). A night a shard left partial (cut short at its time
limit) names the journeys without a result, after the causes. The title says where the journeys ran (tenant or
local stack), as the results' ``environment.properties`` says. Without either it
only prints (Azure Pipelines passes an undefined variable as the text ``$(NAME)``: unset). Webhook URLs are secrets: never printed. Exit 0 even when journeys
failed (the quality gate decides the run); 1 when a post fails.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.causes import ALSO_WRONG_LABEL, CAUSE_LABEL  # noqa: E402
from fixtures.redaction import redact_text, secret_values  # noqa: E402
from fixtures.run_page import add_to_run_page  # noqa: E402
from mocks.common.hosts import is_loopback  # noqa: E402
from scripts.merge_results import Journey, counted, journeys, skip_reasons, without_result  # noqa: E402
from scripts.quality_gate import UNCLASSIFIED, detail_of, in_causes_order, says_partial, short, target_of  # noqa: E402  (as the report's name says them)
from scripts.quality_gate import UNSUCCESSFUL as FAILING  # noqa: E402  (counted as the quality gate counts them)

WEBHOOKS = {"SLACK_WEBHOOK_URL": "slack", "TEAMS_WEBHOOK_URL": "teams"}
MAX_DETAILS = 3  # per cause: a chat message, not a report


def _only_policy(policies: set[str | None], run_policies: set[str], times: int) -> str:
    """", all on B2C_1A_x" when every journey a detail broke ran through one policy of several the run had: the reader
    sees at once that the others did not break."""
    if len(run_policies) > 1 and len(policies) == 1 and (policy := next(iter(policies))):
        return f", all on {policy}" if times > 1 else f", on {policy}"
    return ""


def _outside(count: int) -> str:
    return f"{counted(count, 'failure')} outside any journey"


def summarize(results: Path, title: str, link: str | None = None) -> str:
    if words := target_of(results):
        title = f"{title} ({words})"
    found = journeys(results)
    failing = [journey for journey in found.values() if journey.status in FAILING]
    flaky = sum(1 for journey in found.values() if journey.flaky)
    by_cause: dict[str, Counter[str]] = defaultdict(Counter)
    outside_by_cause: Counter[str] = Counter()
    policies_of: dict[str, set[str | None]] = defaultdict(set)  # detail -> the policies its journeys ran through
    also_of: dict[str, Counter[str]] = defaultdict(Counter)  # detail -> what else its journeys found wrong (a token's claims)
    for journey in failing:
        by_cause[journey.label(CAUSE_LABEL) or UNCLASSIFIED][detail_of(journey)] += 1
        policies_of[detail_of(journey)].add(journey.policy)
        also_of[detail_of(journey)].update(short(also) for also in dict.fromkeys(journey.labels(ALSO_WRONG_LABEL)))
        outside_by_cause[journey.label(CAUSE_LABEL) or UNCLASSIFIED] += 1 if journey.outside else 0
    passed = sum(1 for journey in found.values() if journey.status == "passed")
    run_policies = {journey.policy for journey in found.values() if journey.policy}
    outside = sum(outside_by_cause.values())  # a preflight row, a lost shard, a collection error: not journeys run
    total = len(found) - outside
    skipped = len(found) - passed - len(failing)  # a skipped journey proved nothing: never counted as passed
    if not found:
        lines = [f"{title}: no journey results in {results.name}/ (the run broke before its journeys, or their results "
                 "were not merged: see the run's log)"]
    elif outside and not passed and len(failing) == outside:  # none ran: a failed preflight, every shard lost
        lines = [f"{title}: no journey ran; {_outside(outside)}, {len(by_cause)} cause(s)"]
    elif not failing and not passed:
        lines = [f"{title}: no journey ran: all {len(found)} skipped", *skipped_lines(found)]
    elif not failing:
        lines = [f"{title}: all {counted(len(found), 'journey')} passed" if not skipped else f"{title}: {counted(passed, 'journey')} passed, {skipped} skipped"]
        lines += skipped_lines(found)
    elif len(failing) == outside:  # the journeys that ran passed; something around them broke
        ran = f"{counted(passed, 'journey')} passed" + (f", {skipped} skipped" if skipped else "")
        lines = [f"{title}: {ran}; {_outside(outside)}, {len(by_cause)} cause(s)"]
    else:
        also = f" and {_outside(outside)}" if outside else ""
        # As the report counts them: failed (a finding) apart from broken (not judged: the machine, the network) and
        # unknown (a worker that crashed)
        statuses = Counter(journey.status for journey in failing if not journey.outside)
        how = ", ".join(f"{statuses[status]} {status}" for status in ("failed", "broken", "unknown") if statuses[status])
        lines = [f"{title}: {how} of {counted(total, 'journey')}{also}, {len(by_cause)} cause(s)"]
    if (passed or len(failing) > outside) and any(says_partial(key) for key in found):  # some ran; the counts are not the night's
        lines[0] = lines[0].replace(f"{title}: ", f"{title}: PARTIAL, not every journey has a result; ", 1)
    for cause, details in sorted(by_cause.items(), key=lambda item: (-sum(item[1].values()), *in_causes_order(item[0]))):
        count, around = sum(details.values()), outside_by_cause[cause]
        lines.append(f"- {cause}: " + ", ".join(part for part in (counted(count - around, 'journey') if count > around else "",
                                                                     _outside(around) if around else "") if part))
        # The commonest first; ties in the order of their words, numbers by value (a night's shards in their order, shard 2
        # before shard 10), not the result files'.
        for detail, times in sorted(details.items(), key=lambda item: (-item[1], _natural(item[0])))[:MAX_DETAILS]:
            lines.append(f"    {detail} ({times}{_only_policy(policies_of[detail], run_policies, times)})")
            # A second fault under the first (tokens also expired under a wrong aud): said, or the night hides it.
            lines.extend(f"      also {also} (in {count} of them)" for also, count in also_of[detail].most_common())
        if len(details) > MAX_DETAILS:
            lines.append(f"    and {len(details) - MAX_DETAILS} more")
    if failing:  # after the causes: what broke first, then what did not run
        lines += unfinished_lines(found)
        lines += skipped_lines(found)
    if flaky:
        lines.append(f"{counted(flaky, 'journey')} passed after an infrastructure retry (flaky)")
    if link:
        lines.append(f"Report: {link}")
    secrets = secret_values()  # blanked out of anything posted (the webhooks' URLs included)
    return redact_text("\n".join(lines), secrets)


def _natural(words: str) -> list[tuple[int, str]]:
    """``words`` as a sort key that reads its numbers as numbers."""
    return [(int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", words)]


def unfinished_lines(found: dict[str, Journey]) -> list[str]:
    """The journeys the shards collected but gave no result for (scripts/merge_results.py ``record_unfinished``): the
    night is partial, and these are what it lacks."""
    without = [nodeid for journey in found.values() for nodeid in without_result(journey)]
    if not without:
        return []
    lines = [f"- no result, the night is partial: {counted(len(without), 'journey')}", *(f"    {short(nodeid)}" for nodeid in without[:MAX_DETAILS])]
    if len(without) > MAX_DETAILS:
        lines.append(f"    and {len(without) - MAX_DETAILS} more (see the report)")
    return lines


def skipped_lines(found: dict[str, Journey]) -> list[str]:
    """Why journeys skipped, each reason with how many, whatever else happened: a journey that skipped proved nothing."""
    reasons = skip_reasons(found)
    lines = [f"- skipped: {short(reason)} ({times})" for reason, times in reasons.most_common(MAX_DETAILS)]
    if len(reasons) > MAX_DETAILS:
        lines.append(f"    and {len(reasons) - MAX_DETAILS} more reasons (see the report)")
    return lines


def slack_text(text: str) -> str:
    """``text`` as Slack's mrkdwn reads it literally: its control characters escaped (a failure's "<!channel>" would
    notify a whole channel, and "<redacted>" read as a link)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def payload(kind: str, text: str) -> dict[str, Any]:
    if kind == "slack":
        return {"text": slack_text(text)}
    # Teams "Post to a channel when a webhook request is received" (Workflows) takes an Adaptive Card.
    title, _, body = text.partition("\n")
    blocks = [{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True}]
    blocks += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "None"} for line in body.splitlines()]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4", "body": blocks}
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}


RANDOM_LOOKING = 16  # characters: no word of a webhook's URL is this long (workflows, triggers, api-version's date)

def webhook_secrets(url: str) -> list[str]:
    """What of a webhook's URL lets anyone post to it: the URL, its path, and each part of its path or query that looks
    made at random (Slack's /services/T…/B…/SECRET, Teams Workflows' workflow id and sig=…): the words around them
    (workflows, triggers, api-version=2016-06-01) stay, so a refusal that quotes them still reads."""
    parts = urlsplit(url)
    pieces = [*parts.path.split("/"), *(value for _, value in parse_qsl(parts.query))]
    return [url, parts.path, *(piece for piece in pieces if looks_random(piece))]


def looks_random(piece: str) -> bool:
    """A key or signature rather than a word: long, with digits or capitals among its letters."""
    return len(piece) >= RANDOM_LOOKING and any(c.isalpha() for c in piece) and any(c.isdigit() or c.isupper() for c in piece)


POST_DEADLINE_S = 30.0  # the whole post: httpx's timeout bounds each read, and a webhook answering a byte at a time never ends


def post(url: str, kind: str, text: str) -> str | None:
    """Posts within ``POST_DEADLINE_S``; returns what went wrong (without the URL) or None. A post still going at the
    deadline is left to its thread (a daemon: the script's end ends it), so the nightly goes on to its gate."""
    said: list[str | None] = []
    posting = threading.Thread(target=lambda: said.append(_post(url, kind, text)), daemon=True)
    posting.start()
    posting.join(POST_DEADLINE_S)
    return said[0] if said else f"{kind} webhook did not finish answering within {POST_DEADLINE_S:g} s"


def _post(url: str, kind: str, text: str) -> str | None:
    """Posts; returns what went wrong (without the URL, a secret, even where the webhook's answer echoes it) or None."""
    try:
        answer = httpx.post(url, json=payload(kind, text), timeout=15)
    except (httpx.HTTPError, httpx.InvalidURL) as error:  # InvalidURL: a port that is no number, said as the URL's fault
        return f"{kind} webhook unreachable: {type(error).__name__}"
    if answer.status_code >= 300:
        return f"{kind} webhook answered {answer.status_code}: {redact_text(answer.text, webhook_secrets(url))[:200]}"
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, help="Allure results folder (merged shards)")
    parser.add_argument("--title", default="B2C + Mobile ID journeys")
    parser.add_argument("--link", help="where the report or the run is (printed in the message)")
    args = parser.parse_args(argv)
    text = summarize(args.results, args.title, args.link)
    print(text)
    add_to_run_page(args.title, text)  # GitHub's run page: the night by cause, beside "exit code 1"
    failures = []
    for setting, kind in WEBHOOKS.items():
        url = os.environ.get(setting, "").strip()
        if not url or url == f"$({setting})":
            continue
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # a bracket without its pair ("Invalid IPv6 URL"): a traceback, the URL's parts in it
            failures.append(f"{setting} is not a URL (a '[' or ']' without its pair)")
            continue
        # Plain http only to this machine (a test's listener): not to http://localhost.example.com, whose name starts alike.
        if not (parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host))):
            failures.append(f"{setting} must be an https:// URL")
            continue
        problem = post(url, kind, text)
        if problem:
            failures.append(problem)
        else:
            print(f"notify: posted to the {kind} webhook ({setting})")
    for problem in failures:
        print(f"notify: {problem}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
