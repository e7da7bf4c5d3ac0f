// Small inline-SVG charts for the HTML report. They take numbers only (no text from the
// data), so nothing they return needs escaping.

/** A [lo, hi] range a chart's positions are drawn against. */
export type Domain = [number, number];

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

/**
 * The domain a set of values and intervals is drawn against: [0, 1] when everything lies in
 * it (rates and 0-1 scores, so bars are comparable across tables), else the data's range.
 */
export function domainOf(values: (number | null)[], intervals: ([number, number] | null)[]): Domain {
  const xs = [...values, ...intervals.flatMap((c) => c ?? [])].filter((x): x is number => x !== null && Number.isFinite(x));
  if (!xs.length) return [0, 1];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  if (lo >= 0 && hi <= 1) return [0, 1];
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/**
 * A value and its interval as a horizontal bar: a grey track for the domain, a band for the
 * interval and a dot for the value. Null value: an empty track.
 */
export function intervalBar(value: number | null, ci: [number, number] | null, domain: Domain, width = 160, height = 14): string {
  const pad = 4;
  const x = (v: number) => fmt(pad + ((v - domain[0]) / (domain[1] - domain[0] || 1)) * (width - 2 * pad));
  const mid = height / 2;
  const parts = [`<line class="track" x1="${pad}" x2="${width - pad}" y1="${mid}" y2="${mid}"/>`];
  if (ci) parts.push(`<rect class="ci" x="${x(ci[0])}" width="${fmt(Number(x(ci[1])) - Number(x(ci[0])))}" y="${mid - 4}" height="8"/>`);
  if (value !== null) parts.push(`<circle class="value" cx="${x(value)}" cy="${mid}" r="3.5"/>`);
  return `<svg class="bar" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true">${parts.join("")}</svg>`;
}
