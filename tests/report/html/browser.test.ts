// The report in a real headless Chromium, opened from file:// with every other request
// blocked: no request attempted, the fixture's values and intervals shown, sorting, filters,
// the drill-down, and a hostile output shown as text with nothing run.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, writeHtmlFile } from "../../../src/report/html/write-report.ts";
import { openStore } from "../../../src/store/db.ts";
import { workspace } from "../../helpers/workspace.ts";
import { fixtureRun, HOSTILE } from "./fixture-run.ts";

const dir = workspace();
let browser: Browser;
let url: string;

beforeAll(async () => {
  const { db } = await fixtureRun(dir);
  const store = openStore(db, { readonly: true });
  const file = join(dir, "report.html");
  writeHtmlFile(file, buildReport(store, []).html);
  store.close();
  url = pathToFileURL(file).href;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
});
afterAll(async () => {
  await browser?.close();
});

/** The report opened offline: every request other than the file itself is counted and aborted; dialogs and CSP reports are recorded. */
async function open(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, offline: true });
  const page = await context.newPage();
  const requests: string[] = [];
  const blocked: string[] = [];
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.route("**/*", (route) => {
    if (route.request().url() === url) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(url);
  await page.locator("table.items tbody tr").first().waitFor();
  return { page, requests, blocked, dialogs, problems };
}

const boardRows = (page: Page) =>
  page
    .locator("table.leaderboard tbody tr")
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)));

async function filter(page: Page, name: string, label: string) {
  await page.locator(`select[name="${name}"]`).selectOption({ label });
}
const countText = (page: Page) => page.locator(".pager .count").textContent();

describe("the HTML report in Chromium", () => {
  it("opens from file:// with no request but the file, shows the known values and intervals, and sorts", async () => {
    const { page, requests, blocked, problems } = await open();
    expect(blocked).toEqual([]);
    expect(requests).toEqual([url]);
    expect(problems).toEqual([]);
    expect(await boardRows(page)).toEqual([
      ["good", "zero-shot", "best0.900", "[0.769, 0.960]", "40", "0", "0"],
      ["good", "terse", "≈0.850", "[0.709, 0.929]", "40", "0", "0"],
      ["poor", "zero-shot", "0.300", "[0.181, 0.454]", "40", "0", "0"],
      ["poor", "terse", "0.250", "[0.142, 0.402]", "40", "0", "0"],
    ]);
    await page.locator("table.leaderboard th", { hasText: "exact-match" }).click();
    expect((await boardRows(page)).map((r) => r[2])).toEqual(["0.250", "0.300", "≈0.850", "best0.900"]);
    await page.locator("table.leaderboard th", { hasText: "exact-match" }).click();
    expect((await boardRows(page)).map((r) => r[2])).toEqual(["best0.900", "≈0.850", "0.300", "0.250"]);
    await page.locator("table.leaderboard th", { hasText: "strategy" }).click();
    expect((await boardRows(page)).map((r) => r[1])).toEqual(["terse", "terse", "zero-shot", "zero-shot"]);
    const cells = (section: string) =>
      page
        .locator(`#${section} tbody tr`)
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)));
    expect(await cells("effects")).toEqual([
      ["html/qa", "exact-match", "good", "terse vs zero-shot", "-0.050", "[-0.165, +0.042]", "0.500", "40", "McNemar exact"],
      ["html/qa", "exact-match", "poor", "terse vs zero-shot", "-0.050", "[-0.165, +0.042]", "0.500", "40", "McNemar exact"],
    ]);
    expect((await cells("ranking")).map((r) => r.slice(1, 3))).toEqual([
      ["good · zero-shot", "1"],
      ["good · terse", "0.667"],
      ["poor · zero-shot", "0.333"],
      ["poor · terse", "0"],
    ]);
    expect((await cells("tradeoffs")).map((r) => [r[1], r[3], r[6]])).toEqual([
      ["good · zero-shot", "20", "front"],
      ["good · terse", "20", ""],
      ["poor · zero-shot", "5", "front"],
      ["poor · terse", "5", ""],
    ]);
    expect(await page.locator("#tradeoffs svg.scatter circle").count()).toBe(4);
    await page.context().close();
  });

  it("filters, pages, searches and drills down; a hostile output is text and nothing in it runs", async () => {
    const { page, dialogs, problems, blocked } = await open();
    expect(await countText(page)).toBe("items 1–50 of 160 (page 1 of 4)");
    await page.getByRole("button", { name: "next ›" }).click();
    expect(await countText(page)).toBe("items 51–100 of 160 (page 2 of 4)");
    await filter(page, "model", "poor");
    await filter(page, "strategy", "terse");
    await filter(page, "outcome", "below 1 or error");
    expect(await countText(page)).toBe("items 1–30 of 30 (page 1 of 1)");
    await page.locator('input[name="search"]').fill("onerror");
    await expect.poll(() => countText(page)).toBe("items 1–1 of 1 (page 1 of 1)");
    const row = page.locator("table.items tbody tr.trial");
    expect(await row.locator("td").allTextContents()).toEqual(["1", "html/qa", "i39", "poor", "terse", "0", HOSTILE, "exact-match 0"]);
    await row.click();
    const detail = page.locator("table.items tr.detail");
    expect(await detail.locator("h4").allTextContents()).toEqual(["prompt", "output", "extracted answer", "target", "score: exact-match"]);
    expect(await detail.locator("pre").allTextContents()).toEqual(["question 39", HOSTILE, HOSTILE, "answer 39", "0"]);
    // Shown as text: no element came from the output, no dialog opened, no request was made.
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(2);
    await page.waitForTimeout(200); // an onerror would fire on the next tick; give it one
    expect(dialogs).toEqual([]);
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
    await row.click();
    expect(await detail.count()).toBe(0);
    await page.context().close();
  });

  it("fits a phone's width: wide tables scroll inside their box, the page never scrolls sideways", async () => {
    const { page } = await open({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const table = page.locator("table").first();
    expect(await table.evaluate((t) => t.scrollWidth > t.clientWidth)).toBe(true);
  });

  it("shows only the items where two strategies disagree", async () => {
    const { page } = await open();
    await page.locator('input[name="disagree"]').check();
    // good: i34, i35 right with zero-shot only; poor: i10, i11. Two strategies each: 8 trials.
    expect(await countText(page)).toBe("items 1–8 of 8 (page 1 of 1)");
    const items = await page
      .locator("table.items tbody tr.trial")
      .evaluateAll((trs) => trs.map((tr) => `${tr.children[2].textContent}/${tr.children[3].textContent}/${tr.children[4].textContent}`));
    expect(items.sort()).toEqual([
      "i10/poor/terse",
      "i10/poor/zero-shot",
      "i11/poor/terse",
      "i11/poor/zero-shot",
      "i34/good/terse",
      "i34/good/zero-shot",
      "i35/good/terse",
      "i35/good/zero-shot",
    ]);
    if (process.env.ASSAY_SCREENSHOT === "1") {
      // The whole page, its item table narrowed to the 8 disagreeing trials, one of them opened.
      await page.locator("table.items tbody tr.trial").nth(1).click();
      await page.screenshot({ path: join(import.meta.dirname, "..", "..", "..", "docs", "report.png"), fullPage: true });
    }
    await page.context().close();
  });
});
