# Shared test sentences for the conformance generators: hand-picked edge cases plus a
# seeded random mix (punctuation, numbers with separators, accents, CJK, emoji).
import random

EDGE_HYPS = [
    "The cat sat on the mat.",
    "",
    "the cat is on the mat",
    "It is a guide to action which ensures that the military always obeys the commands of the party.",
    "He said: \"1,000.5 dollars\" -- no, 2,500!",
    "Ça coûte 3,5 € à Zürich ; très cher...",
    "東京は日本の首都です。",
    "I ❤️ emoji 😀😀 and 🇫🇷 flags",
    "!!! ... ???",
    "   leading and trailing spaces   ",
    "tabs\tand\u00a0nbsp\u3000ideographic space",
    "A&amp;B &lt;tag&gt; &quot;quoted&quot; <skipped> hyphen-\nated",
    "e-mail well-known 3-4 x-ray 12-year-old",
    "Mr. Smith's U.S.A. trip cost $1,234,567.89 (approx.)",
    "an apple a day keeps the doctor away",
    "Español: ¿Dónde está la biblioteca? ¡Aquí!",
    "Ελληνικά ΟΔΟΣ Σίσυφος",
    "İstanbul DİYARBAKIR ǅ ß ﬁ",
    "x",
    "repeat repeat repeat repeat repeat repeat",
]

EDGE_REFS = [
    "The cat sat on a mat.",
    "Nothing here.",
    "there is a cat on the mat",
    "It is the guiding principle which guarantees the military forces always being under the command of the Party.",
    "He said: \"1,000.5 dollars\" - no, 2,500.",
    "Ça coûte 3,5 € à Zurich; très cher…",
    "東京は日本の首都である。",
    "I ❤️ emojis 😀 and 🇫🇷 flags!",
    "...",
    "leading and trailing spaces",
    "tabs and nbsp ideographic space",
    "A&B <tag> \"quoted\" hyphenated",
    "email well known 3 - 4 x-ray 12 year old",
    "Mr Smith's USA trip cost $1,234,567.89 (approximately)",
    "",
    "Español: ¿Dónde está la biblioteca? ¡Aquí está!",
    "ελληνικά οδος σισυφος",
    "istanbul diyarbakir ǆ ss fi",
    "x",
    "repeat repeat",
]

EDGE_REFS2 = [
    "A cat was sitting on the mat.",
    "",
    "the cat is on the mat",
    "It is the practical guide for the army always to heed the directions of the party.",
    "He told: 1000.5 dollars, no 2500",
    "Es kostet 3,5 € in Zürich.",
    "日本の首都は東京です",
    "emoji 😀😀",
    "!!!",
    "leading trailing",
    "tabs",
    "A & B",
    "e-mail well-known 3-4",
    "Mr. Smith",
    "an apple a day",
    "¿Dónde?",
    "ΟΔΟΣ",
    "İstanbul",
    "y",
    "repeat repeat repeat repeat repeat repeat repeat repeat",
]

VOCAB = (
    "the a an of to in and is was for on with as by at from that this it be are were "
    "cat dog house model answer question 1,000 2.5 3,141.59 1,000.5 -4 10-20 "
    "café naïve résumé Zürich coöperate São Paulo 北京 東京 中文 한국어 😀 👍🏽 🇯🇵 "
    "don't it's U.S. e.g. Dr. ( ) [ ] { } \" ' , . ; : ! ? - -- ... … — – « » „ “ ” $ % & @ # * + = / \\ | ~ ^ _ `"
).split(" ")


def random_sentence(rng, lo=0, hi=25):
    n = rng.randint(lo, hi)
    words = [rng.choice(VOCAB) for _ in range(n)]
    out = ""
    for w in words:
        sep = rng.choice([" ", " ", " ", " ", "", "  "])
        out += sep + w
    if rng.random() < 0.2:
        out = out.strip()
    return out


def corpus(seed=1234, n_random=150):
    """Returns (hyps, refs1, refs2, refs3): edge cases then seeded random segments."""
    rng = random.Random(seed)
    hyps, r1, r2, r3 = list(EDGE_HYPS), list(EDGE_REFS), list(EDGE_REFS2), []
    for i in range(len(hyps)):
        r3.append(random_sentence(rng, 0, 8))
    for _ in range(n_random):
        ref = random_sentence(rng)
        words = ref.split()
        # hypothesis: a perturbed copy of the reference, so n-gram matches occur
        hyp = " ".join(w for w in words if rng.random() > 0.25)
        if rng.random() < 0.3:
            hyp += " " + random_sentence(rng, 0, 5)
        hyps.append(hyp)
        r1.append(ref)
        r2.append(random_sentence(rng, 0, 40))
        r3.append(" ".join(words[: rng.randint(0, len(words))]))
    long_ref = " ".join(random_sentence(rng, 50, 60) for _ in range(20))
    long_hyp = " ".join(w for w in long_ref.split() if rng.random() > 0.1)
    hyps.append(long_hyp)
    r1.append(long_ref)
    r2.append(long_ref[: len(long_ref) // 2])
    r3.append("")
    return hyps, r1, r2, r3
