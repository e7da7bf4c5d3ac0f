// Python `str` semantics that reference metric implementations rely on (whitespace
// splitting, stripping, `%.Nf` rounding, code-point length), so ports match them exactly.

/** The characters for which Python's `str.isspace()` is true (differs from JS `\s`: adds U+001C-U+001F and U+0085, drops U+FEFF). */
const PY_WHITESPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPLIT_RE = new RegExp(`[${PY_WHITESPACE}]+`, "u");
const TRAILING_RE = new RegExp(`[${PY_WHITESPACE}]+$`, "u");
const LEADING_RE = new RegExp(`^[${PY_WHITESPACE}]+`, "u");
const ANY_WS_RE = new RegExp(`[${PY_WHITESPACE}]`, "u");

/** Python's `s.split()`: split on runs of Unicode whitespace, dropping empty strings. */
export function pySplit(s: string): string[] {
  if (s === "") return [];
  return s.split(SPLIT_RE).filter((t) => t !== "");
}

/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(TRAILING_RE, "");
}

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(LEADING_RE, "").replace(TRAILING_RE, "");
}

/** Python's `"".join(s.split())`: remove every whitespace character. */
export function removeWhitespace(s: string): string {
  return ANY_WS_RE.test(s) ? pySplit(s).join("") : s;
}

/** Python's `len(s)`: the number of code points. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Python's `f"{x:.{digits}f}"`: round half to even on the exact binary value. JS
 * `toFixed` rounds exact ties away from zero (0.125 -> "0.13"; Python gives "0.12").
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
  if (Math.abs(x) >= 1e21) return x.toFixed(digits);
  const exact = Math.abs(x).toFixed(100); // exact decimal expansion (to 100 places) of the double
  const dot = exact.indexOf(".");
  const tail = exact.slice(dot + 1 + digits);
  const isTie = /^50*$/.test(tail);
  let out = x.toFixed(digits);
  if (isTie) {
    // toFixed rounded away from zero; Python rounds to the even last digit.
    const kept = exact.slice(0, dot + 1 + digits).replace(/\.$/, "");
    const lastDigit = Number(kept[kept.length - 1]);
    if (lastDigit % 2 === 0) out = (x < 0 ? "-" : "") + kept;
  }
  if (/^-0\.?0*$/.test(out) && x < 0) return out; // Python keeps "-0.00" for small negatives
  return out;
}
