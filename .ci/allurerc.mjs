// The nightly/CI report (make nightly-report): the project's report settings (../allurerc.mjs: its name, causes and
// tree) plus a history file that CI keeps between runs, for the trend and new/fixed failures.
import base from "../allurerc.mjs";

export default {
  ...base,
  // CI restores this file before the run and saves it after (actions/cache, Azure Cache@2).
  historyPath: process.env.ALLURE_HISTORY_PATH || base.historyPath || "./.allure/history.jsonl",
};
