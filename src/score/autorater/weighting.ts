// G-Eval's probability-weighted score (Liu et al. 2023, "G-Eval: NLG Evaluation using GPT-4
// with Better Human Alignment", eq. 1: score = sum_i p(s_i) * s_i): at the token where the
// verdict is written, the top log-probs of the tokens that are verdicts, renormalised over them.
import type { TokenLogprob } from "../../provider/types.ts";
import type { VerdictKind } from "./verdict.ts";

/** A weighted verdict: the expected score and the renormalised distribution it came from. */
export interface Weighted {
  score: number;
  /** Verdict -> probability (summing to 1), from the top log-probs at the verdict token. */
  distribution: Record<string, number>;
}

/**
 * The expected score at the verdict token, or a reason why it cannot be computed (then the
 * parsed verdict is used, and the judgment records the reason). `verdictOffset` is where the
 * verdict's text starts in the reply (the tokens' texts, concatenated, must spell the reply).
 */
export function weightVerdict(
  tokens: TokenLogprob[] | undefined,
  reply: string,
  verdictOffset: number,
  verdict: string,
  kind: VerdictKind,
): Weighted | { reason: string } {
  if (!tokens?.length) return { reason: "the backend returned no log-probs" };
  let at = 0;
  let index = -1;
  for (let i = 0; i < tokens.length; i++) {
    const end = at + tokens[i].token.length;
    if (verdictOffset >= at && verdictOffset < end) {
      index = i;
      break;
    }
    at = end;
  }
  if (index < 0 || tokens.map((t) => t.token).join("") !== reply) return { reason: "the log-probs' tokens do not spell the reply" };
  // A verdict written over several tokens ("10" as "1" + "0") has no single token to weight.
  if (verdictOfToken(tokens[index].token, kind) !== verdict) return { reason: "the verdict is not written as one token" };
  const candidates = tokens[index].top;
  if (!candidates?.length) return { reason: "the backend returned no top log-probs" };
  // A token stands for a verdict when its text (trimmed of the spacing or quote before it) is
  // the whole verdict: a digit of the scale, or a prefix of exactly one choice's name.
  const probability = new Map<string, number>();
  for (const c of candidates) {
    const verdict = verdictOfToken(c.token, kind);
    if (verdict === undefined || !Number.isFinite(c.logprob)) continue;
    probability.set(verdict, (probability.get(verdict) ?? 0) + Math.exp(c.logprob));
  }
  let total = 0;
  for (const p of probability.values()) total += p;
  if (total <= 0) return { reason: "no verdict among the top log-probs" };
  const distribution: Record<string, number> = {};
  let score = 0;
  for (const [verdict, p] of [...probability].sort((a, b) => a[0].localeCompare(b[0], "en", { numeric: true }))) {
    distribution[verdict] = p / total;
    score += (p / total) * (kind.kind === "scale" ? Number(verdict) : kind.kind === "choices" ? kind.choices[verdict] : 0);
  }
  return { score, distribution };
}

function verdictOfToken(token: string, kind: VerdictKind): string | undefined {
  const text = token.replace(/^[\s"']+/, "").replace(/[\s"',}]+$/, "");
  if (text === "") return undefined;
  if (kind.kind === "scale") {
    if (!/^\d+$/.test(text)) return undefined;
    const n = Number(text);
    return n >= kind.lo && n <= kind.hi ? String(n) : undefined;
  }
  if (kind.kind !== "choices") return undefined;
  const names = Object.keys(kind.choices).filter((name) => name.startsWith(text));
  return names.length === 1 ? names[0] : undefined;
}
