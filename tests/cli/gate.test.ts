// `assay gate` and `assay baseline export` as a user runs them: replayed runs with known
// outcomes (regression, improvement, no change, underpowered), exit codes, JUnit, Markdown,
// $GITHUB_STEP_SUMMARY and the baseline file's round trip.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assayEntry } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

/** Run assay with $GITHUB_STEP_SUMMARY unset (or set to `summary`), whatever CI the tests run in. */
function assay(cwd: string, args: string[], summary?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.GITHUB_STEP_SUMMARY;
  if (summary) env.GITHUB_STEP_SUMMARY = summary;
  const r = spawnSync(process.execPath, [...assayEntry, ...args], { cwd, encoding: "utf8", env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const suite = (scorers: string) => `suite: mini
tasks:
  - id: copy
    dataset: data/copy.jsonl
    prompt: "Say {{word}}"
    target: "{{word}}"
    scorers: [${scorers}]
`;
const N = 200;
/** Replayed outputs: item i is answered right unless `wrong(i)`. */
const replay = (wrong: (i: number) => boolean) =>
  jsonl(Array.from({ length: N }, (_, i) => ({ task: "copy", item: String(i), output: wrong(i) ? "nope" : `w${i}` })));

const ws = workspace({
  "suites/mini.yaml": suite("exact-match, chrf"),
  "suites/data/copy.jsonl": jsonl(Array.from({ length: N }, (_, i) => ({ id: String(i), word: `w${i}` }))),
  "good.jsonl": replay((i) => i % 10 === 0), // 90% right
  "worse.jsonl": replay((i) => i % 3 === 0), // 66.5% right
  "same.jsonl": replay((i) => i % 10 === 0),
});
const gateJson = (...args: string[]) => assay(ws, ["gate", ...args, "--json"]);

beforeAll(() => {
  for (const model of ["good", "worse", "same"]) expect(assay(ws, ["run", "--model", `replay:${model}.jsonl`]).code).toBe(0);
}, 120_000);

describe("assay gate on replayed runs", () => {
  it("flags a regression (exit 1) with the JSON rows' exact keys", () => {
    const r = gateJson("--baseline", "1", "--candidate", "2");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["rows"]);
    expect(out.rows.map((row: { metric: string; verdict: string }) => [row.metric, row.verdict])).toEqual([
      ["exact-match", "regression"],
      ["chrf", "regression"],
    ]);
    const em = out.rows[0];
    expect(Object.keys(em)).toEqual([
      "task",
      "model",
      "strategy",
      "metric",
      "baseline",
      "candidate",
      "diff",
      "ci",
      "p",
      "mde",
      "n",
      "verdict",
    ]);
    expect(em).toMatchObject({ task: "mini/copy", model: "replay:good.jsonl / replay:worse.jsonl", strategy: "zero-shot", n: N });
    expect(em.baseline).toBeCloseTo(0.9, 10);
    expect(em.candidate).toBeCloseTo(0.665, 10);
    expect(em.diff).toBeCloseTo(-0.235, 10);
    expect(em.ci[1]).toBeLessThan(-0.02);
    expect(em.p).toBeLessThan(0.001);
  });

  it("calls the reverse an improvement (exit 0) and identical outputs no-change", () => {
    const up = gateJson("--baseline", "2", "--candidate", "1");
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout).rows.map((row: { verdict: string }) => row.verdict)).toEqual(["improvement", "improvement"]);
    const same = gateJson("--baseline", "1", "--candidate", "3");
    expect(same.code).toBe(0);
    const rows = JSON.parse(same.stdout).rows;
    expect(rows.map((row: { verdict: string }) => row.verdict)).toEqual(["no-change", "no-change"]);
    expect(rows[0].diff).toBe(0);
    expect(rows[0].ci[0]).toBeGreaterThanOrEqual(-0.02);
  });

  it("calls a check too small for the tolerance underpowered, says how many items it needs, and fails it only with --strict", () => {
    const r = assay(ws, ["gate", "--baseline", "1", "--candidate", "3", "--tolerance", "0.005"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /exact-match: underpowered: .* with 200 items the smallest detectable change is 0\.039 > 0\.005; about \d+ paired items would detect 0\.005/,
    );
    const needed = Number(/about (\d+) paired items/.exec(r.stdout)![1]);
    // Connor's formula with no discordant pair (psi = d) solved for n: (z_.975 + z_.8 sqrt(1 - d))^2 / d
    // = (1.959964 + 0.841621 sqrt(0.995))^2 / 0.005 = 1567.4 (python3), so 1568 items.
    expect(needed).toBe(1568);
    expect(r.stdout).toMatch(/^gate: pass: 1 underpowered, 1 no-change$/m);
    const strict = assay(ws, ["gate", "--baseline", "1", "--candidate", "3", "--tolerance", "0.005", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^gate: FAIL: 1 underpowered, 1 no-change \(--strict\)$/m);
  });

  it("writes JUnit that validates against the schema CI reporters read, with a failure per regression", () => {
    const junit = join(ws, "gate.xml");
    expect(assay(ws, ["gate", "--baseline", "1", "--candidate", "2", "--junit", junit]).code).toBe(1);
    const xml = readFileSync(junit, "utf8");
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain('tests="2" failures="2" errors="0" skipped="0"');
    expect(xml).toContain("p &lt;0.001");
    const fixtures = join(import.meta.dirname, "..", "gate", "fixtures");
    const check = spawnSync("/usr/bin/python3", [join(fixtures, "validate-junit.py"), join(fixtures, "junit.xsd"), junit], {
      encoding: "utf8",
    });
    expect(check.stdout.trim(), check.stderr).toBe("ok");
    const skipped = join(ws, "skipped.xml");
    assay(ws, ["gate", "--baseline", "1", "--candidate", "3", "--tolerance", "0.005", "--junit", skipped]);
    expect(readFileSync(skipped, "utf8")).toContain('tests="2" failures="0" errors="0" skipped="1"');
    const again = spawnSync("/usr/bin/python3", [join(fixtures, "validate-junit.py"), join(fixtures, "junit.xsd"), skipped], {
      encoding: "utf8",
    });
    expect(again.stdout.trim(), again.stderr).toBe("ok");
  });

  it("writes the Markdown table and appends it to $GITHUB_STEP_SUMMARY", () => {
    const md = join(ws, "gate.md");
    const summary = join(ws, "summary.md");
    writeFileSync(summary, "earlier step\n");
    expect(assay(ws, ["gate", "--baseline", "1", "--candidate", "2", "--markdown", md], summary).code).toBe(1);
    const text = readFileSync(md, "utf8");
    expect(text).toContain("### assay gate: ❌ fail");
    expect(text).toContain("| task | model | strategy | metric | baseline | candidate | B - A | CI | p | MDE | n | verdict |");
    expect(text).toMatch(
      /^\| mini\/copy \| replay:good\.jsonl \/ replay:worse\.jsonl \| zero-shot \| exact-match \| 0\.900 \| 0\.665 \| -0\.235 \| .* \| ❌ regression \|$/m,
    );
    expect(readFileSync(summary, "utf8")).toBe(`earlier step\n${text}\n`);
  });

  it("exports a deterministic baseline file that gates exactly as the run does", () => {
    const file = join(ws, "base.jsonl");
    expect(assay(ws, ["baseline", "export", "1", "--out", file]).code).toBe(0);
    const first = readFileSync(file, "utf8");
    expect(assay(ws, ["baseline", "export", "1", "--out", file]).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(first);
    expect(first.split("\n")[0]).toMatch(/^\{"assay_baseline":1,"run":1,"tasks":\{"mini\/copy":"[0-9a-f]{64}"\}\}$/);
    const fromRun = gateJson("--baseline", "1", "--candidate", "2");
    const fromFile = gateJson("--baseline", file, "--candidate", "2");
    expect(fromFile.code).toBe(1);
    // The model names come from the file, as stored; everything else is identical.
    expect(fromFile.stdout).toBe(fromRun.stdout);
  });
});

describe("assay gate: user errors (exit 2, nothing written)", () => {
  it("refuses sides that share nothing, and a bad tolerance", () => {
    const other = workspace({
      "suites/other.yaml": suite("exact-match").replace("suite: mini", "suite: other"),
      "suites/data/copy.jsonl": jsonl([
        { id: "0", word: "w0" },
        { id: "1", word: "w1" },
      ]),
    });
    expect(assay(other, ["run", "--model", "echo"]).code).toBe(0);
    const base = join(ws, "base-other.jsonl");
    expect(assay(other, ["baseline", "export", "1", "--out", base]).code).toBe(0);
    const junit = join(ws, "never.xml");
    const r = assay(ws, ["gate", "--baseline", base, "--candidate", "1", "--junit", junit]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("share no task, model, strategy and metric to compare");
    expect(r.stderr).not.toContain("    at ");
    expect(existsSync(junit)).toBe(false);
    const bad = assay(ws, ["gate", "--baseline", "1", "--candidate", "2", "--tolerance", "-1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tolerance takes a number above 0, got "-1"');
  });

  it("names the task whose definition differs, and the metric missing on one side", () => {
    const changed = workspace({
      "suites/mini.yaml": suite("exact-match"),
      "suites/data/copy.jsonl": readFileSync(join(ws, "suites/data/copy.jsonl"), "utf8"),
      "good.jsonl": readFileSync(join(ws, "good.jsonl"), "utf8"),
    });
    expect(assay(changed, ["run", "--model", "replay:good.jsonl"]).code).toBe(0);
    const file = join(changed, "changed.jsonl");
    expect(assay(changed, ["baseline", "export", "1", "--out", file]).code).toBe(0);
    const r = assay(ws, ["gate", "--baseline", "1", "--candidate", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /task mini\/copy: its definition differs between run 1 \(sha256 [0-9a-f]{12}\) and .*changed\.jsonl \(run 1\)/,
    );
    expect(r.stderr).toContain("metric chrf is in run 1 but not in");
  });

  it("names the items whose data changed under the same key", () => {
    const edited = workspace({
      "suites/mini.yaml": suite("exact-match, chrf"),
      "suites/data/copy.jsonl": jsonl(Array.from({ length: N }, (_, i) => ({ id: String(i), word: i === 5 ? "changed" : `w${i}` }))),
      "good.jsonl": readFileSync(join(ws, "good.jsonl"), "utf8"),
    });
    expect(assay(edited, ["run", "--model", "replay:good.jsonl"]).code).toBe(0);
    const file = join(edited, "edited.jsonl");
    expect(assay(edited, ["baseline", "export", "1", "--out", file]).code).toBe(0);
    const r = assay(ws, ["gate", "--baseline", file, "--candidate", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /task mini\/copy: 1 shared item \("5"\) differ in their data between .*edited\.jsonl \(run 1\) and run 1; gate runs of the same dataset/,
    );
  });

  it("reports a broken baseline file with file:line and field", () => {
    const file = join(ws, "broken.jsonl");
    const lines = readFileSync(join(ws, "base.jsonl"), "utf8").split("\n");
    lines[2] = '{"item":"0","value":"high"}';
    lines[3] = "not json";
    writeFileSync(file, lines.join("\n"));
    const r = assay(ws, ["gate", "--baseline", file, "--candidate", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3 value: `);
    expect(r.stderr).toContain(`${file}:4: not JSON`);
  });
});
