# Generates tests/fixtures/conformance/porter.tsv (word<TAB>NLTK stem) by running NLTK's
# PorterStemmer (default NLTK_EXTENSIONS mode) on a word list built from English text on
# this machine (Python sources and docs), suffix variants of it, and hand-picked edge cases.
# NLTK's own porter_test vocabulary (nltk_data) is not installed here.
# Usage: /usr/bin/python3 scripts/conformance/gen_porter.py tests/fixtures/conformance
import glob
import os
import random
import re
import sys

import nltk
from nltk.stem.porter import PorterStemmer

out_dir = sys.argv[1]
words = set()
sources = glob.glob("/usr/lib/python3/dist-packages/nltk/**/*.py", recursive=True)
sources += glob.glob("/usr/lib/python3/dist-packages/nltk/test/*.doctest")
sources += glob.glob("/usr/lib/python3.11/**/*.py", recursive=True)[:400]
for path in sorted(sources):
    try:
        with open(path, encoding="utf-8", errors="ignore") as f:
            text = f.read()
    except OSError:
        continue
    for w in re.findall(r"[A-Za-z]+", text):
        if 1 <= len(w) <= 20:
            words.add(w.lower())

rng = random.Random(42)
base = sorted(words)
SUFFIXES = ["s", "es", "ies", "ied", "ed", "ing", "ly", "ness", "ational", "tional", "ization", "ation",
            "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "alli", "fulli", "logi", "icate",
            "ative", "alize", "iciti", "ical", "ful", "ance", "ence", "er", "able", "ible", "ement", "ment",
            "ent", "ion", "ism", "ate", "iti", "ous", "ive", "ize", "bli", "eli", "ousli", "entli", "enci",
            "anci", "izer", "ator", "alism", "e", "ll", "y", "sses", "eed", "at", "bl", "iz"]
variants = set()
for w in rng.sample(base, min(6000, len(base))):
    for _ in range(3):
        variants.add(w + rng.choice(SUFFIXES))
EDGE = ["", "a", "y", "yy", "yyy", "by", "sky", "skies", "Skies", "SKY", "dying", "lying", "tying", "news",
        "innings", "outing", "cannings", "howe", "proceed", "exceed", "succeed", "generously", "ies", "ied",
        "dies", "tied", "cries", "cried", "agreed", "feed", "bled", "hopping", "hoping", "filing", "failing",
        "falling", "sized", "fizzed", "conflated", "troubled", "happy", "sky", "toy", "syzygy", "rhythm",
        "analogi", "archaeologi", "logi", "ology", "hopeful", "goodness", "electriciti", "formaliti",
        "controll", "roll", "caress", "ponies", "cats", "Running", "RUNNING", "Ünïcödé", "naïvely", "café",
        "crèmes", "straße", "résumés", "😀ing", "ab😀😀ing", "x😀y", "ﬁnding", "İnding", "1990s", "mp3s",
        "a1b2", "ing", "ed", "eed", "sses", "ss", "s", "ational", "alli", "bli", "ll", "e", "ee"]
all_words = sorted(words | variants) + EDGE
stemmer = PorterStemmer()
assert stemmer.mode == PorterStemmer.NLTK_EXTENSIONS
with open(os.path.join(out_dir, "porter.tsv"), "w", encoding="utf-8") as f:
    f.write(f"# NLTK {nltk.__version__} PorterStemmer (NLTK_EXTENSIONS): word<TAB>stem\n")
    for w in all_words:
        f.write(f"{w}\t{stemmer.stem(w)}\n")
print(len(all_words), "words")
