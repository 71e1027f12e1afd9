/**
 * Rasterising COCO polygons: a pixel is inside when its centre (u + 0.5, v + 0.5) is inside by the even-odd
 * rule; several polygons of one segmentation are united.
 */

/** Marks (sets to 1) the pixels of a row-major w × h mask whose centres one polygon [x0, y0, x1, y1, …] covers. */
export function fillPolygon(mask: Uint8Array, w: number, h: number, xy: readonly number[]): void {
  const n = Math.floor(xy.length / 2);
  if (n < 3) return;
  const xs: number[] = [];
  for (let v = 0; v < h; v++) {
    const y = v + 0.5;
    xs.length = 0;
    for (let k = 0; k < n; k++) {
      const x0 = xy[2 * k]!;
      const y0 = xy[2 * k + 1]!;
      const x1 = xy[(2 * k + 2) % (2 * n)]!;
      const y1 = xy[(2 * k + 3) % (2 * n)]!;
      // Half-open in y, so a vertex on the scan line is counted once and horizontal edges never.
      if (y0 <= y !== y1 <= y) xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Centres in [left, right): u + 0.5 ≥ left and u + 0.5 < right.
      const lo = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const hi = Math.min(w, Math.ceil(xs[k + 1]! - 0.5));
      for (let u = lo; u < hi; u++) mask[v * w + u] = 1;
    }
  }
}

/** The row-major w × h mask (1 = inside) of a COCO polygon list, each a flat [x0, y0, x1, y1, …]. */
export function rasterisePolygons(
  polygons: readonly (readonly number[])[],
  w: number,
  h: number,
): Uint8Array {
  const mask = new Uint8Array(w * h);
  // Even-odd within one polygon; union across polygons (COCO merges one mask per polygon).
  for (const p of polygons) fillPolygon(mask, w, h, p);
  return mask;
}
