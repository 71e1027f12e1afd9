/**
 * The kernels of the WebGPU smoke test, run the same way in Node and in the browser worker: one MLP layer forward
 * and backward with an Adam update, a VM gather and compositing weights. Returns plain copies of the outputs.
 */
import type { Backend } from '../../../src/kernels/backend.ts';

/** Inputs as plain arrays (they cross postMessage). */
export interface SmokeInputs {
  x: number[];
  w: number[];
  b: number[];
  dy: number[];
  planes: number[][];
  lines: number[][];
  coords: number[];
  sigma: number[];
  delta: number[];
  rayStart: number[];
}

/** Shapes of the smoke test. */
export const SMOKE = { batch: 70, inDim: 19, outDim: 33, comps: 4, res: [5, 4, 7] as const, points: 50 };

/** Runs the smoke kernels on `be` and returns every output as a plain array. */
export function runSmokeKernels(be: Backend, inp: SmokeInputs): Record<string, number[]> {
  const put = (a: number[]) => {
    const t = be.alloc(a.length);
    t.set(a);
    return t;
  };
  const { batch, inDim, outDim, comps, res, points } = SMOKE;
  const [x, w, b] = [put(inp.x), put(inp.w), put(inp.b)];
  const y = be.alloc(batch * outDim);
  be.linearForward({ x, w, b, y, batch, inDim, outDim, relu: true });
  const dy = put(inp.dy);
  const dw = be.alloc(inDim * outDim);
  const db = be.alloc(outDim);
  const dx = be.alloc(batch * inDim);
  be.linearBackward({ x, w, y, dy, dx, dw, db, batch, inDim, outDim, relu: true });
  const m = be.alloc(w.length);
  const v = be.alloc(w.length);
  be.adam({ param: w, grad: dw, m, v, step: 1, lr: 0.01 });
  const planes = inp.planes.map(put) as [Float32Array, Float32Array, Float32Array];
  const lines = inp.lines.map(put) as [Float32Array, Float32Array, Float32Array];
  const feat = be.alloc(points * 3 * comps);
  be.vmGather({ planes, lines, res, comps, coords: put(inp.coords), n: points, out: feat });
  const rayStart = be.allocInt32(inp.rayStart.length);
  rayStart.set(inp.rayStart);
  const weights = be.alloc(inp.sigma.length);
  const opacity = be.alloc(inp.rayStart.length - 1);
  const numRays = inp.rayStart.length - 1;
  be.renderWeights({ sigma: put(inp.sigma), delta: put(inp.delta), rayStart, numRays, weights, opacity });
  const out = { y, dx, dw, db, w, feat, weights, opacity };
  return Object.fromEntries(Object.entries(out).map(([k, a]) => [k, Array.from(a)]));
}
