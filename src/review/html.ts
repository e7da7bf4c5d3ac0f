// HTML built from templates in which every interpolated value is escaped unless it is
// already-built HTML: untrusted text (model outputs, inputs, comments) can only ever be text.

/** HTML that is safe to insert as is (built by `html` or `raw`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Part = SafeHtml | string | number | null | undefined | false | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
}

/**
 * Tagged template: values are escaped (arrays joined, null/undefined/false dropped), SafeHtml kept.
 * @example html`<p>${output}</p>` // output "<b>" becomes "&lt;b&gt;"
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Trusted markup written in this code (never user data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
