// Inference variants of a model compared with a reference in one run: what each costs in
// quality (paired, as `assay compare`) and buys in speed, and whether settings that must not
// change outputs (same weights) left them identical.
import { didYouMean, UserError } from "../errors.ts";
import { quantileSorted } from "../stats/bootstrap.ts";
import type { Db } from "../store/db.ts";
import { getRun, type ModelWeights } from "../store/runs.ts";
import { runCells } from "../store/summary.ts";
import {
  differingOutputs,
  pairedOutputCounts,
  variantCallSums,
  variantCallTimes,
  variantModels,
  type VariantModelRow,
} from "../store/variant-queries.ts";
import { compareRuns, type ComparisonRow } from "./compare.ts";

/**
 * reference: the model others are compared with. output-preserving: the reference's weights
 * (same sha256) and prompt format (chat mode), only settings differ, so outputs should be
 * identical. output-approximating: other weights (quantised, distilled, another model) or the
 * same weights prompted otherwise. unknown: no weights recorded (a remote model).
 */
export type VariantKind = "reference" | "output-preserving" | "output-approximating" | "unknown";

/** An output that differs from the reference's on the same item, strategy and sample. */
export interface DifferingOutput {
  task: string;
  item: string;
  strategy: string;
  sample: number;
  /** Index (in code points) of the first character where the two outputs differ. */
  position: number;
  output: string | null;
  reference: string | null;
}

/** A (task, strategy, primary scorer) cell: the model minus the reference on the items both scored. */
export interface VariantQuality {
  task: string;
  strategy: string;
  metric: string;
  reference: number;
  value: number;
  n: number;
  difference: number;
  ci: [number, number];
  pValue: number;
  test: ComparisonRow["test"];
}

/** One model of the run as an inference variant of the reference. */
export interface VariantRow {
  model: string;
  provider: string;
  kind: VariantKind;
  settings: Record<string, unknown> | null;
  weights: Pick<ModelWeights, "path" | "size" | "sha256"> | null;
  /** Calls generated (not from the cache) without error: what the speed figures are over. */
  calls: number;
  cachedCalls: number;
  /** Σ output tokens / Σ latency seconds over generated calls; null when nothing was measured. */
  tokensPerSecond: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  /** Prompt tokens evaluated (prefill) and submitted; fewer evaluated = a reused prefix. */
  prefill: { evaluated: number; submitted: number } | null;
  /** Draft tokens accepted / proposed (speculative decoding). */
  draft: { accepted: number; proposed: number; acceptance: number | null } | null;
  /** Outputs paired with the reference's; null for the reference itself. */
  identical: { n: number; identical: number; share: number | null; differing: DifferingOutput[] } | null;
  /** Paired quality difference per (task, strategy, primary scorer); empty for the reference. */
  quality: VariantQuality[];
  /** tokens/s of this model over the reference's (1 for the reference; null when either was not measured). */
  speedRatio: number | null;
}

/** The variants section of a run. */
export interface InferenceVariants {
  run: number;
  reference: string;
  /** Where the reference came from: --reference, the config's `reference:`, or the run's first model. */
  referenceFrom: "option" | "config" | "first model";
  /** Set when the config named a reference the run does not have. */
  note?: string;
  models: VariantRow[];
}

/** Options of inferenceVariants. */
export interface InferenceVariantsOptions {
  /** The reference model (a spec of the run); one the run does not have is a UserError. */
  reference?: string;
  /** The config's `reference:`, used when `reference` is not given and the run has that model. */
  configReference?: string;
  /** How many differing outputs to list per model (default 5). */
  listDiffering?: number;
}

/**
 * Every model of run `runId` against the reference (default: the config's, else the run's first model).
 * @example inferenceVariants(db, 3, { reference: "demo" }).models.map((m) => [m.model, m.kind, m.tokensPerSecond])
 */
