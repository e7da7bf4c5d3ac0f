// The Porter stemmer exactly as NLTK's PorterStemmer behaves in its default
// NLTK_EXTENSIONS mode, which rouge-score uses for `use_stemmer=True`.
// Reference: NLTK 3.8, nltk/stem/porter.py (PorterStemmer, mode=NLTK_EXTENSIONS); Porter
// (1980), "An algorithm for suffix stripping". Martin Porter's own variant (npm `stemmer`)
// differs on common words (e.g. "generously", "dying"), so it cannot stand in.

/** Irregular forms NLTK maps directly (`irregular_forms`, inverted into `pool`). */
const POOL: Record<string, string> = {
  sky: "sky",
  skies: "sky",
  dying: "die",
  lying: "lie",
  tying: "tie",
  news: "news",
  innings: "inning",
  inning: "inning",
  outings: "outing",
  outing: "outing",
  cannings: "canning",
  canning: "canning",
  howe: "howe",
  proceed: "proceed",
  exceed: "exceed",
  succeed: "succeed",
};

/** Index by code point, like Python `str` (a plain string when it has no surrogates). */
type Chars = ArrayLike<string>;
const chars = (s: string): Chars => (/[\ud800-\udfff]/.test(s) ? Array.from(s) : s);
const len = (s: string): number => chars(s).length;
/** Python `word[:-n]` for an ASCII suffix length n (code points and UTF-16 units agree). */
const dropEnd = (s: string, n: number): string => (n === 0 ? s : s.slice(0, -n));

const isVowel = (c: string) => c === "a" || c === "e" || c === "i" || c === "o" || c === "u";

function isConsonant(word: Chars, i: number): boolean {
  if (isVowel(word[i])) return false;
  if (word[i] === "y") return i === 0 ? true : !isConsonant(word, i - 1);
  return true;
}

/** m in [C](VC)^m[V]: the number of "vc" pairs. */
function measure(stem: string): number {
  const w = chars(stem);
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < w.length; i++) {
    const consonant = isConsonant(w, i);
    if (consonant && prevVowel) m++;
    prevVowel = !consonant;
  }
  return m;
}

const hasPositiveMeasure = (stem: string) => measure(stem) > 0;

function containsVowel(stem: string): boolean {
  const w = chars(stem);
  for (let i = 0; i < w.length; i++) if (!isConsonant(w, i)) return true;
  return false;
}

function endsDoubleConsonant(word: string): boolean {
  const w = chars(word);
  const n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1);
}

/** Condition *o, with NLTK's extension for two-letter stems (vc). */
function endsCvc(word: string): boolean {
  const w = chars(word);
  const n = w.length;
  return (
    (n >= 3 &&
      isConsonant(w, n - 3) &&
      !isConsonant(w, n - 2) &&
      isConsonant(w, n - 1) &&
      w[n - 1] !== "w" &&
      w[n - 1] !== "x" &&
      w[n - 1] !== "y") ||
    (n === 2 && !isConsonant(w, 0) && isConsonant(w, 1))
  );
}

