/**
 * Resampling a view to another size: RGB by area-weighted box filtering, depth by the median of the valid
 * readings under each output pixel (never averaged across holes or edges), intrinsics to match.
 */
import type { Intrinsics } from './scene.ts';

/** The output size whose larger side is `maxSide` (aspect kept, rounded), or the input size when already smaller. */
export function fitSize(w: number, h: number, maxSide: number): { w: number; h: number } {
  const s = maxSide / Math.max(w, h);
  if (s >= 1) return { w, h };
  return { w: Math.max(1, Math.round(w * s)), h: Math.max(1, Math.round(h * s)) };
}

/**
 * Intrinsics of the same camera at w2 × h2 pixels. The scene format's principal point is in continuous
 * image coordinates (pixel u covers [u, u + 1)), so cx and the focal lengths both scale by w2 / w.
 */
export function resizeIntrinsics(intr: Intrinsics, w2: number, h2: number): Intrinsics {
  const sx = w2 / intr.w;
  const sy = h2 / intr.h;
  return { ...intr, fx: intr.fx * sx, fy: intr.fy * sy, cx: intr.cx * sx, cy: intr.cy * sy, w: w2, h: h2 };
}

/** Per output index: the source indices it overlaps and their overlap lengths (summing to n / n2). */
function overlaps(n: number, n2: number): { index: number[]; weight: number[] }[] {
  const s = n / n2;
  const out: { index: number[]; weight: number[] }[] = [];
  for (let u = 0; u < n2; u++) {
    const lo = u * s;
    const hi = (u + 1) * s;
    const index: number[] = [];
    const weight: number[] = [];
    for (let i = Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) {
      const wgt = Math.min(hi, i + 1) - Math.max(lo, i);
      if (wgt > 1e-9) {
        index.push(i);
        weight.push(wgt / s);
      }
    }
    out.push({ index, weight });
  }
  return out;
}

/** Box-filters interleaved 8-bit pixels (`channels` a pixel) from w × h to w2 × h2 (area-weighted mean). */
export function resizeArea(
  src: ArrayLike<number>,
  w: number,
  h: number,
  channels: number,
  w2: number,
  h2: number,
): Uint8Array {
  const cols = overlaps(w, w2);
  const rows = overlaps(h, h2);
  // Horizontal pass into floats, then vertical pass with rounding.
  const tmp = new Float64Array(w2 * h * channels);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w2; u++) {
      const { index, weight } = cols[u]!;
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = 0; k < index.length; k++) s += weight[k]! * src[(v * w + index[k]!) * channels + c]!;
        tmp[(v * w2 + u) * channels + c] = s;
      }
    }
  }
  const out = new Uint8Array(w2 * h2 * channels);
  for (let v = 0; v < h2; v++) {
    const { index, weight } = rows[v]!;
    for (let u = 0; u < w2; u++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = 0; k < index.length; k++) s += weight[k]! * tmp[(index[k]! * w2 + u) * channels + c]!;
        out[(v * w2 + u) * channels + c] = Math.min(255, Math.max(0, Math.round(s)));
      }
    }
  }
  return out;
}

/** Source indices whose pixel centres fall inside output pixel u's footprint (at least the nearest one). */
function centres(n: number, n2: number): Int32Array[] {
  const s = n / n2;
  const out: Int32Array[] = [];
  for (let u = 0; u < n2; u++) {
    const lo = Math.max(0, Math.ceil(u * s - 0.5));
    const hi = Math.min(n - 1, Math.ceil((u + 1) * s - 0.5) - 1);
    const ids: number[] = [];
    for (let i = lo; i <= hi; i++) ids.push(i);
    if (ids.length === 0) ids.push(Math.min(n - 1, Math.floor((u + 0.5) * s)));
    out.push(Int32Array.from(ids));
  }
  return out;
}

/**
 * Reduces a depth map (0 = no reading) to w2 × h2: each output pixel takes the lower median of the valid
 * readings whose pixel centres lie under it, 0 when there are none. A median keeps one surface's depth at an
 * edge and ignores holes, where a mean would invent a depth between two surfaces.
 */
export function resizeDepthMedian(
  src: ArrayLike<number>,
  w: number,
  h: number,
  w2: number,
  h2: number,
): Uint16Array {
  const cols = centres(w, w2);
  const rows = centres(h, h2);
  const out = new Uint16Array(w2 * h2);
  const buf: number[] = [];
  for (let v = 0; v < h2; v++) {
    for (let u = 0; u < w2; u++) {
      buf.length = 0;
      for (const y of rows[v]!) {
        for (const x of cols[u]!) {
          const d = src[y * w + x]!;
          if (d > 0) buf.push(d);
        }
      }
      if (buf.length === 0) continue;
      buf.sort((a, b) => a - b);
      out[v * w2 + u] = buf[(buf.length - 1) >> 1]!;
    }
  }
  return out;
}
