/** Finds and compiles the kernel module built by scripts/build-wasm.mjs, choosing relaxed or plain SIMD. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { type WasmModule, wasm } from './wasm-api.ts';

/** Which build of the kernels runs. */
export type SimdVariant = 'simd' | 'relaxed-simd';

/** The compiled kernel module and its variant. */
export interface KernelModule {
  module: WasmModule;
  variant: SimdVariant;
}

/** Directory holding the built .wasm files (repository build/). */
export const BUILD_DIR = fileURLToPath(new URL('../../../build/', import.meta.url));

/** File name of each variant inside BUILD_DIR. */
export const WASM_FILES: Record<SimdVariant, string> = {
  simd: 'kernels-simd.wasm',
  'relaxed-simd': 'kernels-relaxed-simd.wasm',
};

// (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd): validates only where relaxed SIMD is on.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32,
  1, 32, 2, 253, 133, 2, 11,
]);

/** Whether this runtime accepts relaxed-SIMD instructions right now. */
export function relaxedSimdSupported(): boolean {
  return wasm.validate(RELAXED_PROBE);
}

/**
 * Picks the variant. 'auto' and true use relaxed SIMD where the runtime has it, switching on V8's
 * relaxed-SIMD flag when needed (Node 20; newer Node versions have it on by default); 'auto' falls back to plain
 * SIMD when that fails, true throws. false always uses plain SIMD.
 */
export function chooseVariant(relaxed: boolean | 'auto'): SimdVariant {
  if (relaxed === false) return 'simd';
  if (relaxedSimdSupported()) return 'relaxed-simd';
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // not a V8 runtime: keep the plain build
  }
  if (relaxedSimdSupported()) return 'relaxed-simd';
  if (relaxed === 'auto') return 'simd';
  throw new Error('relaxed SIMD was requested but this runtime does not support it');
}

const cache = new Map<SimdVariant, WasmModule>();

/** Compiles (once per process) the kernel module of the chosen variant. */
export function loadKernelModule(relaxed: boolean | 'auto'): KernelModule {
  const variant = chooseVariant(relaxed);
  let module = cache.get(variant);
  if (!module) {
    const file = BUILD_DIR + WASM_FILES[variant];
    if (!existsSync(file)) {
      throw new Error(
        `kernel module ${file} is missing: run \`npm run build:wasm\` (npm ci and npm test do it)`,
      );
    }
    module = new wasm.Module(readFileSync(file));
    cache.set(variant, module);
  }
  return { module, variant };
}
