/**
 * Loads onnxruntime-node (an optional dependency) and opens a model, with one clear error when either fails.
 * The few parts of its API clift uses are typed here, so clift type-checks without the package installed.
 */
import { readFileSync, statSync } from 'node:fs';
import { fsError } from '../core/fs-error.ts';

/** The runtime's description of one model input or output. */
export interface OrtValueMetadata {
  name: string;
  isTensor: boolean;
  /** Element type ('float32', 'int64', …); present for tensors. */
  type?: string;
  /** Dimensions: numbers where fixed, strings where symbolic; empty when unknown. */
  shape?: ReadonlyArray<number | string>;
}

/** A tensor as the runtime returns it. */
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** An opened model. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly OrtValueMetadata[];
  readonly outputMetadata: readonly OrtValueMetadata[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The parts of the onnxruntime-node module clift uses. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options: { logSeverityLevel: number }): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}

/** The npm package and version clift is tested with (an optional dependency in package.json). */
export const ORT_PACKAGE = 'onnxruntime-node@1.30.0';

/** Imports onnxruntime-node (or `specifier`), saying how to install it when it is missing. */
export async function loadOnnxRuntime(specifier = 'onnxruntime-node'): Promise<OrtModule> {
  let mod: Partial<OrtModule>;
  try {
    mod = (await import(specifier)) as Partial<OrtModule>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(
        `--onnx needs the optional dependency ${ORT_PACKAGE}, which is not installed (npm ci installs it unless optional dependencies are omitted; or: npm install --no-save ${ORT_PACKAGE})`,
      );
    }
    throw new Error(`--onnx: ${specifier} failed to load (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof mod.InferenceSession?.create !== 'function' || typeof mod.Tensor !== 'function')
    throw new Error(`--onnx: ${specifier} has no InferenceSession or Tensor (is it onnxruntime-node?)`);
  return mod as OrtModule;
}

/** The first line of a runtime error, without the C++ source location and signature it may start with. */
export function ortReason(e: unknown): string {
  const line = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  const at = line.search(/\S*onnxruntime_src\S*:\d+ /);
  if (at < 0) return line;
  let depth = 0;
  for (let i = line.indexOf('(', at); i >= 0 && i < line.length; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0)
      return `${line.slice(0, at)}${line.slice(i + 1).trim()}`.trim();
  }
  return line;
}

/** Opens the model file `path`: a missing or unreadable file, or one that is not ONNX, names the file. */
export async function openModel(ort: OrtModule, path: string): Promise<OrtSession> {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    bytes = readFileSync(path);
  } catch (e) {
    throw fsError(path, 'read the model', e);
  }
  try {
    return await ort.InferenceSession.create(bytes, { logSeverityLevel: 4 });
  } catch (e) {
    throw new Error(`${path}: not a loadable ONNX model (${ortReason(e)})`);
  }
}
