import { MATRIX_MODE, VECTOR_MODE } from '../backend.ts';
import { axisTaps, type Taps } from './interp.ts';
import type { Num } from './types.ts';

type Three<T> = readonly [T, T, T];
type Visit = (texel: number, w: number) => void;

/** Calls visit(texelIndex, weight) for the in-range bilinear taps of a (rows × cols) plane. */
function planeTaps(cols: number, r: Taps, c: Taps, visit: (texel: number, w: number) => void): void {
  for (const [ri, rw] of [
    [r.i0, r.w0],
    [r.i1, r.w1],
  ] as const) {
    if (ri < 0) continue;
    if (c.i0 >= 0) visit(ri * cols + c.i0, rw * c.w0);
    if (c.i1 >= 0) visit(ri * cols + c.i1, rw * c.w1);
  }
}

/** Calls visit(texelIndex, weight) for the in-range linear taps of a line. */
function lineTaps(t: Taps, visit: (texel: number, w: number) => void): void {
  if (t.i0 >= 0) visit(t.i0, t.w0);
  if (t.i1 >= 0) visit(t.i1, t.w1);
}

/** Component c of a channel-last plane / line sampled at the given taps. */
function sampleAt(data: Num, comps: number, c: number, taps: (visit: Visit) => void): number {
  let s = 0;
  taps((texel, w) => {
    s += w * data[texel * comps + c]!;
  });
  return s;
}

function pointTaps(coords: Num, p: number, res: Three<number>): Taps[] {
  return [0, 1, 2].map((axis) => axisTaps(coords[p * 3 + axis]!, res[axis]!));
}

/** TensoRF VM features (or their per-point sum) at n points; channel-last layouts as in VmArgs. */
export function vmGatherRef(
  planes: Three<Num>,
  lines: Three<Num>,
  res: Three<number>,
  comps: number,
  coords: Num,
  n: number,
  out: Num,
  sum = false,
): void {
  for (let p = 0; p < n; p++) {
    const taps = pointTaps(coords, p, res);
    let acc = 0;
    for (let i = 0; i < 3; i++) {
      const [a, b] = MATRIX_MODE[i]!;
      const v = VECTOR_MODE[i]!;
      const cols = res[a]!;
      const pt = (visit: Visit) => planeTaps(cols, taps[b]!, taps[a]!, visit);
      const lt = (visit: Visit) => lineTaps(taps[v]!, visit);
      for (let c = 0; c < comps; c++) {
        const f = sampleAt(planes[i]!, comps, c, pt) * sampleAt(lines[i]!, comps, c, lt);
        if (sum) acc += f;
        else out[p * 3 * comps + i * comps + c] = f;
      }
    }
    if (sum) out[p] = acc;
  }
}

/** Adds the gradients of vmGatherRef's output (weighted by gradOut) into gradPlanes / gradLines. */
export function vmScatterRef(
  planes: Three<Num>,
  lines: Three<Num>,
  res: Three<number>,
  comps: number,
  coords: Num,
  n: number,
  gradOut: Num,
  gradPlanes: Three<Num>,
  gradLines: Three<Num>,
  sum = false,
): void {
  for (let p = 0; p < n; p++) {
    const taps = pointTaps(coords, p, res);
    for (let i = 0; i < 3; i++) {
      const [a, b] = MATRIX_MODE[i]!;
      const v = VECTOR_MODE[i]!;
      const cols = res[a]!;
      const pt = (visit: Visit) => planeTaps(cols, taps[b]!, taps[a]!, visit);
      const lt = (visit: Visit) => lineTaps(taps[v]!, visit);
      for (let c = 0; c < comps; c++) {
        const g = sum ? gradOut[p]! : gradOut[p * 3 * comps + i * comps + c]!;
        const pv = sampleAt(planes[i]!, comps, c, pt);
        const lv = sampleAt(lines[i]!, comps, c, lt);
        pt((texel, w) => {
          gradPlanes[i]![texel * comps + c]! += w * g * lv;
        });
        lt((texel, w) => {
          gradLines[i]![texel * comps + c]! += w * g * pv;
        });
      }
    }
  }
}
