/** Two taps of align-corners linear interpolation on one axis; an out-of-range tap has index -1 and weight 0. */
export interface Taps {
  i0: number;
  i1: number;
  w0: number;
  w1: number;
}

/** Taps for coordinate u in [-1,1] on an axis of `res` texels (align_corners: -1 → 0, +1 → res-1). */
export function axisTaps(u: number, res: number): Taps {
  const f = ((u + 1) / 2) * (res - 1);
  const i = Math.floor(f);
  const t = f - i;
  const ok0 = i >= 0 && i < res;
  const ok1 = i + 1 >= 0 && i + 1 < res;
  return { i0: ok0 ? i : -1, i1: ok1 ? i + 1 : -1, w0: ok0 ? 1 - t : 0, w1: ok1 ? t : 0 };
}
