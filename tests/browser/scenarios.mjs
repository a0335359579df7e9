// Browser scenarios over the explorer; each returns facts for the Python test to check.

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { shoot } from "./driver.mjs";

const VIEWS = ["influencers", "communities", "paths", "customer", "listening"];
const stdin = createInterface({ input: process.stdin });
const lines = stdin[Symbol.asyncIterator]();

/** Tell the test a step is reached and wait until it has acted. */
async function step(name) {
  console.log(JSON.stringify({ step: name }));
  await lines.next();
}

/** Wait until nothing on the page is loading. */
async function settled(page, timeout = 60000) {
  await page.waitForFunction(
    () => document.querySelectorAll(".loading, [aria-busy='true']").length === 0,
    null,
    { timeout },
  );
}

const text = async (locator) => ((await locator.textContent()) ?? "").trim();
const personRows = (page) => page.locator("table.leaderboard tbody tr:has(a.person)");
const go = (page, hash) => page.evaluate((h) => (location.hash = h), hash);
/** Each view's address, about ``customerId`` where a view needs a person (listening: a brand). */
const viewHash = (view, customerId) =>
  ({
    customer: `#/customer/${encodeURIComponent(customerId)}`,
    paths: `#/paths?target=${encodeURIComponent(customerId)}`,
    listening: "#/listening?brand=lumora",
  })[view] ?? `#/${view}`;

