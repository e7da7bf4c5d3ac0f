// Review queues: made from a stored run (the outputs a policy picks, the rubric raters rate
// against, gold items mixed in), then looked up by name. What the form shows is copied in.
import { didYouMean, UserError } from "../../errors.ts";
import type { Db } from "../../store/db.ts";
import { getRun } from "../../store/runs.ts";
import {
  insertQueue,
  queueRowByName,
  queueRows,
  runContestantNames,
  runJudgeSamples,
  runJudgeSpecs,
  runScores,
  runTaskDefinitions,
  sourceTrials,
  type NewReviewItem,
  type QueueRow,
} from "../../store/review-queue.ts";
import { hashSeed, seededRandom } from "../../stats/random.ts";
import { readGold, type GoldItem } from "./gold.ts";
import { applyPolicy, type QueuePolicy } from "./policies.ts";
import { reviewRubric } from "./rubric.ts";
import type { QueueInfo, ReviewMode, ReviewRubric } from "./types.ts";
import { inputRenderer, pairwiseUnits, pointwiseUnits, type ReviewUnit } from "./units.ts";

/** How many raters a gold item wants: every rater rates it. */
export const GOLD_NEEDED = 1_000_000;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const POLICIES: QueuePolicy[] = ["all", "random", "disagreement", "uncertain"];

/** What `assay review create` can be told. */
export interface CreateQueueOptions {
  name: string;
  run: number;
  /** `suite/task`, a task id or a suite id. */
  task?: string;
  model?: string;
  strategy?: string;
  limit?: number;
  /** Orders the queue, samples it, and randomises pairwise sides (default 0). */
  seed?: number | string;
  /** K raters per item (default 3). */
  ratersPerItem?: number;
  mode?: ReviewMode;
  /** A built-in rubric, a judge scorer label of the run, or a .yaml/.json file. */
  rubric?: string;
  policy?: QueuePolicy;
  /** JSONL of gold items (known right ratings). */
  gold?: string;
  /** How long an item handed out stays reserved (default 10). */
  reservationMinutes?: number;
  /** Where relative files are found (default process.cwd()). */
  cwd?: string;
}

const rubricCache = new Map<string, ReviewRubric>();

/** The rubric stored with a queue (parsed once per distinct text). */
export function parseStoredRubric(json: string): ReviewRubric {
  let rubric = rubricCache.get(json);
  if (!rubric) {
    rubric = JSON.parse(json) as ReviewRubric;
    if (rubricCache.size > 100) rubricCache.clear();
    rubricCache.set(json, rubric);
  }
  return rubric;
}

function infoOf(row: QueueRow): QueueInfo {
  const options = JSON.parse(row.options) as { gold?: { items?: number } };
  return {
    id: row.id,
    name: row.name,
    run: row.run_id,
    mode: row.mode,
    ratersPerItem: row.raters_per_item,
    reservationMs: row.reservation_ms,
    rubric: parseStoredRubric(row.rubric),
    items: row.items,
    gold: options.gold?.items ?? 0,
    createdAt: row.created_at,
  };
}

/** The queue named `name`, or null. */
export function queueByName(db: Db, name: string): QueueInfo | null {
  const row = queueRowByName(db, name);
  return row ? infoOf(row) : null;
}

/** Every queue, oldest first. */
export function listQueues(db: Db): QueueInfo[] {
  return queueRows(db).map(infoOf);
}

/**
 * Make a queue from a stored run: the selected done outputs (pointwise) or pairs of contestants
 * (pairwise), picked and ordered by the policy, gold items at seeded random positions. Every
 * mistake is a UserError and nothing is written.
 * @example createQueue(db, { name: "demo", run: 1 })
 */
