/** A coarse boolean grid over the scene box marking where density is significant, to skip empty space. */
import type { Vec3 } from './camera.ts';

/** Occupancy bits over [min, max] at `res`³ cells. */
export class OccupancyGrid {
  readonly res: number;
  readonly min: Vec3;
  readonly max: Vec3;
  readonly bits: Uint8Array;

  constructor(res: number, min: Vec3, max: Vec3) {
    this.res = res;
    this.min = min;
    this.max = max;
    this.bits = new Uint8Array(res * res * res).fill(1);
  }

  /** Cell index of a point, or −1 outside the box. */
  cellOf(x: number, y: number, z: number): number {
    const r = this.res;
    const i = Math.floor(((x - this.min[0]) / (this.max[0] - this.min[0])) * r);
    const j = Math.floor(((y - this.min[1]) / (this.max[1] - this.min[1])) * r);
    const k = Math.floor(((z - this.min[2]) / (this.max[2] - this.min[2])) * r);
    if (i < 0 || j < 0 || k < 0 || i >= r || j >= r || k >= r) return -1;
    return (k * r + j) * r + i;
  }

  /** Whether a point lies in an occupied cell. */
  occupied(x: number, y: number, z: number): boolean {
    const c = this.cellOf(x, y, z);
    return c >= 0 && this.bits[c] === 1;
  }

  /** Centres of all cells as n×3 coordinates, in cell-index order. */
  cellCentres(): Float32Array {
    const r = this.res;
    const out = new Float32Array(r * r * r * 3);
    for (let k = 0; k < r; k++) {
      for (let j = 0; j < r; j++) {
        for (let i = 0; i < r; i++) {
          const c = (k * r + j) * r + i;
          out[c * 3] = this.min[0] + ((i + 0.5) / r) * (this.max[0] - this.min[0]);
          out[c * 3 + 1] = this.min[1] + ((j + 0.5) / r) * (this.max[1] - this.min[1]);
          out[c * 3 + 2] = this.min[2] + ((k + 0.5) / r) * (this.max[2] - this.min[2]);
        }
      }
    }
    return out;
  }

  /**
   * Marks cells occupied where alpha ≥ threshold and, when `seen` is given, seen[c] is set; dilated by one cell so
   * surfaces are not clipped. Returns the occupied fraction.
   */
  update(alphaPerCell: Float32Array, threshold: number, seen?: Uint8Array): number {
    const raw = new Uint8Array(this.bits.length);
    for (let c = 0; c < raw.length; c++) raw[c] = alphaPerCell[c]! >= threshold && (!seen || seen[c]) ? 1 : 0;
    return this.setDilated(raw);
  }

  /**
   * Sets mark[c] = 1 for every cell that the interval [t − δ/2, t + δ/2] of a sample passes through whose ray still
   * carries at least `minTransmittance` of its light there (1 − the weights of the ray's earlier samples; ray r owns
   * samples rayStart[r] .. rayStart[r+1]−1).
   */
  markVisible(
    rays: { origins: Float32Array; dirs: Float32Array },
    samples: { rayStart: Int32Array; t: Float32Array; delta: Float32Array },
    weights: Float32Array,
    minTransmittance: number,
    mark: Uint8Array,
  ): void {
    const n = samples.rayStart.length - 1;
    for (let r = 0; r < n; r++) {
      const o = rays.origins.subarray(r * 3, r * 3 + 3);
      const d = rays.dirs.subarray(r * 3, r * 3 + 3);
      let transmittance = 1;
      for (
        let i = samples.rayStart[r]!;
        i < samples.rayStart[r + 1]! && transmittance >= minTransmittance;
        i++
      ) {
        const half = 0.5 * samples.delta[i]!;
        this.markSegment(o, d, samples.t[i]! - half, samples.t[i]! + half, mark);
        transmittance -= weights[i]!;
      }
    }
  }

  /**
   * Marks exactly the cells containing the given points (n×3) and the cells set in `extra` (if given), dilated by
   * one cell; returns the occupied fraction.
   */
  fromPoints(xyz: Float32Array, n: number, extra?: Uint8Array): number {
    const raw = extra ? Uint8Array.from(extra) : new Uint8Array(this.bits.length);
    for (let i = 0; i < n; i++) {
      const c = this.cellOf(xyz[i * 3]!, xyz[i * 3 + 1]!, xyz[i * 3 + 2]!);
      if (c >= 0) raw[c] = 1;
    }
    return this.setDilated(raw);
  }

  /**
   * Sets mark[c] = 1 for every cell c the segment o + t·d, t ∈ [t0, t1], passes through (sampled every half cell
   * of the finest axis, plus both ends).
   */
  markSegment(o: ArrayLike<number>, d: ArrayLike<number>, t0: number, t1: number, mark: Uint8Array): void {
    if (!(t1 >= t0)) return;
    const cell = Math.min(
      (this.max[0] - this.min[0]) / this.res,
      (this.max[1] - this.min[1]) / this.res,
      (this.max[2] - this.min[2]) / this.res,
    );
    const len = Math.hypot(d[0]!, d[1]!, d[2]!) || 1;
    const step = (0.5 * cell) / len;
    const steps = Math.ceil((t1 - t0) / step);
    for (let s = 0; s <= steps; s++) {
      const t = Math.min(t1, t0 + s * step);
      const c = this.cellOf(o[0]! + t * d[0]!, o[1]! + t * d[1]!, o[2]! + t * d[2]!);
      if (c >= 0) mark[c] = 1;
    }
  }

  private setDilated(raw: Uint8Array): number {
    const r = this.res;
    let count = 0;
    for (let k = 0; k < r; k++) {
      for (let j = 0; j < r; j++) {
        for (let i = 0; i < r; i++) {
          let on = 0;
          for (let dk = -1; dk <= 1 && !on; dk++) {
            for (let dj = -1; dj <= 1 && !on; dj++) {
              for (let di = -1; di <= 1 && !on; di++) {
                const ii = i + di;
                const jj = j + dj;
                const kk = k + dk;
                if (ii < 0 || jj < 0 || kk < 0 || ii >= r || jj >= r || kk >= r) continue;
                on = raw[(kk * r + jj) * r + ii]!;
              }
            }
          }
          this.bits[(k * r + j) * r + i] = on;
          count += on;
        }
      }
    }
    return count / raw.length;
  }
}
