/**
 * WGSL GEMM: C(m×n) = op(A)·op(B) (+ bias) (+ C), then ReLU and/or the mask epilogue. 64×64 output tiles per
 * workgroup of 16×16 invocations, each holding a 4×4 register block; K advances in slabs of 16 staged in
 * workgroup memory (8 KiB), loaded so that neighbouring invocations read neighbouring addresses for every
 * transpose. Each output sums k in order in one register.
 */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

/** Output tile edge of one workgroup. */
export const GEMM_TILE = 64;

/** The tiled GEMM kernel. */
export const GEMM: KernelDef = {
  name: 'gemm',
  bufs: [
    { name: 'A', type: 'f32' },
    { name: 'B', type: 'f32' },
    { name: 'C', type: 'f32' },
    { name: 'BIAS', type: 'f32' },
    { name: 'MASK', type: 'f32' },
  ],
  scalars: [
    { name: 'm', type: 'u32' },
    { name: 'n', type: 'u32' },
    { name: 'k', type: 'u32' },
    { name: 'transA', type: 'u32' },
    { name: 'transB', type: 'u32' },
    { name: 'hasBias', type: 'u32' },
    { name: 'acc', type: 'u32' },
    { name: 'relu', type: 'u32' },
    { name: 'hasMask', type: 'u32' },
  ],
  source: `
var<workgroup> As: array<f32, 1024>; // As[kk * 64 + row]
var<workgroup> Bs: array<f32, 1024>; // Bs[kk * 64 + col]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let row0 = w.y * 64u;
  let col0 = w.x * 64u;
  // Four rows of four columns in vec4 registers (no dynamically indexed arrays: software adapters spill them).
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  for (var k0 = 0u; k0 < p.k; k0 += 16u) {
    for (var q = 0u; q < 4u; q++) {
      let e = li + q * 256u;
      // A: stored m×k (k fastest) unless transA (m fastest); pick the tile walk that follows memory.
      var ar = e % 64u;
      var ak = e / 64u;
      if (p.transA == 0u) { ar = e / 16u; ak = e % 16u; }
      let gi = row0 + ar;
      let ga = k0 + ak;
      var av = 0.0;
      if (gi < p.m && ga < p.k) {
        av = A_ld(select(gi * p.k + ga, ga * p.m + gi, p.transA != 0u));
      }
      As[ak * 64u + ar] = av;
      // B: stored k×n (n fastest) unless transB (k fastest).
      var bc = e % 64u;
      var bk = e / 64u;
      if (p.transB != 0u) { bc = e / 16u; bk = e % 16u; }
      let gj = col0 + bc;
      let gb = k0 + bk;
      var bv = 0.0;
      if (gj < p.n && gb < p.k) {
        bv = B_ld(select(gb * p.n + gj, gj * p.k + gb, p.transB != 0u));
      }
      Bs[bk * 64u + bc] = bv;
    }
    workgroupBarrier();
    let kmax = min(16u, p.k - k0);
    for (var kk = 0u; kk < kmax; kk++) {
      let ra = kk * 64u + lid.y;
      let rb = kk * 64u + lid.x;
      let a = vec4f(As[ra], As[ra + 16u], As[ra + 32u], As[ra + 48u]);
      let b = vec4f(Bs[rb], Bs[rb + 16u], Bs[rb + 32u], Bs[rb + 48u]);
      c0 = fma(vec4f(a.x), b, c0);
      c1 = fma(vec4f(a.y), b, c1);
      c2 = fma(vec4f(a.z), b, c2);
      c3 = fma(vec4f(a.w), b, c3);
    }
    workgroupBarrier();
  }
  epilogue(row0 + lid.y, col0 + lid.x, c0);
  epilogue(row0 + lid.y + 16u, col0 + lid.x, c1);
  epilogue(row0 + lid.y + 32u, col0 + lid.x, c2);
  epilogue(row0 + lid.y + 48u, col0 + lid.x, c3);
}

/** Bias, accumulate, ReLU and mask for row i, columns j, j+16, j+32, j+48. */
fn epilogue(i: u32, j0: u32, v: vec4f) {
  if (i >= p.m) { return; }
  for (var c = 0u; c < 4u; c++) {
    let j = j0 + c * 16u;
    if (j >= p.n) { return; }
    let o = i * p.n + j;
    var s = v[c];
    if (p.hasBias != 0u) { s += BIAS_ld(j); }
    if (p.acc != 0u) { s += C_ld(o); }
    if (p.relu != 0u && s < 0.0) { s = 0.0; }
    if (p.hasMask != 0u && !(MASK_ld(o) > 0.0)) { s = 0.0; }
    C_st(o, s);
  }
}
`,
};

/** Below this many outputs the tiled kernel leaves most of a device idle: one invocation per output instead. */
export const GEMM_SMALL_OUTPUTS = 16384;

/** GEMM with one invocation per output element (few outputs, long k: the last layer and its weight gradient). */
export const GEMM_SMALL: KernelDef = {
  ...GEMM,
  name: 'gemmSmall',
  source: `${LINEAR_INDEX}\n${entry1d('p.m * p.n')}
  let r = i / p.n;
  let j = i % p.n;
  var s = 0.0;
  for (var q = 0u; q < p.k; q++) {
    let a = A_ld(select(r * p.k + q, q * p.m + r, p.transA != 0u));
    let b = B_ld(select(q * p.n + j, j * p.k + q, p.transB != 0u));
    s = fma(a, b, s);
  }
  if (p.hasBias != 0u) { s += BIAS_ld(j); }
  if (p.acc != 0u) { s += C_ld(i); }
  if (p.relu != 0u && s < 0.0) { s = 0.0; }
  if (p.hasMask != 0u && !(MASK_ld(i) > 0.0)) { s = 0.0; }
  C_st(i, s);
}
`,
};