export function inferenceVariants(db: Db, runId: number, options: InferenceVariantsOptions = {}): InferenceVariants {
  const run = getRun(db, runId);
  if (!run) throw new UserError(`no run ${runId}`, { code: "E_VARIANTS" });
  const models = variantModels(db, runId);
  if (models.length === 0) throw new UserError(`run ${runId} has no models`, { code: "E_VARIANTS" });
  const specs = models.map((m) => m.spec);
  let reference: VariantModelRow;
  let referenceFrom: InferenceVariants["referenceFrom"];
  let note: string | undefined;
  if (options.reference !== undefined) {
    reference = findReference(models, runId, options.reference);
    referenceFrom = "option";
  } else {
    const fromConfig = models.find((m) => m.spec === options.configReference);
    if (options.configReference !== undefined && !fromConfig)
      note = `the config's reference ${options.configReference} is not a model of run ${runId}; comparing with its first model, ${specs[0]}`;
    reference = fromConfig ?? models[0];
    referenceFrom = fromConfig ? "config" : "first model";
  }
  const sums = new Map(variantCallSums(db, runId).map((s) => [s.modelId, s]));
  const times = variantCallTimes(db, runId);
  const paired = new Map(pairedOutputCounts(db, runId, reference.id).map((p) => [p.modelId, p]));
  const primary = primaryScorers(db, runId);
  const referenceWeights = weightsOf(reference);
  const rows = models.map((m): VariantRow => {
    const s = sums.get(m.id);
    const t = times.get(m.id);
    const weights = weightsOf(m);
    const p = paired.get(m.id);
    const isReference = m.id === reference.id;
    return {
      model: m.spec,
      provider: m.provider,
      kind: isReference
        ? "reference"
        : !weights || !referenceWeights
          ? "unknown"
          : weights.sha256 === referenceWeights.sha256 && chatMode(m) === chatMode(reference)
            ? "output-preserving"
            : "output-approximating",
      settings: m.settings ? (JSON.parse(m.settings) as Record<string, unknown>) : null,
      weights: weights ? { path: weights.path, size: weights.size, sha256: weights.sha256 } : null,
      calls: s?.calls ?? 0,
      cachedCalls: s?.cachedCalls ?? 0,
      // Per-call decoding speed: sequences decoded in parallel raise a run's throughput, not this.
      tokensPerSecond: s && s.outputTokens !== null && s.latencyMs ? s.outputTokens / (s.latencyMs / 1000) : null,
      latencyP50Ms: percentile(t?.latencies, 0.5),
      latencyP95Ms: percentile(t?.latencies, 0.95),
      ttftP50Ms: percentile(t?.ttfts, 0.5),
      prefill: s && s.prefillTokens !== null && s.inputTokens !== null ? { evaluated: s.prefillTokens, submitted: s.inputTokens } : null,
      draft:
        s && s.draftAccepted !== null && s.draftProposed !== null
          ? {
              accepted: s.draftAccepted,
              proposed: s.draftProposed,
              acceptance: s.draftProposed > 0 ? s.draftAccepted / s.draftProposed : null,
            }
          : null,
      identical: isReference
        ? null
        : {
            n: p?.n ?? 0,
            identical: p?.identical ?? 0,
            share: p && p.n > 0 ? p.identical / p.n : null,
            differing:
              p && p.identical < p.n
                ? differingOutputs(db, m.id, reference.id, options.listDiffering ?? 5).map((d) => ({
                    task: d.task,
                    item: d.itemKey,
                    strategy: d.strategy,
                    sample: d.sample,
                    position: firstDifference(d.output ?? "", d.referenceOutput ?? ""),
                    output: d.output,
                    reference: d.referenceOutput,
                  }))
                : [],
          },
      quality: isReference ? [] : qualityAgainst(db, runId, run.seed, reference.spec, m.spec, primary),
      speedRatio: null,
    };
  });
  const referenceSpeed = rows.find((r) => r.kind === "reference")!.tokensPerSecond;
  for (const r of rows) if (r.tokensPerSecond !== null && referenceSpeed) r.speedRatio = r.tokensPerSecond / referenceSpeed;
  return { run: runId, reference: reference.spec, referenceFrom, ...(note ? { note } : {}), models: rows };
}

