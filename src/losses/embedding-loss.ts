/** Shared shapes of the instance-embedding losses: row-major n×d embeddings, per-pixel labels and weights. */

/** Row-major embeddings of `n` pixels with `d` values each. */
export interface Embeddings {
  data: ArrayLike<number>;
  n: number;
  d: number;
}

/** A loss value with its gradient with respect to the (fast) embeddings, same layout as the input. */
export interface LossWithGrad {
  loss: number;
  grad: Float64Array;
}

/** Squared Euclidean distance between row i of a and row j of b. */
export function sqDist(a: Embeddings, i: number, b: Embeddings, j: number): number {
  let s = 0;
  for (let k = 0; k < a.d; k++) {
    const t = a.data[i * a.d + k]! - b.data[j * b.d + k]!;
    s += t * t;
  }
  return s;
}

/** Mean embedding per label over the rows of `e` (only labels that occur). */
export function labelCentroids(e: Embeddings, labels: ArrayLike<number>): Map<number, Float64Array> {
  const sums = new Map<number, Float64Array>();
  const counts = new Map<number, number>();
  for (let i = 0; i < e.n; i++) {
    const l = labels[i]!;
    let s = sums.get(l);
    if (!s) {
      s = new Float64Array(e.d);
      sums.set(l, s);
    }
    for (let k = 0; k < e.d; k++) s[k]! += e.data[i * e.d + k]!;
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  for (const [l, s] of sums) {
    const c = counts.get(l)!;
    for (let k = 0; k < e.d; k++) s[k]! /= c;
  }
  return sums;
}

/** Splits indices 0..n-1 into the first ⌊n/2⌋ (Ω1) and the rest (Ω2); callers shuffle rows beforehand. */
export function halves(n: number): { first: number; second: number } {
  const first = Math.floor(n / 2);
  return { first, second: n - first };
}
