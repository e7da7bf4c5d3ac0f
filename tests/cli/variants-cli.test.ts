// `assay run --reference` and `assay show --reference` on two real tiny GGUF models through
// llama.cpp: one file under two config names (threads 1 and 2: output-preserving) and a file
// with other weights (output-approximating), in a real process.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTinyGguf } from "../fixtures/gguf-writer.ts";
import { assay } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const suite = `suite: mini
tasks:
  - id: say
    dataset: data/say.jsonl
    prompt: "Say {{w}}:"
    target: "{{w}}"
    scorers: [edit-distance, exact-match]
    generation: { max_tokens: 6 }
`;

const config = `reference: two
models:
  one: { provider: local, path: a.gguf, threads: 1 }
  two: { provider: local, path: a.gguf, threads: 2 }
  other: { provider: local, path: b.gguf, threads: 1 }
`;

describe("assay run and show: inference variants", () => {
  const dir = workspace({
    "suites/mini.yaml": suite,
    "suites/data/say.jsonl": jsonl(Array.from({ length: 12 }, (_, i) => ({ w: `word${i}` }))),
    "variants.yaml": config,
  });
  writeTinyGguf({ dir, name: "a.gguf", seed: 3 });
  writeTinyGguf({ dir, name: "b.gguf", seed: 4 });
  const models = ["--model", "one", "--model", "two", "--model", "other"];

  it("refuses a reference that is not one of the models before writing anything", () => {
    const r = assay(dir, "run", ...models, "--config", "variants.yaml", "--reference", "three", "--db", "refused.db");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: --reference three: not one of the run's models (--model one, two, other)\n");
    expect(existsSync(join(dir, "refused.db"))).toBe(false);
  });

  it("prints the section: the same weights are output-preserving and identical, other weights approximating with a paired difference", () => {
    const r = assay(dir, "run", ...models, "--config", "variants.yaml", "--reference", "one");
    expect(r.code).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf("inference variants against one"));
    expect(section).toMatch(/^inference variants against one \(reference from option\)$/m);
    const line = (model: string) => section.split("\n").find((l) => l.startsWith(`${model} `))!;
    expect(line("one")).toMatch(/^one\s+reference\s+\d+\.\d KiB\s+12\s+\d+\.\d\s+\d+\s+\d+\s/);
    expect(line("two")).toMatch(/^two\s+preserving\s.*\s12\/12 \(100\.0%\)\s+\d+\.\d\dx$/);
    expect(line("other")).toMatch(/^other\s+approximating\s.*\s\d+\/12 \([\d.]+%\)\s+\d+\.\d\dx$/);
    expect(section).toContain("quality against one");
    expect(section).not.toContain("! two");

    const shown = assay(dir, "show", "1", "--json", "--reference", "one");
    expect(shown.code).toBe(0);
    const { variants } = JSON.parse(shown.stdout);
    const row = (model: string) => variants.models.find((m: { model: string }) => m.model === model);
    expect(variants).toMatchObject({ run: 1, reference: "one", referenceFrom: "option" });
    expect(row("two")).toMatchObject({ kind: "output-preserving", identical: { n: 12, identical: 12, share: 1, differing: [] } });
    expect(row("two").weights.sha256).toBe(row("one").weights.sha256);
    expect(row("other").kind).toBe("output-approximating");
    expect(row("other").identical.identical).toBeLessThan(12);
    expect(row("one").tokensPerSecond).toBeGreaterThan(0);
    expect(row("other").speedRatio).toBeCloseTo(row("other").tokensPerSecond / row("one").tokensPerSecond, 12);
    // The paired difference is the one `assay compare` gives for the same two models (primary scorer: edit-distance).
    const compared = assay(dir, "compare", "1", "1", "--a-model", "one", "--b-model", "other", "--json");
    expect(compared.code).toBe(0);
    const editDistance = JSON.parse(compared.stdout).find((c: { metric: string }) => c.metric === "edit-distance");
    expect(row("other").quality).toEqual([
      {
        task: "mini/say",
        strategy: "zero-shot",
        metric: "edit-distance",
        reference: editDistance.a.value,
        value: editDistance.b.value,
        n: 12,
        difference: editDistance.difference,
        ci: editDistance.ci,
        pValue: editDistance.pValue,
        test: editDistance.test,
      },
    ]);
    expect(editDistance.difference).not.toBe(0);

    // Without --reference, show takes the reference of the config the run recorded; an unknown one is a user error.
    expect(JSON.parse(assay(dir, "show", "1", "--json").stdout).variants).toMatchObject({ reference: "two", referenceFrom: "config" });
    writeFileSync(join(dir, "variants.yaml"), "reference: [two\n");
    const broken = assay(dir, "show", "1", "--json");
    expect(broken.code).toBe(0);
    expect(broken.stderr).toMatch(
      /^warning: the config's reference: was not read \(variants\.yaml:\d+: invalid YAML: .*\); comparing with the first model\n$/,
    );
    expect(JSON.parse(broken.stdout).variants).toMatchObject({ reference: "one", referenceFrom: "first model" });
    const wrong = assay(dir, "show", "1", "--reference", "three");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe("error: --reference three: run 1 has no such model (its models: one, two, other)\n");
  }, 120_000);
});
