// The held-out eval sets, the exemplar pools and the training corpus of the demo model, all
// drawn from fixed seeds. Training draws skip every eval question, so eval items are unseen.
import {
  arithmeticItem,
  arithmeticKey,
  arithmeticPrompt,
  arithmeticRationale,
  trainingDigits,
  type ArithmeticItem,
  type ArithmeticOp,
} from "./arithmetic.ts";
import { intBetween, pick, seededStream, type Random } from "./rng.ts";
import { stringItem, stringPrompt, stringRules, type StringItem, type StringRule } from "./strings.ts";
import { translationItem, translationPrompt, type TranslationItem } from "./translation.ts";
import { verificationItem, verificationShot, type VerificationItem } from "./verification.ts";

/** The seed every stream derives from; bump it to get a different (equally valid) demo. */
export const demoSeed = "assay-demo-v1";

/** A training document: text pieces, `train` marking the ones the loss is computed on. */
export type Segment = { text: string; train: boolean };
export type Document = Segment[];

export const evalSizes = { add: 150, sub: 150, string: 100, translation: 80, verification: 120 };
/** Operand digits of the arithmetic eval items, and the letter counts of the string inputs. */
export const evalDigits = 3;
export const evalLetters: [number, number] = [3, 5];
export const poolSizes = { add: 40, sub: 40, string: 30, translation: 30, verification: 30 };

/** Everything the bundled suites ship: eval items and exemplar pools per task. */
export interface EvalSets {
  add: { test: ArithmeticItem[]; pool: ArithmeticItem[] };
  sub: { test: ArithmeticItem[]; pool: ArithmeticItem[] };
  strings: Record<StringRule, { test: StringItem[]; pool: StringItem[] }>;
  translation: { test: TranslationItem[]; pool: TranslationItem[] };
  verification: { test: VerificationItem[]; pool: VerificationItem[] };
  /** Keys that training must never draw: arithmetic questions, string inputs, English sentences. */
  heldOut: Set<string>;
}

function distinct<T>(count: number, draw: () => T, key: (item: T) => string, taken: Set<string>): T[] {
  const out: T[] = [];
  while (out.length < count) {
    const item = draw();
    const k = key(item);
    if (taken.has(k)) continue;
    taken.add(k);
    out.push(item);
  }
  return out;
}

const withIds = <T extends object>(prefix: string, items: T[]): (T & { id: string })[] =>
  items.map((item, i) => ({ id: `${prefix}-${String(i + 1).padStart(3, "0")}`, ...item }));

/** Draw the eval sets and pools (pools never share a question with eval items). */
export function evalSets(): EvalSets {
  const heldOut = new Set<string>();
  const arith = (op: ArithmeticOp, name: string, size: number, pool: number) => {
    const r = seededStream(`${demoSeed}/eval/${name}`);
    const poolKeys = new Set<string>();
    const test = distinct(
      size,
      () => arithmeticItem(r, op, evalDigits, evalDigits),
      (x) => arithmeticKey(op, x.a, x.b),
      heldOut,
    );
    const ex = distinct(
      pool,
      () => arithmeticItem(r, op, evalDigits, evalDigits),
      (x) => arithmeticKey(op, x.a, x.b),
      new Set([...heldOut, ...poolKeys]),
    );
    return { test: withIds(name, test), pool: withIds(`${name}-ex`, ex) };
  };
  const add = arith("+", "add", evalSizes.add, poolSizes.add);
  const sub = arith("-", "sub", evalSizes.sub, poolSizes.sub);

  const rv = seededStream(`${demoSeed}/eval/verification`);
  const vTaken = new Set(heldOut);
  const drawV = () => verificationItem(rv, 3, 3);
  const vTest = distinct(evalSizes.verification, drawV, (x) => x.key, vTaken);
  const vPool = distinct(poolSizes.verification, drawV, (x) => x.key, vTaken);
  for (const v of vTest) heldOut.add(v.key);
  const strip = ({ key: _key, ...rest }: VerificationItem & { key: string }): VerificationItem => rest;

  const strings = {} as EvalSets["strings"];
  const inputsTaken = new Set<string>();
  for (const rule of stringRules) {
    const r = seededStream(`${demoSeed}/eval/string-${rule}`);
    const test = distinct(
      evalSizes.string,
      () => stringItem(r, rule, ...evalLetters),
      (x) => `s:${x.input}`,
      inputsTaken,
    );
    const pool = distinct(
      poolSizes.string,
      () => stringItem(r, rule, ...evalLetters),
      (x) => `s:${x.input}`,
      new Set(inputsTaken),
    );
    for (const t of test) heldOut.add(`s:${t.input}`);
    strings[rule] = { test: withIds(rule, test), pool: withIds(`${rule}-ex`, pool) };
  }

  const rt = seededStream(`${demoSeed}/eval/translation`);
  const tTaken = new Set<string>();
  const tTest = distinct(
    evalSizes.translation,
    () => translationItem(rt),
    (x) => `t:${x.english}`,
    tTaken,
  );
  const tPool = distinct(
    poolSizes.translation,
    () => translationItem(rt),
    (x) => `t:${x.english}`,
    tTaken,
  );
  for (const t of tTest) heldOut.add(`t:${t.english}`);

  return {
    add,
    sub,
    strings,
    translation: { test: withIds("translate", tTest), pool: withIds("translate-ex", tPool) },
    verification: { test: withIds("verify", vTest.map(strip)), pool: withIds("verify-ex", vPool.map(strip)) },
    heldOut,
  };
}

