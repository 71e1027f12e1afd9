/**
 * WGSL of the TensoRF VM and dense-grid lookups and their scatters. The VM kernels run once per mode (plane i,
 * line i), so a dispatch binds at most six buffers. Scatters add into the gradients with a compare-and-swap
 * float add on `atomic<u32>`: the order in which points land is not fixed, so scattered gradients may differ in
 * the last bits from run to run (see src/kernels/README.md).
 */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

/** Align-corners taps of coordinate u on an axis of res texels; an out-of-range tap gets weight 0. */
const TAPS = `
struct Taps { i0: u32, i1: u32, w0: f32, w1: f32 }
fn axisTaps(u: f32, res: u32) -> Taps {
  let f = (u + 1.0) * 0.5 * f32(res - 1u);
  let fi = floor(f);
  let t = f - fi;
  let i = i32(fi);
  var out = Taps(0u, 0u, 0.0, 0.0);
  if (i >= 0 && i < i32(res)) { out.i0 = u32(i); out.w0 = 1.0 - t; }
  if (i + 1 >= 0 && i + 1 < i32(res)) { out.i1 = u32(i + 1); out.w1 = t; }
  return out;
}
`;

const VM_SCALARS = [
  { name: 'n', type: 'u32' },
  { name: 'comps', type: 'u32' },
  { name: 'axisA', type: 'u32' },
  { name: 'axisB', type: 'u32' },
  { name: 'axisV', type: 'u32' },
  { name: 'resA', type: 'u32' },
  { name: 'resB', type: 'u32' },
  { name: 'resV', type: 'u32' },
  { name: 'sum', type: 'u32' },
  { name: 'mode', type: 'u32' },
] as const;

/** Taps of point i on the plane's column (a) and row (b) axes and on the line's axis (v). */
const VM_TAPS = `
  let ta = axisTaps(XYZ_ld(i * 3u + p.axisA), p.resA);
  let tb = axisTaps(XYZ_ld(i * 3u + p.axisB), p.resB);
  let tv = axisTaps(XYZ_ld(i * 3u + p.axisV), p.resV);
  let K = p.comps;
  let t00 = (tb.i0 * p.resA + ta.i0) * K;
  let t01 = (tb.i0 * p.resA + ta.i1) * K;
  let t10 = (tb.i1 * p.resA + ta.i0) * K;
  let t11 = (tb.i1 * p.resA + ta.i1) * K;
  let w00 = tb.w0 * ta.w0;
  let w01 = tb.w0 * ta.w1;
  let w10 = tb.w1 * ta.w0;
  let w11 = tb.w1 * ta.w1;
`;

/** Plane and line values of component c (zero-weight taps read texel 0, which is always in range). */
const VM_VALUES = `
    let pv = w00 * PL_ld(t00 + c) + w01 * PL_ld(t01 + c) + w10 * PL_ld(t10 + c) + w11 * PL_ld(t11 + c);
    let lv = tv.w0 * LN_ld(tv.i0 * K + c) + tv.w1 * LN_ld(tv.i1 * K + c);
`;

/** Mode `mode` of vmGather: features into columns mode·comps.., or (sum) the mode's sum added into out[p]. */
export const VM_GATHER: KernelDef = {
  name: 'vmGather',
  bufs: [
    { name: 'PL', type: 'f32' },
    { name: 'LN', type: 'f32' },
    { name: 'XYZ', type: 'f32' },
    { name: 'O', type: 'f32' },
  ],
  scalars: VM_SCALARS,
  source: `${LINEAR_INDEX}\n${TAPS}\n${entry1d('p.n')}${VM_TAPS}
  var acc = 0.0;
  for (var c = 0u; c < K; c++) {
${VM_VALUES}
    if (p.sum != 0u) { acc += pv * lv; } else { O_st(i * 3u * K + p.mode * K + c, pv * lv); }
  }
  if (p.sum != 0u) {
    if (p.mode != 0u) { acc = O_ld(i) + acc; }
    O_st(i, acc);
  }
}
`,
};

