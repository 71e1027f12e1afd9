/** Samples along rays with their compositing weights: what a geometry hands to the label fields. */

/** Ragged per-ray samples: ray r owns entries rayStart[r] … rayStart[r + 1] − 1. */
export interface WeightedSamples {
  rayStart: Int32Array;
  /** Compositing weight of each sample. */
  weights: Float32Array;
  /** Sample positions in the geometry's box coordinates, [−1, 1]³ (3 per sample). */
  positions: Float32Array;
}

/**
 * Copies the K heaviest samples (weight above the threshold) of ray j into slot `dest` of (slots × K × 3)
 * positions and (slots × K) weights, heaviest first; unused entries are left as they are.
 */
export function heaviestSamples(
  s: WeightedSamples,
  j: number,
  k: number,
  threshold: number,
  xyz: Float32Array,
  weight: Float32Array,
  dest: number,
): void {
  const w = s.weights;
  // Insertion into the k best so far (k is small): heaviest first, earlier samples first among equal weights.
  const best = heaviestScratch(k);
  let count = 0;
  for (let i = s.rayStart[j]!; i < s.rayStart[j + 1]!; i++) {
    const wi = w[i]!;
    if (!(wi > threshold)) continue;
    if (count === k && !(wi > w[best[k - 1]!]!)) continue;
    let pos = Math.min(count, k - 1);
    while (pos > 0 && wi > w[best[pos - 1]!]!) {
      best[pos] = best[pos - 1]!;
      pos--;
    }
    best[pos] = i;
    if (count < k) count++;
  }
  for (let c = 0; c < count; c++) {
    const i = best[c]!;
    weight[dest * k + c] = w[i]!;
    for (let a = 0; a < 3; a++) xyz[(dest * k + c) * 3 + a] = s.positions[i * 3 + a]!;
  }
}

let scratch = new Int32Array(8);
function heaviestScratch(k: number): Int32Array {
  if (scratch.length < k) scratch = new Int32Array(k);
  return scratch;
}
