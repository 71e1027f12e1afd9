// Argument checks shared by every backend, so a wrong shape fails the same way everywhere.

import type {
  AdamArgs,
  CompositeArgs,
  CompositeBackwardArgs,
  CoreDistancesArgs,
  F32,
  FrequencyEncodeArgs,
  GemmArgs,
  GridGatherArgs,
  GridScatterArgs,
  I32,
  LogSumExpArgs,
  LogSumExpBackwardArgs,
  MarchArgs,
  MutualReachabilityMstArgs,
  RenderWeightsArgs,
  RenderWeightsBackwardArgs,
  ShColorArgs,
  ShColorBackwardArgs,
  SlowFastArgs,
  SoftmaxArgs,
  SoftmaxBackwardArgs,
  SoftplusArgs,
  SoftplusBackwardArgs,
  TvArgs,
  VanillaContrastiveArgs,
  VmGatherArgs,
  VmScatterArgs,
} from './backend.ts';

/** Throws unless n is a non-negative integer. */
export function checkCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** Throws unless the buffer holds at least `need` elements. */
export function checkLength(name: string, a: ArrayLike<number> | null | undefined, need: number): void {
  if (!a) throw new TypeError(`${name} is required`);
  if (a.length < need) throw new RangeError(`${name} has ${a.length} elements, needs at least ${need}`);
}

/** Throws unless the resolution is three positive integers. */
export function checkRes(res: readonly number[]): void {
  if (res.length !== 3 || res.some((r) => !Number.isInteger(r) || r < 1)) {
    throw new RangeError(`res must be three positive integers, got [${res.join(', ')}]`);
  }
}

/** Throws unless rayStart has numRays+1 non-negative, non-decreasing entries; returns rayStart[numRays]. */
export function checkRays(rayStart: Int32Array, numRays: number): number {
  checkCount('numRays', numRays);
  checkLength('rayStart', rayStart, numRays + 1);
  for (let r = 0; r < numRays; r++) {
    if (rayStart[r + 1]! < rayStart[r]! || rayStart[r]! < 0) {
      throw new RangeError(`rayStart must be non-negative and non-decreasing (ray ${r})`);
    }
  }
  return rayStart[numRays]!;
}

/** Element counts of the three planes and three lines of a VM decomposition. */
export function vmSizes(res: readonly number[], comps: number): { planes: number[]; lines: number[] } {
  const [rx, ry, rz] = res as [number, number, number];
  return {
    planes: [comps * ry * rx, comps * rz * rx, comps * rz * ry],
    lines: [comps * rz, comps * ry, comps * rx],
  };
}

/** Validates GEMM shapes (shared with the WASM backend). */
export function checkGemm(g: GemmArgs): void {
  checkCount('m', g.m);
  checkCount('n', g.n);
  checkCount('k', g.k);
  checkLength('a', g.a, g.m * g.k);
  checkLength('b', g.b, g.k * g.n);
  checkLength('c', g.c, g.m * g.n);
  if (g.bias) checkLength('bias', g.bias, g.n);
  if (g.mask) checkLength('mask', g.mask, g.m * g.n);
}

/** Validates VM shapes and the per-point output / gradient buffer. */
export function checkVm(a: VmGatherArgs | VmScatterArgs, out: F32, name: string): void {
  checkRes(a.res);
  checkCount('comps', a.comps);
  checkCount('n', a.n);
  checkLength('coords', a.coords, a.n * 3);
  const s = vmSizes(a.res, a.comps);
  for (let i = 0; i < 3; i++) {
    checkLength(`planes[${i}]`, a.planes[i], s.planes[i]!);
    checkLength(`lines[${i}]`, a.lines[i], s.lines[i]!);
  }
  checkLength(name, out, a.sum ? a.n : a.n * 3 * a.comps);
}

/** Validates VM gradient buffers. */
export function checkVmGrads(a: VmScatterArgs): void {
  const s = vmSizes(a.res, a.comps);
  for (let i = 0; i < 3; i++) {
    checkLength(`gradPlanes[${i}]`, a.gradPlanes[i], s.planes[i]!);
    checkLength(`gradLines[${i}]`, a.gradLines[i], s.lines[i]!);
  }
}

/** Validates grid shapes. */
export function checkGrid(a: GridGatherArgs | GridScatterArgs, grid: F32, perPoint: F32): void {
  checkRes(a.res);
  checkCount('channels', a.channels);
  checkCount('n', a.n);
  checkLength('coords', a.coords, a.n * 3);
  checkLength('grid', grid, a.res[0] * a.res[1] * a.res[2] * a.channels);
  checkLength('per-point values', perPoint, a.n * a.channels);
}

