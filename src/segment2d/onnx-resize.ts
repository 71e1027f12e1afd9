/** Bilinear resampling of image planes (pixel centres at +0.5, edges clamped), for model inputs and masks. */

/** For each destination index along one axis: the two source taps and the weight of the second. */
interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  t: Float32Array;
}

function taps(src: number, dst: number): Taps {
  const lo = new Int32Array(dst);
  const hi = new Int32Array(dst);
  const t = new Float32Array(dst);
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    const x = Math.min(src - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const x0 = Math.floor(x);
    lo[i] = x0;
    hi[i] = Math.min(src - 1, x0 + 1);
    t[i] = x - x0;
  }
  return { lo, hi, t };
}

/**
 * Resamples channel `channel` of a row-major image with `channels` interleaved values per pixel from
 * sw×sh to dw×dh (one plane out); a same-size call copies the channel exactly.
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
  channels = 1,
  channel = 0,
): Float32Array {
  const out = new Float32Array(dw * dh);
  if (sw === dw && sh === dh) {
    for (let i = 0; i < out.length; i++) out[i] = src[i * channels + channel]!;
    return out;
  }
  const xs = taps(sw, dw);
  const ys = taps(sh, dh);
  for (let y = 0; y < dh; y++) {
    const r0 = ys.lo[y]! * sw;
    const r1 = ys.hi[y]! * sw;
    const ty = ys.t[y]!;
    for (let x = 0; x < dw; x++) {
      const c0 = xs.lo[x]!;
      const c1 = xs.hi[x]!;
      const tx = xs.t[x]!;
      const a = src[(r0 + c0) * channels + channel]!;
      const b = src[(r0 + c1) * channels + channel]!;
      const c = src[(r1 + c0) * channels + channel]!;
      const d = src[(r1 + c1) * channels + channel]!;
      const top = a + tx * (b - a);
      out[y * dw + x] = top + ty * (c + tx * (d - c) - top);
    }
  }
  return out;
}
