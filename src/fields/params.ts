/**
 * Trainable parameter tensors: values, gradient accumulators and the optimiser group they belong to. On a device
 * backend both stay resident on the device (src/kernels/residency.ts): code that reads or writes them on the host
 * goes through syncParams / markParamsWritten.
 */
import type { Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';
import { keepResident, markHostWrite, syncToHost, zeroView } from '../kernels/residency.ts';

/** Optimiser groups: grids (learning rate 1e-2) and MLPs (5e-4) by default. */
export type ParamGroup = 'grid' | 'mlp';

/** One named tensor with its gradient. */
export interface Param {
  name: string;
  group: ParamGroup;
  data: Float32Array;
  grad: Float32Array;
}

/** A new parameter of `size` values filled by `init`, its values and gradient allocated by `backend`. */
export function makeParam(
  name: string,
  group: ParamGroup,
  size: number,
  init: (i: number) => number,
  backend: Backend,
): Param {
  const data = backend.alloc(size);
  for (let i = 0; i < size; i++) data[i] = init(i);
  return residentParam(name, group, data, backend);
}

/** A new parameter holding a copy of `values` (e.g. a resampled grid), allocated by `backend`. */
export function paramFrom(name: string, group: ParamGroup, values: Float32Array, backend: Backend): Param {
  const data = backend.alloc(values.length);
  data.set(values);
  return residentParam(name, group, data, backend);
}

/** Wraps host-initialised values and a zero gradient, both kept on the device by device backends. */
function residentParam(name: string, group: ParamGroup, data: Float32Array, backend: Backend): Param {
  const grad = backend.alloc(data.length);
  keepResident(backend, [data, grad]);
  // The device buffer starts zeroed: clearing it there saves uploading the host's zeros.
  zeroView(backend, grad);
  return { name, group, data, grad };
}

/** Uniform(−bound, bound) initialiser. */
export function uniformInit(rng: Rng, bound: number): (i: number) => number {
  return () => rng.uniform(-bound, bound);
}

/** Zeroes the gradients of parameters (on the device, without a transfer, where they are resident). */
export function zeroGrads(params: Param[], backend: Backend): void {
  for (const p of params) zeroView(backend, p.grad);
}

/** Brings the host copies of the parameters' values up to date before the host reads them. */
export function syncParams(params: Param[], backend: Backend): void {
  syncToHost(
    backend,
    params.map((p) => p.data),
  );
}

/** Tells the backend the host wrote the parameters' values. */
export function markParamsWritten(params: Param[], backend: Backend): void {
  markHostWrite(
    backend,
    params.map((p) => p.data),
  );
}