export async function influencers(page, { base, brand }) {
  const shots = [];
  await page.goto(`${base}/#/influencers`);
  const rows = personRows(page);
  await rows.first().waitFor();
  await settled(page);
  const first = { rows: await rows.count(), pager: await text(page.locator("tr.pager span").first()) };
  const advocates = await page.locator(".side.positive li").count();
  const detractors = await page.locator(".side.negative li").count();
  shots.push(...(await shoot(page, "influencers")));

  await rows.first().getByRole("button", { name: /Why\?/ }).click();
  const breakdown = await text(page.locator(".breakdown").first());
  shots.push(...(await shoot(page, "influencers-breakdown", { phone: false })));

  await page.getByRole("button", { name: /Show 25 more/ }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.leaderboard a.person").length > 25);
  await settled(page);
  const afterMore = await rows.count();

  await page.getByLabel("Brand").selectOption(brand);
  await page.waitForURL(/brand=/);
  await rows.first().waitFor();
  await settled(page);
  const byBrand = { rows: await rows.count(), pager: await text(page.locator("tr.pager span").first()) };
  const brandAdvocates = await page.locator(".side.positive li").count();

  await page.getByLabel("Rank").selectOption("CUSTOMER");
  await page.waitForURL(/level=CUSTOMER/);
  await rows.first().waitFor();
  await settled(page);
  const customerLinks = await rows.locator("a.person").evaluateAll((links) => links.map((a) => a.getAttribute("href")));

  const link = rows.first().locator("a.person");
  const clicked = await text(link);
  await link.click();
  await page.waitForURL(/#\/(customer|account)\//);
  await page.locator(".person-head h2").waitFor();
  const opened = { url: page.url(), heading: await text(page.locator(".person-head h2")) };
  return { first, advocates, detractors, breakdown, afterMore, byBrand, brandAdvocates, customerLinks, clicked, opened, shots };
}

export async function csv(page, { base, brand }) {
  await page.goto(`${base}/#/influencers?brand=${brand}`);
  await personRows(page).first().waitFor();
  await settled(page);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const content = readFileSync(await download.path(), "utf-8");
  const status = await text(page.locator(".export .note"));
  return { filename: download.suggestedFilename(), content, status };
}

export async function communities(page, { base, search, searchId, channel }) {
  const shots = [];
  await page.goto(`${base}/#/communities`);
  await page.locator(".map canvas").first().waitFor();
  await page.locator(".cluster-button").first().waitFor();
  await settled(page);
  const clusters = await page.locator(".cluster-button").count();
  const summary = await text(page.locator("p.summary"));
  const note = await text(page.locator(".map-note"));
  shots.push(...(await shoot(page, "communities")));

  await page.locator(".cluster-button").first().click();
  await page.waitForURL(/cluster=/);
  const panel = page.locator(".cluster-panel");
  await panel.waitFor();
  const cluster = {
    title: await text(panel.locator("h2")),
    facts: await text(panel.locator("dl")),
    leaders: await panel.locator(".leaders li").count(),
    hashtags: await panel.locator("ul.tags li").count(),
    channels: await panel.locator(".channel-mix li").count(),
  };
  shots.push(...(await shoot(page, "communities-cluster", { phone: false })));

  await page.getByLabel("Find on the map").fill(search);
  const match = page.locator(".matches button").first();
  await match.waitFor();
  await match.click();
  await page.waitForTimeout(800); // the camera flies to the node
  const selected = new URL(page.url().replace("#/", "")).searchParams.get("cluster");
  shots.push(...(await shoot(page, "communities-search", { phone: false })));
  const at = await page.evaluate((id) => window.scrmMap?.viewportOf(id) ?? null, searchId);
  const box = await page.locator(".map").boundingBox();
  await page.mouse.click(box.x + at.x, box.y + at.y);
  await page.waitForURL(/#\/(customer|account)\//);
  await page.locator(".person-head h2").waitFor();
  const opened = { url: page.url(), heading: await text(page.locator(".person-head h2")) };

  await page.goto(`${base}/#/communities?channel=${channel}`);
  await page.locator(".map canvas").first().waitFor();
  await settled(page);
  const channelNote = await text(page.locator(".map-note"));
  return { clusters, summary, note, cluster, selected, opened, channelNote, shots };
}

export async function paths(page, { base, name }) {
  await page.goto(`${base}/#/paths`);
  const input = page.getByRole("combobox", { name: "Target customer" });
  await input.pressSequentially(name, { delay: 20 });
  await page.getByRole("option").filter({ hasText: name }).first().waitFor();
  const options = await page.locator("[role=listbox] [role=option]").count();
  await input.press("Enter");
  await page.waitForURL(/target=/);
  await page.locator(".path-card").first().waitFor();
  await settled(page);
  const cards = page.locator(".path-card");
  const found = [];
  for (let i = 0; i < (await cards.count()); i++) {
    const card = cards.nth(i);
    found.push({
      head: await text(card.locator(".path-head")),
      chips: await card.locator(".chip").count(),
      arrows: await card.locator(".arrow").count(),
    });
  }
  await cards.first().locator("details.evidence summary").click();
  const evidenceRows = await cards.first().locator("details.evidence tbody tr").count();
  const heading = await text(page.locator(".paths h2"));
  const shots = await shoot(page, "paths");
  return { options, paths: found, evidenceRows, heading, url: page.url(), shots };
}

export async function customer(page, { base, id }) {
  await page.goto(`${base}/#/customer/${encodeURIComponent(id)}`);
  await page.locator(".c360").waitFor();
  await page.locator(".timeline .event").first().waitFor();
  await settled(page);
  const accountRows = page.locator(".card.wide").first().locator("tbody tr");
  const before = await accountRows.count();
  const facts = {
    name: await text(page.locator(".person-head h2")),
    stage: await text(page.locator(".stages li.current")),
    events: await page.locator(".timeline .event").count(),
    eventKinds: await page.locator(".timeline .event .what").evaluateAll((els) => els.map((e) => e.textContent)),
    communities: await text(page.locator(".card", { hasText: "Communities" }).first()),
  };
  const shots = await shoot(page, "customer");

  await page.getByLabel("Show").selectOption("orders");
  await settled(page);
  const orderEvents = await page.locator(".timeline .event").count();

  await accountRows.last().getByRole("button", { name: /^Unlink/ }).click();
  await page.getByRole("button", { name: "Confirm unlink" }).click();
  await page.getByText(/^Unlinked /).waitFor();
  await page.waitForFunction(
    (n) => document.querySelector(".card.wide")?.querySelectorAll("tbody tr").length < n,
    before,
  );
  const after = await accountRows.count();
  const status = await text(page.getByText(/^Unlinked /));
  shots.push(...(await shoot(page, "customer-unlinked", { phone: false })));
  return { ...facts, orderEvents, before, after, status, shots };
}

export async function listening(page, { base, brand }) {
  await page.goto(`${base}/#/listening?brand=${brand}`);
  await page.locator(".chart svg rect").first().waitFor();
  await page.locator(".live-status.live").waitFor();
  await settled(page);
  const facts = {
    bars: await page.locator(".chart svg g").count(),
    negatives: await page.locator(".main-column ul.mentions li").count(),
    negativeTitle: await text(page.locator(".main-column h2")),
    chartLabel: await page.locator(".chart svg").getAttribute("aria-label"),
  };
  const shots = await shoot(page, "listening");
  await step("ingest");
  await page.locator(".live ul.mentions li").first().waitFor({ timeout: 30000 });
  const live = await text(page.locator(".live ul.mentions li").first());
  shots.push(...(await shoot(page, "listening-live", { phone: false })));
  return { ...facts, live, shots };
}

export async function keys(page, { base, key, customerId }) {
  await page.goto(`${base}/#/influencers`);
  const prompt = page.locator(".key-prompt");
  await prompt.waitFor();
  const messages = {};
  for (const view of VIEWS) {
    await go(page, viewHash(view, customerId));
    await page.locator("main .error").first().waitFor();
    messages[view] = await text(page.locator("main .error").first());
  }
  const shots = await shoot(page, "api-key-prompt");
  const promptText = await text(prompt);

  await page.locator("input[name=api-key]").fill("scrm_not_a_real_key");
  await page.locator("input[name=api-key]").press("Enter");
  await page.locator(".key-prompt h2", { hasText: "refused" }).waitFor();
  const refused = await text(page.locator(".key-prompt"));
  shots.push(...(await shoot(page, "api-key-refused", { phone: false })));

  await page.locator("input[name=api-key]").fill(key);
  await page.getByRole("button", { name: "Use this key" }).click();
  await prompt.waitFor({ state: "detached" });
  const loaded = {};
  await go(page, "#/influencers");
  await personRows(page).first().waitFor();
  loaded.influencers = await personRows(page).count();
  await go(page, "#/communities");
  await page.locator(".cluster-button").first().waitFor();
  loaded.communities = await page.locator(".cluster-button").count();
  await go(page, `#/customer/${encodeURIComponent(customerId)}`);
  await page.locator(".c360").waitFor();
  await settled(page);
  loaded.unlinkButtons = await page.getByRole("button", { name: /^Unlink/ }).count();
  await go(page, "#/listening");
  await page.locator(".live-status.live").waitFor();
  loaded.live = true;
  const stored = await page.evaluate(() => sessionStorage.getItem("scrm.apiKey"));
  await page.reload();
  await page.locator(".live-status.live").waitFor();
  const promptAfterReload = await prompt.count();
  return { messages, promptText, refused, loaded, stored, promptAfterReload, shots };
}

export async function outage(page, { base, customerId }) {
  await page.goto(`${base}/#/listening`);
  await page.locator(".chart svg rect").first().waitFor();
  await settled(page);
  await step("stop the server");
  const messages = {};
  const shots = [];
  for (const view of VIEWS) {
    await go(page, viewHash(view, customerId));
    const error = page.locator("main .error").first();
    await error.waitFor();
    messages[view] = await text(error);
    if (view === "influencers" || view === "listening") shots.push(...(await shoot(page, `api-down-${view}`, { phone: false })));
  }
  const liveWhileDown = await text(page.locator(".live-status"));
  await step("start the server");
  const started = Date.now();
  // Still on Listening: it recovers by itself (queries retry, the subscription reconnects).
  await page.locator(".chart svg rect").first().waitFor({ timeout: 60000 });
  await page.locator(".live-status.live").waitFor({ timeout: 60000 });
  const recoveredAfterMs = Date.now() - started;
  const recovered = {};
  await go(page, "#/influencers");
  await personRows(page).first().waitFor();
  recovered.influencers = await personRows(page).count();
  await go(page, "#/communities");
  await page.locator(".cluster-button").first().waitFor();
  recovered.communities = await page.locator(".cluster-button").count();
  await go(page, `#/customer/${encodeURIComponent(customerId)}`);
  await page.locator(".c360").waitFor();
  recovered.customer = await text(page.locator(".person-head h2"));
  const errorsLeft = await page.locator("main .error").count();
  return { messages, liveWhileDown, recoveredAfterMs, recovered, errorsLeft, shots };
}

export async function mapFrames(page, { base, channel }) {
  await page.goto(`${base}/#/communities?channel=${channel}`);
  await page.locator(".map canvas").first().waitFor({ timeout: 120000 });
  await settled(page, 120000);
  const note = await text(page.locator(".map-note"));
  await page.waitForTimeout(500);
  const box = await page.locator(".map").boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    window.__measuring = true;
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__measuring) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const started = Date.now();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  // Drag for three seconds, however many moves that allows on this machine.
  for (let i = 1; Date.now() - started < 3000; i++) {
    await page.mouse.move(cx + 220 * Math.sin(i / 12), cy + 140 * Math.sin(i / 17));
  }
  await page.mouse.up();
  for (let i = 0; i < 4; i++) {
    await page.mouse.wheel(0, i < 2 ? -240 : 240);
    await page.waitForTimeout(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const frames = await page.evaluate(() => {
    window.__measuring = false;
    return window.__frames.slice(2);
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length);
  const shots = await shoot(page, "communities-5000", { phone: false });
  return {
    note,
    seconds,
    frames: frames.length,
    meanMs: mean,
    p50Ms: pick(0.5),
    p95Ms: pick(0.95),
    maxMs: sorted.at(-1) ?? 0,
    fps: 1000 / mean,
    shots,
  };
}
