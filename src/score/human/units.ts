// What a queue is made of: pointwise, one stored output (trial); pairwise, two contestants'
// outputs on the same item and sample. The form's text is copied from the run here.
import { compareCodePoints } from "../autorater/calibrate.ts";
import { compileTemplate, type RenderFn } from "../../template/env.ts";
import type { SourceTrial } from "../../store/review-queue.ts";

/** One thing to rate, before it gets a position. */
export interface ReviewUnit {
  taskId: number;
  task: string;
  itemId: number;
  itemKey: string;
  sample: number;
  /** Pointwise: the trial; pairwise: the contestant first in code-point order of "model strategy". */
  a: { trialId: number; model: string; strategy: string; output: string };
  b?: { trialId: number; model: string; strategy: string; output: string };
  input: string;
  reference: string | null;
}

/**
 * The input a rater sees: the task's own prompt template rendered with the item's fields. Not
 * the strategy's prompt: few-shot examples and chain-of-thought instructions would tell the
 * rater which strategy wrote the output.
 */
export function inputRenderer(definitions: { id: number; definition: string }[]): (taskId: number, fields: string) => string {
  const renderers = new Map<number, RenderFn | null>();
  for (const d of definitions) {
    const prompt = (JSON.parse(d.definition) as { prompt?: unknown }).prompt;
    renderers.set(d.id, typeof prompt === "string" ? compileTemplate(prompt) : null);
  }
  return (taskId, fields) => {
    const render = renderers.get(taskId);
    const item = JSON.parse(fields) as Record<string, unknown>;
    if (!render) return JSON.stringify(item, null, 2);
    try {
      return render(item);
    } catch {
      return JSON.stringify(item, null, 2); // the run rendered it; a template that no longer does shows the fields as they are
    }
  };
}

/** An item's reference: its rendered targets (several, one per line), or null when the task has none. */
export function referenceOf(targets: string | null): string | null {
  if (targets === null) return null;
  const list = JSON.parse(targets) as unknown[];
  return Array.isArray(list) && list.length ? list.map(String).join("\n") : null;
}

/** One unit per trial. */
export function pointwiseUnits(trials: SourceTrial[], input: (taskId: number, fields: string) => string): ReviewUnit[] {
  return trials.map((t) => ({
    taskId: t.taskId,
    task: t.task,
    itemId: t.itemId,
    itemKey: t.itemKey,
    sample: t.sample,
    a: { trialId: t.trialId, model: t.model, strategy: t.strategy, output: t.output },
    input: input(t.taskId, t.fields),
    reference: referenceOf(t.targets),
  }));
}

/** The contestant's name whose code-point order decides which output is A. */
export function contestantName(c: { model: string; strategy: string }): string {
  return `${c.model} ${c.strategy}`;
}

/** Every pair of contestants (model x strategy) on the same task item and sample. */
export function pairwiseUnits(trials: SourceTrial[], input: (taskId: number, fields: string) => string): ReviewUnit[] {
  const groups = new Map<string, SourceTrial[]>();
  for (const t of trials) {
    const key = `${t.itemId}\u0000${t.sample}`;
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  const units: ReviewUnit[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort((x, y) => compareCodePoints(contestantName(x), contestantName(y)));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const [x, y] = [sorted[i], sorted[j]];
        units.push({
          taskId: x.taskId,
          task: x.task,
          itemId: x.itemId,
          itemKey: x.itemKey,
          sample: x.sample,
          a: { trialId: x.trialId, model: x.model, strategy: x.strategy, output: x.output },
          b: { trialId: y.trialId, model: y.model, strategy: y.strategy, output: y.output },
          input: input(x.taskId, x.fields),
          reference: referenceOf(x.targets),
        });
      }
    }
  }
  return units;
}
