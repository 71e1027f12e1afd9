import type {
  AdamArgs,
  Backend,
  CompositeArgs,
  CompositeBackwardArgs,
  EmaArgs,
  F32,
  GemmArgs,
  GridGatherArgs,
  GridScatterArgs,
  I32,
  LinearBackwardArgs,
  LinearForwardArgs,
  LogSumExpArgs,
  LogSumExpBackwardArgs,
  RenderWeightsArgs,
  RenderWeightsBackwardArgs,
  SoftmaxArgs,
  SoftmaxBackwardArgs,
  VmGatherArgs,
  VmScatterArgs,
} from './backend.ts';
import * as chk from './check.ts';
import { checkAdam, checkGemm, checkGrid, checkVm, checkVmGrads } from './check.ts';
import { linearBackwardVia, linearForwardVia } from './linear.ts';
import {
  compositeValuesBackwardRef,
  compositeValuesRef,
  renderWeightsBackwardRef,
  renderWeightsRef,
} from './reference/composite.ts';
import { adamRef, emaRef, reluBackwardRef, reluRef } from './reference/elementwise.ts';
import { colSumRef, gemmRef } from './reference/gemm.ts';
import { gridGatherRef, gridScatterRef } from './reference/grid.ts';
import {
  logSumExpRowsBackwardRef,
  logSumExpRowsRef,
  softmaxRowsBackwardRef,
  softmaxRowsRef,
} from './reference/softmax.ts';
import { vmGatherRef, vmScatterRef } from './reference/vm.ts';
import { ReferenceKernels } from './reference-kernels.ts';

/** The plain TypeScript reference backend: readable loops, single thread, the oracle for tests. */
export class TsBackend extends ReferenceKernels implements Backend {
  readonly kind = 'ts' as const;
  readonly threads = 1;
  readonly description = 'ts reference';

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

  /** Nothing to stop. */
  dispose(): void {}

  /** Triple-loop GEMM. */
  gemm(g: GemmArgs): void {
    checkGemm(g);
    gemmRef(g.a, g.b, g.c, g.m, g.n, g.k, g.transA, g.transB, g.bias ?? null, g.accumulate, g.relu);
    if (g.mask) reluBackwardRef(g.mask, g.c, g.c, g.m * g.n);
  }

  /** y = max(x, 0). */
  relu(x: F32, y: F32, n: number): void {
    chk.checkLength('x', x, n);
    chk.checkLength('y', y, n);
    reluRef(x, y, n);
  }

  /** dx = y > 0 ? dy : 0. */
  reluBackward(y: F32, dy: F32, dx: F32, n: number): void {
    chk.checkLength('y', y, n);
    chk.checkLength('dy', dy, n);
    chk.checkLength('dx', dx, n);
    reluBackwardRef(y, dy, dx, n);
  }

  /** Column sums. */
  colSum(x: F32, rows: number, cols: number, out: F32, accumulate = false): void {
    chk.checkColSum(x, rows, cols, out);
    colSumRef(x, rows, cols, out, accumulate);
  }

  /** Linear layer forward via gemm. */
  linearForward(args: LinearForwardArgs): void {
    linearForwardVia(this, args);
  }

  /** Linear layer backward via reluBackward, gemm and colSum. */
  linearBackward(args: LinearBackwardArgs): void {
    linearBackwardVia(this, args);
  }

  /** VM lookup. */
  vmGather(a: VmGatherArgs): void {
    checkVm(a, a.out, 'out');
    vmGatherRef(a.planes, a.lines, a.res, a.comps, a.coords, a.n, a.out, a.sum);
  }

  /** VM backward. */
  vmScatter(a: VmScatterArgs): void {
    checkVm(a, a.gradOut, 'gradOut');
    checkVmGrads(a);
    vmScatterRef(
      a.planes,
      a.lines,
      a.res,
      a.comps,
      a.coords,
      a.n,
      a.gradOut,
      a.gradPlanes,
      a.gradLines,
      a.sum,
    );
  }

  /** Trilinear lookup. */
  gridGather(a: GridGatherArgs): void {
    checkGrid(a, a.grid, a.out);
    gridGatherRef(a.grid, a.res, a.channels, a.coords, a.n, a.out);
  }

  /** Trilinear backward. */
  gridScatter(a: GridScatterArgs): void {
    checkGrid(a, a.gradGrid, a.gradOut);
    gridScatterRef(a.gradGrid, a.res, a.channels, a.coords, a.n, a.gradOut);
  }

  /** Compositing weights. */
  renderWeights(a: RenderWeightsArgs): void {
    chk.checkRenderWeights(a);
    renderWeightsRef(a.sigma, a.delta, a.rayStart, a.numRays, a.weights, a.opacity ?? null);
  }

  /** Compositing weights backward. */
  renderWeightsBackward(a: RenderWeightsBackwardArgs): void {
    chk.checkRenderWeightsBackward(a);
    renderWeightsBackwardRef(
      a.sigma,
      a.delta,
      a.rayStart,
      a.numRays,
      a.gradWeights,
      a.gradOpacity ?? null,
      a.gradSigma,
    );
  }

  /** Weighted per-ray sums. */
  compositeValues(a: CompositeArgs): void {
    chk.checkComposite(a);
    compositeValuesRef(a.weights, a.values, a.channels, a.rayStart, a.numRays, a.out);
  }

  /** Weighted per-ray sums backward. */
  compositeValuesBackward(a: CompositeBackwardArgs): void {
    chk.checkCompositeBackward(a);
    compositeValuesBackwardRef(
      a.weights,
      a.values,
      a.channels,
      a.rayStart,
      a.numRays,
      a.gradOut,
      a.gradWeights ?? null,
      a.gradValues ?? null,
      a.accumulate,
    );
  }

  /** Masked log-sum-exp rows. */
  logSumExpRows(a: LogSumExpArgs): void {
    chk.checkLogSumExp(a);
    logSumExpRowsRef(a.x, a.rows, a.cols, a.out, a);
  }

  /** Masked log-sum-exp rows backward. */
  logSumExpRowsBackward(a: LogSumExpBackwardArgs): void {
    chk.checkLogSumExpBackward(a);
    logSumExpRowsBackwardRef(a.x, a.rows, a.cols, a.lse, a.gradOut, a.gradX, a, a.accumulate);
  }

  /** Softmax rows. */
  softmaxRows(a: SoftmaxArgs): void {
    chk.checkSoftmax(a);
    softmaxRowsRef(a.x, a.rows, a.cols, a.y);
  }

  /** Softmax rows backward. */
  softmaxRowsBackward(a: SoftmaxBackwardArgs): void {
    chk.checkSoftmaxBackward(a);
    softmaxRowsBackwardRef(a.y, a.gradY, a.rows, a.cols, a.gradX);
  }

  /** Adam update. */
  adam(a: AdamArgs): void {
    const n = checkAdam(a);
    adamRef(
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
    );
  }

  /** EMA update. */
  ema(a: EmaArgs): void {
    chk.checkLength('source', a.source, a.target.length);
    emaRef(a.target, a.source, a.target.length, a.momentum);
  }
}
