/** Instance-id images for viewing: ids blended over a photo, or ids as flat colours. */
import { instanceColor } from './palette.ts';

/** Options for overlayInstances. */
export interface OverlayOptions {
  /** Weight of the instance colour over the photo, in [0, 1] (default 0.5). */
  alpha?: number;
  /** Darken pixels of an instance that touch a different id (default false). */
  boundaries?: boolean;
}

type IdMap = Uint16Array | Int32Array;

/** Fraction of the instance colour kept on boundary pixels. */
const BOUNDARY_SHADE = 0.3;

function checkSizes(ids: IdMap, w: number, h: number, rgb?: Uint8Array): void {
  if (ids.length !== w * h) throw new Error(`id map has ${ids.length} pixels, expected ${w}×${h}`);
  if (rgb && rgb.length !== w * h * 3)
    throw new Error(`RGB image has ${rgb.length} bytes, expected ${w * h * 3}`);
}

/** Returns a per-id colour lookup that remembers colours already computed. */
function colorCache(): (id: number) => readonly number[] {
  const cache = new Map<number, readonly number[]>();
  return (id) => {
    let c = cache.get(id);
    if (!c) {
      c = instanceColor(id);
      cache.set(id, c);
    }
    return c;
  };
}

/** Whether pixel i (at column x, row y) has a 4-neighbour with a different id. */
function onBoundary(ids: IdMap, i: number, x: number, y: number, w: number, h: number): boolean {
  const id = ids[i]!;
  return (
    (x > 0 && ids[i - 1] !== id) ||
    (x < w - 1 && ids[i + 1] !== id) ||
    (y > 0 && ids[i - w] !== id) ||
    (y < h - 1 && ids[i + w] !== id)
  );
}

/** Blends instance colours over an RGB photo; pixels with id ≤ 0 keep the photo unchanged. */
export function overlayInstances(
  rgb: Uint8Array,
  ids: IdMap,
  w: number,
  h: number,
  opts: OverlayOptions = {},
): Uint8Array {
  checkSizes(ids, w, h, rgb);
  const alpha = Math.min(1, Math.max(0, opts.alpha ?? 0.5));
  const boundaries = opts.boundaries ?? false;
  const colorOf = colorCache();
  const out = Uint8Array.from(rgb);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const id = ids[i]!;
      if (id <= 0) continue;
      const c = colorOf(id);
      const o = i * 3;
      if (boundaries && onBoundary(ids, i, x, y, w, h)) {
        for (let k = 0; k < 3; k++) out[o + k] = Math.round(c[k]! * BOUNDARY_SHADE);
      } else {
        for (let k = 0; k < 3; k++) out[o + k] = Math.round(rgb[o + k]! * (1 - alpha) + c[k]! * alpha);
      }
    }
  }
  return out;
}

/** Paints every pixel with its instance colour (black for id ≤ 0). */
export function colorizeIds(ids: IdMap, w: number, h: number): Uint8Array {
  checkSizes(ids, w, h);
  const colorOf = colorCache();
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const id = ids[i]!;
    if (id <= 0) continue;
    const c = colorOf(id);
    out[i * 3] = c[0]!;
    out[i * 3 + 1] = c[1]!;
    out[i * 3 + 2] = c[2]!;
  }
  return out;
}
