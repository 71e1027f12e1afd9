/**
 * The native CPU backend: C++ kernels (native/) compiled for this machine's SIMD width, multithreaded with
 * OpenMP inside each call. Typed arrays are used in place, so any Float32Array works without copies. Every
 * kernel gives each output element to one thread and sums it in a fixed order: results do not depend on the
 * thread count.
 */
import { availableParallelism } from 'node:os';
import type {
  AdamArgs,
  Backend,
  CompositeArgs,
  CompositeBackwardArgs,
  CoreDistancesArgs,
  EmaArgs,
  F32,
  FrequencyEncodeArgs,
  GemmArgs,
  GridGatherArgs,
  GridScatterArgs,
  I32,
  LinearBackwardArgs,
  LinearForwardArgs,
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
} from '../backend.ts';
import * as chk from '../check.ts';
import { linearBackwardVia, linearForwardVia } from '../linear.ts';
import { ADDON_PATH, loadAddon, type NativeAddon } from './addon.ts';

/** Options of the native backend. */
export interface NativeBackendOptions {
  /** Threads per call including the calling thread (default: available cores). */
  threads?: number;
}

const b = (x: boolean | undefined | null): number => (x ? 1 : 0);

/** Kernel backend running the native addon. */
export class NativeBackend implements Backend {
  readonly kind = 'native' as const;
  readonly threads: number;
  readonly description: string;
  private readonly k: NativeAddon;

