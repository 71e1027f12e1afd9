/**
 * The learned background of open scenes: what a ray sees after it leaves the scene box, as a colour that depends on
 * its direction only — rgb = sigmoid(g · Σ_j sh_j(d) c_j) per channel, with the 9 real spherical harmonics of degree
 * 2 and 27 trained coefficients c (a few hundred flops a ray; docs/open-scenes.md compares it with degree 1 and a
 * tiny MLP). The gain g lets the coefficients move at the grid learning rate. It is composited behind the field with
 * the transmittance the field leaves (render/geometry-render.ts) and carries no label.
 */

import { makeParam, type Param, syncParams } from '../fields/params.ts';
import type { Backend } from '../kernels/backend.ts';
import { SH_BASIS, shBasis } from '../kernels/reference/sh.ts';
import { markHostWrite, syncToHost } from '../kernels/residency.ts';

/** Multiplier on the coefficients: with Adam's step ≈ lr, the colour logits move ~g·lr a step. */
export const BACKGROUND_GAIN = 10;

/** Name of the coefficient tensor in checkpoints. */
export const BACKGROUND_PARAM = 'background.sh';

/** Degree-2 SH colour of direction, shared by every ray. */
export class BackgroundField {
  readonly coefs: Param;
  private readonly backend: Backend;

  constructor(backend: Backend) {
    this.backend = backend;
    // Zero coefficients: a neutral grey (0.5) until the photometric loss says otherwise.
    this.coefs = makeParam(BACKGROUND_PARAM, 'grid', 3 * SH_BASIS, () => 0, backend);
  }

  /** Background colour (n×3, in [0, 1]) of n unit directions (n×3). */
  forward(dirs: Float32Array, n: number): Float32Array {
    const rgb = new Float32Array(n * 3);
    const sh = new Float64Array(SH_BASIS);
    // Computed on the host: its 27 coefficients come back from the device after each optimiser step.
    syncParams([this.coefs], this.backend);
    const c = this.coefs.data;
    for (let i = 0; i < n; i++) {
      shBasis(dirs[i * 3]!, dirs[i * 3 + 1]!, dirs[i * 3 + 2]!, sh);
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let j = 0; j < SH_BASIS; j++) s += sh[j]! * c[k * SH_BASIS + j]!;
        rgb[i * 3 + k] = 1 / (1 + Math.exp(-BACKGROUND_GAIN * s));
      }
    }
    return rgb;
  }

  /** Adds to the coefficients' gradient from dRgb (n×3), the gradient of forward's output `rgb` at `dirs`. */
  backward(dirs: Float32Array, rgb: Float32Array, dRgb: Float32Array, n: number): void {
    const sh = new Float64Array(SH_BASIS);
    const acc = new Float64Array(3 * SH_BASIS);
    for (let i = 0; i < n; i++) {
      shBasis(dirs[i * 3]!, dirs[i * 3 + 1]!, dirs[i * 3 + 2]!, sh);
      for (let k = 0; k < 3; k++) {
        const y = rgb[i * 3 + k]!;
        const g = dRgb[i * 3 + k]! * y * (1 - y) * BACKGROUND_GAIN;
        if (g === 0) continue;
        for (let j = 0; j < SH_BASIS; j++) acc[k * SH_BASIS + j]! += g * sh[j]!;
      }
    }
    const grad = this.coefs.grad;
    syncToHost(this.backend, [grad]);
    for (let q = 0; q < acc.length; q++) grad[q]! += acc[q]!;
    markHostWrite(this.backend, [grad]);
  }

  /** Its trainable tensor. */
  params(): Param[] {
    return [this.coefs];
  }
}