/** Validates a rows×cols matrix and its optional label mask. */
export function checkRows(
  x: F32,
  rows: number,
  cols: number,
  mask: { rowLabels?: I32 | null; colLabels?: I32 | null },
): void {
  checkCount('rows', rows);
  checkCount('cols', cols);
  checkLength('x', x, rows * cols);
  if (!mask.rowLabels !== !mask.colLabels)
    throw new TypeError('rowLabels and colLabels must be given together');
  if (mask.rowLabels) checkLength('rowLabels', mask.rowLabels, rows);
  if (mask.colLabels) checkLength('colLabels', mask.colLabels, cols);
}

/** Validates Adam buffers; returns the element count. */
export function checkAdam(a: AdamArgs): number {
  const n = a.param.length;
  checkLength('grad', a.grad, n);
  checkLength('m', a.m, n);
  checkLength('v', a.v, n);
  if (!(a.step >= 1)) throw new RangeError(`adam step must be >= 1, got ${a.step}`);
  return n;
}

/** Validates column-sum buffers. */
export function checkColSum(x: F32, rows: number, cols: number, out: F32): void {
  checkCount('rows', rows);
  checkCount('cols', cols);
  checkLength('x', x, rows * cols);
  checkLength('out', out, cols);
}

/** Validates renderWeights buffers; returns the sample count. */
export function checkRenderWeights(a: RenderWeightsArgs): number {
  const ns = checkRays(a.rayStart, a.numRays);
  checkLength('sigma', a.sigma, ns);
  checkLength('delta', a.delta, ns);
  checkLength('weights', a.weights, ns);
  if (a.opacity) checkLength('opacity', a.opacity, a.numRays);
  return ns;
}

/** Validates renderWeightsBackward buffers; returns the sample count. */
export function checkRenderWeightsBackward(a: RenderWeightsBackwardArgs): number {
  const ns = checkRays(a.rayStart, a.numRays);
  checkLength('sigma', a.sigma, ns);
  checkLength('delta', a.delta, ns);
  checkLength('gradWeights', a.gradWeights, ns);
  checkLength('gradSigma', a.gradSigma, ns);
  if (a.gradOpacity) checkLength('gradOpacity', a.gradOpacity, a.numRays);
  return ns;
}

/** Validates compositeValues buffers; returns the sample count. */
export function checkComposite(a: CompositeArgs): number {
  const ns = checkRays(a.rayStart, a.numRays);
  checkCount('channels', a.channels);
  checkLength('weights', a.weights, ns);
  checkLength('values', a.values, ns * a.channels);
  checkLength('out', a.out, a.numRays * a.channels);
  return ns;
}

/** Validates compositeValuesBackward buffers; returns the sample count. */
export function checkCompositeBackward(a: CompositeBackwardArgs): number {
  const ns = checkRays(a.rayStart, a.numRays);
  checkCount('channels', a.channels);
  checkLength('weights', a.weights, ns);
  checkLength('values', a.values, ns * a.channels);
  checkLength('gradOut', a.gradOut, a.numRays * a.channels);
  if (a.gradWeights) checkLength('gradWeights', a.gradWeights, ns);
  if (a.gradValues) checkLength('gradValues', a.gradValues, ns * a.channels);
  return ns;
}

/** Validates logSumExpRows buffers. */
export function checkLogSumExp(a: LogSumExpArgs): void {
  checkRows(a.x, a.rows, a.cols, a);
  checkLength('out', a.out, a.rows);
}

/** Validates logSumExpRowsBackward buffers. */
export function checkLogSumExpBackward(a: LogSumExpBackwardArgs): void {
  checkRows(a.x, a.rows, a.cols, a);
  checkLength('lse', a.lse, a.rows);
  checkLength('gradOut', a.gradOut, a.rows);
  checkLength('gradX', a.gradX, a.rows * a.cols);
}

/** Validates softmaxRows buffers. */
export function checkSoftmax(a: SoftmaxArgs): void {
  checkRows(a.x, a.rows, a.cols, {});
  checkLength('y', a.y, a.rows * a.cols);
}

/** Validates softmaxRowsBackward buffers. */
export function checkSoftmaxBackward(a: SoftmaxBackwardArgs): void {
  checkRows(a.y, a.rows, a.cols, {});
  checkLength('gradY', a.gradY, a.rows * a.cols);
  checkLength('gradX', a.gradX, a.rows * a.cols);
}

/** Validates slowFast buffers. */
export function checkSlowFast(a: SlowFastArgs): void {
  checkCount('n1', a.n1);
  checkCount('n2', a.n2);
  checkCount('d', a.d);
  checkLength('fast', a.fast, a.n1 * a.d);
  checkLength('slow', a.slow, a.n2 * a.d);
  checkLength('fastLabels', a.fastLabels, a.n1);
  checkLength('slowLabels', a.slowLabels, a.n2);
  checkLength('grad', a.grad, a.n1 * a.d);
  if (!(a.temperature > 0)) throw new RangeError(`temperature must be > 0, got ${a.temperature}`);
}

