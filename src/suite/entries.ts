// Turns the strategies and scorers lists of a task (YAML or defineTask) into checked specs,
// collecting every problem with its location.
import { didYouMean, UserError } from "../errors.ts";
import { scorerFactories } from "../score/metrics/index.ts";
import { strategies } from "../strategy/index.ts";
import type { GenerationSettings, ScorerSpec, StrategySpec } from "./types.ts";

type Where = (...path: (string | number)[]) => string;
type StrategyEntry = string | ({ name: string; label?: string; generation?: GenerationSettings } & Record<string, unknown>);
type ScorerEntry = string | ({ name: string; label?: string } & Record<string, unknown>);

/** Check strategy entries against the registry and their option schemas. */
export function strategySpecs(entries: StrategyEntry[], at: Where, problems: string[], options: { multipleChoice: boolean }): StrategySpec[] {
  const out: StrategySpec[] = [];
  entries.forEach((entry, s) => {
    const { name, label, generation, ...rest } = typeof entry === "string" ? { name: entry } : entry;
    const strategy = strategies[name];
    if (!strategy) {
      problems.push(`${at("strategies", s)}: unknown strategy "${name}"${didYouMean(name, Object.keys(strategies))} (known: ${Object.keys(strategies).join(", ")})`);
      return;
    }
    if (options.multipleChoice && strategy.kind !== "zero-shot" && strategy.kind !== "few-shot") {
      problems.push(`${at("strategies", s)}: a log-likelihood (choices or output_type: loglikelihood) task supports zero-shot and few-shot, not ${strategy.kind}`);
      return;
    }
    const parsed = strategy.options.safeParse(rest);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${at("strategies", s, ...(issue.path as (string | number)[]))}: ${issue.message}`);
      return;
    }
    const finalLabel = label ?? name;
    if (out.some((x) => x.label === finalLabel)) {
      problems.push(`${at("strategies", s)}: strategy "${finalLabel}" appears twice; give each a distinct label`);
      return;
    }
    out.push({ label: finalLabel, kind: strategy.kind, options: parsed.data as Record<string, unknown>, generation: generation ?? {} });
  });
  return out;
}

/** Check scorer entries: known names, valid arguments, distinct report names. */
export function scorerSpecs(entries: ScorerEntry[], at: Where, problems: string[]): ScorerSpec[] {
  const out: ScorerSpec[] = [];
  const names = new Set<string>();
  entries.forEach((entry, s) => {
    const { name, label, ...args } = typeof entry === "string" ? { name: entry } : entry;
    const factory = scorerFactories[name];
    if (!factory) {
      problems.push(`${at("scorers", s)}: unknown scorer "${name}"${didYouMean(name, Object.keys(scorerFactories))}`);
      return;
    }
    let reportName: string;
    try {
      reportName = label ?? factory(args).name;
    } catch (error) {
      if (error instanceof UserError) problems.push(`${at("scorers", s)}: ${error.message}`);
      else throw error;
      return;
    }
    if (names.has(reportName)) {
      problems.push(`${at("scorers", s)}: scorer "${reportName}" appears twice; give each a distinct label`);
      return;
    }
    names.add(reportName);
    out.push(label === undefined ? { name, args } : { name, args, label });
  });
  return out;
}
