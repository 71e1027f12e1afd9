/**
 * TensoRF vector-matrix (VM) decomposition: for each mode m the feature is plane_m(x_a, x_b) · line_m(x_v), with
 * (a, b) = [[0,1],[0,2],[1,2]][m] and v = [2,1,0][m]. Plane m of C components is stored (C, R_b, R_a), line m
 * (C, R_v). Inputs are box coordinates in [−1, 1]³, sampled bilinearly/linearly with aligned corners.
 */
import type { Rng } from '../core/rng.ts';
import { makeParam, type Param } from './params.ts';

const PLANE_AXES = [
  [0, 1],
  [0, 2],
  [1, 2],
] as const;
const LINE_AXIS = [2, 1, 0] as const;

/** Continuous index and its lower cell and fraction for coordinate x ∈ [−1, 1] on R points. */
function locate(x: number, R: number): [number, number] {
  let f = ((x + 1) / 2) * (R - 1);
  if (f < 0) f = 0;
  if (f > R - 1) f = R - 1;
  let i = Math.floor(f);
  if (i >= R - 1) i = Math.max(0, R - 2);
  return [i, f - i];
}

/** A VM-decomposed feature grid with `components` channels per mode (3·components outputs). */
export class VmGrid {
  readonly components: number;
  res: [number, number, number];
  planes: Param[];
  lines: Param[];
  readonly name: string;

  constructor(name: string, components: number, res: [number, number, number], rng: Rng, initScale = 0.1) {
    this.name = name;
    this.components = components;
    this.res = res;
    this.planes = PLANE_AXES.map(([a, b], m) =>
      makeParam(`${name}.plane${m}`, 'grid', components * res[a] * res[b], () => initScale * rng.normal()),
    );
    this.lines = LINE_AXIS.map((v, m) =>
      makeParam(`${name}.line${m}`, 'grid', components * res[v], () => initScale * rng.normal()),
    );
  }

  /** Number of output features per point. */
  get features(): number {
    return 3 * this.components;
  }

  /** Parameters: planes then lines. */
  params(): Param[] {
    return [...this.planes, ...this.lines];
  }

  /** out[n × 3C] with out[i, m·C + c] = plane_m[c](x) · line_m[c](x). */
  gather(xyz: Float32Array, n: number, out: Float32Array): void {
    const C = this.components;
    for (let m = 0; m < 3; m++) {
      const [a, b] = PLANE_AXES[m]!;
      const v = LINE_AXIS[m]!;
      const Ra = this.res[a];
      const Rb = this.res[b];
      const Rv = this.res[v];
      const P = this.planes[m]!.data;
      const L = this.lines[m]!.data;
      for (let i = 0; i < n; i++) {
        const [ia, fa] = locate(xyz[i * 3 + a]!, Ra);
        const [ib, fb] = locate(xyz[i * 3 + b]!, Rb);
        const [iv, fv] = locate(xyz[i * 3 + v]!, Rv);
        const w00 = (1 - fa) * (1 - fb);
        const w10 = fa * (1 - fb);
        const w01 = (1 - fa) * fb;
        const w11 = fa * fb;
        const base = ib * Ra + ia;
        for (let c = 0; c < C; c++) {
          const p = c * Ra * Rb + base;
          const pv = P[p]! * w00 + P[p + 1]! * w10 + P[p + Ra]! * w01 + P[p + Ra + 1]! * w11;
          const l = c * Rv + iv;
          const lv = L[l]! * (1 - fv) + L[l + 1]! * fv;
          out[i * 3 * C + m * C + c] = pv * lv;
        }
      }
    }
  }

  /** Accumulates plane and line gradients from dOut[n × 3C]. */
  scatter(xyz: Float32Array, n: number, dOut: Float32Array): void {
    const C = this.components;
    for (let m = 0; m < 3; m++) {
      const [a, b] = PLANE_AXES[m]!;
      const v = LINE_AXIS[m]!;
      const Ra = this.res[a];
      const Rb = this.res[b];
      const Rv = this.res[v];
      const P = this.planes[m]!.data;
      const L = this.lines[m]!.data;
      const gP = this.planes[m]!.grad;
      const gL = this.lines[m]!.grad;
      for (let i = 0; i < n; i++) {
        const [ia, fa] = locate(xyz[i * 3 + a]!, Ra);
        const [ib, fb] = locate(xyz[i * 3 + b]!, Rb);
        const [iv, fv] = locate(xyz[i * 3 + v]!, Rv);
        const w00 = (1 - fa) * (1 - fb);
        const w10 = fa * (1 - fb);
        const w01 = (1 - fa) * fb;
        const w11 = fa * fb;
        const base = ib * Ra + ia;
        for (let c = 0; c < C; c++) {
          const g = dOut[i * 3 * C + m * C + c]!;
          if (g === 0) continue;
          const p = c * Ra * Rb + base;
          const pv = P[p]! * w00 + P[p + 1]! * w10 + P[p + Ra]! * w01 + P[p + Ra + 1]! * w11;
          const l = c * Rv + iv;
          const lv = L[l]! * (1 - fv) + L[l + 1]! * fv;
          const gp = g * lv;
          gP[p]! += gp * w00;
          gP[p + 1]! += gp * w10;
          gP[p + Ra]! += gp * w01;
          gP[p + Ra + 1]! += gp * w11;
          const gl = g * pv;
          gL[l]! += gl * (1 - fv);
          gL[l + 1]! += gl * fv;
        }
      }
    }
  }

