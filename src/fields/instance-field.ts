/**
 * The instance embedding field: a fast network Θ (trained) and a slow network Θ̃ of identical shape updated only by
 * an exponential moving average of Θ. Both take normalised xyz (raw, as in the paper, unless `frequencies` > 0,
 * optionally with a trainable feature grid beside it) and output D values.
 */
import type { Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';
import { compute } from './compute.ts';
import { type FeatureGridShape, GridEncodedMlp } from './grid-encoded-mlp.ts';

/** Fast and slow embedding networks. */
export class InstanceField {
  readonly fast: GridEncodedMlp;
  readonly slow: GridEncodedMlp;
  readonly dim: number;
  private readonly backend: Backend;

  constructor(
    dim: number,
    hidden: number,
    rng: Rng,
    layers = 4,
    frequencies = 0,
    grid?: FeatureGridShape,
    backend: Backend = compute(),
  ) {
    this.dim = dim;
    this.backend = backend;
    const widths = Array.from({ length: layers - 1 }, () => hidden);
    const f = frequencies;
    this.fast = new GridEncodedMlp('instance.fast', widths, dim, rng.fork('fast'), f, grid, backend);
    this.slow = new GridEncodedMlp('instance.slow', widths, dim, rng.fork('slow'), f, grid, backend);
  }

  /** slow ← m·slow + (1 − m)·fast for every parameter. */
  emaUpdate(momentum: number): void {
    const f = this.fast.params();
    const be = this.backend;
    this.slow.params().forEach((s, k) => {
      be.ema({ target: s.data, source: f[k]!.data, momentum });
    });
  }
}
