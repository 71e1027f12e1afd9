/**
 * WGSL GEMM: C(m×n) = op(A)·op(B) (+ bias) (+ C), then ReLU and/or the mask epilogue. 64×64 output tiles per
 * workgroup of 16×16 invocations, each holding a 4×4 register block; K advances in slabs of 16 staged in
 * workgroup memory (8 KiB), loaded so that neighbouring invocations read neighbouring addresses for every
 * transpose. Each output sums k in order in one register.
 */
import type { KernelDef } from '../shader.ts';

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
  var acc: array<f32, 16>;
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
      var a4: array<f32, 4>;
      var b4: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) { a4[r] = As[kk * 64u + lid.y + r * 16u]; }
      for (var c = 0u; c < 4u; c++) { b4[c] = Bs[kk * 64u + lid.x + c * 16u]; }
      for (var r = 0u; r < 4u; r++) {
        for (var c = 0u; c < 4u; c++) { acc[r * 4u + c] = fma(a4[r], b4[c], acc[r * 4u + c]); }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y + r * 16u;
    if (i >= p.m) { continue; }
    for (var c = 0u; c < 4u; c++) {
      let j = col0 + lid.x + c * 16u;
      if (j >= p.n) { continue; }
      let o = i * p.n + j;
      var s = acc[r * 4u + c];
      if (p.hasBias != 0u) { s += BIAS_ld(j); }
      if (p.acc != 0u) { s += C_ld(o); }
      if (p.relu != 0u && s < 0.0) { s = 0.0; }
      if (p.hasMask != 0u && !(MASK_ld(o) > 0.0)) { s = 0.0; }
      C_st(o, s);
    }
  }
}
`,
};
