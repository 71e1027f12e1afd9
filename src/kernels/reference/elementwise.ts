import type { Num } from './types.ts';

/** y = max(x, 0). */
export function reluRef(x: Num, y: Num, n: number): void {
  for (let i = 0; i < n; i++) y[i] = Math.max(x[i]!, 0);
}

/** dx = y > 0 ? dy : 0. */
export function reluBackwardRef(y: Num, dy: Num, dx: Num, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
}

/** One Adam update in place (L2 weight decay added to the gradient). */
export function adamRef(
  p: Num,
  g: Num,
  m: Num,
  v: Num,
  n: number,
  step: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
): void {
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  for (let i = 0; i < n; i++) {
    const gi = g[i]! + weightDecay * p[i]!;
    m[i] = beta1 * m[i]! + (1 - beta1) * gi;
    v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
    p[i] = p[i]! - ((lr / bc1) * m[i]!) / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps);
  }
}

/** target = momentum·target + (1 - momentum)·source. */
export function emaRef(target: Num, source: Num, n: number, momentum: number): void {
  for (let i = 0; i < n; i++) target[i] = momentum * target[i]! + (1 - momentum) * source[i]!;
}
