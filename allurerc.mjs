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

export default defineConfig({
  name: "Azure AD B2C + Mobile ID journeys",
  output: "./allure-report",
  // History between runs (the trend, "new failure" / "fixed"): keep this file (CI: cache or artifact).
  historyPath: process.env.ALLURE_HISTORY_PATH || "./.allure/history.jsonl",
  historyLimit: 30,
  categories: causes.map((cause) => ({
    name: cause,
    matchers: { statuses: ["failed", "broken"], labels: { cause: `^${escape(cause)}$` } },
    groupBy: [{ label: "cause_detail" }],
    groupByMessage: false,
    expand: true,
  })),
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportLanguage: "en",
        // Failed and broken first: the passed journeys' group would otherwise head the tree (its order is the run's).
        defaultSortBy: "status,asc",
        // The first screen: the results tree grouped by cause, then by its detail, then by file.
        groupBy: ["cause", "cause_detail", "parentSuite", "suite"],
      },
    },
  },
});
