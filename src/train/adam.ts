/** Adam optimiser over Params, with per-group learning rates and state that checkpoints can save. */
import { compute } from '../fields/compute.ts';
import { type Param, type ParamGroup, zeroGrads } from '../fields/params.ts';
import type { Backend } from '../kernels/backend.ts';
import { keepResident, markHostWrite, syncToHost, zeroView } from '../kernels/residency.ts';

/** Adam hyper-parameters. */
export interface AdamOptions {
  lr: Record<ParamGroup, number>;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** Adam state (first and second moments) for a fixed list of parameters; on a device backend it stays there. */
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
    const moments = [...this.m, ...this.v];
    keepResident(backend, moments);
    for (const x of moments) zeroView(backend, x);
    this.opts = { beta1: 0.9, beta2: 0.99, eps: 1e-8, ...opts };
  }

  /** Applies one update from the accumulated gradients, then zeroes them (on the device where resident). */
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
    });
    zeroGrads(this.params, this.backend);
  }

  /** Frees the moments (the optimiser is unusable afterwards). */
  release(): void {
    for (const x of [...this.m, ...this.v]) this.backend.free(x);
  }

  /** Named tensors of the optimiser state, for checkpoints. */
  stateTensors(prefix: string): [string, Float32Array][] {
    syncToHost(this.backend, [...this.m, ...this.v]);
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
    markHostWrite(this.backend, [...this.m, ...this.v]);
  }
}
