// Allure 3 report for `make report` / `make e2e`: one self-contained index.html that opens from disk.
import { defineConfig } from "allure";

export default defineConfig({
  name: "Azure AD B2C + Mobile ID journeys",
  output: "./allure-report",
  plugins: {
    awesome: {
      options: { singleFile: true, reportLanguage: "en" },
    },
  },
});
