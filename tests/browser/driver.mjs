// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core from web/.
// Pages collect console errors and failed requests, so a scenario can report them.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../web/package.json", import.meta.url));
const { chromium } = require("playwright-core");

export const LAPTOP = { width: 1366, height: 860 };
export const PHONE = { width: 390, height: 844 };

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // WebGL without a GPU: the map draws through SwiftShader.
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
];

/** Launch Chromium with a fresh profile; returns { browser, close }. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "scrm-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    viewport: LAPTOP,
    acceptDownloads: true,
    locale: "en-US",
    timezoneId: "UTC",
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page that records console errors, page errors and failed requests in ``page.problems``. */
export async function openPage(context, { allowFailures = false } = {}) {
  const page = await context.newPage();
  page.problems = [];
  // With allowFailures (the API down or refusing on purpose), the browser's own notes
  // on failed requests are expected; any other console error still counts.
  const expected = /Failed to load resource|WebSocket connection/;
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (allowFailures && expected.test(message.text())) return;
    page.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => page.problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "";
    // ERR_ABORTED: a view left before its answer came (the query is cancelled on purpose).
    if (!allowFailures && !reason.includes("ERR_ABORTED")) page.problems.push(`request failed: ${request.url()} ${reason}`);
  });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && !url.protocol.startsWith("data") && !url.protocol.startsWith("blob")) {
      page.problems.push(`network beyond the server: ${request.url()}`);
    }
  });
  return page;
}

export function screenshotDir() {
  const dir = process.env.SCRM_SCREENSHOTS ?? new URL("../artifacts/screenshots/", import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Screenshots at laptop and phone width: NAME-laptop.png, NAME-phone.png. */
export async function shoot(page, name, { phone = true } = {}) {
  const dir = screenshotDir();
  const files = [];
  const size = page.viewportSize();
  await page.setViewportSize(LAPTOP);
  await page.waitForTimeout(150);
  files.push(join(dir, `${name}-laptop.png`));
  await page.screenshot({ path: files.at(-1), fullPage: true });
  if (phone) {
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(300);
    files.push(join(dir, `${name}-phone.png`));
    await page.screenshot({ path: files.at(-1), fullPage: true });
  }
  await page.setViewportSize(size ?? LAPTOP);
  return files;
}
