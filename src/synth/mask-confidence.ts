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

/** Confidence in [0, 1] as the uint16 values of a confidence PNG (value / 65535). */
export function confidenceToUint16(conf: Float32Array): Uint16Array {
  const out = new Uint16Array(conf.length);
  for (let i = 0; i < conf.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, conf[i]!)) * 65535);
  return out;
}