export function createQueue(db: Db, options: CreateQueueOptions): QueueInfo {
  const cwd = options.cwd ?? process.cwd();
  const mode = options.mode ?? "pointwise";
  const policy = options.policy ?? "all";
  const k = options.ratersPerItem ?? 3;
  const seed = String(options.seed ?? 0);
  const minutes = options.reservationMinutes ?? 10;
  const bad = (message: string) => new UserError(message, { code: "E_QUEUE" });
  if (!NAME.test(options.name)) throw bad(`queue name "${options.name}" must be 1-64 letters, digits, '.', '_' or '-'`);
  if (mode !== "pointwise" && mode !== "pairwise") throw bad(`--mode must be pointwise or pairwise, got "${mode}"`);
  if (!POLICIES.includes(policy)) throw bad(`unknown --policy "${policy}"${didYouMean(policy, POLICIES)} (${POLICIES.join(", ")})`);
  if (!Number.isInteger(k) || k < 1) throw bad(`--raters-per-item must be a whole number of at least 1, got ${k}`);
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1))
    throw bad(`--limit must be a whole number of at least 1, got ${options.limit}`);
  if (!(Number.isFinite(minutes) && minutes > 0)) throw bad(`--reservation-minutes must be more than 0, got ${minutes}`);
  if (!getRun(db, options.run)) throw bad(`no run ${options.run} in the store`);
  if (queueRowByName(db, options.name)) throw bad(`a queue named "${options.name}" already exists`);
  checkSelectors(db, options);

  const pairwise = mode === "pairwise";
  const trials = sourceTrials(db, options.run, options);
  const definitions = runTaskDefinitions(db, options.run);
  const render = inputRenderer(definitions);
  const units = pairwise ? pairwiseUnits(trials, render) : pointwiseUnits(trials, render);
  if (units.length === 0)
    throw bad(
      trials.length === 0
        ? `run ${options.run} has no finished outputs matching the selection`
        : `the selection has no two contestants (model x strategy) on the same item: nothing to compare pairwise`,
    );
  const selectedTasks = new Set(trials.map((t) => t.taskId));
  const judges = runJudgeSpecs(db, options.run).filter((j) => selectedTasks.has(j.taskId));
  const judgeLabels = [...new Set(judges.map((j) => j.label))];
  const rubricName = options.rubric ?? (!pairwise && judgeLabels.length === 1 ? judgeLabels[0] : pairwise ? "preference" : "correctness");
  const rubric = reviewRubric(rubricName, { pairwise, judges: judgeLabels.map((label) => judges.find((j) => j.label === label)!), cwd });
  const picked = applyPolicy(units, policy, {
    seed,
    limit: options.limit,
    pairwise,
    data: () => ({ scores: runScores(db, options.run), samples: runJudgeSamples(db, options.run) }),
  });
  if (picked.length === 0) throw bad(`--policy ${policy} picked no outputs from the selection`);
  const gold = options.gold
    ? readGold(options.gold, { cwd, pairwise, rubric, tasks: definitions, trials: () => sourceTrials(db, options.run, {}), render })
    : { items: [] as GoldItem[], sha256: null };

  const items = positioned(picked, gold.items, { seed, k });
  const row = {
    name: options.name,
    run_id: options.run,
    mode,
    raters_per_item: k,
    reservation_ms: Math.round(minutes * 60_000),
    rubric: JSON.stringify(rubric),
    options: JSON.stringify({
      task: options.task ?? null,
      model: options.model ?? null,
      strategy: options.strategy ?? null,
      policy,
      limit: options.limit ?? null,
      seed,
      rubric: rubricName,
      gold: options.gold ? { file: options.gold, sha256: gold.sha256, items: gold.items.length } : { items: 0 },
    }),
    seed,
    items: picked.length,
    created_at: new Date().toISOString(),
  };
  db.transaction(() => {
    // Checked again under the write lock: another process may have taken the name meanwhile.
    if (queueRowByName(db, options.name)) throw bad(`a queue named "${options.name}" already exists`);
    insertQueue(db, row, items);
  }).immediate();
  return queueByName(db, options.name)!;
}

function checkSelectors(db: Db, options: CreateQueueOptions): void {
  const names = runContestantNames(db, options.run);
  const ids = names.tasks.flatMap((t) => [t, t.slice(t.indexOf("/") + 1), t.slice(0, t.indexOf("/"))]);
  const check = (flag: string, value: string | undefined, known: string[]) => {
    if (value !== undefined && !known.includes(value))
      throw new UserError(`${flag}: run ${options.run} has no ${flag.slice(2)} "${value}"${didYouMean(value, known)}`, { code: "E_QUEUE" });
  };
  check("--task", options.task, ids);
  check("--model", options.model, names.models);
  check("--strategy", options.strategy, names.strategies);
}

/** Queue items in order: the picked units, with gold items at seeded random positions among them. */
function* positioned(units: ReviewUnit[], gold: GoldItem[], options: { seed: string; k: number }): Generator<NewReviewItem> {
  const total = units.length + gold.length;
  const random = seededRandom(hashSeed(options.seed, "gold positions"));
  const goldAt = new Map<number, GoldItem>();
  const slots = gold.length
    ? random.sample(
        Array.from({ length: total }, (_, i) => i),
        gold.length,
      )
    : [];
  for (const [i, slot] of slots.entries()) goldAt.set(slot, gold[i]);
  let next = 0;
  for (let position = 0; position < total; position++) {
    const g = goldAt.get(position);
    if (g) {
      yield { ...g, position, gold: true, needed: GOLD_NEEDED };
      continue;
    }
    const u = units[next++];
    yield {
      position,
      taskId: u.taskId,
      itemId: u.itemId,
      trialA: u.a.trialId,
      trialB: u.b?.trialId ?? null,
      input: u.input,
      reference: u.reference,
      outputA: u.a.output,
      outputB: u.b?.output ?? null,
      gold: false,
      goldScore: null,
      goldPreference: null,
      needed: options.k,
    };
  }
}
