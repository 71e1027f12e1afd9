/**
 * Density and colour: TensoRF VM grids over the scene box. σ = softplus(Σ density features − 10); colour =
 * sigmoid(SH₂(view direction) · (basis · appearance features)), i.e. 27 = 3 colours × 9 SH coefficients.
 */
import type { Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';
import { SH_BASIS } from '../kernels/reference/sh.ts';
import type { Vec3 } from '../rays/camera.ts';
import { compute } from './compute.ts';
import { makeParam, type Param, uniformInit } from './params.ts';
import { VmGrid } from './tensorf-vm.ts';
import { Workspace } from './workspace.ts';

const DENSITY_SHIFT = -10;
const SH = SH_BASIS;

/** Options of the geometry field. */
export interface GeometryFieldOptions {
  box: { min: Vec3; max: Vec3 };
  res: number;
  densityComponents: number;
  appearanceComponents: number;
}

/** What colour backward needs from the forward pass (valid until the next colorForward). */
export interface ColorTape {
  n: number;
  /** Which colorForward call made it. */
  generation: number;
  grid: Float32Array;
  dirs: Float32Array;
  feats: Float32Array;
  coefs: Float32Array;
  rgb: Float32Array;
}

/** Per-axis grid resolution giving about `res` cells along the longest side of the box. */
export function gridResolution(box: { min: Vec3; max: Vec3 }, res: number): [number, number, number] {
  const ext = [0, 1, 2].map((k) => box.max[k]! - box.min[k]!);
  const m = Math.max(...ext);
  return ext.map((e) => Math.max(2, Math.round((res * e) / m))) as [number, number, number];
}

/** The density and appearance field of a scene box. */
export class GeometryField {
  readonly box: { min: Vec3; max: Vec3 };
  readonly density: VmGrid;
  readonly appearance: VmGrid;
  readonly basis: Param;
  /** The backend that owns the parameters and runs the kernels. */
  readonly backend: Backend;
  private readonly scratch: { feats: Workspace; coefs: Workspace; dCoefs: Workspace; dFeats: Workspace };
  private generation = 0;

  constructor(opts: GeometryFieldOptions, rng: Rng, backend: Backend = compute()) {
    this.box = opts.box;
    this.backend = backend;
    const ws = () => new Workspace(backend);
    this.scratch = { feats: ws(), coefs: ws(), dCoefs: ws(), dFeats: ws() };
    const res = gridResolution(opts.box, opts.res);
    this.density = new VmGrid('density', opts.densityComponents, res, rng, 0.1, backend);
    this.appearance = new VmGrid('appearance', opts.appearanceComponents, res, rng, 0.1, backend);
    const inD = this.appearance.features;
    const init = uniformInit(rng, 1 / Math.sqrt(inD));
    this.basis = makeParam('appearance.basis', 'mlp', inD * 3 * SH, init, backend);
  }

  /** All parameters. */
  params(): Param[] {
    return [...this.density.params(), ...this.appearance.params(), this.basis];
  }

  /** Resamples both grids to about `res` cells along the longest side. */
  upsample(res: number): void {
    const r = gridResolution(this.box, res);
    this.density.upsample(r);
    this.appearance.upsample(r);
  }

  /** Normalised scene coordinates → grid coordinates in [−1, 1]³. */
  toGrid(xyz: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n * 3);
    const { min, max } = this.box;
    const [m0, m1, m2] = [min[0], min[1], min[2]];
    const [e0, e1, e2] = [max[0] - m0, max[1] - m1, max[2] - m2];
    for (let i = 0; i < n * 3; i += 3) {
      out[i] = (2 * (xyz[i]! - m0)) / e0 - 1;
      out[i + 1] = (2 * (xyz[i + 1]! - m1)) / e1 - 1;
      out[i + 2] = (2 * (xyz[i + 2]! - m2)) / e2 - 1;
    }
    return out;
  }

  /** Densities σ at n grid-coordinate points; also returns the pre-activation for backward. */
  densityForward(grid: Float32Array, n: number): { sigma: Float32Array; pre: Float32Array } {
    const pre = new Float32Array(n);
    this.density.gather(grid, n, pre, true);
    const sigma = new Float32Array(n);
    this.backend.softplus({ x: pre, n, shift: DENSITY_SHIFT, pre, out: sigma });
    return { sigma, pre };
  }

  /** Accumulates density-grid gradients from dσ. */
  densityBackward(grid: Float32Array, n: number, pre: Float32Array, dSigma: Float32Array): void {
    const g = new Float32Array(n);
    this.backend.softplusBackward({ pre, gradOut: dSigma, n, gradX: g });
    this.density.scatter(grid, n, g, true);
  }

  /** Colours at n grid-coordinate points seen along unit directions `dirs`. */
  colorForward(grid: Float32Array, dirs: Float32Array, n: number): ColorTape {
    const F = this.appearance.features;
    const O = 3 * SH;
    const feats = this.scratch.feats.get(n * F);
    this.appearance.gather(grid, n, feats);
    const coefs = this.scratch.coefs.get(n * O);
    if (n > 0) this.backend.gemm({ a: feats, b: this.basis.data, c: coefs, m: n, n: O, k: F });
    const rgb = new Float32Array(n * 3);
    if (n > 0) this.backend.shColor({ coefs, dirs, n, rgb });
    return { n, generation: ++this.generation, grid, dirs, feats, coefs, rgb };
  }

  /** Accumulates appearance-grid and basis gradients from dRGB. */
  colorBackward(tape: ColorTape, dRgb: Float32Array): void {
    const F = this.appearance.features;
    const O = 3 * SH;
    const n = tape.n;
    if (n === 0) return;
    if (tape.generation !== this.generation)
      throw new Error('GeometryField.colorBackward: the tape is stale (another colorForward ran after it)');
    const dCoef = this.scratch.dCoefs.get(n * O);
    const k = this.backend;
    k.shColorBackward({ dirs: tape.dirs, rgb: tape.rgb, gradRgb: dRgb, n, gradCoefs: dCoef });
    // dB += featsᵀ · dCoef, dFeats = dCoef · Bᵀ
    k.gemm({ a: tape.feats, b: dCoef, c: this.basis.grad, m: F, n: O, k: n, transA: true, accumulate: true });
    const dFeats = this.scratch.dFeats.get(n * F);
    k.gemm({ a: dCoef, b: this.basis.data, c: dFeats, m: n, n: F, k: O, transB: true });
    this.appearance.scatter(tape.grid, n, dFeats);
  }
}