/** A demonstration or query: the rendered prompt and the answer after it. */
type Shot = { prompt: string; target: string };

/** Few-shot layout exactly as prompts/strategies/few-shot.hbs renders it: "P T\n\nP T\n\nP". */
function fewShotDocument(shots: Shot[], query: Shot): Document {
  const doc: Document = [];
  for (const s of shots) doc.push({ text: s.prompt, train: false }, { text: ` ${s.target}`, train: true }, { text: "\n\n", train: false });
  doc.push({ text: query.prompt, train: false }, { text: ` ${query.target}\n`, train: true });
  return doc;
}

/** The first item `draw` returns whose question is not held out. */
function unseen<T>(draw: () => T, key: (item: T) => string, heldOut: Set<string>): T {
  for (;;) {
    const item = draw();
    if (!heldOut.has(key(item))) return item;
  }
}

const unseenArithmetic = (r: Random, heldOut: Set<string>, op: ArithmeticOp, digits: [number, number]): ArithmeticItem =>
  unseen(
    () => arithmeticItem(r, op, digits[0], digits[1]),
    (x) => arithmeticKey(op, x.a, x.b),
    heldOut,
  );

function unseenString(r: Random, heldOut: Set<string>, rule: StringRule, letters: [number, number]): Shot {
  const item = unseen(
    () => stringItem(r, rule, ...letters),
    (x) => `s:${x.input}`,
    heldOut,
  );
  return { prompt: stringPrompt(item), target: item.output };
}

function unseenTranslation(r: Random, heldOut: Set<string>): Shot {
  const item = unseen(
    () => translationItem(r),
    (x) => `t:${x.english}`,
    heldOut,
  );
  return { prompt: translationPrompt(item), target: item.zorbish };
}

/** `digits` is called once per draw (training draws fresh operand sizes on every retry). */
function unseenVerification(r: Random, heldOut: Set<string>, digits: () => [number, number]): VerificationItem {
  return unseen(
    () => verificationItem(r, ...digits()),
    (x) => x.key,
    heldOut,
  );
}

/** A judge document: the fenced prompt, then the scratchpad and comparison, then the verdict (its own segment for the probes). */
function judgeDocument(item: VerificationItem): Document {
  const { prompt, target } = verificationShot(item);
  const cut = target.lastIndexOf(" Verdict:") + " Verdict:".length;
  return [
    { text: prompt, train: false },
    { text: target.slice(0, cut), train: true },
    { text: target.slice(cut), train: true },
  ];
}

function arithmeticDocument(r: Random, heldOut: Set<string>): Document {
  const op: ArithmeticOp = r() < 0.5 ? "+" : "-";
  const draw = (digits: [number, number]) => unseenArithmetic(r, heldOut, op, digits);
  const digits = trainingDigits(r);
  const query = draw(digits);
  const prompt = arithmeticPrompt(op, query);
  if (r() < 0.5) {
    const rationale = arithmeticRationale(op, query);
    return [
      { text: `${prompt} Let's think step by step.`, train: false },
      { text: ` ${rationale} The answer is ${query.answer}.\n`, train: true },
    ];
  }
  const k = r() < 0.5 ? 0 : intBetween(r, 1, 4);
  const shots = Array.from({ length: k }, () => {
    const s = draw(r() < 0.7 ? digits : trainingDigits(r));
    return { prompt: arithmeticPrompt(op, s), target: s.answer };
  });
  return fewShotDocument(shots, { prompt, target: query.answer });
}

