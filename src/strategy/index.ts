// The strategy registry: kind -> implementation.
import { bestOfN } from "./best-of-n.ts";
import { chainOfThought } from "./chain-of-thought.ts";
import { fewShot } from "./few-shot.ts";
import { selfConsistency } from "./self-consistency.ts";
import type { Strategy } from "./types.ts";
import { zeroShot } from "./zero-shot.ts";

/** Every strategy by kind. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds strategies with different option types
export const strategies: Record<string, Strategy<any>> = {
  "zero-shot": zeroShot,
  "few-shot": fewShot,
  "chain-of-thought": chainOfThought,
  "self-consistency": selfConsistency,
  "best-of-n": bestOfN,
};
