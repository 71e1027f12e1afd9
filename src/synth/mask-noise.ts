/** Detector-like edits of an integer label map (0 = no segment): merges, splits, erosion, dilation, blobs. */

/** A row-major label map; label 0 means no segment. */
export interface LabelMap {
  w: number;
  h: number;
  data: Int32Array;
}

/** An inclusive pixel box. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Bounding boxes of labels 1..maxLabel (null for labels with no pixel). */
export function labelBoxes(map: LabelMap, maxLabel: number): (Box | null)[] {
  const boxes: (Box | null)[] = new Array(maxLabel + 1).fill(null);
  const { w, h, data } = map;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = data[y * w + x]!;
      if (l === 0) continue;
      const b = boxes[l];
      if (!b) boxes[l] = { x0: x, y0: y, x1: x, y1: y };
      else {
        if (x < b.x0) b.x0 = x;
        if (x > b.x1) b.x1 = x;
        b.y1 = y;
      }
    }
  }
  return boxes;
}

/** Pixel counts of labels 0..maxLabel. */
export function labelAreas(map: LabelMap, maxLabel: number): Int32Array {
  const areas = new Int32Array(maxLabel + 1);
  for (const l of map.data) areas[l]!++;
  return areas;
}

/** Distinct pairs [a, b] (a < b, both non-zero) of labels that touch through a 4-neighbour, sorted. */
export function touchingPairs(map: LabelMap): [number, number][] {
  const { w, h, data } = map;
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  const visit = (a: number, b: number): void => {
    if (a === 0 || b === 0 || a === b) return;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = lo * 2 ** 26 + hi;
    if (seen.has(key)) return;
    seen.add(key);
    pairs.push([lo, hi]);
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = data[y * w + x]!;
      if (x + 1 < w) visit(l, data[y * w + x + 1]!);
      if (y + 1 < h) visit(l, data[(y + 1) * w + x]!);
    }
  }
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

/**
 * Cuts label `label` by the line through its centroid at angle `angle`, giving one side `newLabel`.
 * Returns false (and changes nothing) when either side would have fewer than `minSide` pixels.
 */
export function splitByLine(
  map: LabelMap,
  box: Box,
  label: number,
  newLabel: number,
  angle: number,
  minSide = 2,
): boolean {
  const { w, data } = map;
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      if (data[y * w + x] !== label) continue;
      n++;
      sx += x;
      sy += y;
    }
  }
  if (n === 0) return false;
  const cx = sx / n;
  const cy = sy / n;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const side: number[] = [];
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      const i = y * w + x;
      if (data[i] === label && (x - cx) * c + (y - cy) * s > 0) side.push(i);
    }
  }
  if (side.length < minSide || n - side.length < minSide) return false;
  for (const i of side) data[i] = newLabel;
  return true;
}

/** Clamps a box grown by `r` pixels to the image. */
function grow(map: LabelMap, box: Box, r: number): Box {
  return {
    x0: Math.max(0, box.x0 - r),
    y0: Math.max(0, box.y0 - r),
    x1: Math.min(map.w - 1, box.x1 + r),
    y1: Math.min(map.h - 1, box.y1 + r),
  };
}

/** Whether pixel (x, y) has a neighbour (4-neighbours, or 8 when `eight`) for which `test` holds. */
function anyNeighbour(
  map: LabelMap,
  x: number,
  y: number,
  eight: boolean,
  test: (label: number) => boolean,
): boolean {
  const { w, h, data } = map;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      if ((dx === 0 && dy === 0) || (!eight && dx !== 0 && dy !== 0)) continue;
      const nx = x + dx;
      const ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      if (test(data[ny * w + nx]!)) return true;
    }
  }
  return false;
}

/** Erodes label `label` by `r` pixels (alternating 4/8-neighbour steps); eroded pixels become 0. */
export function erode(map: LabelMap, box: Box, label: number, r: number): void {
  const { w, data } = map;
  for (let it = 0; it < r; it++) {
    const eight = it % 2 === 1;
    const drop: number[] = [];
    for (let y = box.y0; y <= box.y1; y++) {
      for (let x = box.x0; x <= box.x1; x++) {
        if (data[y * w + x] !== label) continue;
        if (anyNeighbour(map, x, y, eight, (l) => l !== label)) drop.push(y * w + x);
      }
    }
    for (const i of drop) data[i] = 0;
  }
}

/** Dilates label `label` by `r` pixels (alternating 4/8-neighbour steps) over background and other labels. */
export function dilate(map: LabelMap, box: Box, label: number, r: number): void {
  const { w, data } = map;
  for (let it = 0; it < r; it++) {
    const eight = it % 2 === 1;
    const area = grow(map, box, it + 1);
    const take: number[] = [];
    for (let y = area.y0; y <= area.y1; y++) {
      for (let x = area.x0; x <= area.x1; x++) {
        if (data[y * w + x] === label) continue;
        if (anyNeighbour(map, x, y, eight, (l) => l === label)) take.push(y * w + x);
      }
    }
    for (const i of take) data[i] = label;
  }
}

/** Paints a rotated ellipse with `label` onto pixels that are 0; returns how many pixels it painted. */
export function paintEllipse(
  map: LabelMap,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  angle: number,
  label: number,
): number {
  const { w, h, data } = map;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const r = Math.ceil(Math.max(rx, ry));
  let painted = 0;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(h - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(w - 1, Math.ceil(cx + r)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * c + dy * s) / rx;
      const v = (-dx * s + dy * c) / ry;
      const i = y * w + x;
      if (u * u + v * v <= 1 && data[i] === 0) {
        data[i] = label;
        painted++;
      }
    }
  }
  return painted;
}

/**
 * 4-neighbour distance of every pixel to the nearest label change, capped at `band` (a pixel with a
 * differently labelled neighbour has distance 0).
 */
export function boundaryDistance(map: LabelMap, band: number): Uint16Array {
  const { w, h, data } = map;
  const dist = new Uint16Array(w * h).fill(band);
  let frontier: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = data[i]!;
      if (
        (x > 0 && data[i - 1] !== l) ||
        (x + 1 < w && data[i + 1] !== l) ||
        (y > 0 && data[i - w] !== l) ||
        (y + 1 < h && data[i + w] !== l)
      ) {
        dist[i] = 0;
        frontier.push(i);
      }
    }
  }
  for (let d = 1; d < band && frontier.length > 0; d++) {
    const next: number[] = [];
    for (const i of frontier) {
      const x = i % w;
      const y = (i - x) / w;
      const nbrs = [x > 0 ? i - 1 : -1, x + 1 < w ? i + 1 : -1, y > 0 ? i - w : -1, y + 1 < h ? i + w : -1];
      for (const j of nbrs) {
        if (j >= 0 && dist[j]! > d) {
          dist[j] = d;
          next.push(j);
        }
      }
    }
    frontier = next;
  }
  return dist;
}
