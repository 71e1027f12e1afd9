/** Robust scene boxes: per axis, two quantiles of the points, padded. */

/** The quantiles kept on each axis and the padding: `pad` × the kept extent plus `minPad` (scene units). */
export interface PercentileBoxOptions {
  low: number;
  high: number;
  pad: number;
  minPad: number;
}

/** The q-quantile of ascending values by nearest rank. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/** The padded box between two quantiles of each axis of n points (xyz, flat); null without points. */
export function percentileBox(
  xyz: Float64Array,
  o: PercentileBoxOptions,
): [[number, number, number], [number, number, number]] | null {
  const n = xyz.length / 3;
  if (n === 0) return null;
  const min: [number, number, number] = [0, 0, 0];
  const max: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const axis = Float64Array.from({ length: n }, (_, i) => xyz[i * 3 + k]!).sort();
    const lo = nearestRank(axis, o.low);
    const hi = nearestRank(axis, o.high);
    const pad = o.pad * (hi - lo) + o.minPad;
    min[k] = lo - pad;
    max[k] = hi + pad;
  }
  return [min, max];
}
