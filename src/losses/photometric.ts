/** Photometric loss (paper eq. 2): mean squared error of rendered against photographed RGB. */

/** Mean over pixels of the squared RGB error, and its gradient w.r.t. the rendered colours. */
export function photometricLoss(
  rendered: Float32Array,
  target: ArrayLike<number>,
): { loss: number; dRgb: Float32Array } {
  const n = rendered.length / 3;
  const dRgb = new Float32Array(rendered.length);
  if (n === 0) return { loss: 0, dRgb };
  let loss = 0;
  for (let i = 0; i < rendered.length; i++) {
    const d = rendered[i]! - target[i]!;
    loss += (d * d) / n;
    dRgb[i] = (2 * d) / n;
  }
  return { loss, dRgb };
}
