// Every metric scorer validates its arguments strictly: an unknown field (a typo such as
// `lowercse`), a wrong type or an out-of-range value is an OptionsError with the field's path.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OptionsError } from "../../../src/parse-options.ts";
import { scorerFactories } from "../../../src/score/scorers.ts";
import type { ScoreInput } from "../../../src/score/types.ts";
import { jsonl, workspace } from "../../helpers/workspace.ts";
import { assayEntry } from "../../helpers/cli.ts";

/** The OptionsError a factory throws for `args` (fails the test when it throws nothing else). */
function optionsError(name: string, args: Record<string, unknown>): OptionsError {
  try {
    scorerFactories[name](args);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error(`scorer ${name} accepted ${JSON.stringify(args)}`);
}

const METRIC_SCORERS = [
  "bleu",
  "chrf",
  "f1",
  "rouge",
  "rouge1",
  "rouge2",
  "rougeL",
  "rougeLsum",
  "edit-distance",
  "choice",
  "json",
  "perplexity",
];

describe("metric scorers reject unknown options", () => {
  for (const name of METRIC_SCORERS) {
    it(`${name}: an unknown field names the field`, () => {
      const e = optionsError(name, { no_such_option: true });
      expect(e.issues).toEqual([expect.objectContaining({ path: ["no_such_option"] })]);
      expect(e.message).toMatch(new RegExp(`^scorer ${name}: no_such_option: unknown option`));
    });
  }

  it("a typo gets a did-you-mean and the known names", () => {
    const e = optionsError("bleu", { lowercse: true });
    expect(e.issues[0].path).toEqual(["lowercse"]);
    expect(e.issues[0].message).toMatch(/did you mean "lowercase"\?/);
    expect(e.issues[0].message).toMatch(/known: tokenize, smooth, smooth_value, lowercase, effective_order, max_ngram_order/);
    expect(optionsError("chrf", { word_ordr: 2 }).issues[0].message).toMatch(/did you mean "word_order"/);
    expect(optionsError("edit-distance", { lowercas: true }).issues[0].message).toMatch(/did you mean "lowercase"/);
  });

  it("camelCase spellings are not accepted (one spelling: the reference's snake_case)", () => {
    expect(optionsError("bleu", { smoothValue: 0.5, smooth: "floor" }).issues[0].message).toMatch(/did you mean "smooth_value"/);
    expect(optionsError("bleu", { maxNgramOrder: 2 }).issues[0].message).toMatch(/did you mean "max_ngram_order"/);
    expect(optionsError("chrf", { charOrder: 4 }).issues[0].message).toMatch(/did you mean "char_order"/);
    expect(optionsError("rougeL", { stem: true }).issues[0].message).toMatch(/use "use_stemmer"/);
    expect(optionsError("rouge2", { split_summaries: true }).issues[0].message).toMatch(/separate sentences with newlines/);
  });

  it("every bad field is reported at once, each with its path", () => {
    const e = optionsError("bleu", { tokenize: "13b", max_ngram_order: 0, effective_order: "yes" });
    expect(e.issues.map((i) => i.path[0]).sort()).toEqual(["effective_order", "max_ngram_order", "tokenize"]);
  });
});

describe("metric scorers reject bad values", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["bleu", { smooth: "expo" }, "smooth"],
    ["bleu", { max_ngram_order: 2.5 }, "max_ngram_order"],
    ["bleu", { max_ngram_order: 101 }, "max_ngram_order"],
    ["bleu", { smooth: "exp", smooth_value: 0.2 }, "smooth_value"],
    ["bleu", { smooth: "floor", smooth_value: -1 }, "smooth_value"],
    ["chrf", { char_order: -1 }, "char_order"],
    ["chrf", { beta: "2" }, "beta"],
    ["rouge", { type: "rougeX" }, "type"],
    ["rougeLsum", { use_stemmer: "yes" }, "use_stemmer"],
    ["edit-distance", { strip: 1 }, "strip"],
    ["choice", { metric: "accuracy" }, "metric"],
    ["choice", { norm: "bytes" }, "norm"],
    ["json", { schema: [1, 2] }, "schema"],
    ["json", { strip_fences: "no" }, "strip_fences"],
    ["perplexity", { unit: "nats" }, "unit"],
  ];
  for (const [name, args, field] of cases) {
    it(`${name} ${JSON.stringify(args)}`, () => {
      expect(optionsError(name, args).issues.map((i) => i.path)).toEqual([[field]]);
    });
  }
});

describe("documented options are accepted and used", () => {
  const input = (answer: string, targets: string[]): ScoreInput => ({ answer, output: answer, targets, item: {} });
  const value = (name: string, args: Record<string, unknown>, answer: string, targets: string[]) =>
    (scorerFactories[name](args).score(input(answer, targets)) as { value: number | null }).value;

  it("bleu: lowercase and max_ngram_order change the score", () => {
    expect(value("bleu", {}, "The cat sat", ["the cat sat"])).toBeLessThan(1);
    expect(value("bleu", { lowercase: true }, "The cat sat", ["the cat sat"])).toBeCloseTo(1, 12);
    // Unigram precision 4/4, bigram 2/3, brevity penalty exp(1 - 5/4): BLEU-2 (the sentence has no 4-gram match).
    expect(value("bleu", { max_ngram_order: 2 }, "a cat on mat", ["a cat sat on mat"])).toBeCloseTo(
      Math.exp(1 - 5 / 4) * Math.sqrt(2 / 3),
      12,
    );
    expect(value("bleu", {}, "a cat on mat", ["a cat sat on mat"])).not.toBeCloseTo(Math.exp(1 - 5 / 4) * Math.sqrt(2 / 3), 3);
  });
  it("rouge: use_stemmer and type", () => {
    expect(value("rouge1", { use_stemmer: true }, "cats running", ["cat runs"])).toBe(1);
    expect(value("rouge1", {}, "cats running", ["cat runs"])).toBe(0);
    expect(value("rouge", { type: "rouge2" }, "a b c", ["a b d"])).toBe(0.5);
  });
  it("edit-distance, choice, json and perplexity accept their options", () => {
    expect(value("edit-distance", { lowercase: true, strip: false }, "ABC", ["abc"])).toBe(1);
    expect(scorerFactories.choice({ metric: "acc_norm", norm: "bytes" }).name).toBe("acc_norm");
    expect(value("json", { schema: { type: "object" }, strip_fences: false }, "{}", [])).toBe(1);
    expect(scorerFactories.perplexity({ unit: "byte" }).name).toBe("perplexity");
    expect(value("f1", {}, "a b", ["a b"])).toBe(1);
  });
});

describe("a suite with a misspelt scorer option", () => {
  it("is refused by `assay run` (exit 2, the option named, nothing written)", () => {
    const suite = `suite: mini\ntasks:\n  - id: t\n    dataset: data/t.jsonl\n    prompt: "{{w}}"\n    target: "{{w}}"\n    scorers:\n      - {name: bleu, lowercse: true}\n`;
    const dir = workspace({ "suites/mini.yaml": suite, "suites/data/t.jsonl": jsonl([{ w: "a" }]) });
    const r = spawnSync(process.execPath, [...assayEntry, "run", "--model", "echo"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/suites\/mini\.yaml:\d+ tasks\[0\]\.scorers\[0\].*lowercse: unknown option; did you mean "lowercase"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, ".assay"))).toBe(false);
  });
});
