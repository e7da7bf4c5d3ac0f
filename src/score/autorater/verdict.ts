// What a judge must answer and how its reply is read. A reply that cannot be read exactly
// (not JSON, not the schema, cut by max tokens, off the scale) is unreadable: the judgment is
// unscored, never a pass and never a fail (Inspect AI's rule; promptfoo's llm-rubric counted a
// reply without its `pass` field as a pass, its issue 10611).

/** What a verdict is: a point on an integer scale, one of named choices, or a pairwise preference. */
export type VerdictKind =
  | { kind: "scale"; lo: number; hi: number }
  | { kind: "choices"; choices: Record<string, number> }
  | { kind: "pairwise" };

export const pairwiseVerdicts = ["A", "B", "tie"] as const;

/** Why a reply could not be read. */
export type UnreadableStatus = "unparsed" | "schema" | "out-of-range" | "truncated";

export type Reading = { status: "ok"; verdict: string; reasoning: string | null } | { status: UnreadableStatus; detail: string };

/**
 * The JSON Schema a judge's reply must match: exactly a reasoning string (first, so the model
 * reasons before it commits) and one verdict field.
 */
export function verdictSchema(kind: VerdictKind): Record<string, unknown> {
  return {
    type: "object",
    properties: { reasoning: { type: "string" }, verdict: verdictProperty(kind) },
    required: ["reasoning", "verdict"],
    additionalProperties: false,
  };
}

function verdictProperty(kind: VerdictKind): Record<string, unknown> {
  if (kind.kind === "scale") return { type: "integer", minimum: kind.lo, maximum: kind.hi };
  return { type: "string", enum: kind.kind === "choices" ? Object.keys(kind.choices) : [...pairwiseVerdicts] };
}

/** The instruction a rubric's `## Output` section shows (`{{verdict_format}}`). */
export function verdictFormat(kind: VerdictKind, pattern: string | undefined): string {
  if (pattern !== undefined) return `End your answer with a line matching the pattern ${pattern}.`;
  const value =
    kind.kind === "scale"
      ? `<an integer from ${kind.lo} to ${kind.hi}>`
      : `<one of ${(kind.kind === "choices" ? Object.keys(kind.choices) : pairwiseVerdicts).map((c) => JSON.stringify(c)).join(", ")}>`;
  return `Answer with only a JSON object, reasoning first: {"reasoning": "<your step-by-step reasoning>", "verdict": ${value}}`;
}

/** Read a JSON reply: the whole reply (trimmed) must be an object with exactly `reasoning` and a valid `verdict`. */
export function readJsonVerdict(reply: string, finishReason: string | undefined, kind: VerdictKind): Reading {
  if (finishReason === "length") return { status: "truncated", detail: "the reply was cut at max_tokens" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.trim());
  } catch {
    return { status: "unparsed", detail: "the reply is not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { status: "schema", detail: "the reply is not a JSON object" };
  const record = parsed as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => k !== "reasoning" && k !== "verdict");
  if (extra.length) return { status: "schema", detail: `unexpected field ${JSON.stringify(extra[0])}` };
  if (!("verdict" in record)) return { status: "schema", detail: 'no "verdict" field' };
  if (typeof record.reasoning !== "string") return { status: "schema", detail: '"reasoning" is missing or not a string' };
  return checkVerdict(record.verdict, kind, record.reasoning);
}

/**
 * Read a free-text reply with a declared pattern: the LAST match counts (a reply that quotes the
 * candidate, which may say "Score: 5", ends with the judge's own verdict), its first group (or
 * the whole match) is the verdict.
 */
export function readPatternVerdict(reply: string, finishReason: string | undefined, pattern: RegExp, kind: VerdictKind): Reading {
  if (finishReason === "length") return { status: "truncated", detail: "the reply was cut at max_tokens" };
  const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
  let last: RegExpExecArray | undefined;
  for (const match of reply.matchAll(global)) last = match;
  if (!last) return { status: "unparsed", detail: `no match for ${pattern.source}` };
  const text = (last[1] ?? last[0]).trim();
  const value = kind.kind === "scale" && /^[+-]?\d+$/.test(text) ? Number(text) : text;
  return checkVerdict(value, kind, reply.slice(0, last.index).trim() || null);
}

function checkVerdict(value: unknown, kind: VerdictKind, reasoning: string | null): Reading {
  if (kind.kind === "scale") {
    if (typeof value !== "number" || !Number.isInteger(value))
      return { status: "schema", detail: `verdict ${JSON.stringify(value)} is not an integer` };
    if (value < kind.lo || value > kind.hi)
      return { status: "out-of-range", detail: `verdict ${value} is outside the scale ${kind.lo}-${kind.hi}` };
    return { status: "ok", verdict: String(value), reasoning };
  }
  const allowed: readonly string[] = kind.kind === "choices" ? Object.keys(kind.choices) : pairwiseVerdicts;
  if (typeof value !== "string" || !allowed.includes(value))
    return {
      status: kind.kind === "choices" && typeof value === "string" ? "out-of-range" : "schema",
      detail: `verdict ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`,
    };
  return { status: "ok", verdict: value, reasoning };
}

/** A verdict's score on the rubric's own scale (a choice's given score); pairwise verdicts have none. */
export function verdictScore(verdict: string, kind: VerdictKind): number | null {
  if (kind.kind === "scale") return Number(verdict);
  if (kind.kind === "choices") return kind.choices[verdict];
  return null;
}

/** A score on the rubric's scale mapped to [0, 1]: (s - lo) / (hi - lo); choice scores are used as given. */
export function normalise(score: number, kind: VerdictKind): number {
  return kind.kind === "scale" ? (score - kind.lo) / (kind.hi - kind.lo) : score;
}
