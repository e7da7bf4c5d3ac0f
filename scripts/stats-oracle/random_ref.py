"""An independent Python transcription of random.ts's generators (xoshiro128** from the
reference C at https://prng.di.unimi.it/xoshiro128starstar.c, splitmix32, FNV-1a + fmix32),
used to prove the TypeScript produces the documented streams bit for bit."""
from common import write

M = 0xFFFFFFFF


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M
    h ^= h >> 16
    return h


def hash_seed(*parts):
    text = ""
    for p in parts:
        kind = {str: "string", int: "number", float: "number", bool: "boolean"}[type(p)]
        if kind == "boolean":
            sp = "true" if p else "false"
        elif isinstance(p, float) and p.is_integer():
            sp = str(int(p))
        else:
            sp = str(p)
        text += "\u0000" + kind + ":" + sp
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & M
    return fmix32(h)


def seed_to_uint32(seed):
    if isinstance(seed, int) and 0 <= seed < 2**32:
        return seed
    return hash_seed(seed)


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


class Xoshiro128ss:
    def __init__(self, seed):
        self.sm = seed_to_uint32(seed)
        self.s = [self.splitmix32() for _ in range(4)]

    def splitmix32(self):
        self.sm = (self.sm + 0x9E3779B9) & M
        z = self.sm
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M
        return z ^ (z >> 16)

    def next_uint32(self):
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 9) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def next(self):
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def int(self, n):
        limit = 2**32 - (2**32 % n)
        while True:
            x = self.next_uint32()
            if x < limit:
                return x % n

    def shuffle(self, items):
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.int(i + 1)
            out[i], out[j] = out[j], out[i]
        return out


cases = []
for parts in [[], [0], [42], ["42"], ["a", "bc"], ["ab", "c"], [7, "bootstrap", "task-1"], ["héllo ✓ 😀"], [True], [3.5]]:
    cases.append({"fn": "hashSeed", "args": parts, "expected": hash_seed(*parts)})
for seed in [0, 1, 42, 2**32 - 1, "run-2024", -3, 1.5]:
    r = Xoshiro128ss(seed)
    cases.append({"fn": "nextUint32", "args": [seed], "expected": [r.next_uint32() for _ in range(20)]})
    r = Xoshiro128ss(seed)
    cases.append({"fn": "next", "args": [seed], "expected": [r.next() for _ in range(10)]})
    r = Xoshiro128ss(seed)
    cases.append({"fn": "int", "args": [seed, [1, 2, 3, 10, 1000, 2**31 + 1, 2**32 - 1]], "expected": [[r.int(n) for _ in range(5)] for n in [1, 2, 3, 10, 1000, 2**31 + 1, 2**32 - 1]]})
    r = Xoshiro128ss(seed)
    cases.append({"fn": "shuffle", "args": [seed, list(range(12))], "expected": r.shuffle(range(12))})

write("random.json", cases, "scripts/stats-oracle/random_ref.py (independent transcription, not a library)")
