// Counts with their nouns in messages: "1 trial", "2 trials", "1 error".

/**
 * `n` and the noun in its number (English: singular only for exactly 1).
 * @example countOf(1, "trial") === "1 trial"; countOf(3, "entry", "entries") === "3 entries"
 */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
