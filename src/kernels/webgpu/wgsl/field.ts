/** WGSL of the per-point field kernels: density softplus, SH colour, frequency encoding (and backwards). */
import { entry1d, type KernelDef, LINEAR_INDEX } from '../shader.ts';

/** pre = x + shift; out = pre above 20, else log(1 + e^pre) (by its series where e^pre < 0.01). */
export const SOFTPLUS: KernelDef = {
  name: 'softplus',
  bufs: [
    { name: 'X', type: 'f32' },
    { name: 'PRE', type: 'f32' },
    { name: 'O', type: 'f32' },
  ],
  scalars: [
    { name: 'n', type: 'u32' },
    { name: 'shift', type: 'f32' },
  ],
  source: `${LINEAR_INDEX}\n${entry1d('p.n')}
  let s = X_ld(i) + p.shift;
  PRE_st(i, s);
  // log(1 + e) loses the relative precision of small e in float32 (softplus(−10) came out 1.3e-3 off, which moved
  // the whole low-density field): its series below e = 0.01.
  var o = s;
  if (s <= 20.0) {
    let e = exp(s);
    o = select(log(1.0 + e), e * (1.0 - e * (0.5 - e * (1.0 / 3.0 - e * 0.25))), e < 0.01);
  }
  O_st(i, o);
}
`,
};

/** gradX = gradOut · sigmoid(pre). */
export const SOFTPLUS_BACKWARD: KernelDef = {
  name: 'softplusBackward',
  bufs: [
    { name: 'PRE', type: 'f32' },
    { name: 'GO', type: 'f32' },
    { name: 'GX', type: 'f32' },
  ],
  scalars: [{ name: 'n', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${entry1d('p.n')}  GX_st(i, GO_ld(i) / (1.0 + exp(-PRE_ld(i))));\n}\n`,
};

/** The 9 real SH basis values (degree 2) of direction (x, y, z). */
const SH_BASIS = `
fn shBasis(x: f32, y: f32, z: f32) -> array<f32, 9> {
  return array<f32, 9>(
    0.28209479177387814,
    -0.4886025119029199 * y,
    0.4886025119029199 * z,
    -0.4886025119029199 * x,
    1.0925484305920792 * x * y,
    -1.0925484305920792 * y * z,
    0.31539156525252005 * (2.0 * z * z - x * x - y * y),
    -1.0925484305920792 * x * z,
    0.5462742152960396 * (x * x - y * y));
}
`;

/** rgb[i, c] = sigmoid(Σ_j sh_j(dir_i)·coefs[i, 9c + j]). */
export const SH_COLOR: KernelDef = {
  name: 'shColor',
  bufs: [
    { name: 'CO', type: 'f32' },
    { name: 'D', type: 'f32' },
    { name: 'RGB', type: 'f32' },
  ],
  scalars: [{ name: 'n', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${SH_BASIS}\n${entry1d('p.n')}
  let sh = shBasis(D_ld(i * 3u), D_ld(i * 3u + 1u), D_ld(i * 3u + 2u));
  for (var c = 0u; c < 3u; c++) {
    var s = 0.0;
    for (var j = 0u; j < 9u; j++) { s += sh[j] * CO_ld(i * 27u + c * 9u + j); }
    RGB_st(i * 3u + c, 1.0 / (1.0 + exp(-s)));
  }
}
`,
};

/** gradCoefs[i, 9c + j] = gradRgb[i, c]·rgb(1 − rgb)·sh_j(dir_i). */
export const SH_COLOR_BACKWARD: KernelDef = {
  name: 'shColorBackward',
  bufs: [
    { name: 'D', type: 'f32' },
    { name: 'RGB', type: 'f32' },
    { name: 'GR', type: 'f32' },
    { name: 'GC', type: 'f32' },
  ],
  scalars: [{ name: 'n', type: 'u32' }],
  source: `${LINEAR_INDEX}\n${SH_BASIS}\n${entry1d('p.n')}
  let sh = shBasis(D_ld(i * 3u), D_ld(i * 3u + 1u), D_ld(i * 3u + 2u));
  for (var c = 0u; c < 3u; c++) {
    let y = RGB_ld(i * 3u + c);
    let g = GR_ld(i * 3u + c) * y * (1.0 - y);
    for (var j = 0u; j < 9u; j++) { GC_st(i * 27u + c * 9u + j, g * sh[j]); }
  }
}
`,
};

/**
 * sin(πr) and cos(πr) for |r| ≤ 1 to about 1e-7: quadrant q = round(2r), then Taylor polynomials on
 * |π(r − q/2)| ≤ π/4. (WGSL's own sin / cos are only required to be within 2^-11; SwiftShader's were 1.6e-4 off.)
 */
const SINCOS_PI = `
fn sinCosPi(r: f32) -> vec2f {
  let q = round(2.0 * r);
  let a = 3.14159265358979 * (r - 0.5 * q);
  let a2 = a * a;
  let s = a * (1.0 - a2 / 6.0 * (1.0 - a2 / 20.0 * (1.0 - a2 / 42.0 * (1.0 - a2 / 72.0 * (1.0 - a2 / 110.0)))));
  let c = 1.0 - a2 / 2.0 * (1.0 - a2 / 12.0 * (1.0 - a2 / 30.0 * (1.0 - a2 / 56.0 * (1.0 - a2 / 90.0))));
  let k = (i32(q) % 4 + 4) % 4;
  if (k == 0) { return vec2f(s, c); }
  if (k == 1) { return vec2f(c, -s); }
  if (k == 2) { return vec2f(-s, -c); }
  return vec2f(-c, s);
}
`;

/**
 * Frequency encoding, one invocation per input value: x, then sin / cos(2^k·π·x). The argument is reduced
 * exactly first (2^k·x is exact in float32, and so is subtracting the nearest even integer), so the error does
 * not grow with k.
 */
export const FREQUENCY_ENCODE: KernelDef = {
  name: 'frequencyEncode',
  bufs: [
    { name: 'X', type: 'f32' },
    { name: 'O', type: 'f32' },
  ],
  scalars: [
    { name: 'count', type: 'u32' },
    { name: 'dim', type: 'u32' },
    { name: 'freqs', type: 'u32' },
  ],
  source: `${LINEAR_INDEX}\n${SINCOS_PI}\n${entry1d('p.count')}
  let r = i / p.dim;
  let c = i % p.dim;
  let v = X_ld(i);
  let o = r * p.dim * (1u + 2u * p.freqs);
  O_st(o + c, v);
  var t = v;
  for (var k = 0u; k < p.freqs; k++) {
    let sc = sinCosPi(t - 2.0 * round(t * 0.5));
    O_st(o + p.dim + 2u * k * p.dim + c, sc.x);
    O_st(o + p.dim + (2u * k + 1u) * p.dim + c, sc.y);
    t = t * 2.0;
  }
}
`,
};
