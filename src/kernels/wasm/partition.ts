/** Splitting work across threads: contiguous, aligned ranges that do not depend on timing. */

/** Splits [0, total) into `parts` contiguous ranges with inner boundaries at multiples of `align`. */
export function splitRange(total: number, parts: number, align = 1): [number, number][] {
  const units = Math.ceil(total / align);
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const lo = Math.min(total, Math.floor((units * p) / parts) * align);
    const hi = p === parts - 1 ? total : Math.min(total, Math.floor((units * (p + 1)) / parts) * align);
    out.push([lo, hi]);
  }
  return out;
}

/** Splits rays [0, numRays) into `parts` ranges holding about the same number of samples. */
export function splitRays(rayStart: Int32Array, numRays: number, parts: number): [number, number][] {
  const s0 = rayStart[0]!;
  const total = rayStart[numRays]! - s0;
  const out: [number, number][] = [];
  let lo = 0;
  for (let p = 1; p <= parts; p++) {
    let hi = numRays;
    if (p < parts) {
      const target = s0 + (total * p) / parts;
      let a = lo;
      let b = numRays;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (rayStart[mid]! < target) a = mid + 1;
        else b = mid;
      }
      hi = a;
    }
    out.push([lo, hi]);
    lo = hi;
  }
  return out;
}