/** Validates vanillaContrastive buffers. */
export function checkVanillaContrastive(a: VanillaContrastiveArgs): void {
  checkCount('n', a.n);
  checkCount('d', a.d);
  checkLength('emb', a.emb, a.n * a.d);
  checkLength('labels', a.labels, a.n);
  checkLength('grad', a.grad, a.n * a.d);
  if (!(a.gammaPositive >= 0 && a.gammaNegative >= 0))
    throw new RangeError(`gammas must be >= 0, got ${a.gammaPositive} / ${a.gammaNegative}`);
}

/** Validates tvPlane buffers. */
export function checkTv(a: TvArgs): void {
  checkCount('rows', a.rows);
  checkCount('cols', a.cols);
  checkCount('comps', a.comps);
  checkLength('data', a.data, a.rows * a.cols * a.comps);
  checkLength('grad', a.grad, a.rows * a.cols * a.comps);
}

/** Validates shColor buffers. */
export function checkShColor(a: ShColorArgs): void {
  checkCount('n', a.n);
  checkLength('coefs', a.coefs, a.n * 27);
  checkLength('dirs', a.dirs, a.n * 3);
  checkLength('rgb', a.rgb, a.n * 3);
}

/** Validates shColorBackward buffers. */
export function checkShColorBackward(a: ShColorBackwardArgs): void {
  checkCount('n', a.n);
  checkLength('dirs', a.dirs, a.n * 3);
  checkLength('rgb', a.rgb, a.n * 3);
  checkLength('gradRgb', a.gradRgb, a.n * 3);
  checkLength('gradCoefs', a.gradCoefs, a.n * 27);
}

/** Validates frequencyEncode buffers. */
export function checkFrequencyEncode(a: FrequencyEncodeArgs): void {
  checkCount('n', a.n);
  checkCount('dim', a.dim);
  checkCount('frequencies', a.frequencies);
  checkLength('x', a.x, a.n * a.dim);
  checkLength('out', a.out, a.n * a.dim * (1 + 2 * a.frequencies));
}

/** Validates softplus buffers. */
export function checkSoftplus(a: SoftplusArgs): void {
  checkCount('n', a.n);
  checkLength('x', a.x, a.n);
  checkLength('pre', a.pre, a.n);
  checkLength('out', a.out, a.n);
  if (!Number.isFinite(a.shift)) throw new RangeError(`shift must be finite, got ${a.shift}`);
}

/** Validates softplusBackward buffers. */
export function checkSoftplusBackward(a: SoftplusBackwardArgs): void {
  checkCount('n', a.n);
  checkLength('pre', a.pre, a.n);
  checkLength('gradOut', a.gradOut, a.n);
  checkLength('gradX', a.gradX, a.n);
}

/** Validates marchRays buffers (the fill call needs rayStart from the counting call). */
export function checkMarch(a: MarchArgs): void {
  checkCount('numRays', a.numRays);
  checkLength('origins', a.origins, a.numRays * 3);
  checkLength('dirs', a.dirs, a.numRays * 3);
  checkLength('jitter', a.jitter, a.numRays);
  checkLength('rayStart', a.rayStart, a.numRays + 1);
  if (!(a.step > 0)) throw new RangeError(`step must be > 0, got ${a.step}`);
  if (a.boxMin.length !== 3 || a.boxMax.length !== 3) throw new RangeError('boxMin / boxMax need 3 values');
  if (a.occupancy) checkLength('occupancy.bits', a.occupancy.bits, a.occupancy.res ** 3);
  if (!a.xyz !== !a.t) throw new TypeError('xyz and t must be given together');
  if (a.xyz && a.t) {
    const m = a.rayStart[a.numRays]!;
    checkLength('xyz', a.xyz, m * 3);
    checkLength('t', a.t, m);
  }
}

/** Validates coreDistancesSq buffers. */
export function checkCoreDistances(a: CoreDistancesArgs): void {
  checkCount('n', a.n);
  checkCount('d', a.d);
  if (!Number.isInteger(a.k) || a.k < 1) throw new RangeError(`k must be a positive integer, got ${a.k}`);
  checkLength('points', a.points, a.n * a.d);
  checkLength('out', a.out, a.n);
}

/** Validates mutualReachabilityMst buffers. */
export function checkMutualReachabilityMst(a: MutualReachabilityMstArgs): void {
  checkCount('n', a.n);
  checkCount('d', a.d);
  checkLength('points', a.points, a.n * a.d);
  checkLength('coreSq', a.coreSq, a.n);
  const m = Math.max(0, a.n - 1);
  checkLength('lo', a.lo, m);
  checkLength('hi', a.hi, m);
  checkLength('w2', a.w2, m);
}
