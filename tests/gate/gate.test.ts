// runGate on sides built in memory: direction of lower-is-better metrics, corpus metrics,
// pairing flags, and the escaping of names in JUnit and Markdown.
import { describe, expect, it } from "vitest";
import { type GateOptions, runGate } from "../../src/gate/gate.ts";
import { gateJunit, xmlEscape } from "../../src/gate/junit.ts";
import { gateMarkdown, mdCell } from "../../src/gate/markdown.ts";
import type { GateCell, GateSide } from "../../src/gate/side.ts";

const options: GateOptions = { tolerance: 0.02, alpha: 0.05, power: 0.8, iterations: 500 };
const hash = "a".repeat(64);

function cell(model: string, metric: string, values: number[], over: Partial<GateCell> = {}): GateCell {
  return {
    task: "s/t",
    model,
    strategy: "zero-shot",
    metric,
    scorer: JSON.stringify({ name: metric, args: {} }),
    corpus: false,
    values: new Map(values.map((v, i) => [String(i), v])),
    stats: new Map(),
    ...over,
  };
}
const side = (label: string, cells: GateCell[]): GateSide => ({ label, run: 1, tasks: new Map([["s/t", hash]]), items: new Map(), cells });

describe("runGate", () => {
  it("treats a rise in perplexity (a corpus metric, lower is better) as a regression", () => {
    // Per item [-log-likelihood, tokens, bytes]; the candidate's log-likelihoods are worse by 0.5 nats a token.
    const stats = (extra: number) =>
      new Map(Array.from({ length: 40 }, (_, i) => [String(i), [10 * (1 + (i % 5) * 0.1) + 10 * extra, 10, 40]]));
    const a = side("A", [cell("m", "perplexity", [], { corpus: true, stats: stats(0) })]);
    const b = side("B", [cell("m", "perplexity", [], { corpus: true, stats: stats(0.5) })]);
    const [row] = runGate(a, b, { ...options, tolerance: 0.1 });
    expect(row.lowerIsBetter).toBe(true);
    expect(row.baseline).toBeCloseTo(Math.exp(1.2), 10);
    expect(row.candidate).toBeCloseTo(Math.exp(1.7), 10);
    expect(row.verdict).toBe("regression");
    const [back] = runGate(b, a, { ...options, tolerance: 0.1 });
    expect(back.verdict).toBe("improvement");
  });

  it("pairs differently named models with --baseline-model / --candidate-model, and names unknown ones", () => {
    const pass = Array.from({ length: 400 }, (_, i) => (i % 10 ? 1 : 0));
    const a = side("run 1", [cell("old", "exact-match", pass), cell("other", "exact-match", pass)]);
    const b = side("run 2", [cell("new", "exact-match", pass)]);
    const rows = runGate(a, b, { ...options, baselineModel: "old", candidateModel: "new" });
    expect(rows.map((r) => [r.model, r.verdict, r.n])).toEqual([["old / new", "no-change", 400]]);
    expect(() => runGate(a, b, { ...options, baselineModel: "olde" })).toThrow(
      '--baseline-model: run 1 has no model "olde"; did you mean "old"?',
    );
  });

  it("refuses a cell with fewer than 2 shared items", () => {
    const a = side("A", [cell("m", "exact-match", [1])]);
    const b = side("B", [cell("m", "exact-match", [1])]);
    expect(() => runGate(a, b, options)).toThrow("s/t m zero-shot exact-match: only 1 scored item shared by A and B (at least 2 needed)");
  });
});

describe("escaping", () => {
  it("JUnit: markup characters, and characters XML cannot carry, in names", () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    expect(xmlEscape("a\u0000b\u001bc\ud800d\tok\n")).toBe("a\\u0000b\\u001bc\\ud800d\tok\n");
    expect(xmlEscape("😀")).toBe("😀");
    const pass = Array.from({ length: 50 }, (_, i) => (i % 10 ? 1 : 0));
    const rows = runGate(side("A", [cell("<m>\u0007", "exact-match", pass)]), side("B", [cell("<m>\u0007", "exact-match", pass)]), options);
    const xml = gateJunit(rows, { tolerance: 0.02, strict: false });
    expect(xml).toContain('name="&lt;m&gt;\\u0007 zero-shot exact-match"');
    expect(xml).not.toContain("\u0007");
  });

  it("Markdown: pipes, HTML and newlines in names stay inside their cell as text", () => {
    expect(mdCell("a|b <img src=x>\nc")).toBe("a\\|b \\<img src=x\\> c");
    const pass = Array.from({ length: 50 }, (_, i) => (i % 10 ? 1 : 0));
    const rows = runGate(side("A", [cell("x|y", "exact-match", pass)]), side("B", [cell("x|y", "exact-match", pass)]), options);
    const md = gateMarkdown(rows, { ...options, strict: false });
    const row = md.split("\n").find((l) => l.startsWith("| s/t"))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(12);
  });
});
