import assert from 'node:assert/strict';

/** Central finite-difference gradient of f at x (float64). */
export function numericGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const old = x[i]!;
    x[i] = old + h;
    const fp = f(x);
    x[i] = old - h;
    const fm = f(x);
    x[i] = old;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Asserts an analytic gradient matches central differences within a relative tolerance. */
export function assertGradientMatches(
  analytic: ArrayLike<number>,
  f: (x: Float64Array) => number,
  x: Float64Array,
  tol = 1e-5,
  h = 1e-6,
): void {
  const numeric = numericGradient(f, x, h);
  let scale = 1e-8;
  for (let i = 0; i < numeric.length; i++) scale = Math.max(scale, Math.abs(numeric[i]!));
  for (let i = 0; i < numeric.length; i++) {
    const err = Math.abs(analytic[i]! - numeric[i]!) / scale;
    assert.ok(err < tol, `gradient[${i}]: analytic ${analytic[i]} vs numeric ${numeric[i]} (rel err ${err})`);
  }
}
