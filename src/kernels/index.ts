/**
 * clift's numeric engine: the Backend interface, its TypeScript reference and WASM SIMD implementations,
 * and a factory. Fields and losses take a Backend and never care which one it is.
 */
import type { Backend, BackendKind } from './backend.ts';
import { TsBackend } from './ts-backend.ts';
import { WasmBackend, type WasmBackendOptions } from './wasm/wasm-backend.ts';

export * from './backend.ts';
export { TsBackend } from './ts-backend.ts';
export { relaxedSimdSupported, type SimdVariant } from './wasm/loader.ts';
export { WasmBackend, type WasmBackendOptions } from './wasm/wasm-backend.ts';

/** Options of createBackend. */
export interface CreateBackendOptions extends WasmBackendOptions {
  /** 'wasm' (default) for the fast SIMD backend, 'ts' for the plain reference. */
  kind?: BackendKind;
}

/** Creates a backend (synchronously); call dispose() when done to stop its worker threads. */
export function createBackend(options: CreateBackendOptions = {}): Backend {
  const kind = options.kind ?? 'wasm';
  switch (kind) {
    case 'ts':
      return new TsBackend();
    case 'wasm':
      return new WasmBackend(options);
    default: {
      const never: never = kind;
      throw new Error(`unknown backend kind ${String(never)}`);
    }
  }
}
