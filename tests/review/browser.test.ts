// The form in a real headless Chromium: keyboard-only rating, blind pairwise sides, hostile
// outputs rendered as text with nothing run, and a cross-origin form POST refused.
import { copyFileSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveReview } from "../../src/review/serve.ts";
import { createQueue } from "../../src/score/human/queue.ts";
import { addRater } from "../../src/score/human/raters.ts";
import { openStore } from "../../src/store/db.ts";
import { workspace } from "../helpers/workspace.ts";
import { scriptedModel, storedRun } from "./stored-run.ts";

const dir = workspace();
let browser: Browser;
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

/** A store with a run of `models`, one queue made by the queue library, raters, and the form served on a free port. */
async function served(
  file: string,
  n: number,
  models: Parameters<typeof storedRun>[3],
  queue: Omit<Parameters<typeof createQueue>[1], "run" | "name">,
  raters: string[],
  input?: (k: number) => string,
  reference?: (k: number) => string,
) {
  const run = await storedRun(dir, file, n, models, input, reference);
  const db = openStore(run.db);
  createQueue(db, { name: "q1", run: run.runId, ...queue });
  const tokens = raters.map((name) => addRater(db, name).token);
  db.close();
  const server = await serveReview({ db: run.db, host: "127.0.0.1", port: 0, queues: [], out: () => {}, warn: () => {} });
  servers.push(server);
  const sql = new Database(run.db, { readonly: true });
  return { url: server.url, tokens, sql };
}

async function signedInPage(url: string, token: string, height = 860): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height } })).newPage();
  page.on("dialog", () => {
    throw new Error("a dialog opened");
  });
  await page.goto(`${url}login?token=${token}`);
  return page;
}

/** Press `key` and wait for the POST-redirect-GET to land. */
async function pressAndLoad(page: Page, key: string) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

const itemId = (page: Page) => page.locator('input[name="item"]').getAttribute("value").then(Number);

const QUESTIONS = [
  "What is the boiling point of water at sea level, in degrees Celsius? Answer in one sentence.",
  "Write a Python function that returns the n-th Fibonacci number.",
  "Translate 'good morning' into Arabic and Japanese.",
  "Name the largest planet of the solar system.",
];
const REFERENCES = ["100 °C", "fib(0) = 0, fib(1) = 1, fib(10) = 55", "صباح الخير / おはようございます", "Jupiter"];
const ANSWERS = [
  "Water boils at 100 °C at sea level (standard atmospheric pressure, 101.325 kPa).",
  "def fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n# fib(10) == 55",
  "Arabic: صباح الخير\nJapanese: おはようございます",
  "Jupiter is the largest planet; Saturn is second.",
];

