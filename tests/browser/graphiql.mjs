// GraphiQL at /graphql in headless Chromium, with every host but the server blocked:
//   node graphiql.mjs SCENARIO '{"base": "http://127.0.0.1:PORT", ...}'
// Scenarios: "query" (a query and a live subscription through the UI), "key" (a query
// refused without a key, then run with the key typed into the headers editor; the key
// the explorer keeps fills the headers on load).
// Prints a JSON report as the last line of stdout; exits 1 on a failure.

import { join } from "node:path";
import { launch, openPage, screenshotDir } from "./driver.mjs";

const QUERY = "{ graphStats { totalNodes } }";

/** Block every request that leaves the server; the blocked URLs are reported. */
async function sameOriginOnly(page, base) {
  const origin = new URL(base).origin;
  const blocked = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || url.startsWith("blob:") || new URL(url).origin === origin) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  return blocked;
}

/** The graphql-transport-ws messages the page sends and receives. */
function socketFrames(page) {
  const frames = { sent: [], received: [] };
  page.on("websocket", (ws) => {
    ws.on("framesent", (f) => frames.sent.push(JSON.parse(f.payload)));
    ws.on("framereceived", (f) => frames.received.push(JSON.parse(f.payload)));
  });
  return frames;
}

/** The GraphiQL page, loaded: its editors are up and the schema is read. */
async function open(page, base) {
  const response = await page.goto(`${base}/graphql`);
  if (response?.status() !== 200) throw new Error(`GET /graphql answered ${response?.status()}`);
  await page.locator(".graphiql-query-editor .CodeMirror").waitFor();
  return response;
}

/** Replace an editor's text as a user would: click, select all, type (pasted as one input). */
async function typeInto(page, editor, text) {
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.insertText(text);
}

const queryEditor = (page) => page.locator(".graphiql-query-editor .CodeMirror");
const headersEditor = (page) => page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
const result = (page) => page.locator(".graphiql-response .result-window");

async function run(page, text) {
  await typeInto(page, queryEditor(page), text);
  await page.locator("button.graphiql-execute-button").click();
}

async function resultText(page, pattern) {
  await page.waitForFunction(
    ([selector, source]) => new RegExp(source).test(document.querySelector(selector)?.innerText ?? ""),
    [".graphiql-response .result-window", pattern.source],
  );
  // CodeMirror draws only the visible lines; its own value is the whole answer.
  return page.locator(".graphiql-response .CodeMirror").evaluate((el) => el.CodeMirror.getValue());
}

async function shot(page, name) {
  const file = join(screenshotDir(), `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

const scenarios = {
  async query(page, { base, brand, ingest }) {
    const blocked = await sameOriginOnly(page, base);
    const frames = socketFrames(page);
    const response = await open(page, base);
    const title = await page.title();
    const headersShown = await headersEditor(page).isVisible();

    await run(page, QUERY);
    const answer = JSON.parse(await resultText(page, /"totalNodes": \d+/));
    const shots = [await shot(page, "graphiql-query")];

    // A subscription runs over graphql-transport-ws at /graphql: a new mention appears.
    await run(page, `subscription { brandMentions(brand: "${brand}") { sentiment post { text author { handle } } } }`);
    await waitFor(() => frames.sent.some((m) => m.type === "subscribe"), "the subscribe message");
    const ingested = await fetch(`${base}/ingest/twitter`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ingest),
    });
    if (!ingested.ok) throw new Error(`ingest answered ${ingested.status}: ${await ingested.text()}`);
    const live = await resultText(page, /brandMentions/);
    shots.push(await shot(page, "graphiql-subscription"));
    return {
      status: response.status(),
      title,
      headersShown,
      answer,
      live,
      socket: { sent: frames.sent.map((m) => m.type), received: frames.received.map((m) => m.type) },
      blocked,
      shots,
    };
  },

  async key(page, { base, key, brand }) {
    const blocked = await sameOriginOnly(page, base);
    const frames = socketFrames(page);
    await open(page, base);
    await run(page, QUERY);
    const refused = await resultText(page, /API key|Unauthenticated|UNAUTHENTICATED/);
    await typeInto(page, headersEditor(page), JSON.stringify({ Authorization: `Bearer ${key}` }));
    await page.locator("button.graphiql-execute-button").click();
    const answer = JSON.parse(await resultText(page, /"totalNodes": \d+/));
    const shots = [await shot(page, "graphiql-key")];
    // The socket carries the same header, in connection_init, and the server accepts it.
    await run(page, `subscription { brandMentions(brand: "${brand}") { sentiment } }`);
    await waitFor(() => frames.received.some((m) => m.type === "connection_ack"), "connection_ack");
    const init = frames.sent.find((m) => m.type === "connection_init");
    // A key entered in the explorer (kept in sessionStorage) fills the headers on load.
    await page.evaluate((k) => sessionStorage.setItem("scrm.apiKey", k), key);
    await page.reload();
    await queryEditor(page).waitFor();
    const filled = await headersEditor(page).evaluate((el) => el.CodeMirror.getValue());
    return {
      refused,
      answer,
      socketKey: init?.payload?.Authorization === `Bearer ${key}`,
      filled: JSON.parse(filled),
      blocked,
      shots,
    };
  },
};

async function waitFor(check, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const [name, raw] = process.argv.slice(2);
const params = JSON.parse(raw ?? "{}");
const browser = await launch();
let page;
try {
  // The key scenario is refused on purpose once: the browser notes that 401 as a console error.
  page = await openPage(browser.context, { allowFailures: name === "key" });
  page.setDefaultTimeout(30000);
  const report = await scenarios[name](page, params);
  console.log(JSON.stringify({ ...report, problems: page.problems }));
} catch (error) {
  console.error(error?.stack ?? String(error));
  if (page) {
    await page.screenshot({ path: join(screenshotDir(), `failed-graphiql-${name}.png`) }).catch(() => {});
    console.error(`problems: ${JSON.stringify(page.problems)}`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
process.exit(process.exitCode ?? 0);
