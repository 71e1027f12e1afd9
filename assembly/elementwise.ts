// Element-wise kernels over index ranges [i0, i1): ReLU and its backward, Adam, EMA.

/** y[i] = max(x[i], 0) (NaN stays NaN). */
export function relu(x: usize, y: usize, i0: i32, i1: i32): void {
  let i = i0;
  const z = f32x4.splat(0);
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.max(v128.load(x + o), z));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, max(load<f32>(x + o), 0));
  }
}

/** dx[i] = y[i] > 0 ? dy[i] : 0, where y is the ReLU output (dx may alias dy). */
export function reluBackward(y: usize, dy: usize, dx: usize, i0: i32, i1: i32): void {
  let i = i0;
  const z = f32x4.splat(0);
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), z)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/**
 * Adam step (L2 weight decay added to the gradient): m,v moments; stepSize = lr / (1 - beta1^t),
 * invSqrtBc2 = 1 / sqrt(1 - beta2^t); p -= stepSize * m / (sqrt(v) * invSqrtBc2 + eps).
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, i0: i32, i1: i32,
  beta1: f32, beta2: f32, eps: f32, stepSize: f32, invSqrtBc2: f32, weightDecay: f32,
): void {
  let i = i0;
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const ep = f32x4.splat(eps), ss = f32x4.splat(stepSize), ib = f32x4.splat(invSqrtBc2);
  const wd = f32x4.splat(weightDecay);
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (weightDecay != 0) gv = f32x4.add(gv, f32x4.mul(wd, pv));
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(c2, gv), gv));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), ib), ep);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(ss, mv), denom)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    let gv = load<f32>(g + o);
    if (weightDecay != 0) gv = gv + weightDecay * pv;
    const mv = beta1 * load<f32>(m + o) + (1 - beta1) * gv;
    const vv = beta2 * load<f32>(v + o) + (1 - beta2) * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, pv - (stepSize * mv) / (Mathf.sqrt(vv) * invSqrtBc2 + eps));
  }
}

/** target = momentum * target + (1 - momentum) * source. */
export function ema(target: usize, source: usize, i0: i32, i1: i32, momentum: f32): void {
  let i = i0;
  const mv = f32x4.splat(momentum), cv = f32x4.splat(1 - momentum);
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(target + o, f32x4.add(f32x4.mul(mv, v128.load(target + o)), f32x4.mul(cv, v128.load(source + o))));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(target + o, momentum * load<f32>(target + o) + (1 - momentum) * load<f32>(source + o));
  }
}
