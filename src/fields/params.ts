/** Trainable parameter tensors: values, gradient accumulators and the optimiser group they belong to. */
import type { Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';

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
  return { name, group, data, grad: backend.alloc(size) };
}

/** Uniform(−bound, bound) initialiser. */
export function uniformInit(rng: Rng, bound: number): (i: number) => number {
  return () => rng.uniform(-bound, bound);
}

/** Zeroes the gradients of parameters. */
export function zeroGrads(params: Param[]): void {
  for (const p of params) p.grad.fill(0);
}
