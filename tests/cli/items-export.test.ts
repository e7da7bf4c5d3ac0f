// Reading a run item by item (`show --items`) and exporting it (`export --jsonl|--csv`).
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assay } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

// `choice` is unscored on an item whose gold is not among its options: a scorer that fails
// on part of the items.
const suite = `suite: mini
tasks:
  - id: copy
    dataset: data/copy.jsonl
    prompt: "Say {{word}}"
    target: "{{word}}"
    scorers: [includes, exact-match]
  - id: pick
    items:
      - { id: ok, q: a, choices: [a, b], gold: a }
      - { id: bad, q: a, choices: [a, b], gold: z }
    prompt: "{{q}}"
    target: "{{gold}}"
    scorers: [choice]
`;
const words = [
  { word: "alpha" },
  { word: '=HYPERLINK("x")' },
  { word: 'say "hi", then\nleave' },
  { word: "\u001b[2Jclear" },
  { word: "x".repeat(2000) },
];

describe("show --items and export", () => {
  const dir = workspace({ "suites/mini.yaml": suite, "suites/data/copy.jsonl": jsonl(words) });
  const ran = assay(dir, "run", "--model", "echo");

  it("shows unscored values in the summary table", () => {
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^task\s+model\s+strategy\s+metric\s+value\s+95% CI\s+n\s+no-ans\s+unscored\s+errors$/m);
    expect(ran.stdout).toMatch(/^mini\/pick\s+echo\s+zero-shot\s+choice\s+1\.000\s+\[0\.207, 1\.000\]\s+1\s+0\s+1\s+0$/m);
  });

  it("prints each trial's prompt, output, answer and scores, terminal-safe and cut", () => {
    const r = assay(dir, "show", "1", "--items", "--task", "copy");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "mini/copy  item 1  echo  zero-shot  sample 0  done\n  prompt   Say alpha\n  output   Say alpha\n  answer   Say alpha\n  target   alpha\n  scores   includes 1  ·  exact-match 0\n",
    );
    expect(r.stdout).toContain('  prompt   Say say "hi", then\n           leave\n');
    expect(r.stdout).not.toContain("\u001b");
    expect(r.stdout).toContain("Say \\x1b[2Jclear");
    expect(r.stdout).toContain(`Say ${"x".repeat(596)} … [1404 more characters]`);
    expect(r.stdout.trimEnd().endsWith("5 matching trials")).toBe(true);
    const unscored = assay(dir, "show", "--items", "--task", "pick");
    expect(unscored.stdout).toContain('  scores   choice unscored (target "z" is not one of the 2 choices; unscored)');
  });

  it("filters by outcome, metric, model, strategy, and limits; JSON has everything", () => {
    const failed = assay(dir, "show", "1", "--items", "--failed", "--metric", "exact-match", "--json");
    expect(failed.code, failed.stderr).toBe(0);
    const out = JSON.parse(failed.stdout);
    expect(out.total).toBe(5);
    expect(out.items.map((i: { item: string }) => i.item)).toEqual(["1", "2", "3", "4", "5"]);
    expect(out.items[0]).toMatchObject({
      task: "mini/copy",
      item: "1",
      fields: { word: "alpha" },
      model: "echo",
      strategy: "zero-shot",
      sample: 0,
      status: "done",
      prompt: "Say alpha",
      output: "Say alpha",
      answer: "Say alpha",
      scores: [{ metric: "exact-match", value: 0, explanation: null }],
      generations: [{ idx: 0, output: "Say alpha", cached: 0, attempts: 1 }],
    });
    expect(out.items[4].output).toBe(`Say ${"x".repeat(2000)}`); // not cut
    const passed = JSON.parse(assay(dir, "show", "--items", "--passed", "--json").stdout);
    expect(passed.items.map((i: { task: string; item: string }) => `${i.task}:${i.item}`)).toEqual(["mini/pick:ok"]);
    const limited = assay(dir, "show", "--items", "--model", "echo", "--strategy", "zero-shot", "--limit", "2");
    expect(limited.stdout.match(/^mini\//gm)).toHaveLength(2);
    expect(limited.stdout).toContain("showing 2 of 7 matching trials (--limit N for more; --json has every field)");
  });

  it("names an unknown filter value with a suggestion, and needs --items for item flags", () => {
    const r = assay(dir, "show", "--items", "--strategy", "zero-shoot", "--metric", "exact");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --strategy: run 1 has no strategy "zero-shoot"; did you mean "zero-shot"? (it has: zero-shot)\n' +
        '--metric: run 1 has no metric "exact" (it has: includes, exact-match, choice)\n',
    );
    expect(assay(dir, "show", "--failed").stderr).toBe("error: --failed needs --items\n");
  });

  it("exports JSON lines: one record per trial with fields, prompt, output, scores", () => {
    const r = assay(dir, "export", "1", "--jsonl");
    expect(r.code, r.stderr).toBe(0);
    const records = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(7);
    expect(records[0]).toEqual({
      run: 1,
      task: "mini/copy",
      item: "1",
      fields: { word: "alpha" },
      model: "echo",
      strategy: "zero-shot",
      sample: 0,
      status: "done",
      error: null,
      system: null,
      prompt: "Say alpha",
      output: "Say alpha",
      answer: "Say alpha",
      targets: ["alpha"],
      latency_ms: 0,
      input_tokens: 2, // echo counts whitespace-separated words
      output_tokens: 2,
      cost_usd: null,
      // Inference measurements come from local models only.
      ttft_ms: null,
      prefill_tokens: null,
      draft_accepted: null,
      draft_proposed: null,
      scores: { includes: 1, "exact-match": 0 },
      explanations: {},
    });
    expect(records[6]).toMatchObject({
      task: "mini/pick",
      item: "bad",
      scores: { choice: null },
      explanations: { choice: 'target "z" is not one of the 2 choices; unscored' },
    });
  });

  it("exports CSV by RFC 4180, defusing formulas, with a column per metric and per item field", () => {
    const r = assay(dir, "export", "1", "--csv", "--out", "trials.csv");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    const text = readFileSync(join(dir, "trials.csv"), "utf8");
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(
      "run,task,item,model,strategy,sample,status,error,system,prompt,output,answer,targets,latency_ms,input_tokens,output_tokens,cost_usd,ttft_ms,prefill_tokens,draft_accepted,draft_proposed,score:includes,score:exact-match,score:choice,field:word,field:id,field:q,field:choices,field:gold",
    );
    expect(lines[1]).toBe('1,mini/copy,1,echo,zero-shot,0,done,,,Say alpha,Say alpha,Say alpha,"[""alpha""]",0,2,2,,,,,,1,0,,alpha,,,,');
    // A cell that a spreadsheet would run as a formula starts with an apostrophe; quotes double.
    expect(lines[2]).toMatch(/,"'=HYPERLINK\(""x""\)"(,|$)/);
    expect(text).toContain('"Say say ""hi"", then\nleave"');
    expect(text.endsWith("\r\n")).toBe(true);
    expect(lines.at(-2)).toBe('1,mini/pick,bad,echo,zero-shot,0,done,,,a,a,a,"[""z""]",0,1,1,,,,,,,,,,bad,a,"[""a"",""b""]",z');
    expect(existsSync(join(dir, `trials.csv.${process.pid}.partial`))).toBe(false);
  });

  it("refuses a missing run or format before writing a file", () => {
    const missing = assay(dir, "export", "9", "--csv", "--out", "none.csv");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: no run 9 in .assay/assay.db\n");
    expect(existsSync(join(dir, "none.csv"))).toBe(false);
    expect(assay(dir, "export", "1").stderr).toBe("error: export: give exactly one of --jsonl or --csv\n");
  });
});
