// Rebuilds a scorer from the spec a run stored (scorers.args), for summaries and comparisons
// that need its aggregate (corpus metrics) long after the run.
import { UserError, didYouMean } from "../errors.ts";
import { scorerFactories } from "../score/scorers.ts";
import type { Scorer } from "../score/types.ts";

/**
 * The scorer a run used, from its stored spec (JSON `{name, args}` as in `scorers.args`).
 * A spec naming a scorer this assay lacks, or one that does not parse, is a UserError.
 * @example const bleu = scorerFromStored('{"name":"bleu","args":{}}'); bleu.aggregate!(stats)
 */
export function scorerFromStored(argsJson: string): Scorer {
  let spec: { name?: unknown; args?: unknown };
  try {
    spec = JSON.parse(argsJson) as { name?: unknown; args?: unknown };
  } catch {
    throw new UserError(`a stored scorer spec is not JSON: ${argsJson.slice(0, 80)}`, { code: "E_DB_CORRUPT" });
  }
  const name = typeof spec?.name === "string" ? spec.name : undefined;
  const factory = name !== undefined && Object.hasOwn(scorerFactories, name) ? scorerFactories[name] : undefined;
  if (!factory) {
    throw new UserError(
      `the run was scored with scorer "${String(name)}", which this assay does not have${didYouMean(String(name), Object.keys(scorerFactories))}`,
      { code: "E_SCORER" },
    );
  }
  const args = spec.args && typeof spec.args === "object" ? (spec.args as Record<string, unknown>) : {};
  return factory(args);
}
