/** The density activation σ = softplus(x + shift) and its backward, in double precision. */
import type { Num } from './types.ts';

/** Beyond this pre-activation softplus(s) is taken as s (their difference is below float precision). */
export const SOFTPLUS_LINEAR_FROM = 20;

/** pre[i] = x[i] + shift, out[i] = softplus(pre[i]); pre may alias x. */
export function softplusRef(x: Num, n: number, shift: number, pre: Num, out: Num): void {
  for (let i = 0; i < n; i++) {
    const s = x[i]! + shift;
    pre[i] = s;
    out[i] = s > SOFTPLUS_LINEAR_FROM ? s : Math.log1p(Math.exp(s));
  }
}

/** gradX[i] = gradOut[i] · sigmoid(pre[i]). */
export function softplusBackwardRef(pre: Num, gradOut: Num, n: number, gradX: Num): void {
  for (let i = 0; i < n; i++) gradX[i] = gradOut[i]! / (1 + Math.exp(-pre[i]!));
}
