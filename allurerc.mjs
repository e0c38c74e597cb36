// Allure 3 report for `make report` / `make e2e`: one self-contained index.html that opens from disk.
//
// Causes: every failed or broken result carries the labels `cause` and `cause_detail` (fixtures/causes.py).
// Allure 3 reads categories from here (not from a categories.json in the results); one category per cause,
// grouped by the detail, so one fault that breaks 22 journeys is one line with its count.
import { defineConfig } from "allure";

// The names of fixtures/causes.py CAUSES, in its order (tests/suite checks they stay the same).
const causes = [
  "ID token contract",
  "tenant configuration",
  "Mobile ID outcome",
  "B2C error redirect",
  "B2C error page",
  "broken promise",
  "page changed",
  "infrastructure",
  "other",
];
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// A failed or broken result without a cause (a journey the suite did not classify): its own row, named as the quality
// gate's report name and the nightly's message name it (scripts/quality_gate.py UNCLASSIFIED), grouped by its message,
// rather than Allure's default "Product errors" / "Test errors", which it adds after these for what matches none.
const unclassified = "unclassified";

const name = "Azure AD B2C + Mobile ID journeys";

export default defineConfig({
  // What the quality gate finds, when it is not met or allows failures (make report and make nightly-report set REPORT_NAME_ADDS from
  // scripts/quality_gate.py --report-name): a partial night's PARTIAL, else each cause with its count and commonest
  // detail. The name is the report's first line and the browser's tab. Allure's own gate is run by `allure run` alone,
  // so its tab in the report counts none.
  name: process.env.REPORT_NAME_ADDS ? `${name}: ${process.env.REPORT_NAME_ADDS}` : name,
  output: "./allure-report",
  // History between runs (the trend, "new failure" / "fixed"): keep this file (CI: cache or artifact).
  historyPath: process.env.ALLURE_HISTORY_PATH || "./.allure/history.jsonl",
  historyLimit: 30,
  categories: causes.map((cause) => ({
    name: cause,
    matchers: { statuses: ["failed", "broken"], labels: { cause: `^${escape(cause)}$` } },
    groupBy: [{ label: "cause_detail" }],
    groupByMessage: false,
    // A report with a failure opens at the Categories tab (scripts/report_landing.py): one closed row per cause with its
    // count, so every cause is on the first screen (open, the first cause's journeys filled it), under the name.
    expand: false,
  })).concat({
    name: unclassified,
    matchers: { statuses: ["failed", "broken"] },
    groupByMessage: true,
    expand: false,
  }),
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportLanguage: "en",
        // Failed and broken first: the passed journeys' group would otherwise head the tree (its order is the run's).
        defaultSortBy: "status,asc",
        // The results tree (the first screen of a green run): grouped by cause, then by its detail, then by file.
        groupBy: ["cause", "cause_detail", "parentSuite", "suite"],
      },
    },
  },
});
