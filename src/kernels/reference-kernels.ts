/**
 * The checked reference implementations of the kernels that only the native backend compiles: the TypeScript
 * backend is built on them, and the WASM backend runs them on the calling thread.
 */
import type {
  Backend,
  CoreDistancesArgs,
  FrequencyEncodeArgs,
  MarchArgs,
  MutualReachabilityMstArgs,
  ShColorArgs,
  ShColorBackwardArgs,
  SlowFastArgs,
  SoftplusArgs,
  SoftplusBackwardArgs,
  TvArgs,
  VanillaContrastiveArgs,
} from './backend.ts';
import * as chk from './check.ts';
import { vanillaContrastiveRef } from './reference/contrastive.ts';
import { frequencyEncodeRef } from './reference/encoding.ts';
import { marchRaysRef } from './reference/march.ts';
import { coreDistancesSqRef, mutualReachabilityMstRef } from './reference/mutual-reachability.ts';
import { shColorBackwardRef, shColorRef } from './reference/sh.ts';
import { slowFastRef } from './reference/slow-fast.ts';
import { softplusBackwardRef, softplusRef } from './reference/softplus.ts';
import { tvPlaneRef } from './reference/tv.ts';

/** Kernels with a reference only. */
export type ReferenceOnlyKernels = Pick<
  Backend,
  | 'slowFast'
  | 'vanillaContrastive'
  | 'tvPlane'
  | 'shColor'
  | 'shColorBackward'
  | 'softplus'
  | 'softplusBackward'
  | 'frequencyEncode'
  | 'marchRays'
  | 'coreDistancesSq'
  | 'mutualReachabilityMst'
>;

/**
 * Argument-checked reference versions of the ReferenceOnlyKernels, as a base class of the backends that have no
 * kernel of their own for them (the TypeScript backend, and the WASM backend, which runs them on the calling thread).
 */
export abstract class ReferenceKernels implements ReferenceOnlyKernels {
  /** Slow-fast contrastive loss by the reference. */
  slowFast(a: SlowFastArgs): number {
    chk.checkSlowFast(a);
    const { fast, slow, n1, n2, d } = a;
    return slowFastRef(
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
    );
  }

  /** Vanilla contrastive loss by the reference. */
  vanillaContrastive(a: VanillaContrastiveArgs): number {
    chk.checkVanillaContrastive(a);
    return vanillaContrastiveRef(a.emb, a.labels, a.n, a.d, a.gammaPositive, a.gammaNegative, a.grad);
  }

  /** Total variation by the reference. */
  tvPlane(a: TvArgs): number {
    chk.checkTv(a);
    return tvPlaneRef(a.data, a.grad, a.rows, a.cols, a.comps, a.weight);
  }

  /** SH colour by the reference. */
  shColor(a: ShColorArgs): void {
    chk.checkShColor(a);
    shColorRef(a.coefs, a.dirs, a.n, a.rgb);
  }

  /** SH colour backward by the reference. */
  shColorBackward(a: ShColorBackwardArgs): void {
    chk.checkShColorBackward(a);
    shColorBackwardRef(a.dirs, a.rgb, a.gradRgb, a.n, a.gradCoefs);
  }

  /** Density activation by the reference. */
  softplus(a: SoftplusArgs): void {
    chk.checkSoftplus(a);
    softplusRef(a.x, a.n, a.shift, a.pre, a.out);
  }

  /** Its backward by the reference. */
  softplusBackward(a: SoftplusBackwardArgs): void {
    chk.checkSoftplusBackward(a);
    softplusBackwardRef(a.pre, a.gradOut, a.n, a.gradX);
  }

  /** Frequency encoding by the reference. */
  frequencyEncode(a: FrequencyEncodeArgs): void {
    chk.checkFrequencyEncode(a);
    frequencyEncodeRef(a.x, a.n, a.dim, a.frequencies, a.out);
  }

  /** Ray marching by the reference. */
  marchRays(a: MarchArgs): void {
    chk.checkMarch(a);
    const [xyz, t] = a.xyz && a.t ? [a.xyz, a.t] : [null, null];
    const { origins, dirs, numRays, boxMin, boxMax, step, jitter } = a;
    marchRaysRef(
      origins,
      dirs,
      numRays,
      boxMin,
      boxMax,
      step,
      jitter,
      a.occupancy ?? null,
      a.rayStart,
      xyz,
      t,
    );
  }

  /** HDBSCAN core distances by the reference. */
  coreDistancesSq(a: CoreDistancesArgs): void {
    chk.checkCoreDistances(a);
    a.out.set(coreDistancesSqRef(a.points, a.n, a.d, a.k));
  }

  /** Mutual-reachability MST by the reference. */
  mutualReachabilityMst(a: MutualReachabilityMstArgs): void {
    chk.checkMutualReachabilityMst(a);
    const t = mutualReachabilityMstRef(a.points, a.n, a.d, a.coreSq);
    a.lo.set(t.lo);
    a.hi.set(t.hi);
    a.w2.set(t.w2);
  }
}
