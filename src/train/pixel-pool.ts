/** Uniform random choice of training pixels across all views, and per-pixel lookups of their targets. */
import type { Rng } from '../core/rng.ts';
import type { ViewPixels } from '../data/training-views.ts';

/** All pixels of all views, addressed by (view, pixel index). */
export class PixelPool {
  readonly views: ViewPixels[];
  readonly offsets: Int32Array;
  readonly total: number;

  constructor(views: ViewPixels[]) {
    this.views = views;
    this.offsets = new Int32Array(views.length + 1);
    views.forEach((v, i) => {
      this.offsets[i + 1] = this.offsets[i]! + v.intrinsics.w * v.intrinsics.h;
    });
    this.total = this.offsets[views.length]!;
  }

  /** `count` random pixels grouped by view: a map view → pixel indices. */
  sample(rng: Rng, count: number): Map<number, number[]> {
    const byView = new Map<number, number[]>();
    for (let k = 0; k < count; k++) {
      const g = rng.int(this.total);
      let lo = 0;
      let hi = this.views.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.offsets[mid]! <= g) lo = mid;
        else hi = mid - 1;
      }
      let list = byView.get(lo);
      if (!list) {
        list = [];
        byView.set(lo, list);
      }
      list.push(g - this.offsets[lo]!);
    }
    return byView;
  }
}
