/**
 * COCO run-length encoding of binary masks: runs alternate 0s and 1s (starting with 0s) over the pixels in
 * column-major order (down the first column, then the next), and the compressed string form of those counts.
 */

/** A COCO RLE: image height and width, and the run lengths. */
export interface Rle {
  h: number;
  w: number;
  counts: number[];
}

/** Run lengths of a row-major h × w mask (non-zero = inside), in COCO's column-major order. */
export function rleEncode(mask: ArrayLike<number>, h: number, w: number): number[] {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  for (let u = 0; u < w; u++) {
    for (let v = 0; v < h; v++) {
      const bit = mask[v * w + u]! !== 0 ? 1 : 0;
      if (bit !== value) {
        counts.push(run);
        value = bit;
        run = 0;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** The row-major h × w mask (1 = inside) of COCO run lengths; the counts must sum to h·w. */
export function rleDecode(counts: readonly number[], h: number, w: number): Uint8Array {
  const mask = new Uint8Array(h * w);
  let p = 0;
  for (let k = 0; k < counts.length; k++) {
    const end = p + counts[k]!;
    if (k % 2 === 1) {
      for (let q = p; q < end; q++) mask[(q % h) * w + Math.floor(q / h)] = 1;
    }
    p = end;
  }
  return mask;
}

/** COCO's compressed string form of run lengths: 5-bit groups as characters from '0', deltas from index 3 on. */
export function countsToString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    let more = true;
    while (more) {
      const c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      out += String.fromCharCode(48 + (more ? c | 0x20 : c));
    }
  }
  return out;
}

/** Run lengths of a compressed COCO RLE string, or a message saying where it is malformed. */
export function stringToCounts(s: string): number[] | string {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let scale = 1;
    let more = true;
    while (more) {
      if (p >= s.length) return `ends inside a run length (character ${p})`;
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) return `character ${p} ("${s[p]}") is not a COCO RLE character`;
      x += (c & 0x1f) * scale;
      scale *= 32;
      more = (c & 0x20) !== 0;
      p++;
      if (!more && c & 0x10) x -= scale;
    }
    const i = counts.length;
    counts.push(i > 2 ? x + counts[i - 2]! : x);
  }
  return counts;
}
