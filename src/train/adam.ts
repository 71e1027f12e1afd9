/** Adam optimiser over Params, with per-group learning rates and state that checkpoints can save. */
import type { Param, ParamGroup } from '../fields/params.ts';

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

  constructor(params: Param[], opts: AdamOptions) {
    this.params = params;
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = params.map((p) => new Float32Array(p.data.length));
    this.opts = { beta1: 0.9, beta2: 0.99, eps: 1e-8, ...opts };
  }

  /** Applies one update from the accumulated gradients, then zeroes them. */
  step(): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps } = this.opts;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    this.params.forEach((p, k) => {
      const lr = this.opts.lr[p.group];
      const m = this.m[k]!;
      const v = this.v[k]!;
      const g = p.grad;
      const d = p.data;
      for (let i = 0; i < d.length; i++) {
        const gi = g[i]!;
        if (gi === 0 && m[i] === 0) continue;
        m[i] = b1 * m[i]! + (1 - b1) * gi;
        v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
        d[i]! -= (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
      }
      g.fill(0);
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
