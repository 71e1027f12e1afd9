/**
 * WGSL of the fused contrastive losses: one invocation per row, pairs visited in order, per-row losses written
 * to a scratch buffer that the host sums in double precision (so the loss is deterministic too).
 */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

/**
 * Slow-fast (paper eq. 4) for fast row i: three passes over the slow rows (largest similarity; softmax sums;
 * gradient), recomputing distances rather than storing them. Rows whose label no slow row has get 0.
 */
export const SLOW_FAST: KernelDef = {
  name: 'slowFast',
  bufs: [
    { name: 'F', type: 'f32' },
    { name: 'S', type: 'f32' },
    { name: 'FL', type: 'i32' },
    { name: 'SL', type: 'i32' },
    { name: 'G', type: 'f32' },
    { name: 'LOSS', type: 'f32' },
  ],
  scalars: [
    { name: 'n1', type: 'u32' },
    { name: 'n2', type: 'u32' },
    { name: 'd', type: 'u32' },
    { name: 'invTau', type: 'f32' },
    { name: 'scale', type: 'f32' },
    { name: 'invValid', type: 'f32' },
  ],
  source: `${LINEAR_INDEX}
fn dist(i: u32, q: u32) -> f32 {
  var s = 0.0;
  for (var k = 0u; k < p.d; k++) { let t = F_ld(i * p.d + k) - S_ld(q * p.d + k); s += t * t; }
  return sqrt(s);
}
${entry1d('p.n1')}
  for (var k = 0u; k < p.d; k++) { G_st(i * p.d + k, 0.0); }
  let label = FL_ld(i);
  var maxSim = 0.0;
  var hasPos = false;
  for (var q = 0u; q < p.n2; q++) {
    maxSim = max(maxSim, exp(-dist(i, q) * p.invTau));
    hasPos = hasPos || SL_ld(q) == label;
  }
  if (!hasPos) { LOSS_st(i, 0.0); return; }
  var zAll = 0.0;
  var zPos = 0.0;
  for (var q = 0u; q < p.n2; q++) {
    let e = exp(p.scale * (exp(-dist(i, q) * p.invTau) - maxSim));
    zAll += e;
    if (SL_ld(q) == label) { zPos += e; }
  }
  LOSS_st(i, -log(zPos / zAll));
  for (var q = 0u; q < p.n2; q++) {
    let dq = dist(i, q);
    if (dq == 0.0) { continue; }
    let sim = exp(-dq * p.invTau);
    let e = exp(p.scale * (sim - maxSim));
    let a = select(0.0, e / zPos, SL_ld(q) == label);
    let dLdSim = -(a - e / zAll) * p.scale * p.invValid;
    let coef = -dLdSim * sim * p.invTau / dq;
    for (var k = 0u; k < p.d; k++) {
      let o = i * p.d + k;
      G_st(o, G_ld(o) + coef * (F_ld(o) - S_ld(q * p.d + k)));
    }
  }
}
`,
};

const VANILLA_COMMON = `${LINEAR_INDEX}
fn sqDist(i: u32, j: u32) -> f32 {
  var s = 0.0;
  for (var k = 0u; k < p.d; k++) { let t = E_ld(i * p.d + k) - E_ld(j * p.d + k); s += t * t; }
  return s;
}
`;

const VANILLA_BUFS = [
  { name: 'E', type: 'f32' },
  { name: 'L', type: 'i32' },
  { name: 'Z', type: 'f32' },
  { name: 'G', type: 'f32' },
  { name: 'LOSS', type: 'f32' },
] as const;

const VANILLA_SCALARS = [
  { name: 'n', type: 'u32' },
  { name: 'd', type: 'u32' },
  { name: 'gPos', type: 'f32' },
  { name: 'gNeg', type: 'f32' },
] as const;

/** Vanilla contrastive, pass 1 for anchor i: Z[2i] = Σ_all e^{sim−1}, Z[2i+1] = Σ_pos, and the anchor's loss. */
export const VANILLA_SUMS: KernelDef = {
  name: 'vanillaSums',
  bufs: VANILLA_BUFS,
  scalars: VANILLA_SCALARS,
  source: `${VANILLA_COMMON}${entry1d('p.n')}
  var zAll = 0.0;
  var zPos = 0.0;
  for (var j = 0u; j < p.n; j++) {
    let same = L_ld(i) == L_ld(j);
    let l = exp(exp(-select(p.gNeg, p.gPos, same) * sqDist(i, j)) - 1.0);
    zAll += l;
    if (same && j != i) { zPos += l; }
  }
  Z_st(2u * i, zAll);
  Z_st(2u * i + 1u, zPos);
  LOSS_st(i, select(0.0, -log(zPos / zAll), zPos > 0.0));
}
`,
};

/** Vanilla contrastive, pass 2 for row i: its gradient from every pair it is in, as anchor and as partner. */
export const VANILLA_GRAD: KernelDef = {
  name: 'vanillaGrad',
  bufs: VANILLA_BUFS,
  scalars: VANILLA_SCALARS,
  source: `${VANILLA_COMMON}
fn coef(a: u32, same: bool, sim: f32, l: f32, g: f32) -> f32 {
  let zPos = Z_ld(2u * a + 1u);
  if (zPos == 0.0) { return 0.0; }
  let dLdSim = -(select(0.0, l / zPos, same) - l / Z_ld(2u * a)) / f32(p.n);
  return dLdSim * -2.0 * g * sim;
}
${entry1d('p.n')}
  for (var k = 0u; k < p.d; k++) { G_st(i * p.d + k, 0.0); }
  for (var j = 0u; j < p.n; j++) {
    if (j == i) { continue; }
    let same = L_ld(i) == L_ld(j);
    let g = select(p.gNeg, p.gPos, same);
    let sim = exp(-g * sqDist(i, j));
    let l = exp(sim - 1.0);
    let c = coef(i, same, sim, l, g) + coef(j, same, sim, l, g);
    for (var k = 0u; k < p.d; k++) {
      let o = i * p.d + k;
      G_st(o, G_ld(o) + c * (E_ld(o) - E_ld(j * p.d + k)));
    }
  }
}
`,
};
