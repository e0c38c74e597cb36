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

import argparse
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
    parser = argparse.ArgumentParser(prog="python3 scripts/offline_report.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, metavar="REPORT_DIR/index.html", help="the index.html of a report Allure rendered")
    path = parser.parse_args(argv).index
    try:
        html = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"report: {path} cannot be read ({error}): give the index.html of a report `make report` rendered", file=sys.stderr)
        return 2
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
