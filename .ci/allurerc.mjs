// The nightly/CI report (make nightly-report): the project's report settings (../allurerc.mjs)
// plus a history file that CI keeps between runs, for the trend and new/fixed failures.
import base from "../allurerc.mjs";

export default {
  ...base,
  // A night with part of its results missing (a shard lost, the run stopped) says so in the report's name, its first
  // line and the browser's tab, and a whole night the quality gate fails says why there: make nightly-report sets
  // REPORT_NAME_ADDS from scripts/quality_gate.py --report-name. Allure's own gate is run by `allure run` alone, so its
  // tab in the report counts none.
  name: process.env.REPORT_NAME_ADDS ? `${base.name}: ${process.env.REPORT_NAME_ADDS}` : base.name,
  // The night's report opens at its Categories tab (scripts/report_landing.py): one row per cause with its count, closed,
  // so every cause is on the first screen (open, the first cause's journeys filled it), below the name that says each
  // cause's commonest detail.
  categories: base.categories.map((category) => ({ ...category, expand: false })),
  // CI restores this file before the run and saves it after (actions/cache, Azure Cache@2).
  historyPath: process.env.ALLURE_HISTORY_PATH || base.historyPath || "./.allure/history.jsonl",
};
