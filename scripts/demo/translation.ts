// A toy translation from English into "Zorbish", an invented language: a fixed lexicon, and
// a word order of its own (adverb first, adjectives after nouns, verb last).
import { pick, type Random } from "./rng.ts";

const determiners: Record<string, string> = { the: "ka", a: "mu" };
const nouns: Record<string, string> = {
  cat: "miro",
  dog: "tafu",
  bird: "sili",
  fish: "noba",
  king: "raku",
  child: "pelo",
  horse: "vanu",
  tree: "lomi",
  house: "dreva",
  river: "sunu",
  farmer: "gatto",
  wolf: "zeki",
  queen: "rani",
  boat: "kolu",
  stone: "bira",
  moon: "lusa",
};
const adjectives: Record<string, string> = {
  red: "ruba",
  big: "gora",
  small: "nini",
  old: "vesa",
  happy: "feli",
  green: "vedo",
  tall: "alto",
  quiet: "suma",
  fast: "kiro",
  dark: "nuro",
  young: "juna",
  wise: "sapi",
};
const verbs: Record<string, string> = {
  sees: "vek",
  likes: "amo",
  eats: "nom",
  finds: "tro",
  follows: "sek",
  hears: "odi",
  helps: "aju",
  chases: "kaz",
  carries: "port",
  knows: "sap",
};
const adverbs: Record<string, string> = {
  today: "hodi",
  again: "riva",
  quickly: "rapi",
  slowly: "lenti",
  often: "sepi",
  never: "nun",
};

/** One translation item. */
export interface TranslationItem {
  id?: string;
  english: string;
  zorbish: string;
}

/** The task prompt, identical to the suite's `prompt:` template. */
export function translationPrompt(item: { english: string }): string {
  return `English: ${item.english}\nZorbish:`;
}

function nounPhrase(r: Random): { en: string[]; zo: string[] } {
  const det = pick(r, Object.keys(determiners));
  const noun = pick(r, Object.keys(nouns));
  const adj = r() < 0.5 ? pick(r, Object.keys(adjectives)) : undefined;
  return {
    en: adj ? [det, adj, noun] : [det, noun],
    zo: adj ? [determiners[det], nouns[noun], adjectives[adj]] : [determiners[det], nouns[noun]],
  };
}

/** A random sentence "DET [ADJ] NOUN VERB DET [ADJ] NOUN [ADV]" and its translation. */
export function translationItem(r: Random): TranslationItem {
  const subject = nounPhrase(r);
  const verb = pick(r, Object.keys(verbs));
  const object = nounPhrase(r);
  const adverb = r() < 0.4 ? pick(r, Object.keys(adverbs)) : undefined;
  const english = [...subject.en, verb, ...object.en, ...(adverb ? [adverb] : [])].join(" ");
  const zorbish = [...(adverb ? [adverbs[adverb]] : []), ...subject.zo, ...object.zo, verbs[verb]].join(" ");
  return { english, zorbish };
}
