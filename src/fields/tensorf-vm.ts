/**
 * TensoRF vector-matrix (VM) decomposition: for each mode m the feature is plane_m(x_a, x_b) · line_m(x_v), with
 * (a, b) = [[0,1],[0,2],[1,2]][m] and v = [2,1,0][m]. Plane m is stored channel-last (R_b, R_a, C), line m
 * (R_v, C). Inputs are box coordinates in [−1, 1]³, sampled bilinearly/linearly with aligned corners; the
 * gathers and their scatter-add backward run on the numeric backend.
 */
import type { Rng } from '../core/rng.ts';
import { type Backend, MATRIX_MODE, VECTOR_MODE } from '../kernels/backend.ts';
import { compute } from './compute.ts';
import { makeParam, type Param, paramFrom, syncParams } from './params.ts';

type Res = [number, number, number];

/** A VM-decomposed feature grid with `components` channels per mode (3·components outputs). */
export class VmGrid {
  readonly components: number;
  res: Res;
  planes: Param[];
  lines: Param[];
  readonly name: string;
  private readonly backend: Backend;

  constructor(
    name: string,
    components: number,
    res: Res,
    rng: Rng,
    initScale = 0.1,
    backend: Backend = compute(),
  ) {
    this.name = name;
    this.components = components;
    this.res = res;
    this.backend = backend;
    const make = (pname: string, size: number): Param =>
      makeParam(pname, 'grid', size, () => initScale * rng.normal(), backend);
    this.planes = MATRIX_MODE.map(([a, b], m) => make(`${name}.plane${m}`, res[a]! * res[b]! * components));
    this.lines = VECTOR_MODE.map((v, m) => make(`${name}.line${m}`, res[v]! * components));
  }

  /** Number of output features per point. */
  get features(): number {
    return 3 * this.components;
  }

  /** Parameters: planes then lines. */
  params(): Param[] {
    return [...this.planes, ...this.lines];
  }

  private args(coords: Float32Array, n: number, sum: boolean) {
    return {
      planes: [this.planes[0]!.data, this.planes[1]!.data, this.planes[2]!.data] as const,
      lines: [this.lines[0]!.data, this.lines[1]!.data, this.lines[2]!.data] as const,
      res: this.res,
      comps: this.components,
      coords,
      n,
      sum,
    };
  }

  /** out[n × 3C] with out[i, m·C + c] = plane_m[c](x) · line_m[c](x); with `sum`, out[n] holds their sum. */
  gather(coords: Float32Array, n: number, out: Float32Array, sum = false): void {
    if (n === 0) return;
    this.backend.vmGather({ ...this.args(coords, n, sum), out });
  }

  /** Accumulates plane and line gradients from the gradient of gather's output. */
  scatter(coords: Float32Array, n: number, gradOut: Float32Array, sum = false): void {
    if (n === 0) return;
    this.backend.vmScatter({
      ...this.args(coords, n, sum),
      gradOut,
      gradPlanes: [this.planes[0]!.grad, this.planes[1]!.grad, this.planes[2]!.grad],
      gradLines: [this.lines[0]!.grad, this.lines[1]!.grad, this.lines[2]!.grad],
    });
  }

  /** Resamples planes and lines to a new resolution (bilinear, aligned corners); gradients are reset. */
  upsample(res: Res): void {
    const C = this.components;
    const taps = (j: number, R0: number, R1: number): [number, number, number] => {
      const f = R1 === 1 ? 0 : (j / (R1 - 1)) * (R0 - 1);
      const i0 = Math.min(Math.floor(f), R0 - 1);
      return [i0, Math.min(i0 + 1, R0 - 1), f - i0];
    };
    const replace = (p: Param, data: Float32Array): Param => {
      this.backend.free(p.data);
      this.backend.free(p.grad);
      return paramFrom(p.name, p.group, data, this.backend);
    };
    syncParams(this.params(), this.backend);
    this.planes = this.planes.map((p, m) => {
      const [a, b] = MATRIX_MODE[m]!;
      const [Ra0, Rb0, Ra1, Rb1] = [this.res[a]!, this.res[b]!, res[a]!, res[b]!];
      const out = new Float32Array(Ra1 * Rb1 * C);
      const src = p.data;
      for (let jb = 0; jb < Rb1; jb++) {
        const [b0, b1, tb] = taps(jb, Rb0, Rb1);
        for (let ja = 0; ja < Ra1; ja++) {
          const [a0, a1, ta] = taps(ja, Ra0, Ra1);
          const o00 = (b0 * Ra0 + a0) * C;
          const o01 = (b0 * Ra0 + a1) * C;
          const o10 = (b1 * Ra0 + a0) * C;
          const o11 = (b1 * Ra0 + a1) * C;
          const dst = (jb * Ra1 + ja) * C;
          for (let c = 0; c < C; c++) {
            out[dst + c] =
              (src[o00 + c]! * (1 - ta) + src[o01 + c]! * ta) * (1 - tb) +
              (src[o10 + c]! * (1 - ta) + src[o11 + c]! * ta) * tb;
          }
        }
      }
      return replace(p, out);
    });
    this.lines = this.lines.map((l, m) => {
      const v = VECTOR_MODE[m]!;
      const [R0, R1] = [this.res[v]!, res[v]!];
      const out = new Float32Array(R1 * C);
      for (let j = 0; j < R1; j++) {
        const [i0, i1, t] = taps(j, R0, R1);
        for (let c = 0; c < C; c++) out[j * C + c] = l.data[i0 * C + c]! * (1 - t) + l.data[i1 * C + c]! * t;
      }
      return replace(l, out);
    });
    this.res = res;
  }

  /** Adds weight × total-variation of the planes (mean squared neighbour difference) to gradients; returns it. */
  tvLoss(weight: number): number {
    let total = 0;
    this.planes.forEach((p, m) => {
      const [a, b] = MATRIX_MODE[m]!;
      const args = {
        data: p.data,
        grad: p.grad,
        rows: this.res[b]!,
        cols: this.res[a]!,
        comps: this.components,
        weight,
      };
      total += this.backend.tvPlane(args);
    });
    return total;
  }
}
