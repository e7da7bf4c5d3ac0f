// The pages as pure functions: every string of the item escaped, nothing but the ShownItem
// and the rubric rendered, the form usable without the script.
import { describe, expect, it } from "vitest";
import { escapeHtml, html } from "../../src/review/html.ts";
import { donePage, itemPage, loginPage, progressText } from "../../src/review/pages.ts";
import type { QueueInfo, ShownItem } from "../../src/score/human/types.ts";

const queue = (mode: "pointwise" | "pairwise"): QueueInfo => ({
  id: 1,
  name: "q<1>",
  run: 1,
  mode,
  ratersPerItem: 3,
  reservationMs: 600_000,
  rubric: {
    name: "helpfulness",
    title: "Helpfulness & <care>",
    guidelines: "Rate it.\nLine two <b>",
    points:
      mode === "pointwise" ? [1, 2, 3].map((s) => ({ key: String(s), score: s, label: `label ${s} <i>`, description: `d${s} "q"` })) : [],
  },
  items: 10,
  gold: 0,
  createdAt: "2025-01-01",
});

const hostile = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  "</textarea><script>alert(2)</script>",
];

const item = (outputs: string[], extra: Partial<ShownItem> = {}): ShownItem => ({
  queue: "q<1>",
  itemId: 42,
  task: "task <t>",
  input: hostile.join("\n"),
  reference: "ref & co",
  outputs,
  progress: { rated: 12, queueDone: 340, queueTotal: 450 },
  expiresAt: 0,
  ...extra,
});

// What a browser would show as text: tags stripped, entities decoded (the escaper's five).
const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

describe("html", () => {
  it("escapes the five characters and keeps built HTML", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p>${inner}${[1, "<", null, false, undefined]}</p>`.value).toBe("<p><b>&lt;i&gt;</b>1&lt;</p>");
  });
});

describe("item page", () => {
  it("renders every hostile string as text: no tag, attribute or script from the item survives", () => {
    const page = itemPage(queue("pointwise"), item([hostile.join("")], { previous: { score: 2, comment: hostile[3] } }), "tok");
    for (const s of hostile) expect(page).not.toContain(s);
    expect(page).not.toMatch(/<script>|<img|<a href="javascript/); // as text, "onerror=" is harmless
    // The only tags are the page's own: one script element, the served file.
    expect(page.match(/<script\b[^>]*>/g)).toEqual(['<script src="/assets/form.js" defer>']);
    const pres = [...page.matchAll(/<pre dir="auto" lang="">([^<]*)<\/pre>/g)].map((m) => decode(m[1]));
    expect(pres).toEqual([hostile.join("\n"), "ref & co", hostile.join("")]);
    expect(decode(page.match(/<textarea[^>]*>([^<]*)<\/textarea>/)![1])).toBe(hostile[3]);
    expect(page).not.toContain('style="');
  });

  it("shows the task, the rubric's points as labelled radios with their keys, and the progress", () => {
    const page = itemPage(queue("pointwise"), item(["out"]), "tok");
    expect(page).toContain("task &lt;t&gt;");
    expect(page).toContain("Helpfulness &amp; &lt;care&gt;");
    expect(page).toContain("Rate it.\nLine two &lt;b&gt;");
    expect(page).toContain(progressText({ rated: 12, queueDone: 340, queueTotal: 450 }));
    expect(page).toContain("12 rated by you · 340 of 450 ratings in this queue");
    const radios = [...page.matchAll(/<input type="radio" name="score" value="(\d)" data-key="(\d)" required( autofocus)?>/g)];
    expect(radios.map((r) => [r[1], r[2], Boolean(r[3])])).toEqual([
      ["1", "1", true],
      ["2", "2", false],
      ["3", "3", false],
    ]);
    expect(page).toContain('<input type="hidden" name="csrf" value="tok">');
    expect(page).toContain('<input type="hidden" name="item" value="42">');
    expect(page).toContain('action="/q/q%3C1%3E/rate"');
    expect(page).toContain('formaction="/q/q%3C1%3E/skip" formnovalidate');
    expect(page).not.toContain("helpfulness"); // the rubric's name may be a judge's: not shown
  });

  it("starts from the retracted rating after an undo", () => {
    const page = itemPage(queue("pointwise"), item(["out"], { previous: { score: 3, comment: "was <3>" } }), "tok");
    expect(page).toContain('value="3" data-key="3" required autofocus checked>');
    expect(page).toContain(">was &lt;3&gt;</textarea>");
  });

  it("pairwise: two outputs side by side as A and B, and a/b/t choices", () => {
    const page = itemPage(queue("pairwise"), item(["first", "second"], { previous: { preference: "B", comment: "" } }), "tok");
    expect(page).toMatch(
      /<h3 id="out-a">A<\/h3><pre dir="auto" lang="">first<\/pre>.*<h3 id="out-b">B<\/h3><pre dir="auto" lang="">second<\/pre>/s,
    );
    expect([...page.matchAll(/name="preference" value="(\w+)" data-key="(\w)"/g)].map((m) => m[1] + m[2])).toEqual(["Aa", "Bb", "tiet"]);
    expect(page).toContain('value="B" data-key="b" required autofocus checked>');
  });
});

describe("other pages", () => {
  it("the sign-in page posts the token to /login; its error is escaped", () => {
    const page = loginPage("bad <token>");
    expect(page).toContain('<form method="post" action="/login">');
    expect(page).toContain('<input id="token" name="token" type="password"');
    expect(page).toContain("bad &lt;token&gt;");
  });

  it("the done page says so, with the progress and a notice", () => {
    const page = donePage(queue("pointwise"), "tok", { rated: 3, queueDone: 9, queueTotal: 30 }, "taken");
    expect(page).toContain("Nothing left for you in q&lt;1&gt;");
    expect(page).toContain("3 rated by you · 9 of 30 ratings in this queue");
    expect(page).toContain("your rating was not recorded");
  });
});
