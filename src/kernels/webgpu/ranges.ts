/** Sets of element ranges [lo, hi), kept sorted and disjoint: the dirty parts of a buffer. Browser-safe. */

/** A half-open element range. */
export type Range = readonly [number, number];

/** A union of disjoint, sorted half-open ranges. */
export class RangeSet {
  private list: [number, number][] = [];

  /** True when no range is held. */
  get empty(): boolean {
    return this.list.length === 0;
  }

  /** The ranges, sorted. */
  ranges(): readonly Range[] {
    return this.list;
  }

  /** Adds [lo, hi), merging with overlapping or touching ranges. */
  add(lo: number, hi: number): void {
    if (hi <= lo) return;
    const out: [number, number][] = [];
    let a = lo;
    let b = hi;
    for (const [x, y] of this.list) {
      if (y < a || x > b) out.push([x, y]);
      else {
        a = Math.min(a, x);
        b = Math.max(b, y);
      }
    }
    out.push([a, b]);
    this.list = out.sort((p, q) => p[0] - q[0]);
  }

  /** Removes [lo, hi). */
  subtract(lo: number, hi: number): void {
    if (hi <= lo) return;
    const out: [number, number][] = [];
    for (const [x, y] of this.list) {
      if (y <= lo || x >= hi) out.push([x, y]);
      else {
        if (x < lo) out.push([x, lo]);
        if (y > hi) out.push([hi, y]);
      }
    }
    this.list = out;
  }

  /** The parts of the held ranges inside [lo, hi). */
  within(lo: number, hi: number): Range[] {
    const out: Range[] = [];
    for (const [x, y] of this.list) {
      const a = Math.max(x, lo);
      const b = Math.min(y, hi);
      if (b > a) out.push([a, b]);
    }
    return out;
  }

  /** Removes everything. */
  clear(): void {
    this.list = [];
  }
}

/** Per buffer id, the union of the views' element ranges as sorted disjoint [lo, hi) intervals. */
export function mergeRanges(
  refs: readonly { readonly id: number; readonly off: number; readonly len: number }[],
): Map<number, [number, number][]> {
  const by = new Map<number, RangeSet>();
  for (const r of refs) {
    if (r.len === 0) continue;
    const set = by.get(r.id) ?? new RangeSet();
    set.add(r.off, r.off + r.len);
    by.set(r.id, set);
  }
  return new Map(
    [...by].map(([id, set]) => [id, set.ranges().map(([lo, hi]): [number, number] => [lo, hi])]),
  );
}
