// `assay report` on a big run: N trials (echo model, exact-match) stored, then the report
// written in a fresh process (seconds, peak RSS, file size) and opened from file:// in
// headless Chromium (first contentful paint, and when the item table is ready).
// Usage: tsx bench/report.ts [N]   (internally: tsx bench/report.ts --write DB OUT)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

if (process.argv[2] === "--write") {
  const [{ openStore }, { buildReport, writeHtmlFile }] = await Promise.all([
    import("../src/store/db.ts"),
    import("../src/report/html/write-report.ts"),
  ]);
  const start = performance.now();
  const db = openStore(process.argv[3], { readonly: true });
  writeHtmlFile(process.argv[4], buildReport(db, []).html);
  db.close();
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const n = Number(process.argv[2] ?? 100_000);
  const [{ runEval }, { defineTask }, { chromium }] = await Promise.all([
    import("../src/run/run-eval.ts"),
    import("../src/suite/define-task.ts"),
    import("playwright-core"),
  ]);
  const dir = mkdtempSync(join(tmpdir(), "assay-bench-report-"));
  try {
    const db = join(dir, "bench.db");
    const task = defineTask({
      suite: "bench",
      id: "report",
      items: Array.from({ length: n }, (_, i) => ({ id: `q${i}`, a: i, b: i + 1, answer: String(2 * i + 1) })),
      prompt: "Q: What is {{a}} + {{b}}?\nA:",
      target: "{{answer}}",
      scorers: ["exact-match"],
    });
    await runEval({ tasks: [task], db, models: ["echo"], cwd: dir });
    const out = join(dir, "report.html");
    const written = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", import.meta.filename, "--write", db, out], { encoding: "utf8" }).trim(),
    ) as { seconds: number; peakRssMb: number };
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
    const page = await browser.newPage();
    const start = performance.now();
    await page.goto(pathToFileURL(out).href, { waitUntil: "commit" });
    await page.locator("table.board").first().waitFor();
    // A string, not a function: tsx would wrap a function's inner functions in its __name helper, absent in the page.
    const firstPaintMs = (await page.evaluate(`new Promise((resolve) => {
      const poll = () => { const e = performance.getEntriesByName("first-contentful-paint")[0]; e ? resolve(e.startTime) : setTimeout(poll, 10); };
      poll();
    })`)) as number;
    await page.locator("table.items tbody tr").first().waitFor({ timeout: 60_000 });
    const itemsReadyMs = performance.now() - start;
    await browser.close();
    console.log(
      `report of ${n} trials: written in ${written.seconds.toFixed(1)} s, peak RSS ${written.peakRssMb.toFixed(0)} MB, ` +
        `${(statSync(out).size / 1024 / 1024).toFixed(1)} MB; Chromium first contentful paint ${firstPaintMs.toFixed(0)} ms, ` +
        `item table ready ${itemsReadyMs.toFixed(0)} ms after navigation`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
