/**
 * WGSL of the total-variation loss of one channel-last plane: per element its whole gradient from its (up to
 * four) neighbour differences, added once (no atomics); per row the loss of the differences to its right and
 * below, summed on the host.
 */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

const TV_BUFS = [
  { name: 'X', type: 'f32' },
  { name: 'G', type: 'f32' },
  { name: 'LOSS', type: 'f32' },
] as const;

/** wa = weight / horizontal pair count, wb = weight / vertical pair count (0 when there are none). */
const TV_SCALARS = [
  { name: 'rows', type: 'u32' },
  { name: 'cols', type: 'u32' },
  { name: 'comps', type: 'u32' },
  { name: 'wa', type: 'f32' },
  { name: 'wb', type: 'f32' },
  { name: 'count', type: 'u32' },
] as const;

/** grad[e] += 2·wa·((x_e − x_left) − (x_right − x_e)) + 2·wb·((x_e − x_up) − (x_down − x_e)), in-range terms only. */
export const TV_GRAD: KernelDef = {
  name: 'tvGrad',
  bufs: TV_BUFS,
  scalars: TV_SCALARS,
  source: `${LINEAR_INDEX}\n${entry1d('p.count')}
  let C = p.comps;
  let ja = (i / C) % p.cols;
  let jb = i / (C * p.cols);
  let x = X_ld(i);
  var g = 0.0;
  if (ja > 0u) { g += 2.0 * p.wa * (x - X_ld(i - C)); }
  if (ja + 1u < p.cols) { g -= 2.0 * p.wa * (X_ld(i + C) - x); }
  if (jb > 0u) { g += 2.0 * p.wb * (x - X_ld(i - p.cols * C)); }
  if (jb + 1u < p.rows) { g -= 2.0 * p.wb * (X_ld(i + p.cols * C) - x); }
  G_st(i, G_ld(i) + g);
}
`,
};

/** LOSS[row] = Σ over the row's elements of wa·(right difference)² + wb·(difference below)². */
export const TV_LOSS: KernelDef = {
  name: 'tvLoss',
  bufs: TV_BUFS,
  scalars: TV_SCALARS,
  source: `${LINEAR_INDEX}\n${entry1d('p.rows')}
  let C = p.comps;
  let rowLen = p.cols * C;
  var s = 0.0;
  for (var e = i * rowLen; e < (i + 1u) * rowLen; e++) {
    let x = X_ld(e);
    if ((e / C) % p.cols + 1u < p.cols) { let t = X_ld(e + C) - x; s += p.wa * t * t; }
    if (i + 1u < p.rows) { let t = X_ld(e + rowLen) - x; s += p.wb * t * t; }
  }
  LOSS_st(i, s);
}
`,
};
