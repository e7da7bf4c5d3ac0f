// Perplexity and bits-per-byte from log-probabilities (natural log), as lm-evaluation-harness
// defines them. Reference: EleutherAI lm-evaluation-harness, lm_eval/api/metrics.py:
// perplexity = exp(-mean(loglikelihoods)), weighted_perplexity = exp(-sum(ll)/sum(weights))
// (word_perplexity, byte_perplexity), bits_per_byte = -sum(ll) / sum(bytes) / ln 2.

import { z } from "zod";
import type { ScorerFactory } from "../types.ts";
import { scorerArgs } from "./args.ts";

/** Token-level perplexity: exp of the mean negative log-probability per token. */
export function tokenPerplexity(tokenLogprobs: number[]): number {
  if (tokenLogprobs.length === 0) return NaN;
  let sum = 0;
  for (const lp of tokenLogprobs) sum += lp;
  return Math.exp(-sum / tokenLogprobs.length);
}

/** lm-eval `perplexity`: exp(-mean) of per-document log-likelihoods. */
export function perplexity(loglikelihoods: number[]): number {
  return tokenPerplexity(loglikelihoods);
}

/** lm-eval `weighted_perplexity`: exp(-Σll / Σweights); weights are words (word_perplexity) or bytes (byte_perplexity). */
export function weightedPerplexity(items: { loglikelihood: number; weight: number }[]): number {
  let ll = 0;
  let w = 0;
  for (const it of items) {
    ll += it.loglikelihood;
    w += it.weight;
  }
  return Math.exp(-ll / w);
}

/** lm-eval `bits_per_byte`: -Σll / Σbytes / ln 2. */
export function bitsPerByte(items: { loglikelihood: number; bytes: number }[]): number {
  let ll = 0;
  let bytes = 0;
  for (const it of items) {
    ll += it.loglikelihood;
    bytes += it.bytes;
  }
  return -ll / bytes / Math.LN2;
}

export const PERPLEXITY_UNITS = ["token", "byte", "bits-per-byte"] as const;
export type PerplexityUnit = (typeof PERPLEXITY_UNITS)[number];

/** Corpus value from summed `[-Σlogprob, Σtokens, Σbytes]`. */
function fromStats([nll, tokens, bytes]: number[], unit: PerplexityUnit): number {
  if (unit === "token") return Math.exp(nll / tokens);
  if (unit === "byte") return Math.exp(nll / bytes);
  return nll / bytes / Math.LN2;
}

/**
 * `perplexity` scorer over the target's log-likelihood (the first entry of
 * `choiceLoglikelihoods`: `{logprob, tokens, bytes}`). Values are perplexities (≥ 1) or
 * bits per byte, not 0-1 scores; lower is better. The summary pools over items
 * (Σ log-likelihood / Σ tokens or bytes), as lm-eval's weighted perplexity does.
 * Args: `unit`: "token" (default), "byte" or "bits-per-byte".
 * @example `{name: perplexity, unit: bits-per-byte}`
 */
export const perplexityScorer: ScorerFactory = (args) => {
  const { unit } = scorerArgs(z.strictObject({ unit: z.enum(PERPLEXITY_UNITS).default("token") }), args, "perplexity");
  return {
    name: "perplexity",
    spec: { name: "perplexity", args },
    score(input) {
      const ll = input.choiceLoglikelihoods?.[0];
      if (!ll) return { value: null, explanation: "no log-likelihoods for this item (the task must request them); unscored" };
      const stats = [-ll.logprob, ll.tokens, ll.bytes];
      const value = fromStats(stats, unit);
      return {
        value,
        stats,
        explanation: `${unit} ${unit === "bits-per-byte" ? "" : "perplexity "}${value.toFixed(4)} over ${ll.tokens} tokens / ${ll.bytes} bytes`,
      };
    },
    aggregate: (summed) => fromStats(summed, unit),
  };
};