describe("the rating form in Chromium", () => {
  it("a rater signs in by link and rates a whole pointwise queue with the keyboard alone", async () => {
    const { url, tokens, sql } = await served(
      "keyboard.db",
      4,
      [scriptedModel("test:alpha", (k) => ANSWERS[k])],
      { ratersPerItem: 1 },
      ["ann"],
      (k) => QUESTIONS[k],
      (k) => REFERENCES[k],
    );
    const page = await signedInPage(url, tokens[0], 1040);
    expect(new URL(page.url()).pathname).toBe("/q/q1");
    // Focus starts on the form: the first point of the scale.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe("score");

    const seen: number[] = [];
    // Item 1: pick 3, tab to the comment box (letters type there), Ctrl+Enter submits.
    seen.push(await itemId(page));
    await page.keyboard.press("?");
    expect(await page.locator("#keys").isVisible()).toBe(true);
    await page.keyboard.press("?");
    expect(await page.locator("#keys").isVisible()).toBe(false);
    await page.keyboard.press("3");
    await page.keyboard.press("Tab"); // from the scale to the comment box
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("comment");
    await page.keyboard.type("correct; the comment line helps");
    expect(await page.locator('input[name="score"]:checked').getAttribute("value")).toBe("3");
    const shot = join(dir, "review-form.png");
    await page.screenshot({ path: shot });
    if (process.env.ASSAY_SCREENSHOT === "1") {
      mkdirSync(join(import.meta.dirname, "..", "..", "docs"), { recursive: true });
      copyFileSync(shot, join(import.meta.dirname, "..", "..", "docs", "review-form.png"));
    }
    await pressAndLoad(page, "Control+Enter");
    // Item 2: skipped.
    seen.push(await itemId(page));
    await pressAndLoad(page, "s");
    // Item 3: 2, Enter; then undo from item 4 brings item 3 back with 2 chosen; 4, Enter.
    seen.push(await itemId(page));
    await page.keyboard.press("2");
    await pressAndLoad(page, "Enter");
    const fourth = await itemId(page);
    await pressAndLoad(page, "u");
    expect(await itemId(page)).toBe(seen[2]);
    expect(await page.locator('input[name="score"]:checked').getAttribute("value")).toBe("2");
    await page.keyboard.press("4");
    await pressAndLoad(page, "Enter");
    // Item 4: 5, Enter.
    expect(await itemId(page)).toBe(fourth);
    seen.push(fourth);
    await page.keyboard.press("5");
    await pressAndLoad(page, "Enter");
    expect(await page.locator("h1").textContent()).toBe("Nothing left for you in q1");
    expect(new Set(seen).size).toBe(4);

    const rows = sql.prepare("SELECT item_id, kind, score, comment FROM review_ratings ORDER BY id").all();
    expect(rows).toEqual(
      [
        { item_id: seen[0], kind: "rating", score: 3, comment: "correct; the comment line helps" },
        { item_id: seen[2], kind: "rating", score: 2, comment: "" },
        { item_id: seen[2], kind: "retraction", score: null, comment: null },
        { item_id: seen[2], kind: "rating", score: 4, comment: "" },
        { item_id: seen[3], kind: "rating", score: 5, comment: "" },
      ].map((r) => expect.objectContaining(r)),
    );
    expect(sql.prepare("SELECT state FROM review_claims WHERE item_id = ?").pluck().get(seen[1])).toBe("skipped");
  });

  it("pairwise: sides are randomised per rater and item, the stored side is the one shown, and no contestant is named", async () => {
    const n = 6;
    const names = ["model-alpha", "model-beta"];
    const { url, tokens, sql } = await served(
      "pairwise.db",
      n,
      [
        scriptedModel(`test:${names[0]}`, (k) => `first contestant on ${k}`),
        scriptedModel(`test:${names[1]}`, (k) => `second contestant on ${k}`),
      ],
      { mode: "pairwise", ratersPerItem: 3 },
      ["r1", "r2", "r3"],
    );
    const shown: { rater: number; item: number; a: string; pick: string }[] = [];
    for (let r = 0; r < 3; r++) {
      const page = await signedInPage(url, tokens[r]);
      for (let i = 0; i < n; i++) {
        const html = await page.content();
        for (const name of [...names, "test:", "zero-shot", "trial"]) expect(html).not.toContain(name);
        const attributes = await page.evaluate(() =>
          [...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].map((a) => a.value)).join("\n"),
        );
        for (const name of names) expect(attributes).not.toContain(name);
        for (const cookie of await page.context().cookies()) expect(cookie.value + cookie.name).not.toMatch(/alpha|beta|trial/);
        const a = (await page.locator("#out-a + pre").textContent())!;
        const pick = ["a", "b", "t"][(r + i) % 3];
        shown.push({ rater: r, item: await itemId(page), a, pick });
        await page.keyboard.press(pick);
        await pressAndLoad(page, "Enter");
      }
      expect(await page.locator("h1").textContent()).toBe("Nothing left for you in q1");
    }
    // Both orders occur (24 = 18 choices; all one side has probability 2^-17).
    expect(new Set(shown.map((s) => s.a.split(" ")[0]))).toEqual(new Set(["first", "second"]));
    const stored = sql.prepare(
      `SELECT r.preference, r.swapped, t.output AS a FROM review_ratings r JOIN review_raters p ON p.id = r.rater_id
       JOIN trials t ON t.id = r.first_trial WHERE r.item_id = ? AND p.name = ? AND r.kind = 'rating'`,
    );
    for (const s of shown) {
      const row = stored.get(s.item, `r${s.rater + 1}`) as { preference: string; swapped: number; a: string };
      expect(row.a).toBe(s.a);
      expect(row.preference).toBe({ a: "A", b: "B", t: "tie" }[s.pick]);
      expect(row.swapped).toBe(s.a.startsWith("second") ? 1 : 0);
    }
  });

  it("renders hostile outputs and inputs as their literal text and runs nothing; the CSP blocks inline script", async () => {
    const hostile = [
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      '<a href="javascript:alert(1)">x</a>',
      "</textarea><script>alert(2)</script>",
    ];
    const { url, tokens } = await served(
      "hostile.db",
      hostile.length,
      [scriptedModel("test:alpha", (k) => hostile[k])],
      { ratersPerItem: 1 },
      ["ann"],
      (k) => hostile[k],
    );
    const page = await signedInPage(url, tokens[0]);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const refused: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/.test(m.text())) refused.push(m.text());
    });
    const seen = new Set<string>();
    for (let i = 0; i < hostile.length; i++) {
      const texts = await page.locator("pre").allTextContents();
      expect(texts[0]).toBe(texts[texts.length - 1]); // input and output: the same hostile string, as text
      seen.add(texts[0]);
      expect(await page.locator("main img, main script, main a[href^='javascript']").count()).toBe(0);
      await page.keyboard.press("1");
      await pressAndLoad(page, "Enter");
    }
    expect(seen).toEqual(new Set(hostile));
    // An inline script added to the page is refused by the CSP.
    await page.goto(`${url}q/q1`);
    const ran = await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__inline = 1";
      document.body.append(s);
      return (window as unknown as { __inline?: number }).__inline ?? null;
    });
    expect(ran).toBeNull();
    expect(refused.length).toBeGreaterThan(0);
    expect(dialogs).toEqual([]);
  });

  it("shows right-to-left text right to left, CJK as written, whitespace kept, and wraps a long line instead of widening the page", async () => {
    const texts = [
      "مرحبا بالعالم، هذه إجابة باللغة العربية",
      "日本語の答えです。中文回答。한국어 답변.",
      "    indented\n\tcode   with   runs of spaces\nend",
      `${"x".repeat(3000)} ${"long ".repeat(400)}`,
    ];
    const { url, tokens } = await served("display.db", texts.length, [scriptedModel("test:alpha", (k) => texts[k])], { ratersPerItem: 1 }, [
      "ann",
    ]);
    const page = await signedInPage(url, tokens[0]);
    const shown = new Map<string, { direction: string; scrollWidth: number; clientWidth: number; pageOverflow: boolean }>();
    for (let i = 0; i < texts.length; i++) {
      const output = page.locator("pre").last();
      const text = (await output.textContent())!;
      shown.set(
        text,
        await output.evaluate((el) => ({
          direction: getComputedStyle(el).direction,
          scrollWidth: el.scrollWidth,
          clientWidth: el.clientWidth,
          pageOverflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        })),
      );
      await page.keyboard.press("1");
      await pressAndLoad(page, "Enter");
    }
    // Every output is shown exactly as stored (whitespace included), and nothing widens the page.
    expect(new Set(shown.keys())).toEqual(new Set(texts));
    for (const view of shown.values()) {
      expect(view.scrollWidth).toBeLessThanOrEqual(view.clientWidth);
      expect(view.pageOverflow).toBe(false);
    }
    expect(shown.get(texts[0])!.direction).toBe("rtl");
    expect(shown.get(texts[1])!.direction).toBe("ltr");
    expect(shown.get(texts[2])!.direction).toBe("ltr");
  });

  it("refuses a form auto-submitted by a page of another origin (even with the right CSRF token): 403, nothing written", async () => {
    const { url, tokens, sql } = await served("csrf.db", 2, [scriptedModel("test:alpha", (k) => `out ${k}`)], { ratersPerItem: 1 }, [
      "ann",
    ]);
    const page = await signedInPage(url, tokens[0]);
    const csrf = await page.locator('#rating input[name="csrf"]').getAttribute("value");
    const item = await itemId(page);
    const evil: Server = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<form id=f method=post action="${url}q/q1/rate"><input name=csrf value="${csrf}"><input name=item value="${item}"><input name=score value=1></form><script>document.getElementById("f").submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    try {
      const answer = page.waitForResponse((r) => r.url().endsWith("/q/q1/rate"));
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      expect((await answer).status()).toBe(403);
      expect(sql.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get()).toBe(0);
      // And fetch with a foreign Origin, with the session's cookie and token.
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
      const body = new URLSearchParams({ csrf: csrf!, item: String(item), score: "1" });
      const res = await fetch(`${url}q/q1/rate`, {
        method: "POST",
        body,
        headers: { cookie, origin: "http://evil.example" },
        redirect: "manual",
      });
      expect(res.status).toBe(403);
      expect(sql.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get()).toBe(0);
      // The same request from the form's own origin is recorded.
      const own = await fetch(`${url}q/q1/rate`, {
        method: "POST",
        body,
        headers: { cookie, origin: url.slice(0, -1) },
        redirect: "manual",
      });
      expect(own.status).toBe(303);
      expect(sql.prepare("SELECT COUNT(*) FROM review_ratings").pluck().get()).toBe(1);
    } finally {
      evil.close();
    }
  });

  it("works without the script: a mouse user picks a labelled point, types a comment and submits", async () => {
    const { url, tokens, sql } = await served("nojs.db", 1, [scriptedModel("test:alpha", () => "plain")], { ratersPerItem: 1 }, ["ann"]);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${url}login?token=${tokens[0]}`);
    await page.getByLabel("Comment (optional)").fill("by mouse");
    await page.getByRole("radio", { name: /^4 4/ }).check();
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /^Submit/ }).click()]);
    expect(await page.locator("h1").textContent()).toBe("Nothing left for you in q1");
    expect(sql.prepare("SELECT score, comment FROM review_ratings").all()).toEqual([{ score: 4, comment: "by mouse" }]);
    await context.close();
  });
});
