/** Axis tick positions at "nice" numbers (1, 2, 5 × 10^k, or decades on log axes) and their labels. */

/** Tick values along an axis plus the spacing used to format their labels. */
export interface Ticks {
  values: number[];
  /** Spacing between linear ticks; for decade ticks, NaN (each label is formatted on its own). */
  step: number;
}

/** The nice number (1, 2 or 5 × 10^k) closest above `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const f = rough / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** About `target` evenly spaced nice ticks inside [lo, hi]. */
export function linearTicks(lo: number, hi: number, target: number): Ticks {
  const step = niceStep((hi - lo) / Math.max(1, target));
  const values: number[] = [];
  const eps = step * 1e-9;
  for (let k = Math.ceil((lo - eps) / step); k * step <= hi + eps; k++) {
    const v = k * step;
    values.push(Math.abs(v) < eps ? 0 : v);
  }
  return { values, step };
}

/** Ticks for a log axis spanning 10^lo … 10^hi: decades when at least two fit, else linear ticks. */
export function logTicks(lo: number, hi: number, target: number): Ticks {
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  const decades = last - first + 1;
  if (decades < 2) return linearTicks(10 ** lo, 10 ** hi, target);
  const stride = Math.ceil(decades / Math.max(1, target));
  const values: number[] = [];
  for (let k = first; k <= last; k++) if ((k - first) % stride === 0) values.push(Number(`1e${k}`)); // exact, unlike 10 ** k
  return { values, step: Number.NaN };
}

/** Short text for a tick value, with as many decimals as the tick spacing needs. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const spacing = Number.isFinite(step) && step > 0 ? step : Math.abs(v);
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) {
    const digits = Math.min(
      6,
      Math.max(0, Math.floor(Math.log10(abs)) - Math.floor(Math.log10(spacing) + 1e-9)),
    );
    const [mantissa, exponent] = v.toExponential(digits).split('e');
    const m = mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa!;
    return `${m}e${Number(exponent)}`;
  }
  const decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(spacing) + 1e-9)));
  return v.toFixed(decimals);
}
