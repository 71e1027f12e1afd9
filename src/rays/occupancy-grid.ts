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

  /** Marks cells occupied where alpha ≥ threshold, dilated by one cell so surfaces are not clipped. */
  update(alphaPerCell: Float32Array, threshold: number): number {
    const raw = new Uint8Array(this.bits.length);
    for (let c = 0; c < raw.length; c++) raw[c] = alphaPerCell[c]! >= threshold ? 1 : 0;
    return this.setDilated(raw);
  }

  /** Marks exactly the cells containing the given points (n×3), dilated by one cell; returns the occupied fraction. */
  fromPoints(xyz: Float32Array, n: number): number {
    const raw = new Uint8Array(this.bits.length);
    for (let i = 0; i < n; i++) {
      const c = this.cellOf(xyz[i * 3]!, xyz[i * 3 + 1]!, xyz[i * 3 + 2]!);
      if (c >= 0) raw[c] = 1;
    }
    return this.setDilated(raw);
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
