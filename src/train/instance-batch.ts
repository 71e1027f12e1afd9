/**
 * The pixels of one instance step. A uniform draw over an image's thing pixels holds about one pixel of an object
 * covering 0.1 % of the image, so its embedding is almost never contrasted with its neighbours'. With a per-segment
 * floor, every segment of the image contributes at least min(its size, floor) pixels and the rest of the batch is
 * drawn uniformly.
 */
import type { Rng } from '../core/rng.ts';

/** One view's thing pixels grouped by 2D segment id (ascending ids). */
export function segmentsOfView(thingPixels: Int32Array, instance: ArrayLike<number>): Int32Array[] {
  const groups = new Map<number, number[]>();
  for (const p of thingPixels) {
    const id = instance[p]!;
    let g = groups.get(id);
    if (!g) {
      g = [];
      groups.set(id, g);
    }
    g.push(p);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((id) => Int32Array.from(groups.get(id)!));
}

/**
 * Up to `size` distinct pixels of one view in random order: each segment first gives min(its size, floor)
 * pixels (floor capped at size / segments), the rest are uniform over the remaining thing pixels. With
 * `perSegment` 0 this is a plain uniform draw.
 */
export function instanceBatch(
  thingPixels: Int32Array,
  segments: Int32Array[],
  size: number,
  perSegment: number,
  rng: Rng,
): Int32Array {
  const all = Int32Array.from(thingPixels);
  rng.shuffle(all);
  if (perSegment <= 0 || all.length <= size || segments.length === 0)
    return all.subarray(0, Math.min(all.length, size));
  const floor = Math.min(perSegment, Math.floor(size / segments.length));
  const chosen = new Set<number>();
  for (const seg of segments) {
    const take = Math.min(seg.length, floor);
    const pick = Int32Array.from(seg);
    // Partial Fisher–Yates: the first `take` entries become a uniform sample of the segment.
    for (let i = 0; i < take; i++) {
      const j = i + rng.int(pick.length - i);
      const t = pick[i]!;
      pick[i] = pick[j]!;
      pick[j] = t;
      chosen.add(pick[i]!);
    }
  }
  for (let i = 0; i < all.length && chosen.size < size; i++) chosen.add(all[i]!);
  const out = Int32Array.from(chosen);
  rng.shuffle(out);
  return out;
}