type Rule = [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/** NLTK `_apply_rule_list`: the first rule whose suffix matches decides (applied or not). */
function applyRuleList(word: string, rules: Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === "*d" && endsDoubleConsonant(word)) {
      const w = chars(word);
      const stem = typeof w === "string" ? word.slice(0, -2) : Array.from(w).slice(0, -2).join("");
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = dropEnd(word, suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

function step1a(word: string): string {
  if (word.endsWith("ies") && len(word) === 4) return dropEnd(word, 3) + "ie";
  return applyRuleList(word, [
    ["sses", "ss", null],
    ["ies", "i", null],
    ["ss", "ss", null],
    ["s", "", null],
  ]);
}

function step1b(word: string): string {
  if (word.endsWith("ied")) return dropEnd(word, 3) + (len(word) === 4 ? "ie" : "i");
  if (word.endsWith("eed")) {
    const stem = dropEnd(word, 3);
    return measure(stem) > 0 ? stem + "ee" : word;
  }
  let intermediate: string | undefined;
  for (const suffix of ["ed", "ing"]) {
    if (word.endsWith(suffix)) {
      const candidate = dropEnd(word, suffix.length);
      if (containsVowel(candidate)) {
        intermediate = candidate;
        break;
      }
    }
  }
  if (intermediate === undefined) return word;
  const w = chars(intermediate);
  const last = w[w.length - 1];
  return applyRuleList(intermediate, [
    ["at", "ate", null],
    ["bl", "ble", null],
    ["iz", "ize", null],
    ["*d", last, () => last !== "l" && last !== "s" && last !== "z"],
    ["", "e", (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

function step1c(word: string): string {
  return applyRuleList(word, [["y", "i", (stem) => len(stem) > 1 && isConsonant(chars(stem), len(stem) - 1)]]);
}

function step2(word: string): string {
  if (word.endsWith("alli") && hasPositiveMeasure(dropEnd(word, 4))) return step2(dropEnd(word, 4) + "al");
  const p = hasPositiveMeasure;
  return applyRuleList(word, [
    ["ational", "ate", p],
    ["tional", "tion", p],
    ["enci", "ence", p],
    ["anci", "ance", p],
    ["izer", "ize", p],
    ["bli", "ble", p],
    ["alli", "al", p],
    ["entli", "ent", p],
    ["eli", "e", p],
    ["ousli", "ous", p],
    ["ization", "ize", p],
    ["ation", "ate", p],
    ["ator", "ate", p],
    ["alism", "al", p],
    ["iveness", "ive", p],
    ["fulness", "ful", p],
    ["ousness", "ous", p],
    ["aliti", "al", p],
    ["iviti", "ive", p],
    ["biliti", "ble", p],
    ["fulli", "ful", p],
    ["logi", "log", () => hasPositiveMeasure(dropEnd(word, 3))],
  ]);
}

function step3(word: string): string {
  const p = hasPositiveMeasure;
  return applyRuleList(word, [
    ["icate", "ic", p],
    ["ative", "", p],
    ["alize", "al", p],
    ["iciti", "ic", p],
    ["ical", "ic", p],
    ["ful", "", p],
    ["ness", "", p],
  ]);
}

function step4(word: string): string {
  const gt1 = (stem: string) => measure(stem) > 1;
  return applyRuleList(word, [
    ["al", "", gt1],
    ["ance", "", gt1],
    ["ence", "", gt1],
    ["er", "", gt1],
    ["ic", "", gt1],
    ["able", "", gt1],
    ["ible", "", gt1],
    ["ant", "", gt1],
    ["ement", "", gt1],
    ["ment", "", gt1],
    ["ent", "", gt1],
    ["ion", "", (stem) => measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))],
    ["ou", "", gt1],
    ["ism", "", gt1],
    ["ate", "", gt1],
    ["iti", "", gt1],
    ["ous", "", gt1],
    ["ive", "", gt1],
    ["ize", "", gt1],
  ]);
}

function step5a(word: string): string {
  if (word.endsWith("e")) {
    const stem = dropEnd(word, 1);
    if (measure(stem) > 1) return stem;
    if (measure(stem) === 1 && !endsCvc(stem)) return stem;
  }
  return word;
}

function step5b(word: string): string {
  return applyRuleList(word, [["ll", "l", () => measure(dropEnd(word, 1)) > 1]]);
}

/**
 * NLTK `PorterStemmer().stem(word)` (NLTK_EXTENSIONS mode, lower-casing on).
 * @example porterStem("generously") // "gener"
 */
export function porterStem(word: string): string {
  const lowered = word.toLowerCase();
  if (Object.hasOwn(POOL, word)) return POOL[lowered];
  if (len(word) <= 2) return lowered;
  let stem = step1a(lowered);
  stem = step1b(stem);
  stem = step1c(stem);
  stem = step2(stem);
  stem = step3(stem);
  stem = step4(stem);
  stem = step5a(stem);
  stem = step5b(stem);
  return stem;
}
