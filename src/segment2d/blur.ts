/** Separable Gaussian smoothing of interleaved image channels (edges clamped). */

/** A normalised 1D Gaussian kernel of standard deviation `sigma`, radius ⌈4σ⌉. */
function kernel(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(4 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) {
    k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
    s += k[i + r]!;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

/** Blurs a w × h image with `channels` interleaved values a pixel by a Gaussian of `sigma` pixels. */
export function gaussianBlur(
  src: ArrayLike<number>,
  w: number,
  h: number,
  channels: number,
  sigma: number,
): Float32Array {
  const k = kernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(w * h * channels);
  const out = new Float32Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let t = -r; t <= r; t++) {
          const xx = Math.min(w - 1, Math.max(0, x + t));
          s += k[t + r]! * src[(y * w + xx) * channels + c]!;
        }
        tmp[(y * w + x) * channels + c] = s;
      }
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let t = -r; t <= r; t++) {
          const yy = Math.min(h - 1, Math.max(0, y + t));
          s += k[t + r]! * tmp[(yy * w + x) * channels + c]!;
        }
        out[(y * w + x) * channels + c] = s;
      }
    }
  }
  return out;
}
