// `assay init`: a starter suite (a JSONL dataset, a few-shot pool, zero-shot and few-shot)
// and an assay.config.yaml of commented examples, never overwriting a file.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UserError } from "./errors.ts";

const suite = `# A starter suite written by \`assay init\`. Try it:
#   npx assay run starter --model echo   # echo returns the prompt: checks the plumbing
#   npx assay run starter                # the default model (local:demo when present)
#   npx assay show --items               # every prompt, output, answer and score
# Every field is described in the README (Suites).
suite: starter
description: Capitals and opposites, to compare zero-shot and few-shot prompting
version: 1
defaults:
  generation: { temperature: 0, max_tokens: 32, stop: ["\\n"] }
tasks:
  - id: capitals
    description: Name a country's capital
    dataset: data/capitals.jsonl             # one JSON object a line, relative to this file
    exemplars: data/capitals.exemplars.jsonl # the few-shot pool (must not overlap the dataset)
    prompt: "Q: What is the capital of {{country}}?\\nA:"
    target: "{{capital}}"
    strategies:
      - zero-shot
      - { name: few-shot, k: 2 }             # two exemplars before each question
    scorers: [exact-match, includes]
    tags: [starter]
  - id: opposites
    description: Give the opposite of a word (inline items instead of a dataset file)
    items:
      - { id: hot, word: hot, opposite: cold }
      - { id: up, word: up, opposite: down }
      - { id: early, word: early, opposite: late }
    exemplars:
      - { word: big, opposite: small }
      - { word: fast, opposite: slow }
    prompt: "The opposite of {{word}} is"
    target: "{{opposite}}"
    strategies: [zero-shot, { name: few-shot, k: 2 }]
    scorers: [exact-match]
    tags: [starter]
`;

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

const capitals = jsonl([
  { id: "fr", country: "France", capital: "Paris" },
  { id: "jp", country: "Japan", capital: "Tokyo" },
  { id: "ke", country: "Kenya", capital: "Nairobi" },
  { id: "pe", country: "Peru", capital: "Lima" },
  { id: "ca", country: "Canada", capital: "Ottawa" },
  { id: "au", country: "Australia", capital: "Canberra" },
]);

const exemplars = jsonl([
  { country: "Italy", capital: "Rome" },
  { country: "Egypt", capital: "Cairo" },
  { country: "Norway", capital: "Oslo" },
]);

const config = `# assay.config.yaml (written by \`assay init\`): named models with limits and prices.
# Uncomment and edit what you need, then run \`npx assay run --model NAME\`.
# Keys come only from the environment (GEMINI_API_KEY, OPENAI_API_KEY), never from this file.
#
# models:
#   qwen:   { provider: local, path: models/qwen2.5-0.5b-instruct-q8_0.gguf, threads: 2, chat: true }
#   flash:  { provider: gemini, model: gemini-2.5-flash, concurrency: 8, rpm: 60, timeout: 30s }
#   mini:   { provider: openai, model: gpt-4o-mini, concurrency: 4, retries: 3 }
#   ollama: { provider: openai, model: llama3.2, base_url: "http://localhost:11434/v1" }
# prices:   # US dollars per million tokens; each trial's cost is then recorded
#   flash:  { input: 0.30, output: 2.50 }
#   mini:   { input: 0.15, output: 0.60 }
`;

/** The files `assay init` writes, relative to its folder. */
export const starterFiles: Record<string, string> = {
  "suites/starter.yaml": suite,
  "suites/data/capitals.jsonl": capitals,
  "suites/data/capitals.exemplars.jsonl": exemplars,
  "assay.config.yaml": config,
};

/** What `initProject` did: the files written (absolute paths) and what to run next. */
export interface InitResult {
  dir: string;
  written: string[];
  next: string[];
}

/**
 * Write a starter suite and config into `dir` (created if needed). Refuses (UserError,
 * nothing written) when any of the files already exists.
 * @example initProject("my-evals").next // ["cd my-evals", "npx assay run starter --model echo", ...]
 */
export function initProject(dir = "."): InitResult {
  const root = resolve(dir);
  const existing = Object.keys(starterFiles).filter((f) => existsSync(join(root, f)));
  if (existing.length) {
    throw new UserError(`already exists: ${existing.join(", ")} (nothing was written; move them away or init another folder)`, {
      location: root,
      code: "E_INIT",
    });
  }
  const written: string[] = [];
  for (const [file, text] of Object.entries(starterFiles)) {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: "wx" }); // wx: never replace a file that appeared meanwhile
    written.push(path);
  }
  const cd = resolve(dir) === process.cwd() ? [] : [`cd ${dir}`];
  return {
    dir: root,
    written,
    next: [...cd, "npx assay run starter --model echo", "npx assay show --items", "npx assay run starter --model local:demo"],
  };
}