/**
 * Whether a run's variants are worth a section: 2+ models of which one has recorded weights
 * (a local model), or any 2+ models when a reference was asked for.
 */
export function showsVariants(db: Db, runId: number, options: { reference?: string } = {}): boolean {
  const models = variantModels(db, runId);
  if (options.reference !== undefined) findReference(models, runId, options.reference);
  return models.length >= 2 && (options.reference !== undefined || models.some((m) => m.weights !== null));
}

/** The model named `reference`, or a UserError listing the run's models. */
function findReference(models: VariantModelRow[], runId: number, reference: string): VariantModelRow {
  const found = models.find((m) => m.spec === reference);
  if (found) return found;
  throw new UserError(
    `--reference ${reference}: run ${runId} has no such model${didYouMean(
      reference,
      models.map((m) => m.spec),
    )} (its models: ${models.map((m) => m.spec).join(", ")})`,
    { code: "E_VARIANTS" },
  );
}

/** A local model in chat mode formats prompts with its chat template (the provider id says so): other tokens, other outputs. */
function chatMode(m: VariantModelRow): boolean {
  return m.provider.endsWith("?chat=true");
}

function weightsOf(m: VariantModelRow): ModelWeights | undefined {
  return m.weights ? (JSON.parse(m.weights) as ModelWeights) : undefined;
}

/** p-th quantile with linear interpolation between order statistics (numpy.percentile's default, "linear"). */
function percentile(values: number[] | undefined, p: number): number | null {
  if (!values?.length) return null;
  return quantileSorted(Float64Array.from(values).sort(), p);
}

/** Each task's primary scorer (its first): task -> scorer name. */
function primaryScorers(db: Db, runId: number): Map<string, string> {
  const primary = new Map<string, { name: string; id: number }>();
  for (const c of runCells(db, runId)) {
    const seen = primary.get(c.task);
    if (!seen || c.scorerId < seen.id) primary.set(c.task, { name: c.scorer, id: c.scorerId });
  }
  return new Map([...primary].map(([task, s]) => [task, s.name]));
}

/**
 * The paired quality difference (model - reference) per (task, strategy, primary scorer), by
 * `assay compare`'s own compareRuns (McNemar for pass/fail, paired bootstrap for scores) with
 * the run's seed, so the numbers are what `assay compare RUN RUN --a-model REF --b-model M --seed SEED` prints.
 */
function qualityAgainst(
  db: Db,
  runId: number,
  seed: number,
  reference: string,
  model: string,
  primary: Map<string, string>,
): VariantQuality[] {
  // A run with no tasks registered yet has no cells; compareRuns would call the models unknown.
  if (primary.size === 0) return [];
  let rows: ComparisonRow[];
  try {
    // Only the primary metric's cells are compared: no bootstrap runs for rows that would be dropped.
    rows = compareRuns(
      db,
      { run: runId, model: reference },
      { run: runId, model },
      { seed, cells: (c) => primary.get(c.task) === c.scorer },
    );
  } catch (error) {
    // No cell with two items scored on both sides: nothing to compare, which is not the user's mistake here.
    if (error instanceof UserError && error.code === "E_COMPARE") return [];
    throw error;
  }
  return rows.map((r) => ({
    task: r.task,
    strategy: r.a.strategy,
    metric: r.metric,
    reference: r.a.value,
    value: r.b.value,
    n: r.n,
    difference: r.difference,
    ci: r.ci,
    pValue: r.pValue,
    test: r.test,
  }));
}

/** Index in code points of the first character where `a` and `b` differ (the shorter length when one is a prefix). */
export function firstDifference(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  let i = 0;
  while (i < ca.length && i < cb.length && ca[i] === cb[i]) i++;
  return i;
}
