/**
 * clift's numeric engine: the Backend interface, its TypeScript reference, WASM SIMD and native
 * implementations, and a factory. Fields and losses take a Backend and never care which one it is.
 */
import type { Backend, BackendKind } from './backend.ts';
import { nativeAvailable } from './native/addon.ts';
import { NativeBackend } from './native/native-backend.ts';
import { TsBackend } from './ts-backend.ts';
import { WasmBackend, type WasmBackendOptions } from './wasm/wasm-backend.ts';
import { spawnNodeDevice } from './webgpu/node-spawn.ts';
import { WebGpuBackend, type WebGpuBackendOptions } from './webgpu/webgpu-backend.ts';

export * from './backend.ts';
export { nativeAvailable } from './native/addon.ts';
export { NativeBackend } from './native/native-backend.ts';
export { TsBackend } from './ts-backend.ts';
export { relaxedSimdSupported, type SimdVariant } from './wasm/loader.ts';
export { WasmBackend, type WasmBackendOptions } from './wasm/wasm-backend.ts';
export {
  type TransferStats,
  WebGpuBackend,
  type WebGpuBackendOptions,
  WebGpuUnavailableError,
} from './webgpu/webgpu-backend.ts';

/** Backend kinds a user can ask for: one of the kinds, or 'auto' (native where built, else WASM). */
export const BACKEND_CHOICES = ['auto', 'native', 'wasm', 'ts', 'webgpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Options of createBackend. */
export interface CreateBackendOptions extends WasmBackendOptions {
  /** 'auto' (default): native where built, else WASM; or a kind ('ts' is the plain reference; 'webgpu' a GPU). */
  kind?: BackendChoice;
  /** Options of the WebGPU backend (kind 'webgpu'). */
  webgpu?: WebGpuBackendOptions;
}

/** The kind 'auto' resolves to on this machine. */
export function resolveBackendKind(choice: BackendChoice): BackendKind {
  return choice === 'auto' ? (nativeAvailable() ? 'native' : 'wasm') : choice;
}

/** Creates a backend (synchronously); call dispose() when done to stop its worker threads. */
export function createBackend(options: CreateBackendOptions = {}): Backend {
  const kind = resolveBackendKind(options.kind ?? 'auto');
  switch (kind) {
    case 'ts':
      return new TsBackend();
    case 'wasm':
      return new WasmBackend(options);
    case 'native':
      return new NativeBackend(options.threads === undefined ? {} : { threads: options.threads });
    case 'webgpu':
      return new WebGpuBackend(spawnNodeDevice, options.webgpu);
    default: {
      const never: never = kind;
      throw new Error(`unknown backend kind ${String(never)}`);
    }
  }
}
