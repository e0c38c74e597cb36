"""Open a failing run's report at its causes: ``python3 scripts/report_landing.py allure-report/index.html``.

Allure 3's report opens at its results tree, where every group that holds a failed or broken journey is open down to
its journeys: the first cause's journeys filled the first screen and pushed the others screens down (a night of 84
journeys and two causes: the second three and a half screens down at 1440×900). Its Categories tab lists one row per
cause with its count (allurerc.mjs keeps them closed), below the report's name, which says each cause's commonest
detail (scripts/quality_gate.py --report-name). Where the report's summary.json counts a failed or broken journey,
this makes the report open there: a script at the top of its head sends an address without a fragment on to
``#categories``, Allure's own address of that tab, the first time the report opens in a browser tab (the Results tab's
address has no fragment: a reload there stays there). A link to another tab or to a journey opens as before, and a
green run's report at its tree. Styles keep the pass-rate ring beside the long name at its width (``RING_KEPT``) and an
opened Categories row's details whole (``DETAILS_WHOLE``).
Standard library only, as scripts/offline_report.py (make report may run before the virtual environment exists).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Once per report in a browser tab (sessionStorage): the Results tab's own address has no fragment, and a reload there
# stays there. location.replace: Back leaves the report rather than return to the address that lands.
LANDING = """<script>(() => {
  const key = "report-landed:" + %s;
  try { if (sessionStorage.getItem(key)) return; sessionStorage.setItem(key, "1"); } catch (error) {}
  if (!location.hash) location.replace("#categories");
})();</script>"""
# The pass-rate ring beside the name: a long name (a failing run's causes) squeezed it to a third of its width, its
# figure drawn over it.
RING_KEPT = '<style>div:has(> [data-testid="report-header"]) + div { flex-shrink: 0; }</style>'
# A cause's detail in full where its row on the Categories tab is opened: Allure keeps each group's title there to one
# line, cut at the row's edge without an ellipsis (the detail says why; its end is often the page or the
# value). The title beside its label ("cause_detail"), which stays one line: Allure's markup names neither by a test id.
DETAILS_WHOLE = """<style>
div:has(> span.ui-text-m-ui + div > div > .paragraphs-text-m-bold) > div,
div:has(> span.ui-text-m-ui + div > div > .paragraphs-text-m-bold) > div *,
span:has(> div > span.ui-text-m-ui + div > div > .paragraphs-text-m-bold) {
  white-space: normal; overflow: visible; overflow-wrap: anywhere; min-width: 0; flex-shrink: 1;
}
div:has(> span.ui-text-m-ui + div > div > .paragraphs-text-m-bold) > span.ui-text-m-ui { white-space: nowrap; flex-shrink: 0; }
</style>"""
LANDS = 'location.replace("#categories")'  # a report that has it has landed


def lands_at_causes(html: str, report_id: str) -> str:
    """``html`` with the landing script first in its head (once: a report landed again is left as it is)."""
    if LANDS in html:
        return html
    head = html.find("<head>")
    if head < 0:
        raise ValueError("its page has no <head>")
    return html[:head + len("<head>")] + LANDING % json.dumps(report_id) + RING_KEPT + DETAILS_WHOLE + html[head + len("<head>"):]


def failing(summary: object) -> bool:
    """Whether summary.json counts a failed or broken journey: those the Categories tab lists (allurerc.mjs)."""
    stats = summary.get("stats") if isinstance(summary, dict) else None
    if not isinstance(stats, dict):
        raise ValueError("it counts no journeys by status (no stats)")
    return any(int(stats.get(status) or 0) > 0 for status in ("failed", "broken"))


def report_id(summary: object, index: Path) -> str:
    """The render's own id (a report rendered again into the same folder lands again), else the page's path."""
    meta = summary.get("meta") if isinstance(summary, dict) else None
    return str(meta.get("reportId") or index.resolve()) if isinstance(meta, dict) else str(index.resolve())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 scripts/report_landing.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, metavar="REPORT_DIR/index.html", help="the index.html of a report Allure rendered")
    path = parser.parse_args(argv).index
    summary = path.with_name("summary.json")
    try:
        said = json.loads(summary.read_text(encoding="utf-8"))
        html = path.read_text(encoding="utf-8")
        if failing(said):
            path.write_text(lands_at_causes(html, report_id(said, path)), encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as error:  # the report itself is whole: it opens at its tree
        print(f"report: opens at its results tree, not its causes: {summary} or {path} is not as the Allure of package.json "
              f"writes them ({error.__class__.__name__}: {error}); see scripts/report_landing.py", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
