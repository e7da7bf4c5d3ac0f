// Turns the strategies and scorers lists of a task (YAML or defineTask) into checked specs,
// collecting every problem with its location: one line per bad field, at that field's line.
import { didYouMean, UserError } from "../errors.ts";
import { OptionsError, parseOptions } from "../parse-options.ts";
import { JudgeScorer } from "../score/autorater/judge.ts";
import { scorerFactories } from "../score/scorers.ts";
import { strategies } from "../strategy/index.ts";
import { generationSchema } from "./schema.ts";
import type { GenerationSettings, PairwiseSpec, ScorerSpec, StrategySpec } from "./types.ts";

/** Locates a path below the task (`at("scorers", 1, "lowercse")`) as `file:line path`. */
type Where = (...path: (string | number)[]) => string;
type StrategyEntry = string | ({ name: string; label?: string; generation?: GenerationSettings } & Record<string, unknown>);
type ScorerEntry = string | ({ name: string; label?: string } & Record<string, unknown>);

/** Check strategy entries against the registry and their option schemas. */
export function strategySpecs(
  entries: StrategyEntry[],
  at: Where,
  problems: string[],
  options: { multipleChoice: boolean },
): StrategySpec[] {
  const out: StrategySpec[] = [];
  entries.forEach((entry, s) => {
    const { name, label, generation, ...rest } = typeof entry === "string" ? { name: entry } : entry;
    const strategy = strategies[name];
    if (!strategy) {
      problems.push(
        `${at("strategies", s)}: unknown strategy "${name}"${didYouMean(name, Object.keys(strategies))} (known: ${Object.keys(strategies).join(", ")})`,
      );
      return;
    }
    if (options.multipleChoice && strategy.kind !== "zero-shot" && strategy.kind !== "few-shot") {
      problems.push(
        `${at("strategies", s)}: a log-likelihood (choices or output_type: loglikelihood) task supports zero-shot and few-shot, not ${strategy.kind}`,
      );
      return;
    }
    const parsed = located(
      () => parseOptions(strategy.options, rest, `strategy ${name}`),
      (path) => at("strategies", s, ...path),
      problems,
    );
    // defineTask's entries have not been through the suite schema: check their generation too.
    const settings = located(
      () => parseOptions(generationSchema, generation ?? {}, "generation"),
      (path) => at("strategies", s, "generation", ...path),
      problems,
    );
    if (parsed === undefined || settings === undefined) return;
    const finalLabel = label ?? name;
    if (out.some((x) => x.label === finalLabel)) {
      problems.push(`${at("strategies", s)}: strategy "${finalLabel}" appears twice; give each a distinct label`);
      return;
    }
    out.push({ label: finalLabel, kind: strategy.kind, options: parsed as Record<string, unknown>, generation: settings });
  });
  return out;
}

/**
 * Check scorer entries: known names, valid arguments, distinct report names. `dir` is where
 * the suite file is (a judge's `.hbs` rubric is read from there and recorded by its path).
 */
export function scorerSpecs(entries: ScorerEntry[], at: Where, problems: string[], dir?: string): ScorerSpec[] {
  const out: ScorerSpec[] = [];
  const names = new Set<string>();
  entries.forEach((entry, s) => {
    const { name, label, ...args } = typeof entry === "string" ? { name: entry } : entry;
    const factory = scorerFactories[name];
    if (!factory) {
      problems.push(`${at("scorers", s)}: unknown scorer "${name}"${didYouMean(name, Object.keys(scorerFactories))}`);
      return;
    }
    // Built even when labelled: building is what checks the arguments.
    const scorer = located(
      () => factory(args, { dir }),
      (path) => at("scorers", s, ...path),
      problems,
    );
    if (scorer === undefined) return;
    const reportName = label ?? scorer.name;
    if (names.has(reportName)) {
      problems.push(`${at("scorers", s)}: scorer "${reportName}" appears twice; give each a distinct label`);
      return;
    }
    names.add(reportName);
    // A judge records its resolved rubric (file and hash) with its options.
    const stored = name === "judge" ? scorer.spec.args : args;
    out.push(label === undefined ? { name, args: stored } : { name, args: stored, label });
  });
  return out;
}

/**
 * Run `build`; a UserError becomes problems instead: an OptionsError one line per issue at
 * the issue's own field (`file:line tasks[0].scorers[1].lowercse: unknown option; did you
 * mean "lowercase"?`), any other at the entry. Returns undefined when it failed.
 */
function located<T>(build: () => T, at: (path: (string | number)[]) => string, problems: string[]): T | undefined {
  try {
    return build();
  } catch (error) {
    if (error instanceof OptionsError) for (const issue of error.issues) problems.push(`${at(issue.path)}: ${issue.message}`);
    else if (error instanceof UserError) problems.push(`${at([])}: ${error.message}`);
    else throw error;
    return undefined;
  }
}

/**
 * Check a task's `pairwise:` judge (a pairwise rubric, judge options) and that its metric name
 * is not a scorer's. `dir`: where the suite is (for a .hbs rubric).
 */
export function pairwiseSpec(
  entry: { judge: Record<string, unknown>; swap?: boolean; label?: string } | undefined,
  scorers: ScorerSpec[],
  at: Where,
  problems: string[],
  dir?: string,
): PairwiseSpec | undefined {
  if (entry === undefined) return undefined;
  const judge = located(
    () => new JudgeScorer(entry.judge, dir, true),
    (path) => at("pairwise", "judge", ...path),
    problems,
  );
  if (judge === undefined) return undefined;
  const label = entry.label ?? "preference";
  if (scorers.some((s) => (s.label ?? s.name) === label)) {
    problems.push(`${at("pairwise")}: metric "${label}" is also a scorer's name; give pairwise a distinct label`);
    return undefined;
  }
  return { label, swap: entry.swap ?? true, judge: judge.spec.args };
}

/** A best-of-n strategy's `select.scorer` must name one of the task's scorers (by its report name); a judge's `strategies:` its strategies. */
export function checkSelectors(strategies: StrategySpec[], scorers: ScorerSpec[], at: Where, problems: string[]): void {
  const names = scorers.map((s) => s.label ?? (s.name === "judge" ? `judge:${String(s.args.rubric ?? "custom")}` : s.name));
  strategies.forEach((s, i) => {
    const select = (s.options.select as { scorer?: string } | undefined)?.scorer;
    if (s.kind !== "best-of-n" || select === undefined || names.includes(select)) return;
    problems.push(
      `${at("strategies", i, "select", "scorer")}: "${select}" is not a scorer of this task${didYouMean(select, names)} (scorers: ${names.join(", ")})`,
    );
  }); // A judge's `strategies:` must name strategies of the task.
  const labels = strategies.map((s) => s.label);
  scorers.forEach((s, i) => {
    const only = s.name === "judge" ? (s.args.strategies as string[] | undefined) : undefined;
    (only ?? []).forEach((label, j) => {
      if (!labels.includes(label))
        problems.push(
          `${at("scorers", i, "strategies", j)}: "${label}" is not a strategy of this task${didYouMean(label, labels)} (strategies: ${labels.join(", ")})`,
        );
    });
  });
}
