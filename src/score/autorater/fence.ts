// Untrusted text (a candidate's output, dataset fields, references) goes into a judge prompt
// inside a fence whose boundary is random per call:
//
//   <<<BEGIN 3f9a1c07d2e4b5a6>>>
//   the text
//   <<<END 3f9a1c07d2e4b5a6>>>
//
// The text cannot close the fence: it cannot know the boundary, and anything in it that looks
// like a fence marker or one of the prompt's section headers is neutralised (and the judgment
// records that it was).
import { randomBytes } from "node:crypto";

// Boundaries are cut from a pool of CSPRNG bytes (one system call per 512 boundaries instead of one each).
let pool = Buffer.alloc(0);
let at = 0;

/** A fresh random boundary: 16 hex digits (64 bits) from the operating system's CSPRNG; never reused. */
export function newBoundary(): string {
  if (at + 8 > pool.length) {
    pool = randomBytes(4096);
    at = 0;
  }
  at += 8;
  return pool.toString("hex", at - 8, at);
}

/** The boundary the response cache key is computed with, so a cached judgment is found whatever boundary its call used. */
export const cacheKeyBoundary = "0000000000000000";

/** A fenced text and whether anything in it had to be neutralised. */
export interface Fenced {
  text: string;
  neutralised: boolean;
}

const markerPattern = /<<<(\s*)(BEGIN|END)/gi;
const headerPattern = /^([ \t]*)(#{1,6}[ \t])/gm;

/**
 * Make `text` safe to put between fence markers: fence-like markers (`<<<BEGIN`, `<<<END`,
 * any case) lose their first `<` to a `‹`, the boundary itself (if the text somehow holds it)
 * is broken with `‹…›`, and lines that start like a Markdown header (`## Rating Rubric`) get a
 * backslash before the `#`.
 */
export function neutralise(text: string, boundary: string): Fenced {
  let out = text.replace(markerPattern, "‹<<$1$2");
  if (boundary.length > 0 && out.includes(boundary)) out = out.split(boundary).join(`‹${boundary}›`);
  out = out.replace(headerPattern, "$1\\$2");
  return { text: out, neutralised: out !== text };
}

/** `text` between fence markers with `boundary`, neutralised first. */
export function fence(text: string, boundary: string): Fenced {
  const safe = neutralise(text, boundary);
  return { text: `<<<BEGIN ${boundary}>>>\n${safe.text}\n<<<END ${boundary}>>>`, neutralised: safe.neutralised };
}