/** Mode `mode` of vmScatter: adds w·g·line into the plane taps and w·g·plane into the line taps. */
export const VM_SCATTER: KernelDef = {
  name: 'vmScatter',
  bufs: [
    { name: 'PL', type: 'f32' },
    { name: 'LN', type: 'f32' },
    { name: 'XYZ', type: 'f32' },
    { name: 'GO', type: 'f32' },
    { name: 'GP', type: 'atomic' },
    { name: 'GL', type: 'atomic' },
  ],
  scalars: VM_SCALARS,
  source: `${LINEAR_INDEX}\n${TAPS}\n${entry1d('p.n')}${VM_TAPS}
  for (var c = 0u; c < K; c++) {
${VM_VALUES}
    var g = 0.0;
    if (p.sum != 0u) { g = GO_ld(i); } else { g = GO_ld(i * 3u * K + p.mode * K + c); }
    let gl = g * lv;
    if (w00 != 0.0) { GP_add(t00 + c, w00 * gl); }
    if (w01 != 0.0) { GP_add(t01 + c, w01 * gl); }
    if (w10 != 0.0) { GP_add(t10 + c, w10 * gl); }
    if (w11 != 0.0) { GP_add(t11 + c, w11 * gl); }
    if (tv.w0 != 0.0) { GL_add(tv.i0 * K + c, tv.w0 * g * pv); }
    if (tv.w1 != 0.0) { GL_add(tv.i1 * K + c, tv.w1 * g * pv); }
  }
}
`,
};

const GRID_SCALARS = [
  { name: 'n', type: 'u32' },
  { name: 'channels', type: 'u32' },
  { name: 'rx', type: 'u32' },
  { name: 'ry', type: 'u32' },
  { name: 'rz', type: 'u32' },
] as const;

/** The eight corners of point i: voxel offsets (times channels) and trilinear weights. */
const CORNERS = `
  let tx = axisTaps(XYZ_ld(i * 3u), p.rx);
  let ty = axisTaps(XYZ_ld(i * 3u + 1u), p.ry);
  let tz = axisTaps(XYZ_ld(i * 3u + 2u), p.rz);
  var vox: array<u32, 8>;
  var wt: array<f32, 8>;
  for (var q = 0u; q < 8u; q++) {
    let x = select(tx.i0, tx.i1, (q & 1u) != 0u);
    let y = select(ty.i0, ty.i1, (q & 2u) != 0u);
    let z = select(tz.i0, tz.i1, (q & 4u) != 0u);
    let wx = select(tx.w0, tx.w1, (q & 1u) != 0u);
    let wy = select(ty.w0, ty.w1, (q & 2u) != 0u);
    let wz = select(tz.w0, tz.w1, (q & 4u) != 0u);
    vox[q] = ((z * p.ry + y) * p.rx + x) * p.channels;
    wt[q] = wx * wy * wz;
  }
`;

/** out[p, c] = trilinear sample of the channel-last grid. */
export const GRID_GATHER: KernelDef = {
  name: 'gridGather',
  bufs: [
    { name: 'GR', type: 'f32' },
    { name: 'XYZ', type: 'f32' },
    { name: 'O', type: 'f32' },
  ],
  scalars: GRID_SCALARS,
  source: `${LINEAR_INDEX}\n${TAPS}\n${entry1d('p.n')}${CORNERS}
  for (var c = 0u; c < p.channels; c++) {
    var s = 0.0;
    for (var q = 0u; q < 8u; q++) { s += wt[q] * GR_ld(vox[q] + c); }
    O_st(i * p.channels + c, s);
  }
}
`,
};

/** gradGrid += trilinear splat of gradOut. */
export const GRID_SCATTER: KernelDef = {
  name: 'gridScatter',
  bufs: [
    { name: 'XYZ', type: 'f32' },
    { name: 'GO', type: 'f32' },
    { name: 'GG', type: 'atomic' },
  ],
  scalars: GRID_SCALARS,
  source: `${LINEAR_INDEX}\n${TAPS}\n${entry1d('p.n')}${CORNERS}
  for (var c = 0u; c < p.channels; c++) {
    let g = GO_ld(i * p.channels + c);
    for (var q = 0u; q < 8u; q++) { if (wt[q] != 0.0) { GG_add(vox[q] + c, wt[q] * g); } }
  }
}
`,
};
