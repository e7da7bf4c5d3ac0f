// Writes the demo suites' data (eval items, exemplar pools, reference verdict labels) and
// the training corpus. Usage: npx tsx scripts/demo/generate.ts [--docs N] [--out DIR]
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { evalSets, probeDocuments, trainingCorpus, type Document } from "./corpus.ts";
import { stringRules } from "./strings.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Number of training documents `npm run train:demo` generates (about 15M characters; 1,600 steps read less than half of them). */
export const defaultDocuments = 100_000;

function jsonl(path: string, rows: object[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
}

/** One corpus line: the text and the [start, end) character ranges the loss is computed on. */
function corpusLine(doc: Document): { text: string; train: [number, number][] } {
  let text = "";
  const train: [number, number][] = [];
  for (const segment of doc) {
    if (segment.train) train.push([text.length, text.length + segment.text.length]);
    text += segment.text;
  }
  return { text, train };
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const docs = Number(arg("--docs") ?? defaultDocuments);
  const out = resolve(arg("--out") ?? join(root, "scripts/demo/out"));
  const data = join(root, "suites/demo/data");

  const sets = evalSets();
  jsonl(join(data, "add.test.jsonl"), sets.add.test);
  jsonl(join(data, "add.exemplars.jsonl"), sets.add.pool);
  // Self-consistency samples five reasoning chains per item: run it on the first 40 items
  // only, so the whole demo stays within its two-minute budget.
  jsonl(join(data, "add.sc.jsonl"), sets.add.test.slice(0, 40));
  jsonl(join(data, "sub.test.jsonl"), sets.sub.test);
  jsonl(join(data, "sub.exemplars.jsonl"), sets.sub.pool);
  // One string task over all four rules: few-shot demonstrations share the item's rule
  // (`match: rule` in suites/demo/strings.yaml), zero-shot has only the ambiguous instruction.
  jsonl(
    join(data, "transform.test.jsonl"),
    stringRules.flatMap((rule) => sets.strings[rule].test),
  );
  jsonl(
    join(data, "transform.exemplars.jsonl"),
    stringRules.flatMap((rule) => sets.strings[rule].pool),
  );
  jsonl(join(data, "translate.test.jsonl"), sets.translation.test);
  jsonl(join(data, "translate.exemplars.jsonl"), sets.translation.pool);
  jsonl(join(data, "verify.test.jsonl"), sets.verification.test);
  // Reference verdicts computed from the generator's ground truth (no human rated these);
  // they stand in for human labels in autorater calibration demos.
  jsonl(
    join(root, "suites/demo/human-labels.jsonl"),
    sets.verification.test.map((item) => ({
      suite: "demo-verification",
      task: "verify-arithmetic",
      item_id: item.id,
      rater: "reference",
      verdict: item.verdict,
      note: "computed from the generator's ground truth, not a human judgement",
    })),
  );

  const corpus = trainingCorpus(docs, sets.heldOut);
  jsonl(join(out, "corpus.jsonl"), corpus.map(corpusLine));
  // Fresh items in the suites' layouts that train.py scores while it trains (greedy exact match).
  jsonl(
    join(out, "probe.jsonl"),
    probeDocuments(40, sets.heldOut).map(({ label, doc }) => ({ label, ...corpusLine(doc) })),
  );
  console.log(`wrote suites/demo/data and ${docs} training documents to ${join(out, "corpus.jsonl")}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
