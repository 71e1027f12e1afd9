/**
 * The instance embedding field: a fast MLP Θ (trained) and a slow MLP Θ̃ of identical shape updated only by an
 * exponential moving average of Θ. Both take normalised xyz (raw, as in the paper, unless `frequencies` > 0) and
 * output D values.
 */
import type { Rng } from '../core/rng.ts';
import { compute } from './compute.ts';
import { encodedInput } from './frequency-encoding.ts';
import { Mlp } from './mlp.ts';

/** Fast and slow embedding MLPs. */
export class InstanceField {
  readonly fast: Mlp;
  readonly slow: Mlp;
  readonly dim: number;

  constructor(dim: number, hidden: number, rng: Rng, layers = 4, frequencies = 0) {
    this.dim = dim;
    const input = encodedInput(3, frequencies);
    const sizes = [input.width, ...Array.from({ length: layers - 1 }, () => hidden), dim];
    this.fast = new Mlp('instance.fast', sizes, rng.fork('fast'), compute(), input.encoding);
    this.slow = new Mlp('instance.slow', sizes, rng.fork('slow'), compute(), input.encoding);
  }

  /** slow ← m·slow + (1 − m)·fast for every parameter. */
  emaUpdate(momentum: number): void {
    const f = this.fast.params();
    this.slow.params().forEach((s, k) => {
      const src = f[k]!.data;
      const dst = s.data;
      for (let i = 0; i < dst.length; i++) dst[i] = momentum * dst[i]! + (1 - momentum) * src[i]!;
    });
  }
}
