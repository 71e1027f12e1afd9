// Volume-rendering compositing along rays (paper eq. 1). Ray r owns samples [start[r], start[r+1]).
// tau_s = sigma_s * delta_s, T_s = exp(-sum_{j<s} tau_j), w_s = T_s * (1 - exp(-tau_s)); per-sample scans in f64.

/** weights[s] = T_s (1 - exp(-tau_s)) for rays [r0, r1); opacity[r] = 1 - T_end when opacity != 0. */
export function renderWeights(sigma: usize, delta: usize, start: usize, weights: usize, opacity: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const s0 = load<i32>(start + (<usize>r << 2));
    const s1 = load<i32>(start + (<usize>(r + 1) << 2));
    let T: f64 = 1;
    for (let s = s0; s < s1; s++) {
      const o = <usize>s << 2;
      const tau = <f64>load<f32>(sigma + o) * <f64>load<f32>(delta + o);
      const e = Math.exp(-tau);
      store<f32>(weights + o, <f32>(T * (1 - e)));
      T *= e;
    }
    if (opacity != 0) store<f32>(opacity + (<usize>r << 2), <f32>(1 - T));
  }
}

/**
 * gradSigma[s] = delta_s * dL/dtau_s from gradWeights (and gradOpacity when != 0), where
 * dL/dtau_k = g_k T_{k+1} - sum_{i>k} g_i w_i + gOpacity T_end. Overwrites gradSigma for rays [r0, r1).
 */
export function renderWeightsBackward(
  sigma: usize, delta: usize, start: usize, gradWeights: usize, gradOpacity: usize, gradSigma: usize, r0: i32, r1: i32,
): void {
  for (let r = r0; r < r1; r++) {
    const s0 = load<i32>(start + (<usize>r << 2));
    const s1 = load<i32>(start + (<usize>(r + 1) << 2));
    let T: f64 = 1;
    let total: f64 = 0;
    for (let s = s0; s < s1; s++) {
      const o = <usize>s << 2;
      const e = Math.exp(-<f64>load<f32>(sigma + o) * <f64>load<f32>(delta + o));
      total += <f64>load<f32>(gradWeights + o) * T * (1 - e);
      T *= e;
    }
    const gEnd = gradOpacity != 0 ? <f64>load<f32>(gradOpacity + (<usize>r << 2)) * T : 0;
    T = 1;
    let prefix: f64 = 0;
    for (let s = s0; s < s1; s++) {
      const o = <usize>s << 2;
      const d = <f64>load<f32>(delta + o);
      const e = Math.exp(-<f64>load<f32>(sigma + o) * d);
      const g = <f64>load<f32>(gradWeights + o);
      prefix += g * T * (1 - e);
      T *= e;
      store<f32>(gradSigma + o, <f32>(d * (g * T - (total - prefix) + gEnd)));
    }
  }
}

/** out[r, c] = sum_s weights[s] * values[s, c] for rays [r0, r1). */
export function compositeValues(weights: usize, values: usize, C: i32, start: usize, out: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const s0 = load<i32>(start + (<usize>r << 2));
    const s1 = load<i32>(start + (<usize>(r + 1) << 2));
    const o = out + (<usize>(r * C) << 2);
    for (let c = 0; c < C; c++) store<f32>(o + (<usize>c << 2), 0);
    for (let s = s0; s < s1; s++) {
      const w = load<f32>(weights + (<usize>s << 2));
      const v = values + (<usize>(s * C) << 2);
      for (let c = 0; c < C; c++) {
        const a = <usize>c << 2;
        store<f32>(o + a, load<f32>(o + a) + w * load<f32>(v + a));
      }
    }
  }
}

/**
 * Backward of compositeValues for rays [r0, r1): gradValues[s,c] = w_s gOut[r,c] (when != 0) and
 * gradWeights[s] (+)= sum_c values[s,c] gOut[r,c] (when != 0; adds when accumulate).
 */
export function compositeValuesBackward(
  weights: usize, values: usize, C: i32, start: usize, gradOut: usize, gradWeights: usize, gradValues: usize,
  accumulate: bool, r0: i32, r1: i32,
): void {
  for (let r = r0; r < r1; r++) {
    const s0 = load<i32>(start + (<usize>r << 2));
    const s1 = load<i32>(start + (<usize>(r + 1) << 2));
    const g = gradOut + (<usize>(r * C) << 2);
    for (let s = s0; s < s1; s++) {
      const so = <usize>s << 2;
      const w = load<f32>(weights + so);
      const vo = <usize>(s * C) << 2;
      let dot: f32 = 0;
      for (let c = 0; c < C; c++) {
        const a = <usize>c << 2;
        const gc = load<f32>(g + a);
        dot += load<f32>(values + vo + a) * gc;
        if (gradValues != 0) store<f32>(gradValues + vo + a, w * gc);
      }
      if (gradWeights != 0) store<f32>(gradWeights + so, accumulate ? load<f32>(gradWeights + so) + dot : dot);
    }
  }
}
