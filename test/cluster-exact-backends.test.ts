// HDBSCAN's all-pairs kernels (core distances, Prim's mutual-reachability MST) on every backend against the
// TypeScript reference: bit-identical edges and weights for 1, 2 and 3 threads, with and without tied distances.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { type Backend, createBackend, nativeAvailable } from '../src/kernels/index.ts';
import {
  coreDistancesSqRef,
  mutualReachabilityMstRef,
} from '../src/kernels/reference/mutual-reachability.ts';

// The WASM backend runs the reference (one instance checks the wiring); the native kernel runs on 1–3 threads.
const backends: { name: string; be: Backend }[] = [
  { name: 'ts', be: createBackend({ kind: 'ts' }) },
  { name: 'wasm', be: createBackend({ kind: 'wasm', threads: 2 }) },
];
for (const threads of [1, 2, 3])
  if (nativeAvailable())
    backends.push({ name: `native ×${threads}`, be: createBackend({ kind: 'native', threads }) });
if (!nativeAvailable() && process.env.CI) throw new Error('CI: the native kernels were not built');
after(() => {
  for (const { be } of backends) be.dispose();
});

const cases = [
  // n above the native kernel's 512-point block, so blocks and thread splits have ragged ends.
  { name: 'continuous 24-D', n: 700, d: 24, grid: false, ks: [1, 5] },
  { name: 'integer grid, repeated points and ties', n: 700, d: 3, grid: true, ks: [1, 3, 8] },
  // Many dimensions, where all distances are nearly equal: the float filter rules out little.
  { name: 'wide 1000-D, distances concentrated', n: 1000, d: 1000, grid: false, ks: [3] },
  { name: 'continuous 1-D', n: 600, d: 1, grid: false, ks: [1, 4] },
  // Coordinates near 1000 with jitter of a few float steps: float sums are far from exact, and near-ties abound.
  { name: 'large offset, tiny jitter', n: 600, d: 16, grid: false, offset: 1000, scale: 2e-4, ks: [1, 3] },
  { name: 'two points', n: 2, d: 5, grid: false, ks: [1, 2] },
  { name: 'one point', n: 1, d: 3, grid: false, ks: [1] },
];

for (const c of cases) {
  test(`core distances and mutual-reachability MST match the reference bit for bit (${c.name})`, () => {
    const rng = new Rng(c.name);
    const { offset = 0, scale = 1 } = c as { offset?: number; scale?: number };
    const pts = Float32Array.from({ length: c.n * c.d }, () =>
      c.grid ? rng.int(4) : offset + scale * rng.normal(),
    );
    for (const k of c.ks) {
      const core = coreDistancesSqRef(pts, c.n, c.d, k);
      const tree = mutualReachabilityMstRef(pts, c.n, c.d, core);
      // The TS and WASM backends run the reference itself: their wiring is checked on the small cases only.
      for (const { name, be } of backends.filter((b) => b.be.kind === 'native' || c.n * c.d <= 1e5)) {
        const out = new Float64Array(c.n).fill(-1);
        be.coreDistancesSq({ points: pts, n: c.n, d: c.d, k: Math.min(k, c.n), out });
        assert.deepEqual(out, core, `${name}: core distances, k=${k}`);
        const m = Math.max(0, c.n - 1);
        const got = { lo: new Int32Array(m), hi: new Int32Array(m), w2: new Float64Array(m) };
        be.mutualReachabilityMst({ points: pts, n: c.n, d: c.d, coreSq: core, ...got });
        assert.deepEqual(got, tree, `${name}: MST, k=${k}`);
      }
    }
  });
}

test('core distances: ties with the point itself and k above the neighbour count', () => {
  const pts = Float32Array.from([0, 0, 3, 0, 3, 0, 10, 0]);
  for (const { name, be } of backends) {
    const out = new Float64Array(4);
    be.coreDistancesSq({ points: pts, n: 4, d: 2, k: 2, out });
    assert.deepEqual(Array.from(out), [9, 0, 0, 49], name);
    be.coreDistancesSq({ points: pts, n: 4, d: 2, k: 4, out });
    assert.deepEqual(Array.from(out), [100, 49, 49, 100], name);
  }
});
