/** Adam optimiser over Params, with per-group learning rates and state that checkpoints can save. */
import { compute } from '../fields/compute.ts';
import type { Param, ParamGroup } from '../fields/params.ts';
import type { Backend } from '../kernels/backend.ts';

/** Adam hyper-parameters. */
export interface AdamOptions {
  lr: Record<ParamGroup, number>;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** Adam state (first and second moments) for a fixed list of parameters. */
export class Adam {
  readonly params: Param[];
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  t = 0;
  private readonly opts: Required<AdamOptions>;
  private readonly backend: Backend;

  constructor(params: Param[], opts: AdamOptions, backend: Backend = compute()) {
    this.params = params;
    this.backend = backend;
    this.m = params.map((p) => backend.alloc(p.data.length));
    this.v = params.map((p) => backend.alloc(p.data.length));
    this.opts = { beta1: 0.9, beta2: 0.99, eps: 1e-8, ...opts };
  }

  /** Applies one update from the accumulated gradients, then zeroes them. */
  step(): void {
    this.t++;
    const { beta1, beta2, eps } = this.opts;
    this.params.forEach((p, k) => {
      const lr = this.opts.lr[p.group];
      this.backend.adam({
        param: p.data,
        grad: p.grad,
        m: this.m[k]!,
        v: this.v[k]!,
        step: this.t,
        lr,
        beta1,
        beta2,
        eps,
      });
      p.grad.fill(0);
    });
  }

  /** Named tensors of the optimiser state, for checkpoints. */
  stateTensors(prefix: string): [string, Float32Array][] {
    return this.params.flatMap((p, k): [string, Float32Array][] => [
      [`${prefix}.m.${p.name}`, this.m[k]!],
      [`${prefix}.v.${p.name}`, this.v[k]!],
    ]);
  }

  /** Restores moments saved by stateTensors (missing ones stay zero). */
  loadState(prefix: string, tensors: Map<string, Float32Array>, t: number): void {
    this.t = t;
    this.params.forEach((p, k) => {
      const m = tensors.get(`${prefix}.m.${p.name}`);
      const v = tensors.get(`${prefix}.v.${p.name}`);
      if (m && m.length === this.m[k]!.length) this.m[k]!.set(m);
      if (v && v.length === this.v[k]!.length) this.v[k]!.set(v);
    });
  }
}
