/** The simulated segmenter's per-pixel confidence: a per-segment value that falls off near boundaries. */
import { boundaryDistance, type LabelMap } from './mask-noise.ts';

/**
 * Per-pixel confidence from per-label values (`perLabel[0]` is the background's): it falls linearly to
 * half the label's value at a label change across `bandPx` pixels (no falloff when `bandPx` is 0).
 */
export function confidenceMap(map: LabelMap, perLabel: Float32Array, bandPx: number): Float32Array {
  const n = map.w * map.h;
  const out = new Float32Array(n);
  const dist = bandPx > 0 ? boundaryDistance(map, bandPx) : null;
  for (let i = 0; i < n; i++) {
    const base = perLabel[map.data[i]!]!;
    out[i] = dist ? base * (0.5 + (0.5 * dist[i]!) / bandPx) : base;
  }
  return out;
}
