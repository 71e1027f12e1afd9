/**
 * Felzenszwalb–Huttenlocher graph-based image segmentation on an 8-connected pixel grid, with edge weights
 * that add a relative depth difference to the colour difference where both pixels have a depth reading.
 */
import { UnionFind } from '../cluster/union-find.ts';
import { gaussianBlur } from './blur.ts';

/** Parameters of the segmentation. */
export interface GraphParams {
  /** Scale k of the merge threshold k / |C|: larger k, larger segments (colour units 0..255). */
  k: number;
  /** Segments smaller than this many pixels are merged into their most similar neighbour. */
  minSize: number;
  /** Standard deviation in pixels of the Gaussian smoothing applied to the colour first (0 = none). */
  sigma: number;
  /** Weight of the relative depth difference |d₁ − d₂| / min(d₁, d₂), in colour units (0 = colour only). */
  depthWeight: number;
}

/** One view to segment: RGB (3 values a pixel, 0..255) and optional planar depth (0 = no reading). */
export interface GraphInput {
  w: number;
  h: number;
  rgb: ArrayLike<number>;
  depth: ArrayLike<number> | null;
}

/** The grid graph's edges (a, b) with their weights, sorted by weight (ties by construction order). */
function sortedEdges(
  input: GraphInput,
  params: GraphParams,
): { a: Int32Array; b: Int32Array; w: Float32Array } {
  const { w, h, depth } = input;
  const rgb = params.sigma > 0 ? gaussianBlur(input.rgb, w, h, 3, params.sigma) : input.rgb;
  const offsets: [number, number][] = [
    [1, 0],
    [0, 1],
    [1, 1],
    [1, -1],
  ];
  const cap = w * h * offsets.length;
  const ea = new Int32Array(cap);
  const eb = new Int32Array(cap);
  const ew = new Float32Array(cap);
  let m = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      for (const [dx, dy] of offsets) {
        const x2 = x + dx;
        const y2 = y + dy;
        if (x2 >= w || y2 < 0 || y2 >= h) continue;
        const j = y2 * w + x2;
        const dr = rgb[i * 3]! - rgb[j * 3]!;
        const dg = rgb[i * 3 + 1]! - rgb[j * 3 + 1]!;
        const db = rgb[i * 3 + 2]! - rgb[j * 3 + 2]!;
        let wgt = Math.sqrt(dr * dr + dg * dg + db * db);
        if (depth && params.depthWeight > 0) {
          const di = depth[i]!;
          const dj = depth[j]!;
          if (di > 0 && dj > 0) wgt += (params.depthWeight * Math.abs(di - dj)) / Math.min(di, dj);
        }
        ea[m] = i;
        eb[m] = j;
        ew[m] = wgt;
        m++;
      }
    }
  }
  const order = new Uint32Array(m);
  for (let e = 0; e < m; e++) order[e] = e;
  order.sort((p, q) => ew[p]! - ew[q]! || p - q);
  const a = new Int32Array(m);
  const b = new Int32Array(m);
  const wts = new Float32Array(m);
  for (let e = 0; e < m; e++) {
    a[e] = ea[order[e]!]!;
    b[e] = eb[order[e]!]!;
    wts[e] = ew[order[e]!]!;
  }
  return { a, b, w: wts };
}

/** Segments one view; returns a label per pixel, 0..count−1 in first-pixel order, and the count. */
export function segmentGraph(input: GraphInput, params: GraphParams): { labels: Int32Array; count: number } {
  const n = input.w * input.h;
  const edges = sortedEdges(input, params);
  const sets = new UnionFind(n);
  // Int(C) + k / |C| of every component, kept at its root.
  const threshold = new Float64Array(n).fill(params.k);
  for (let e = 0; e < edges.w.length; e++) {
    const ra = sets.find(edges.a[e]!);
    const rb = sets.find(edges.b[e]!);
    if (ra === rb) continue;
    const wgt = edges.w[e]!;
    if (wgt <= threshold[ra]! && wgt <= threshold[rb]!) {
      sets.union(ra, rb);
      const r = sets.find(ra);
      threshold[r] = wgt + params.k / sets.size[r]!;
    }
  }
  // Small components join the neighbour across their weakest edge.
  for (let e = 0; e < edges.w.length; e++) {
    const ra = sets.find(edges.a[e]!);
    const rb = sets.find(edges.b[e]!);
    if (ra !== rb && (sets.size[ra]! < params.minSize || sets.size[rb]! < params.minSize)) sets.union(ra, rb);
  }
  const labels = new Int32Array(n);
  const index = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = sets.find(i);
    if (index[r] === -1) index[r] = count++;
    labels[i] = index[r]!;
  }
  return { labels, count };
}
