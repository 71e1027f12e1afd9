/** WGSL of the row kernels: softmax, masked log-sum-exp and their backwards (one invocation per row). */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

const ROW_SCALARS = [
  { name: 'rows', type: 'u32' },
  { name: 'cols', type: 'u32' },
] as const;

/** Row mask of the log-sum-exp kernels: labels equal (when given) and off the diagonal (when asked). */
const IN_MASK = `
const NEG_INF_BITS = 0xff800000u;
fn inMask(r: u32, c: u32) -> bool {
  if (p.noDiag != 0u && r == c) { return false; }
  if (p.hasLabels != 0u) { return RL_ld(r) == CL_ld(c); }
  return true;
}
`;

const MASK_SCALARS = [
  { name: 'hasLabels', type: 'u32' },
  { name: 'noDiag', type: 'u32' },
] as const;

/** y[r, :] = softmax(x[r, :]). */
export const SOFTMAX: KernelDef = {
  name: 'softmaxRows',
  bufs: [
    { name: 'X', type: 'f32' },
    { name: 'Y', type: 'f32' },
  ],
  scalars: ROW_SCALARS,
  source: `${LINEAR_INDEX}\n${entry1d('p.rows')}
  let o = i * p.cols;
  var mx = X_ld(o);
  for (var c = 1u; c < p.cols; c++) { mx = max(mx, X_ld(o + c)); }
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) { s += exp(X_ld(o + c) - mx); }
  for (var c = 0u; c < p.cols; c++) { Y_st(o + c, exp(X_ld(o + c) - mx) / s); }
}
`,
};

/** gradX = y ⊙ (gradY − rowsum(gradY ⊙ y)). */
export const SOFTMAX_BACKWARD: KernelDef = {
  name: 'softmaxRowsBackward',
  bufs: [
    { name: 'Y', type: 'f32' },
    { name: 'GY', type: 'f32' },
    { name: 'GX', type: 'f32' },
  ],
  scalars: ROW_SCALARS,
  source: `${LINEAR_INDEX}\n${entry1d('p.rows')}
  let o = i * p.cols;
  var d = 0.0;
  for (var c = 0u; c < p.cols; c++) { d += Y_ld(o + c) * GY_ld(o + c); }
  for (var c = 0u; c < p.cols; c++) { GX_st(o + c, Y_ld(o + c) * (GY_ld(o + c) - d)); }
}
`,
};

/** out[r] = log Σ_{c in mask} exp(x[r, c]), −∞ for an empty mask. */
export const LOG_SUM_EXP: KernelDef = {
  name: 'logSumExpRows',
  bufs: [
    { name: 'X', type: 'f32' },
    { name: 'O', type: 'f32' },
    { name: 'RL', type: 'i32' },
    { name: 'CL', type: 'i32' },
  ],
  scalars: [...ROW_SCALARS, ...MASK_SCALARS, { name: 'zero', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${IN_MASK}\n${entry1d('p.rows')}
  let o = i * p.cols;
  var mx = 0.0;
  var any = false;
  for (var c = 0u; c < p.cols; c++) {
    if (inMask(i, c)) { mx = select(X_ld(o + c), max(mx, X_ld(o + c)), any); any = true; }
  }
  // −∞ built at run time (a constant −∞ is not valid WGSL); compared as bits below, never as a float.
  if (!any) { O_st(i, bitcast<f32>(NEG_INF_BITS + p.zero)); return; }
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) { if (inMask(i, c)) { s += exp(X_ld(o + c) - mx); } }
  O_st(i, mx + log(s));
}
`,
};

/** gradX[r, c] = gradOut[r]·exp(x[r, c] − lse[r]) on the mask (added when acc). */
export const LOG_SUM_EXP_BACKWARD: KernelDef = {
  name: 'logSumExpRowsBackward',
  bufs: [
    { name: 'X', type: 'f32' },
    { name: 'LSE', type: 'f32' },
    { name: 'GO', type: 'f32' },
    { name: 'GX', type: 'f32' },
    { name: 'RL', type: 'i32' },
    { name: 'CL', type: 'i32' },
  ],
  scalars: [...ROW_SCALARS, ...MASK_SCALARS, { name: 'acc', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${IN_MASK}\n${entry1d('p.rows')}
  let o = i * p.cols;
  let lse = LSE_ld(i);
  let g = GO_ld(i);
  for (var c = 0u; c < p.cols; c++) {
    var v = 0.0;
    if (bitcast<u32>(lse) != NEG_INF_BITS && inMask(i, c)) { v = g * exp(X_ld(o + c) - lse); }
    if (p.acc != 0u) { v = GX_ld(o + c) + v; }
    GX_st(o + c, v);
  }
}
`,
};
