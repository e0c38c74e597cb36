"""Take Allure 3's analytics out of a rendered report: ``python3 scripts/offline_report.py allure-report/index.html``.

Allure 3's "awesome" report always loads Google's tag manager and reports the Allure version and the report's id to it
(its template sets ``analyticsEnable`` to true; the CLI's ALLURE_NO_ANALYTICS reaches only the Allure 2 style plugin).
A report of a tenant's journeys then calls a third party each time someone opens it. This removes the loader and the
inline script that configures it. A report that still names the tag manager (a new Allure version that writes it
differently) is refused, not shipped: its index.html is moved out of the report's folder (allure-report/index.html to
allure-report-with-analytics.html), so no CI upload carries it, and the exit status is 1 with the file named. Standard library only: ``make report`` may run before the
virtual environment exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TRACKER = "googletagmanager.com"
# The loader, and the inline script after it that defines gtag() and sends the page's data.
ANALYTICS = re.compile(r'\s*<script async src="https://www\.googletagmanager\.com/gtag/js\?id=[\w-]+"></script>'
                       r"\s*<script>(?:(?!</script>).)*?\bgtag\((?:(?!</script>).)*?</script>", re.S)


def strip_analytics(html: str) -> str:
    return ANALYTICS.sub("", html, count=1)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 scripts/offline_report.py REPORT_DIR/index.html", file=sys.stderr)
        return 2
    path = Path(argv[0])
    html = path.read_text(encoding="utf-8")
    cleaned = strip_analytics(html)
    if TRACKER in cleaned:
        kept = path.parent.with_name(f"{path.parent.name}-with-analytics{path.suffix}")  # beside the report's folder: no upload of it
        path.replace(kept)
        print(f"report: not published: {path} loads {TRACKER} (Allure's analytics, written in a way scripts/offline_report.py "
              f"does not know); moved to {kept}: update the script's pattern, then render the report again", file=sys.stderr)
        return 1
    if cleaned != html:
        path.write_text(cleaned, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
