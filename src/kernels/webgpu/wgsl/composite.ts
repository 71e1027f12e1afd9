/** WGSL of volume compositing along ragged rays (one invocation per ray, samples in order). */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

/** 1 − exp(−t) without the cancellation of small t (series below 0.03, error < 1e-10). */
const ONE_MINUS_EXP = `
fn oneMinusExp(t: f32) -> f32 {
  if (t < 0.03) { return t * (1.0 - t * (0.5 - t * (1.0 / 6.0 - t / 24.0))); }
  return 1.0 - exp(-t);
}
`;

const RAY_SCALARS = [{ name: 'numRays', type: 'u32' }] as const;

/** w_s = T_s·(1 − exp(−σ_s δ_s)) with T_s = exp(−Σ_{j<s} σ_j δ_j); opacity 1 − T_end when asked. */
export const RENDER_WEIGHTS: KernelDef = {
  name: 'renderWeights',
  bufs: [
    { name: 'SIG', type: 'f32' },
    { name: 'DEL', type: 'f32' },
    { name: 'RS', type: 'i32' },
    { name: 'W', type: 'f32' },
    { name: 'OP', type: 'f32' },
  ],
  scalars: [...RAY_SCALARS, { name: 'hasOpacity', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${ONE_MINUS_EXP}\n${entry1d('p.numRays')}
  // The optical depth S is summed and T = e^{−S}: the opacity 1 − e^{−S} then keeps its relative precision when
  // it is tiny (1 − T in float32 would cancel).
  var S = 0.0;
  for (var s = u32(RS_ld(i)); s < u32(RS_ld(i + 1u)); s++) {
    let tau = SIG_ld(s) * DEL_ld(s);
    W_st(s, exp(-S) * oneMinusExp(tau));
    S += tau;
  }
  if (p.hasOpacity != 0u) { OP_st(i, oneMinusExp(S)); }
}
`,
};

/**
 * gradSigma of renderWeights: a forward pass stores T_{s+1} in gradSigma, then a backward pass reads T_s and
 * T_{s+1} from there (T_s is still unread-over, as the pass walks down) and overwrites it with the gradient.
 */
export const RENDER_WEIGHTS_BACKWARD: KernelDef = {
  name: 'renderWeightsBackward',
  bufs: [
    { name: 'SIG', type: 'f32' },
    { name: 'DEL', type: 'f32' },
    { name: 'RS', type: 'i32' },
    { name: 'GW', type: 'f32' },
    { name: 'GOP', type: 'f32' },
    { name: 'GS', type: 'f32' },
  ],
  scalars: [...RAY_SCALARS, { name: 'hasOpacity', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${ONE_MINUS_EXP}\n${entry1d('p.numRays')}
  let s0 = u32(RS_ld(i));
  let s1 = u32(RS_ld(i + 1u));
  var T = 1.0;
  for (var s = s0; s < s1; s++) {
    T *= exp(-SIG_ld(s) * DEL_ld(s));
    GS_st(s, T);
  }
  let tEnd = T;
  var gOp = 0.0;
  if (p.hasOpacity != 0u) { gOp = GOP_ld(i); }
  var later = 0.0;
  for (var s = s1; s > s0; s--) {
    let q = s - 1u;
    let tNext = GS_ld(q);
    var tHere = 1.0;
    if (q > s0) { tHere = GS_ld(q - 1u); }
    let w = tHere * oneMinusExp(SIG_ld(q) * DEL_ld(q));
    let g = GW_ld(q);
    GS_st(q, DEL_ld(q) * (g * tNext - later + gOp * tEnd));
    later += g * w;
  }
}
`,
};

/** out[r, c] = Σ_s w_s·values[s, c]. */
export const COMPOSITE: KernelDef = {
  name: 'compositeValues',
  bufs: [
    { name: 'W', type: 'f32' },
    { name: 'VAL', type: 'f32' },
    { name: 'RS', type: 'i32' },
    { name: 'O', type: 'f32' },
  ],
  scalars: [...RAY_SCALARS, { name: 'channels', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${entry1d('p.numRays')}
  let s0 = u32(RS_ld(i));
  let s1 = u32(RS_ld(i + 1u));
  for (var c = 0u; c < p.channels; c++) {
    var acc = 0.0;
    for (var s = s0; s < s1; s++) { acc += W_ld(s) * VAL_ld(s * p.channels + c); }
    O_st(i * p.channels + c, acc);
  }
}
`,
};

/** gradWeights[s] (=, or += when acc) Σ_c values·gradOut; gradValues[s, c] = w_s·gradOut[r, c]. */
export const COMPOSITE_BACKWARD: KernelDef = {
  name: 'compositeValuesBackward',
  bufs: [
    { name: 'W', type: 'f32' },
    { name: 'VAL', type: 'f32' },
    { name: 'RS', type: 'i32' },
    { name: 'GO', type: 'f32' },
    { name: 'GW', type: 'f32' },
    { name: 'GV', type: 'f32' },
  ],
  scalars: [
    ...RAY_SCALARS,
    { name: 'channels', type: 'u32' },
    { name: 'hasGW', type: 'u32' },
    { name: 'hasGV', type: 'u32' },
    { name: 'acc', type: 'u32' },
  ],
  source: `${LINEAR_INDEX}\n${entry1d('p.numRays')}
  let C = p.channels;
  for (var s = u32(RS_ld(i)); s < u32(RS_ld(i + 1u)); s++) {
    var dot = 0.0;
    let w = W_ld(s);
    for (var c = 0u; c < C; c++) {
      let g = GO_ld(i * C + c);
      dot += VAL_ld(s * C + c) * g;
      if (p.hasGV != 0u) { GV_st(s * C + c, w * g); }
    }
    if (p.hasGW != 0u) {
      if (p.acc != 0u) { dot = GW_ld(s) + dot; }
      GW_st(s, dot);
    }
  }
}
`,
};
