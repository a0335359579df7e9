// Runs one browser scenario: node run.mjs NAME '{"base": "http://127.0.0.1:PORT", ...}'.
// Prints the scenario's report as the last line of stdout (JSON); exits 1 on a failure.

import * as scenarios from "./scenarios.mjs";
import { launch, openPage } from "./driver.mjs";

const [name, raw] = process.argv.slice(2);
const params = JSON.parse(raw ?? "{}");
const scenario = scenarios[name];
if (!scenario) {
  console.error(`no scenario ${name}; there are: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}

const browser = await launch();
let page;
try {
  page = await openPage(browser.context, { allowFailures: Boolean(params.allowFailures) });
  page.setDefaultTimeout(params.timeout ?? 45000);
  const report = await scenario(page, params);
  console.log(JSON.stringify({ ...report, problems: page.problems }));
} catch (error) {
  console.error(error?.stack ?? String(error));
  if (page) {
    const shot = `${process.env.SCRM_SCREENSHOTS ?? "."}/failed-${name}.png`;
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.error(`url at failure: ${page.url()}; screenshot: ${shot}; problems: ${JSON.stringify(page.problems)}`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
// Scenarios that wait on stdin would keep node alive: end here, report written.
process.exit(process.exitCode ?? 0);