  /** Resamples planes and lines to a new resolution (bilinear, aligned corners); gradients are reset. */
  upsample(res: [number, number, number]): void {
    const C = this.components;
    const resize1 = (src: Float32Array, R0: number, R1: number): Float32Array => {
      const out = new Float32Array(C * R1);
      for (let c = 0; c < C; c++) {
        for (let j = 0; j < R1; j++) {
          const f = R1 === 1 ? 0 : (j / (R1 - 1)) * (R0 - 1);
          const i0 = Math.min(Math.floor(f), R0 - 1);
          const i1 = Math.min(i0 + 1, R0 - 1);
          const t = f - i0;
          out[c * R1 + j] = src[c * R0 + i0]! * (1 - t) + src[c * R0 + i1]! * t;
        }
      }
      return out;
    };
    this.planes = this.planes.map((p, m) => {
      const [a, b] = PLANE_AXES[m]!;
      const [Ra0, Rb0, Ra1, Rb1] = [this.res[a], this.res[b], res[a], res[b]];
      const out = new Float32Array(C * Ra1 * Rb1);
      for (let c = 0; c < C; c++) {
        for (let jb = 0; jb < Rb1; jb++) {
          const fb = Rb1 === 1 ? 0 : (jb / (Rb1 - 1)) * (Rb0 - 1);
          const b0 = Math.min(Math.floor(fb), Rb0 - 1);
          const b1 = Math.min(b0 + 1, Rb0 - 1);
          const tb = fb - b0;
          for (let ja = 0; ja < Ra1; ja++) {
            const fa = Ra1 === 1 ? 0 : (ja / (Ra1 - 1)) * (Ra0 - 1);
            const a0 = Math.min(Math.floor(fa), Ra0 - 1);
            const a1 = Math.min(a0 + 1, Ra0 - 1);
            const ta = fa - a0;
            const at = (bb: number, aa: number) => p.data[c * Ra0 * Rb0 + bb * Ra0 + aa]!;
            out[c * Ra1 * Rb1 + jb * Ra1 + ja] =
              (at(b0, a0) * (1 - ta) + at(b0, a1) * ta) * (1 - tb) +
              (at(b1, a0) * (1 - ta) + at(b1, a1) * ta) * tb;
          }
        }
      }
      return { ...p, data: out, grad: new Float32Array(out.length) };
    });
    this.lines = this.lines.map((l, m) => {
      const v = LINE_AXIS[m]!;
      const data = resize1(l.data, this.res[v], res[v]);
      return { ...l, data, grad: new Float32Array(data.length) };
    });
    this.res = res;
  }

  /** Adds weight × total-variation of the planes (mean squared neighbour difference) to gradients; returns it. */
  tvLoss(weight: number): number {
    const C = this.components;
    let total = 0;
    this.planes.forEach((p, m) => {
      const [a, b] = PLANE_AXES[m]!;
      const Ra = this.res[a];
      const Rb = this.res[b];
      const countA = C * Rb * (Ra - 1);
      const countB = C * (Rb - 1) * Ra;
      for (let c = 0; c < C; c++) {
        for (let jb = 0; jb < Rb; jb++) {
          for (let ja = 0; ja < Ra; ja++) {
            const i = c * Ra * Rb + jb * Ra + ja;
            if (ja + 1 < Ra) {
              const d = p.data[i + 1]! - p.data[i]!;
              total += (weight * d * d) / countA;
              const g = (2 * weight * d) / countA;
              p.grad[i + 1]! += g;
              p.grad[i]! -= g;
            }
            if (jb + 1 < Rb) {
              const d = p.data[i + Ra]! - p.data[i]!;
              total += (weight * d * d) / countB;
              const g = (2 * weight * d) / countB;
              p.grad[i + Ra]! += g;
              p.grad[i]! -= g;
            }
          }
        }
      }
    });
    return total;
  }
}
