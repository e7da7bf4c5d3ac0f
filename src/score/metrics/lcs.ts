// Longest common subsequence of two token-id sequences, 32 DP cells per machine word: the
// length in memory linear in the shorter sequence, and one LCS read out exactly as rouge-score does.
// Bit-parallel recurrence: Allison & Dix (1986), "A bit-string longest-common-subsequence
// algorithm", IPL 23; in the form V' = (V + (V & M)) | (V & ~M) of Hyyrö (2004), "Bit-parallel
// LCS-length computation revisited". The zero bits of V after i rows mark the columns j where
// the DP table's row i steps up (t[i][j] - t[i][j-1] = 1), so the table is the same integers the
// quadratic DP of rouge-score's `_lcs_table` computes.

/** Column masks of sequence `cols` per token id: dense words for frequent ids, positions for the rest. */
class ColumnMasks {
  readonly words: number;
  private readonly dense = new Map<number, Int32Array>();
  private readonly sparse = new Map<number, number[]>();
  private readonly scratch: Int32Array;

  constructor(cols: ArrayLike<number>) {
    this.words = (cols.length + 31) >>> 5;
    this.scratch = new Int32Array(this.words);
    for (let j = 0; j < cols.length; j++) {
      const list = this.sparse.get(cols[j]);
      if (list) list.push(j);
      else this.sparse.set(cols[j], [j]);
    }
    // An id occurring at least `words` times gets a dense mask: at most 32 such ids, so the
    // masks take at most 32 x words; the others are set into a scratch mask row by row, at a
    // cost below `words` each.
    for (const [id, list] of this.sparse) {
      if (list.length < this.words) continue;
      const mask = new Int32Array(this.words);
      for (const j of list) mask[j >>> 5] |= 1 << (j & 31);
      this.dense.set(id, mask);
      this.sparse.delete(id);
    }
  }

  /** Advances `v` by one row for token `id` (nothing to do when `id` never occurs in the columns). */
  advance(v: Int32Array, id: number): void {
    const dense = this.dense.get(id);
    if (dense) {
      advance(v, dense);
      return;
    }
    const list = this.sparse.get(id);
    if (!list) return;
    for (const j of list) this.scratch[j >>> 5] |= 1 << (j & 31);
    advance(v, this.scratch);
    for (const j of list) this.scratch[j >>> 5] = 0;
  }
}

/** One row of the recurrence: V <- (V + (V & M)) | (V & ~M), with the carry running up the words. */
function advance(v: Int32Array, mask: Int32Array): void {
  let carry = 0;
  for (let w = 0; w < v.length; w++) {
    const x = v[w] >>> 0;
    const m = mask[w];
    const sum = x + ((x & m) >>> 0) + carry;
    carry = sum > 0xffffffff ? 1 : 0;
    v[w] = sum | (x & ~m);
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Number of set bits among the first `bits` bits of `row[offset..]` (bit j = column j + 1). */
function prefixCount(row: Int32Array, offset: number, bits: number): number {
  let count = 0;
  const full = bits >>> 5;
  for (let w = 0; w < full; w++) count += popcount(row[offset + w]);
  const rest = bits & 31;
  if (rest) count += popcount(row[offset + full] & ((1 << rest) - 1));
  return count;
}

/**
 * Length of a longest common subsequence of `a` and `b` (token ids), in O(|a| |b| / 32) time and
 * O(min(|a|, |b|)) memory.
 * @example lcsLength([1, 2, 3, 4], [2, 4, 3]) // 2
 */
export function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [cols, rows] = a.length <= b.length ? [a, b] : [b, a];
  if (cols.length === 0) return 0;
  const masks = new ColumnMasks(cols);
  const v = new Int32Array(masks.words).fill(-1);
  for (let i = 0; i < rows.length; i++) masks.advance(v, rows[i]);
  for (let w = 0; w < v.length; w++) v[w] = ~v[w];
  return prefixCount(v, 0, cols.length);
}

/**
 * Indices into `ref` of one LCS of `ref` and `can`, the one rouge-score's `lcs_ind` returns
 * (`_lcs_table` then `_backtrack_norec`: on a mismatch step left when t[i][j-1] > t[i-1][j],
 * else up). The table is kept as bits (|ref| x |can| / 8 bytes) and its values are recovered by
 * counting bits along the backtrack.
 */
export function lcsIndices(ref: ArrayLike<number>, can: ArrayLike<number>): number[] {
  const n = ref.length;
  const m = can.length;
  if (n === 0 || m === 0) return [];
  const masks = new ColumnMasks(can);
  const words = masks.words;
  // rows[i * words ..]: the step bits of table row i (row 0 is all zeros).
  const rows = new Int32Array((n + 1) * words);
  const v = new Int32Array(words).fill(-1);
  for (let i = 1; i <= n; i++) {
    masks.advance(v, ref[i - 1]);
    const at = i * words;
    for (let w = 0; w < words; w++) rows[at + w] = ~v[w];
  }
  const bit = (i: number, j: number) => (rows[i * words + ((j - 1) >>> 5)] >>> ((j - 1) & 31)) & 1; // t[i][j] - t[i][j-1]
  const value = (i: number, j: number) => prefixCount(rows, i * words, j); // t[i][j]
  const out: number[] = [];
  let i = n;
  let j = m;
  let cur = value(i, j);
  let up = value(i - 1, j);
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      cur = up - bit(i - 1, j);
      i--;
      j--;
      up = i > 0 ? value(i - 1, j) : 0;
    } else if (cur - bit(i, j) > up) {
      cur -= bit(i, j);
      up -= bit(i - 1, j);
      j--;
    } else {
      cur = up;
      i--;
      up = i > 0 ? value(i - 1, j) : 0;
    }
  }
  return out.reverse();
}
