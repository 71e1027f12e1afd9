/** WGSL of the element-wise kernels: ReLU and its backward, Adam, EMA, column sums. */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

/** y = max(x, 0). */
export const RELU: KernelDef = {
  name: 'relu',
  bufs: [
    { name: 'X', type: 'f32' },
    { name: 'Y', type: 'f32' },
  ],
  scalars: [{ name: 'n', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${entry1d('p.n')}  Y_st(i, max(X_ld(i), 0.0));\n}\n`,
};

/** dx = y > 0 ? dy : 0. */
export const RELU_BACKWARD: KernelDef = {
  name: 'reluBackward',
  bufs: [
    { name: 'Y', type: 'f32' },
    { name: 'DY', type: 'f32' },
    { name: 'DX', type: 'f32' },
  ],
  scalars: [{ name: 'n', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${entry1d('p.n')}  DX_st(i, select(0.0, DY_ld(i), Y_ld(i) > 0.0));\n}\n`,
};

/** One Adam update; lrc = lr / (1 − β1^t) and sbc2 = sqrt(1 − β2^t) come precomputed in double precision. */
export const ADAM: KernelDef = {
  name: 'adam',
  bufs: [
    { name: 'P', type: 'f32' },
    { name: 'G', type: 'f32' },
    { name: 'M', type: 'f32' },
    { name: 'V', type: 'f32' },
  ],
  scalars: [
    { name: 'n', type: 'u32' },
    { name: 'beta1', type: 'f32' },
    { name: 'beta2', type: 'f32' },
    { name: 'omb1', type: 'f32' },
    { name: 'omb2', type: 'f32' },
    { name: 'lrc', type: 'f32' },
    { name: 'sbc2', type: 'f32' },
    { name: 'eps', type: 'f32' },
    { name: 'wd', type: 'f32' },
  ],
  source: `${LINEAR_INDEX}\n${entry1d('p.n')}
  let pv = P_ld(i);
  let g = G_ld(i) + p.wd * pv;
  let m = p.beta1 * M_ld(i) + p.omb1 * g;
  let v = p.beta2 * V_ld(i) + p.omb2 * g * g;
  M_st(i, m);
  V_st(i, v);
  P_st(i, pv - (p.lrc * m) / (sqrt(v) / p.sbc2 + p.eps));
}
`,
};

/** target = momentum·target + (1 − momentum)·source. */
export const EMA: KernelDef = {
  name: 'ema',
  bufs: [
    { name: 'T', type: 'f32' },
    { name: 'S', type: 'f32' },
  ],
  scalars: [
    { name: 'n', type: 'u32' },
    { name: 'mom', type: 'f32' },
    { name: 'omm', type: 'f32' },
  ],
  source: `${LINEAR_INDEX}\n${entry1d('p.n')}  T_st(i, p.mom * T_ld(i) + p.omm * S_ld(i));\n}\n`,
};

/** out[j] = Σ_r x[r, j] (+ out[j] when acc), one invocation per column summing rows in order. */
export const COL_SUM: KernelDef = {
  name: 'colSum',
  bufs: [
    { name: 'X', type: 'f32' },
    { name: 'O', type: 'f32' },
  ],
  scalars: [
    { name: 'rows', type: 'u32' },
    { name: 'cols', type: 'u32' },
    { name: 'acc', type: 'u32' },
  ],
  source: `${LINEAR_INDEX}\n${entry1d('p.cols')}
  var s = 0.0;
  for (var r = 0u; r < p.rows; r++) { s += X_ld(r * p.cols + i); }
  if (p.acc != 0u) { s = O_ld(i) + s; }
  O_st(i, s);
}
`,
};
