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

/**
 * A paired difference and its interval against zero: the band is the interval, the dot the
 * difference, the vertical line zero; drawn in `domain` (symmetric around zero).
 */
export function effectBar(difference: number, ci: [number, number], domain: Domain, width = 200, height = 14): string {
  const pad = 4;
  const x = (v: number) => fmt(pad + ((v - domain[0]) / (domain[1] - domain[0] || 1)) * (width - 2 * pad));
  const mid = height / 2;
  const side = ci[0] > 0 ? "up" : ci[1] < 0 ? "down" : "flat";
  return `<svg class="bar effect ${side}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true"><line class="track" x1="${pad}" x2="${width - pad}" y1="${mid}" y2="${mid}"/><line class="zero" x1="${x(0)}" x2="${x(0)}" y1="0" y2="${height}"/><rect class="ci" x="${x(ci[0])}" width="${fmt(Number(x(ci[1])) - Number(x(ci[0])))}" y="${mid - 4}" height="8"/><circle class="value" cx="${x(difference)}" cy="${mid}" r="3.5"/></svg>`;
}

/** A point of a scatter: x, y, and whether it is on the Pareto front. */
export interface ScatterPoint {
  x: number;
  y: number;
  front: boolean;
}

/**
 * A scatter of points numbered 1..n (the page lists what each number is), the Pareto front
 * drawn as a line through its points (left to right), with the axes' ranges written at their ends.
 */
export function scatter(points: ScatterPoint[], width = 420, height = 260): string {
  const padL = 44;
  const padB = 28;
  const padT = 10;
  const padR = 14;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const span = (v: number[]): Domain => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return lo === hi ? [lo - (Math.abs(lo) || 1) * 0.1, hi + (Math.abs(hi) || 1) * 0.1] : [lo - (hi - lo) * 0.08, hi + (hi - lo) * 0.08];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const px = (v: number) => padL + ((v - x0) / (x1 - x0)) * (width - padL - padR);
  const py = (v: number) => height - padB - ((v - y0) / (y1 - y0)) * (height - padB - padT);
  const front = points.filter((p) => p.front).sort((a, b) => a.x - b.x);
  const step = front.map((p, i) => `${i ? "L" : "M"}${fmt(px(p.x))} ${fmt(py(p.y))}`).join(" ");
  const dots = points
    .map(
      (p, i) =>
        `<circle class="${p.front ? "front" : "dot"}" cx="${fmt(px(p.x))}" cy="${fmt(py(p.y))}" r="5"/><text class="label" x="${fmt(px(p.x) + 7)}" y="${fmt(py(p.y) - 6)}">${i + 1}</text>`,
    )
    .join("");
  const axis = `<line class="axis" x1="${padL}" y1="${height - padB}" x2="${width - padR}" y2="${height - padB}"/><line class="axis" x1="${padL}" y1="${padT}" x2="${padL}" y2="${height - padB}"/>`;
  const ticks = `<text class="tick" x="${padL}" y="${height - 8}">${fmt(x0)}</text><text class="tick end" x="${width - padR}" y="${height - 8}">${fmt(x1)}</text><text class="tick end" x="${padL - 4}" y="${height - padB}">${fmt(y0)}</text><text class="tick end" x="${padL - 4}" y="${padT + 10}">${fmt(y1)}</text>`;
  return `<svg class="scatter" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${axis}${ticks}${front.length > 1 ? `<path class="front-line" d="${step}"/>` : ""}${dots}</svg>`;
}