function stringDocument(r: Random, heldOut: Set<string>): Document {
  const rule = pick(r, stringRules);
  const draw = () => unseenString(r, heldOut, rule, [3, 6]);
  const k = intBetween(r, 0, 4);
  const shots = Array.from({ length: k }, draw);
  return fewShotDocument(shots, draw());
}

function translationDocument(r: Random, heldOut: Set<string>): Document {
  const draw = () => unseenTranslation(r, heldOut);
  const k = pick(r, [0, 0, 0, 1, 2]);
  const shots = Array.from({ length: k }, draw);
  return fewShotDocument(shots, draw());
}

/** Judge calls are single prompts: no demonstrations. */
function verificationDocument(r: Random, heldOut: Set<string>): Document {
  return judgeDocument(unseenVerification(r, heldOut, () => trainingDigits(r)));
}

/** Family mixture of the training corpus, by document. */
const mixture: [number, (r: Random, heldOut: Set<string>) => Document][] = [
  [0.38, arithmeticDocument],
  [0.28, stringDocument],
  [0.12, translationDocument],
  // Judge documents are about 320 characters (fences, scratchpad, comparison), more than twice
  // the others: 22% of the documents is half of the characters; the rest keeps the other
  // families from fading.
  [0.22, verificationDocument],
];

/** The training corpus: `count` documents from the fixed seed, none containing an eval question. */
export function trainingCorpus(count: number, heldOut: Set<string> = evalSets().heldOut): Document[] {
  const r = seededStream(`${demoSeed}/train`);
  const docs: Document[] = [];
  for (let i = 0; i < count; i++) {
    let u = r();
    let family = mixture[mixture.length - 1][1];
    for (const [weight, make] of mixture) {
      if (u < weight) {
        family = make;
        break;
      }
      u -= weight;
    }
    docs.push(family(r, heldOut));
  }
  return docs;
}

/**
 * Probe documents for watching training: fresh items (never eval items) in the exact
 * layouts the suites' strategies render, the loss marked only on the final answer. A probe
 * is solved when every marked token is the model's argmax under teacher forcing, which is
 * exactly when greedy decoding writes the answer.
 */
export function probeDocuments(perLabel = 40, heldOut: Set<string> = evalSets().heldOut): { label: string; doc: Document }[] {
  const r = seededStream(`${demoSeed}/probe`);
  const out: { label: string; doc: Document }[] = [];
  const zeroShot = (q: Shot): Document => fewShotDocument([], q);
  for (const op of ["+", "-"] as const) {
    const name = op === "+" ? "add" : "sub";
    const draw = () => unseenArithmetic(r, heldOut, op, [evalDigits, evalDigits]);
    const pair = (item: ArithmeticItem) => ({ prompt: arithmeticPrompt(op, item), target: item.answer });
    for (let i = 0; i < perLabel; i++) {
      const q = draw();
      out.push({ label: `${name}/zero-shot`, doc: zeroShot(pair(q)) });
      out.push({ label: `${name}/few-shot`, doc: fewShotDocument([draw(), draw(), draw()].map(pair), pair(q)) });
      out.push({
        label: `${name}/chain-of-thought`,
        doc: [
          { text: `${arithmeticPrompt(op, q)} Let's think step by step.`, train: false },
          { text: ` ${arithmeticRationale(op, q)} The answer is ${q.answer}.\n`, train: true },
        ],
      });
    }
  }
  for (const rule of stringRules) {
    const draw = () => unseenString(r, heldOut, rule, evalLetters);
    for (let i = 0; i < perLabel; i++) {
      const q = draw();
      out.push({ label: `${rule}/zero-shot`, doc: zeroShot(q) });
      out.push({ label: `${rule}/few-shot`, doc: fewShotDocument([draw(), draw(), draw()], q) });
    }
  }
  for (let i = 0; i < perLabel; i++) {
    out.push({ label: "translate/zero-shot", doc: zeroShot(unseenTranslation(r, heldOut)) });
    const judge = judgeDocument(unseenVerification(r, heldOut, () => [evalDigits, evalDigits]));
    out.push({ label: "judge/line", doc: [judge[0], { text: judge[1].text + judge[2].text, train: true }] });
    out.push({ label: "judge/verdict", doc: judge });
  }
  // Only the final answer counts: earlier demonstrations are context.
  for (const p of out) p.doc = p.doc.map((s, i) => (i === p.doc.length - 1 ? s : { ...s, train: false }));
  return out;
}