  /** Loads the addon; throws when it was not built. */
  constructor(options: NativeBackendOptions = {}) {
    const addon = loadAddon();
    if (!addon) throw new Error(`native kernels not built (${ADDON_PATH}); run npm run build:native`);
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads must be >= 1, got ${threads}`);
    this.k = addon;
    this.threads = threads;
    this.description = `native ${addon.simd()} x${threads}`;
  }

  /** A new zero-filled Float32Array. */
  alloc(n: number): F32 {
    chk.checkCount('n', n);
    return new Float32Array(n);
  }

  /** A new zero-filled Int32Array. */
  allocInt32(n: number): I32 {
    chk.checkCount('n', n);
    return new Int32Array(n);
  }

  /** Nothing to release: arrays are garbage collected. */
  free(_buffer: F32 | I32): void {}

  /** OpenMP threads need no stopping. */
  dispose(): void {}

  /** Packed 8×32 register-blocked GEMM. */
  gemm(g: GemmArgs): void {
    chk.checkGemm(g);
    const { a, m, n, k } = g;
    this.k.gemm(
      a,
      g.b,
      g.c,
      m,
      n,
      k,
      b(g.transA),
      b(g.transB),
      g.bias ?? null,
      b(g.accumulate),
      b(g.relu),
      g.mask ?? null,
      this.threads,
    );
  }

  /** y = max(x, 0). */
  relu(x: F32, y: F32, n: number): void {
    chk.checkLength('x', x, n);
    chk.checkLength('y', y, n);
    this.k.relu(x, y, n, this.threads);
  }

  /** dx = y > 0 ? dy : 0. */
  reluBackward(y: F32, dy: F32, dx: F32, n: number): void {
    chk.checkLength('y', y, n);
    chk.checkLength('dy', dy, n);
    chk.checkLength('dx', dx, n);
    this.k.reluBackward(y, dy, dx, n, this.threads);
  }

  /** Column sums. */
  colSum(x: F32, rows: number, cols: number, out: F32, accumulate = false): void {
    chk.checkColSum(x, rows, cols, out);
    this.k.colSum(x, rows, cols, out, b(accumulate), this.threads);
  }

  /** Linear layer forward via gemm. */
  linearForward(args: LinearForwardArgs): void {
    linearForwardVia(this, args);
  }

  /** Linear layer backward via reluBackward, gemm and colSum. */
  linearBackward(args: LinearBackwardArgs): void {
    linearBackwardVia(this, args);
  }

  private vmArgs(a: VmGatherArgs | VmScatterArgs): (F32 | number)[] {
    return [...a.planes, ...a.lines, ...a.res, a.comps, a.coords, a.n, b(a.sum)];
  }

  /** VM lookup. */
  vmGather(a: VmGatherArgs): void {
    chk.checkVm(a, a.out, 'out');
    this.k.vmGather(...this.vmArgs(a), a.out, this.threads);
  }

  /** VM backward. */
  vmScatter(a: VmScatterArgs): void {
    chk.checkVm(a, a.gradOut, 'gradOut');
    chk.checkVmGrads(a);
    this.k.vmScatter(...this.vmArgs(a), a.gradOut, ...a.gradPlanes, ...a.gradLines, this.threads);
  }

  /** Trilinear lookup. */
  gridGather(a: GridGatherArgs): void {
    chk.checkGrid(a, a.grid, a.out);
    this.k.gridGather(a.grid, ...a.res, a.channels, a.coords, a.n, a.out, this.threads);
  }

  /** Trilinear backward. */
  gridScatter(a: GridScatterArgs): void {
    chk.checkGrid(a, a.gradGrid, a.gradOut);
    this.k.gridScatter(a.gradGrid, ...a.res, a.channels, a.coords, a.n, a.gradOut, this.threads);
  }

  /** Compositing weights. */
  renderWeights(a: RenderWeightsArgs): void {
    chk.checkRenderWeights(a);
    this.k.renderWeights(a.sigma, a.delta, a.rayStart, a.numRays, a.weights, a.opacity ?? null, this.threads);
  }

  /** Compositing weights backward. */
  renderWeightsBackward(a: RenderWeightsBackwardArgs): void {
    chk.checkRenderWeightsBackward(a);
    this.k.renderWeightsBackward(
      a.sigma,
      a.delta,
      a.rayStart,
      a.numRays,
      a.gradWeights,
      a.gradOpacity ?? null,
      a.gradSigma,
      this.threads,
    );
  }

  /** Weighted per-ray sums. */
  compositeValues(a: CompositeArgs): void {
    chk.checkComposite(a);
    this.k.compositeValues(a.weights, a.values, a.channels, a.rayStart, a.numRays, a.out, this.threads);
  }

  /** Weighted per-ray sums backward. */
  compositeValuesBackward(a: CompositeBackwardArgs): void {
    chk.checkCompositeBackward(a);
    this.k.compositeValuesBackward(
      a.weights,
      a.values,
      a.channels,
      a.rayStart,
      a.numRays,
      a.gradOut,
      a.gradWeights ?? null,
      a.gradValues ?? null,
      b(a.accumulate),
      this.threads,
    );
  }

  /** Masked log-sum-exp rows. */
  logSumExpRows(a: LogSumExpArgs): void {
    chk.checkLogSumExp(a);
    this.k.logSumExpRows(
      a.x,
      a.rows,
      a.cols,
      a.out,
      a.rowLabels ?? null,
      a.colLabels ?? null,
      b(a.excludeDiagonal),
      this.threads,
    );
  }

  /** Masked log-sum-exp rows backward. */
  logSumExpRowsBackward(a: LogSumExpBackwardArgs): void {
    chk.checkLogSumExpBackward(a);
    this.k.logSumExpRowsBackward(
      a.x,
      a.rows,
      a.cols,
      a.lse,
      a.gradOut,
      a.gradX,
      a.rowLabels ?? null,
      a.colLabels ?? null,
      b(a.excludeDiagonal),
      b(a.accumulate),
      this.threads,
    );
  }

  /** Softmax rows. */
  softmaxRows(a: SoftmaxArgs): void {
    chk.checkSoftmax(a);
    this.k.softmaxRows(a.x, a.rows, a.cols, a.y, this.threads);
  }

  /** Softmax rows backward. */
  softmaxRowsBackward(a: SoftmaxBackwardArgs): void {
    chk.checkSoftmaxBackward(a);
    this.k.softmaxRowsBackward(a.y, a.gradY, a.rows, a.cols, a.gradX, this.threads);
  }

  /** Adam update. */
  adam(a: AdamArgs): void {
    const n = chk.checkAdam(a);
    this.k.adam(
      a.param,
      a.grad,
      a.m,
      a.v,
      n,
      a.step,
      a.lr,
      a.beta1 ?? 0.9,
      a.beta2 ?? 0.999,
      a.eps ?? 1e-8,
      a.weightDecay ?? 0,
      this.threads,
    );
  }

  /** EMA update. */
  ema(a: EmaArgs): void {
    chk.checkLength('source', a.source, a.target.length);
    this.k.ema(a.target, a.source, a.target.length, a.momentum, this.threads);
  }

  /** Fused slow-fast contrastive loss and gradient. */
  slowFast(a: SlowFastArgs): number {
    chk.checkSlowFast(a);
    const { fast, slow, n1, n2, d } = a;
    return this.k.slowFast(
      fast,
      slow,
      n1,
      n2,
      d,
      a.fastLabels,
      a.slowLabels,
      a.temperature,
      a.logitScale,
      a.grad,
      this.threads,
    );
  }

  /** Vanilla contrastive loss. */
  vanillaContrastive(a: VanillaContrastiveArgs): number {
    chk.checkVanillaContrastive(a);
    return this.k.vanillaContrastive(
      a.emb,
      a.labels,
      a.n,
      a.d,
      a.gammaPositive,
      a.gammaNegative,
      a.grad,
      this.threads,
    );
  }

  /** Total variation, rows split among threads. */
  tvPlane(a: TvArgs): number {
    chk.checkTv(a);
    return this.k.tvPlane(a.data, a.grad, a.rows, a.cols, a.comps, a.weight, this.threads);
  }

  /** SH colour, points split among threads. */
  shColor(a: ShColorArgs): void {
    chk.checkShColor(a);
    this.k.shColor(a.coefs, a.dirs, a.n, a.rgb, this.threads);
  }

  /** SH colour backward, points split among threads. */
  shColorBackward(a: ShColorBackwardArgs): void {
    chk.checkShColorBackward(a);
    this.k.shColorBackward(a.dirs, a.rgb, a.gradRgb, a.n, a.gradCoefs, this.threads);
  }

  /** Density activation in double precision, elements split among threads. */
  softplus(a: SoftplusArgs): void {
    chk.checkSoftplus(a);
    this.k.softplus(a.x, a.n, a.shift, a.pre, a.out, this.threads);
  }

  /** Density activation backward, elements split among threads. */
  softplusBackward(a: SoftplusBackwardArgs): void {
    chk.checkSoftplusBackward(a);
    this.k.softplusBackward(a.pre, a.gradOut, a.n, a.gradX, this.threads);
  }

  /** Frequency encoding (double-angle recurrences in double precision), rows split among threads. */
  frequencyEncode(a: FrequencyEncodeArgs): void {
    chk.checkFrequencyEncode(a);
    this.k.frequencyEncode(a.x, a.n, a.dim, a.frequencies, a.out, this.threads);
  }

  /** Ray marching, rays split among threads (counts, then fills). */
  marchRays(a: MarchArgs): void {
    chk.checkMarch(a);
    const o = a.occupancy;
    this.k.marchRays(
      a.origins,
      a.dirs,
      a.numRays,
      ...a.boxMin,
      ...a.boxMax,
      a.step,
      a.jitter,
      o ? o.bits : null,
      o ? o.res : 0,
      ...(o ? o.min : [0, 0, 0]),
      ...(o ? o.max : [1, 1, 1]),
      a.rayStart,
      a.xyz ?? null,
      a.t ?? null,
      this.threads,
    );
  }

  /** HDBSCAN core distances over all pairs, rows split among threads (bit-identical to the reference). */
  coreDistancesSq(a: CoreDistancesArgs): void {
    chk.checkCoreDistances(a);
    this.k.coreDistancesSq(a.points, a.n, a.d, a.k, a.out, this.threads);
  }

  /** Prim's mutual-reachability MST on one thread (bit-identical to the reference). */
  mutualReachabilityMst(a: MutualReachabilityMstArgs): void {
    chk.checkMutualReachabilityMst(a);
    this.k.mutualReachabilityMst(a.points, a.n, a.d, a.coreSq, a.lo, a.hi, a.w2, this.threads);
  }
}
