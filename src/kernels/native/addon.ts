/** Loads the native kernel addon built by scripts/build-native.mjs (build/clift-native.node), if present. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

type Arg = Float32Array | Float64Array | Int32Array | Uint8Array | number | null;

/** The addon's exports: positional arguments, typed arrays used in place (see native/binding.cc). */
export interface NativeAddon {
  gemm(...args: Arg[]): void;
  colSum(...args: Arg[]): void;
  relu(...args: Arg[]): void;
  reluBackward(...args: Arg[]): void;
  adam(...args: Arg[]): void;
  ema(...args: Arg[]): void;
  vmGather(...args: Arg[]): void;
  vmScatter(...args: Arg[]): void;
  gridGather(...args: Arg[]): void;
  gridScatter(...args: Arg[]): void;
  renderWeights(...args: Arg[]): void;
  renderWeightsBackward(...args: Arg[]): void;
  compositeValues(...args: Arg[]): void;
  compositeValuesBackward(...args: Arg[]): void;
  logSumExpRows(...args: Arg[]): void;
  logSumExpRowsBackward(...args: Arg[]): void;
  softmaxRows(...args: Arg[]): void;
  softmaxRowsBackward(...args: Arg[]): void;
  slowFast(...args: Arg[]): number;
  tvPlane(...args: Arg[]): number;
  shColor(...args: Arg[]): void;
  shColorBackward(...args: Arg[]): void;
  softplus(...args: Arg[]): void;
  vanillaContrastive(...args: Arg[]): number;
  softplusBackward(...args: Arg[]): void;
  frequencyEncode(...args: Arg[]): void;
  marchRays(...args: Arg[]): void;
  coreDistancesSq(...args: Arg[]): void;
  mutualReachabilityMst(...args: Arg[]): void;
  /** The SIMD instruction set the addon was compiled for. */
  simd(): string;
}

/** Path of the built addon. */
export const ADDON_PATH = fileURLToPath(new URL('../../../build/clift-native.node', import.meta.url));

let cached: NativeAddon | null | undefined;

/** The addon, or null when it was not built on this machine (or fails to load). */
export function loadAddon(): NativeAddon | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (existsSync(ADDON_PATH)) {
    try {
      cached = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    } catch {
      cached = null;
    }
  }
  return cached;
}

/** Whether the native backend can be created here. */
export function nativeAvailable(): boolean {
  return loadAddon() !== null;
}
