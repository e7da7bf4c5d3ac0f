// The inference-variants section as terminal text: speed, size and identical outputs per
// model, the paired quality difference against the reference, and every output-preserving
// variant whose outputs differ, flagged with the differing items listed.
import { countOf } from "./plural.ts";
import { columns, terminalSafe } from "./table.ts";
import type { DifferingOutput, InferenceVariants, VariantRow } from "./variants.ts";

/** How many code points of each output are shown around the first difference. */
const excerptBefore = 12;
const excerptAfter = 24;

const kindShort: Record<VariantRow["kind"], string> = {
  reference: "reference",
  "output-preserving": "preserving",
  "output-approximating": "approximating",
  unknown: "unknown",
};

/** The section: a table per model, the quality rows, flags and the settings each variant changes. */
export function variantsText(v: InferenceVariants, options: { width?: number } = {}): string {
  const lines = [terminalSafe(`inference variants against ${v.reference} (reference from ${v.referenceFrom})`)];
  if (v.note) lines.push(terminalSafe(`note: ${v.note}`));
  const header = [
    "model",
    "kind",
    "file",
    "calls",
    "tok/s",
    "p50 ms",
    "p95 ms",
    "TTFT p50",
    "prefill eval/sent",
    "draft acc",
    "identical",
    "speed",
  ];
  const body = v.models.map((m) => [
    m.model,
    kindShort[m.kind],
    m.weights ? fileSize(m.weights.size) : "-",
    m.cachedCalls ? `${m.calls} (+${m.cachedCalls} cached)` : String(m.calls),
    num(m.tokensPerSecond, 1),
    num(m.latencyP50Ms, 0),
    num(m.latencyP95Ms, 0),
    num(m.ttftP50Ms, 0),
    m.prefill ? `${m.prefill.evaluated}/${m.prefill.submitted}` : "-",
    m.draft?.acceptance != null ? percent(m.draft.acceptance) : "-",
    m.identical ? (m.identical.share === null ? "-" : `${m.identical.identical}/${m.identical.n} (${percent(m.identical.share)})`) : "-",
    m.speedRatio === null ? "-" : `${m.speedRatio.toFixed(2)}x`,
  ]);
  lines.push(columns(header, body, { rightAligned: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], rule: true, width: options.width }));
  lines.push(
    "tok/s: output tokens / latency summed over generated calls; p50, p95: linear interpolation between order statistics (numpy's default); identical: same output as the reference on the same item, strategy and sample",
  );
  const cachedOnly = v.models.filter((m) => m.calls === 0 && m.cachedCalls > 0).map((m) => m.model);
  if (cachedOnly.length)
    lines.push(
      terminalSafe(
        `${cachedOnly.join(", ")}: every call came from the response cache, so nothing was timed; run again with --no-cache to measure speed`,
      ),
    );
  const settings = settingsLines(v);
  if (settings.length) lines.push("", ...settings);
  const quality = v.models.flatMap((m) =>
    m.quality.map((q) => [
      m.model,
      q.task,
      q.strategy,
      q.metric,
      q.reference.toFixed(3),
      q.value.toFixed(3),
      (q.difference >= 0 ? "+" : "") + q.difference.toFixed(3),
      `[${q.ci[0].toFixed(3)}, ${q.ci[1].toFixed(3)}]`,
      Number.isNaN(q.pValue) ? "-" : q.pValue < 0.001 ? "<0.001" : q.pValue.toFixed(3),
      q.test,
      String(q.n),
    ]),
  );
  if (quality.length) {
    lines.push("", terminalSafe(`quality against ${v.reference} (model - reference on paired items, the tests of assay compare)`));
    const qHeader = ["model", "task", "strategy", "metric", "reference", "model", "diff", "95% CI", "p", "test", "n"];
    lines.push(columns(qHeader, quality, { rightAligned: [4, 5, 6, 8, 10], rule: true, width: options.width }));
  }
  for (const m of v.models) {
    const flag = differingFlag(m, v.reference);
    if (flag) lines.push("", ...flag);
  }
  return lines.join("\n");
}

/** An output-preserving variant whose outputs differ from the reference's: said and listed, never hidden. */
function differingFlag(m: VariantRow, reference: string): string[] | undefined {
  if (m.kind !== "output-preserving" || !m.identical || m.identical.identical === m.identical.n) return undefined;
  const differ = m.identical.n - m.identical.identical;
  const shown = m.identical.differing.length;
  const lines = [
    terminalSafe(
      `! ${m.model}: ${differ} of ${countOf(m.identical.n, "output")} ${differ === 1 ? "differs" : "differ"} from ${reference} although the weights are the same — llama.cpp's batched or threaded arithmetic can round differently, and a sampled output depends on its random draws too; ${shown < differ ? `the first ${shown} listed below` : "listed below"}`,
    ),
  ];
  for (const d of m.identical.differing) lines.push(...differingLines(d));
  return lines;
}

function differingLines(d: DifferingOutput): string[] {
  const sample = d.sample ? ` sample ${d.sample}` : "";
  return [
    terminalSafe(`  ${d.task} item ${d.item} ${d.strategy}${sample}: first difference at character ${d.position}`),
    terminalSafe(`    reference: ${excerpt(d.reference, d.position)}`),
    terminalSafe(`    variant:   ${excerpt(d.output, d.position)}`),
  ];
}

/** A short piece of `text` around code point `at`, quoted, with … where it was cut. */
export function excerpt(text: string | null, at: number): string {
  if (text === null) return "(no output)";
  const chars = [...text];
  const start = Math.max(0, at - excerptBefore);
  const end = Math.min(chars.length, at + excerptAfter);
  return `${start > 0 ? "…" : ""}"${chars.slice(start, end).join("")}"${end < chars.length ? "…" : ""}`;
}

/** The reference's settings, then per variant the settings it changes (NULL settings: nothing to say). */
function settingsLines(v: InferenceVariants): string[] {
  const reference = v.models.find((m) => m.kind === "reference")!;
  const lines: string[] = [];
  const show = (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x));
  if (reference.settings)
    lines.push(
      terminalSafe(
        `settings of ${reference.model}: ${Object.entries(reference.settings)
          .map(([k, x]) => `${k}=${show(x)}`)
          .join(", ")}`,
      ),
    );
  for (const m of v.models) {
    if (m === reference || !m.settings) continue;
    const base = reference.settings ?? {};
    const changed = Object.entries(m.settings).filter(([k, x]) => show(base[k]) !== show(x));
    lines.push(
      terminalSafe(
        `settings of ${m.model}: ${changed.length ? changed.map(([k, x]) => `${k}=${show(x)}`).join(", ") : "as the reference"}${reference.settings ? "" : " (the reference records none)"}`,
      ),
    );
  }
  return lines;
}

function num(x: number | null, digits: number): string {
  return x === null || !Number.isFinite(x) ? "-" : x.toFixed(digits);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** Bytes in binary units, as `ls -lh` shows them. */
export function fileSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let x = bytes;
  let u = 0;
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${x.toFixed(1)} ${units[u]}`;
}
