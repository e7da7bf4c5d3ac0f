// The Strategy contract: render an item into a Prompt, extract the answer from an output,
// and (for several generations a trial) reduce the samples to one answer.
import type { z } from "zod";
import type { Prompt } from "../provider/types.ts";
import type { GenerationSettings, Item, StrategyKind } from "../suite/types.ts";
import type { RenderFn } from "../template/env.ts";

/** What a strategy needs to render one item. */
export interface RenderContext {
  /** The task's prompt template, compiled. */
  renderPrompt: RenderFn;
  /** The task's target(s) for an item (first is the canonical one shown in few-shot). */
  targetsOf: (item: Item) => string[];
  /** The task's system instruction, if any. */
  system?: string;
  /** The exemplar pool (few-shot). */
  exemplars: Item[];
  /** Seed for this trial's random choices (derived from the run seed, task and item). */
  seed: number;
}

/** A prompt strategy: one file per strategy, one line in strategy/index.ts. */
export interface Strategy<Options = Record<string, unknown>> {
  kind: StrategyKind;
  /** Validates and defaults the strategy's options from the suite. */
  options: z.ZodType<Options>;
  /** The bundled template it renders with (under prompts/), hashed into each run. */
  template: string;
  /** The template these options render with, when it depends on them (best-of-n's base). */
  templateOf?(options: Options): string;
  /** Generation defaults this strategy needs (self-consistency samples at temperature > 0). */
  defaultGeneration?: GenerationSettings;
  /** Provider calls per trial (self-consistency: its samples). */
  generationsPerTrial(options: Options): number;
  render(item: Item, context: RenderContext, options: Options): Prompt;
  /** The answer in a raw output, or null when none can be extracted. */
  extract(output: string, options: Options): string | null;
  /** Pick the trial's answer from its generations' answers; returns the chosen generation's index. */
  reduce?(answers: (string | null)[]): number;
}
